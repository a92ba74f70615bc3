"""Who may do what: one auth function per action, answered from the role a user
holds in the current tenant (CKAN's capacity per organisation).

And sessions that end: a login session names its user as "user_id:generation"
(`User.get_id`), and `load_user` accepts it only while the user is active and the
generation is the user's current one. Raising the generation (`User.end_sessions`)
ends every session and remember-me cookie of the user at once: logout, a new
password, deactivation, and the removal of the user's last membership (which also
revokes the user's API tokens) do so. Every answer behind a login (a session or a
token) carries `Cache-Control: no-store`.
"""
from __future__ import annotations

import secrets
from datetime import timedelta
from functools import cache, wraps

from flask import Flask, abort, g, request
from flask_login import current_user
from sqlalchemy import Select, bindparam, event, inspect as sa_inspect, select
from sqlalchemy.orm import joinedload

from finsam_saas.extensions import db, login_manager
from finsam_saas.platform.models import ApiToken, Membership, User, utcnow
from finsam_saas.platform.session import TenantSession

TOKEN_TOUCH_INTERVAL = timedelta(hours=1)

EVERYONE = frozenset({"admin", "kansli", "ledamot", "revisor", "lasare", "insatsansvarig", "valberedning"})
BOARD = frozenset({"admin", "kansli", "ledamot", "revisor", "lasare"})
STAFF = frozenset({"admin", "kansli"})

# action -> roles allowed. Modules add theirs with register_permissions().
PERMISSIONS: dict[str, frozenset[str]] = {
    "tenant.view": EVERYONE,
    "organisation.view": EVERYONE,
    "organisation.print": STAFF | {"ledamot", "revisor"},  # starts a job: not for read-only users
    "audit.view": frozenset({"admin", "revisor"}),
    "jobs.view": EVERYONE,
    "memberships.manage": frozenset({"admin"}),
}


def register_permissions(permissions: dict[str, frozenset[str]]) -> None:
    PERMISSIONS.update(permissions)


def can(action: str, role: str | None = None) -> bool:
    """May the current member (or the given role) do this action?"""
    if role is None:
        membership = g.get("membership")
        role = membership.role if membership else None
    if action not in PERMISSIONS:
        raise KeyError(f"okänd behörighet {action!r}")
    return role in PERMISSIONS[action]


def requires(action: str):
    """Decorator: 403 unless the current member's role allows `action`."""
    if action not in PERMISSIONS:
        raise KeyError(f"okänd behörighet {action!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not can(action):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_action = action
        return wrapped

    return decorator


# Every request runs one of these two: built once, run with the request's values (building a query
# with its loader options and its cache key cost more than running it).
@cache
def _user_query() -> Select:
    # With the memberships and their tenants: every page needs them (the wall, the switcher).
    return select(User).where(User.id == bindparam("user_id")).options(joinedload(User.memberships))


@cache
def _token_query() -> Select:
    return (select(ApiToken).where(ApiToken.token_hash == bindparam("token_hash"))
            .options(joinedload(ApiToken.user).joinedload(User.memberships)))


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a login session ("user_id:generation"), or None when the session has ended:
    the user is gone or inactive, or the generation is no longer the user's (an id without one
    is a session from before sessions could end, and ends too)."""
    user_id, _, generation = str(session_id).partition(":")
    if not (user_id.isdigit() and generation.isdigit()):
        return None
    user = db.session.scalar(_user_query(), {"user_id": int(user_id)})
    if user is None or not user.active or (user.session_generation or 1) != int(generation):
        return None
    return user


def issue_token(user: User, name: str) -> str:
    """Make a token for the user; returns the token, which is never stored."""
    token = "fs_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, name=name, token_hash=ApiToken.hash(token), prefix=token[:8]))
    return token


def user_for_token(token: str) -> User | None:
    """The active user of a token that is not revoked, or None."""
    api_token = db.session.scalar(_token_query(), {"token_hash": ApiToken.hash(token)})
    if api_token is None or api_token.revoked or not api_token.user.active:
        return None
    _touch(api_token)
    return api_token.user


def _touch(api_token: ApiToken) -> None:
    # Written at most hourly, so reads through the API do not each cost a write.
    now = utcnow()
    last = api_token.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=now.tzinfo)
    if last is None or now - last > TOKEN_TOUCH_INTERVAL:
        api_token.last_used_at = now
        db.session.commit()


def revoke_token(api_token: ApiToken) -> None:
    """Revoke the token (from the next commit on it opens nothing)."""
    if api_token.revoked_at is None:
        api_token.revoked_at = utcnow()


@event.listens_for(TenantSession, "before_flush")
def _end_sessions_of_removed_users(session, flush_context, instances) -> None:
    # Wherever a membership is removed or a user deactivated (the Användare page, `flask users
    # revoke`, a script), in the same flush: a user left with no membership, or deactivated, keeps
    # no session and no working token.
    ended: dict[int, User] = {}
    with session.no_autoflush:
        for obj in list(session.deleted):
            if isinstance(obj, Membership) and obj.user is not None and obj.user not in session.deleted:
                if not any(m not in session.deleted for m in obj.user.memberships):
                    ended[obj.user.id] = obj.user
        for obj in list(session.dirty):
            if isinstance(obj, User) and not obj.active and sa_inspect(obj).attrs.active.history.has_changes():
                ended[obj.id] = obj
        for user in ended.values():
            user.end_sessions()
            for api_token in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                                    ApiToken.revoked_at.is_(None))):
                revoke_token(api_token)


def _behind_login() -> bool:
    if g.get("api_user") is not None:
        return True
    if request.endpoint == "static":
        return False
    return current_user.is_authenticated


def init_app(app: Flask) -> None:
    """Mark every answer behind a login `Cache-Control: no-store` (pages, PDFs, exports, the API
    with a token); public answers (the anslagstavla to a visitor, the login page, static files)
    keep their caching."""

    @app.after_request
    def _no_store_behind_login(response):
        if _behind_login():
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
            response.headers.pop("ETag", None)
        return response
