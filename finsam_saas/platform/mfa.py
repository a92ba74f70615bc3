"""A second factor at login: TOTP (RFC 6238, pyotp), with ten one-time recovery codes.

A user sets it up on their account page: a secret is made (`start_setup`) and shown as a QR code,
an otpauth link and in groups of four; the first code from the app confirms it (`confirm_setup`),
which turns it on and hands out the recovery codes, stored only as SHA-256. At login a code is
asked for after the password (`check_second_factor`): a TOTP code of the step before, now or after
(clocks drift), never one of a step already used, or a recovery code, each usable once.

A tenant may require it of its admins and kansli (`Tenant.require_mfa`): such a member without it is
led to set it up before any page of the tenant (`gate`, run by platform/web.py after the membership
check). The API keeps its tokens: no second factor there.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
from flask import redirect, request, url_for
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from finsam_saas.extensions import db
from finsam_saas.platform import clock
from finsam_saas.platform.models import Membership, RecoveryCode, User, utcnow

ISSUER = "Finsam"
STEP_SECONDS = 30
DRIFT_STEPS = 1  # the step before and the one after are accepted too
RECOVERY_CODES = 10
# Twelve characters of 31 (no 0/o, 1/l/i): about 59 bits each, shown as "abcd-efgh-jkmn".
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 12
# Roles a tenant's requirement applies to.
REQUIRED_ROLES = frozenset({"admin", "kansli"})
REQUIRED_ROLES_TEXT = "administratörer och kansli"


def _now() -> float:
    return clock._utcnow().timestamp()


def start_setup(user: User) -> str:
    """The secret of a set-up not yet confirmed, made when there is none; returns it.

    Raises ValueError when the user already has the second factor on."""
    if user.mfa_enabled:
        raise ValueError("Tvåstegsverifieringen är redan på.")
    if not user.mfa_secret:
        user.mfa_secret = pyotp.random_base32()  # 32 characters, 160 bits
    return user.mfa_secret


def restart_setup(user: User) -> str:
    """A new secret for a set-up not yet confirmed (the old one was shown to someone else, or lost)."""
    if user.mfa_enabled:
        raise ValueError("Tvåstegsverifieringen är redan på.")
    user.mfa_secret = None
    return start_setup(user)


def grouped(secret: str) -> str:
    """The secret in groups of four for typing into an app: "ABCD EFGH …"."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(user: User) -> str:
    """The otpauth:// URI of the user's secret (what the QR code holds; a phone opens its app on it)."""
    return pyotp.TOTP(user.mfa_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _digits(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-")


def verify_totp(user: User, code: str) -> bool:
    """Is `code` the user's TOTP code of the current step (or one step off), and of a step after the
    last accepted one? On success the step is recorded, so the same code never works twice."""
    code = _digits(code)
    if not user.mfa_secret or len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(user.mfa_secret)
    now_step = int(_now() // STEP_SECONDS)
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if user.mfa_last_step is not None and step <= user.mfa_last_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return _claim_step(user, step)
    return False


def _claim_step(user: User, step: int) -> bool:
    # One conditional UPDATE: of two requests with the same code at the same moment (a code read
    # over the shoulder and typed at once), one wins; the other finds the step already taken.
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.mfa_last_step.is_(None), User.mfa_last_step < step))
        .values(mfa_last_step=step)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    set_committed_value(user, "mfa_last_step", step)
    return True


def _normal_recovery(code: str) -> str:
    return _digits(code).lower()


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(_normal_recovery(code).encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes for the user (the earlier ones stop working); returns them as shown,
    "abcd-efgh-jkmn". Only their hashes are stored: they are shown once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append("-".join(raw[i:i + 4] for i in range(0, RECOVERY_LENGTH, 4)))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(raw)))
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Use one of the user's recovery codes: True once per code (two requests racing with the same
    code: one wins, by a single conditional UPDATE)."""
    normal = _normal_recovery(code)
    if len(normal) != RECOVERY_LENGTH:
        return False
    result = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _recovery_hash(normal),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def remaining_recovery_codes(user: User) -> int:
    """How many of the user's recovery codes are unused."""
    return db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def confirm_setup(user: User, code: str) -> list[str] | None:
    """Turn the second factor on when `code` is right for the set-up's secret; returns the ten
    recovery codes to show, or None (nothing changed) for a wrong code. Every other session of the
    user ends (the caller logs the current one in again)."""
    if user.mfa_enabled or not user.mfa_secret or not verify_totp(user, code):
        return None
    user.mfa_enabled_at = utcnow()
    user.end_sessions()
    return new_recovery_codes(user)


def check_second_factor(user: User, code: str) -> str | None:
    """Check a code given at login: "totp" or "recovery" for the kind that was right, else None."""
    if not user.mfa_enabled:
        return None
    if len(_digits(code)) == 6 and _digits(code).isdigit():
        return "totp" if verify_totp(user, code) else None
    return "recovery" if use_recovery_code(user, code) else None


def disable(user: User) -> None:
    """Turn the second factor off: the secret and the recovery codes are removed."""
    user.mfa_secret = None
    user.mfa_enabled_at = None
    user.mfa_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def reset(user: User) -> None:
    """An admin's reset of another user's second factor (a lost phone): off, and every session of
    the user ends, so the next login is with the password only (and a tenant that requires it leads
    them to set it up again). The caller writes the audit entry."""
    disable(user)
    user.end_sessions()


def required_for(membership) -> bool:
    """Does the membership's tenant require a second factor of it? Only a tenant's own admins and
    kansli (a guest admitted by a module, such as a member förbund's kansli in NNS, is not one)."""
    return (isinstance(membership, Membership) and membership.role in REQUIRED_ROLES
            and bool(membership.tenant.require_mfa))


def gate(user: User, membership):
    """A redirect to the set-up when the tenant requires a second factor the user has not set up,
    else None (platform/web.py runs it before every page of a tenant)."""
    if user.mfa_enabled or not required_for(membership):
        return None
    # The set-up page says which tenant requires it, and why (no flash: it would say it twice).
    return redirect(url_for("platform.mfa_setup", next=request.full_path))
