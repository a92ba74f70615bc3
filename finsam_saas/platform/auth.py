"""Who may do what: one auth function per action, answered from the role a user
holds in the current tenant (CKAN's capacity per organisation)."""
from __future__ import annotations

import secrets
from datetime import timedelta
from functools import cache, wraps

from flask import abort, g
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from finsam_saas.extensions import db, login_manager
from finsam_saas.platform.models import ApiToken, User, utcnow

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
def load_user(user_id: str) -> User | None:
    return db.session.scalar(_user_query(), {"user_id": int(user_id)})


def issue_token(user: User, name: str) -> str:
    """Make a token for the user; returns the token, which is never stored."""
    token = "fs_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, name=name, token_hash=ApiToken.hash(token), prefix=token[:8]))
    return token


def user_for_token(token: str) -> User | None:
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
    if api_token.revoked_at is None:
        api_token.revoked_at = utcnow()
