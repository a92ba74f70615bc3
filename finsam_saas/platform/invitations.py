"""Invitations: a signed link that lets a new user choose a password.

The link carries the user's id and a digest of the current password hash, so it
stops working once used (the hash changes) and after INVITATION_DAYS.
"""
from __future__ import annotations

import hashlib

from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from finsam_saas.extensions import db
from finsam_saas.platform.mail import send_mail
from finsam_saas.platform.models import User

INVITATION_DAYS = 14


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="invitation")


def _state(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def invitation_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "state": _state(user)})


def user_for_invitation(token: str) -> User | None:
    try:
        data = _serializer().loads(token, max_age=INVITATION_DAYS * 86400)
    except BadSignature:
        return None
    user = db.session.get(User, data.get("user"))
    if user is None or not user.active or data.get("state") != _state(user):
        return None
    return user


def public_link(endpoint: str, **values) -> str:
    """An absolute link for mail, from PUBLIC_URL (in a job there is no request to take it from)."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(parts.netloc, url_scheme=parts.scheme, script_name=parts.path or "/")
    return adapter.build(endpoint, values, force_external=True)


def invitation_text(user: User, *, why: str) -> tuple[str, str, str]:
    """(subject, body, link) of the mail that lets the user choose a password."""
    link = public_link("platform.accept_invitation", token=invitation_token(user))
    body = (f"Hej {user.display_name},\n\n{why}\n\nVälj ditt lösenord här (länken gäller i {INVITATION_DAYS} dagar "
            f"och kan användas en gång):\n{link}\n")
    return "Inbjudan till Finsam", body, link


def send_invitation(user: User, *, why: str) -> str:
    """Mail the user a link to choose a password; returns the link."""
    subject, body, link = invitation_text(user, why=why)
    send_mail(user.email, subject, body)
    return link
