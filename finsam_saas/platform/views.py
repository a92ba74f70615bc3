"""Pages of the platform: login, logout, tenant switch, account and API tokens,
and each tenant's start page, jobs and audit log."""
from __future__ import annotations

import io
import time
from functools import cache
from urllib.parse import urlsplit

from flask import (
    Blueprint, abort, flash, g, make_response, redirect, render_template, request, send_file, session, url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from finsam_saas.extensions import db
from finsam_saas.organisation import services as organisation
from finsam_saas.platform import mfa
from finsam_saas.platform.auth import can, issue_token, requires, revoke_token
from finsam_saas.platform.formatting import plural
from finsam_saas.platform.rounding import ratio
from finsam_saas.platform.forms import EmptyForm, LoginForm, MembershipForm, RoleForm, TokenForm
from finsam_saas.platform.models import ROLE_LABELS, ROLES, ApiToken, AuditEntry, Job, Membership, Tenant, User, utcnow
from finsam_saas.platform.invitations import user_for_invitation
from finsam_saas.platform.jobs import refresh_from_queue
from finsam_saas.platform.qr import qr_svg
from finsam_saas.platform.ratelimit import login_limiter
from finsam_saas.platform.tenancy import current_actor
from finsam_saas.platform.web import LANDINGS, get_or_404, guest_start, start_items, start_panels, tenant_blueprint

MIN_PASSWORD = 10
# How long the code step of a login waits for the code after the password was right.
SECOND_FACTOR_SECONDS = 300
TOO_MANY = "För många misslyckade inloggningar. Försök igen om {wait}."
TOO_MANY_CODES = "För många felaktiga koder. Logga in igen om {wait}."

blueprint = Blueprint("platform", __name__)
tenant_pages = tenant_blueprint("tenant", __name__)


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    return target


@blueprint.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("platform.login"))
    for landing in LANDINGS:
        target = landing(current_user)
        if target:
            return redirect(target)
    memberships = current_user.memberships
    if len(memberships) == 1:
        return redirect(url_for("tenant.start", tenant=memberships[0].tenant.slug))
    return render_template("platform/choose_tenant.html", memberships=memberships)


def _boards() -> list[Tenant]:
    return list(db.session.scalars(select(Tenant).order_by(Tenant.name)))


@cache
def _unknown_user_hash() -> str:
    # Checked against for an address nobody has, so that an unknown one costs the same time as a
    # wrong password and the answer tells nothing about which addresses exist.
    return generate_password_hash("ingen användare har detta lösenord", method="scrypt")


def _wait_text(seconds: int) -> str:
    return plural(max(1, ratio(seconds, 60)), "minut", "minuter")


def _login_refused(form, wait: int, message: str = TOO_MANY):
    flash(message.format(wait=_wait_text(wait)), "error")
    response = make_response(render_template("platform/login.html", form=form, boards=_boards()), 429)
    response.headers["Retry-After"] = str(wait)
    return response


def _complete_login(user: User, target: str | None):
    session.pop("mfa_pending", None)
    login_user(user)
    flash(f"Välkommen, {user.display_name}.", "success")
    return redirect(_safe_next(target) or url_for("platform.index"))


@blueprint.route("/logga-in", methods=["GET", "POST"])
def login():
    """The password; then the code of the second factor when the user has one (`login_code`).

    Limits (platform/ratelimit.py): an account that failed waits; an address that failed often has
    its wrong passwords refused (429, Retry-After), never the right password of an account that has
    not failed. The answers are the same for an unknown address as for a wrong password."""
    form = LoginForm()
    if form.validate_on_submit():
        limiter = login_limiter()
        email = form.email.data
        wait = limiter.account_wait(email)
        if wait:
            return _login_refused(form, wait)
        user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
        if user is None:
            check_password_hash(_unknown_user_hash(), form.password.data)
        password_ok = user is not None and user.active and user.check_password(form.password.data)
        wait = limiter.address_refusal(email, password_ok)
        if not password_ok:
            limiter.failed(email)
        if wait:
            return _login_refused(form, wait)
        if not password_ok:
            flash("Fel e-postadress eller lösenord.", "error")
            return render_template("platform/login.html", form=form, boards=_boards()), 401
        if user.mfa_enabled:
            # Five wrong codes: the login starts over and waits, the right password with it.
            wait = limiter.second_factor_wait(user.id)
            if wait:
                return _login_refused(form, wait, TOO_MANY_CODES)
            session["mfa_pending"] = {"user": user.id, "generation": user.session_generation,
                                      "at": int(time.time()), "next": _safe_next(request.args.get("next"))}
            return redirect(url_for("platform.login_code"))
        return _complete_login(user, request.args.get("next"))
    return render_template("platform/login.html", form=form, boards=_boards())


def _pending_login() -> User | None:
    pending = session.get("mfa_pending")
    if not (isinstance(pending, dict) and isinstance(pending.get("user"), int)
            and isinstance(pending.get("at"), int) and time.time() - pending["at"] <= SECOND_FACTOR_SECONDS):
        return None
    user = db.session.get(User, pending["user"])
    if user is None or not user.active or not user.mfa_enabled or user.session_generation != pending.get("generation"):
        return None
    return user


def _codes_exhausted(wait: int):
    session.pop("mfa_pending", None)
    flash(TOO_MANY_CODES.format(wait=_wait_text(wait)), "error")
    response = make_response(redirect(url_for("platform.login")))
    response.headers["Retry-After"] = str(wait)
    return response


@blueprint.route("/logga-in/kod", methods=["GET", "POST"])
def login_code():
    """The second step of a login: the code from the app, or a recovery code (each once).
    Five wrong codes and the login starts over (to the password, with Retry-After), and waits."""
    user = _pending_login()
    if user is None:
        session.pop("mfa_pending", None)
        flash("Logga in med e-postadress och lösenord först.", "info")
        return redirect(url_for("platform.login"))
    errors, status = {}, 200
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        limiter = login_limiter()
        if wait := limiter.second_factor_wait(user.id):
            return _codes_exhausted(wait)
        field = "recovery_code" if request.form.get("recovery_code", "").strip() else "code"
        kind = mfa.check_second_factor(user, request.form.get(field, ""))
        if kind:
            db.session.commit()
            target = session["mfa_pending"].get("next")
            answer = _complete_login(user, target)
            if kind == "recovery":
                left = mfa.remaining_recovery_codes(user)
                flash(f"Du loggade in med en återställningskod; {plural(left, 'kod', 'koder')} kvar. "
                      "Skapa nya under Mitt konto om du har få kvar.", "info")
            return answer
        limiter.second_factor_failed(user.id)
        if wait := limiter.second_factor_wait(user.id):  # that was the fifth: the login starts over
            return _codes_exhausted(wait)
        errors[field] = ("Återställningskoden stämmer inte, eller är redan använd." if field == "recovery_code" else
                         "Koden stämmer inte. Skriv de sex siffrorna som appen visar nu.")
        status = 401
    response = make_response(render_template("platform/login_code.html", errors=errors), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/inbjudan/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    user = user_for_invitation(token)
    if user is None:
        flash("Inbjudningslänken är ogiltig, redan använd eller för gammal. Be om en ny.", "error")
        return redirect(url_for("platform.login"))
    error = None
    if request.method == "POST" and EmptyForm().validate_on_submit():
        password = request.form.get("password") or ""
        if len(password) < MIN_PASSWORD:
            error = f"Lösenordet måste ha minst {MIN_PASSWORD} tecken."
        elif password != request.form.get("password_again"):
            error = "Lösenorden är inte lika."
        else:
            user.set_password(password)
            db.session.commit()
            session.pop("mfa_pending", None)
            login_user(user)
            flash("Ditt lösenord är sparat och du är inloggad.", "success")
            return redirect(url_for("platform.index"))
    return render_template("platform/invitation.html", user=user, form=EmptyForm(), error=error,
                           min_password=MIN_PASSWORD), 400 if error else 200


@blueprint.route("/logga-ut", methods=["POST"])
def logout():
    """Log out: every session of the user ends, here and on every other device (a copied cookie
    with it)."""
    if EmptyForm().validate_on_submit():
        if current_user.is_authenticated:
            current_user.end_sessions()
            db.session.commit()
        logout_user()
        session.pop("mfa_pending", None)
        flash("Du är utloggad, på alla enheter där du var inloggad.", "success")
        return redirect(url_for("platform.login"))
    abort(400)


@blueprint.route("/byt-organisation")
@login_required
def switch_tenant():
    slug = request.args.get("tenant", "")
    if not any(m.tenant.slug == slug for m in current_user.memberships):
        abort(404)
    return redirect(url_for("tenant.start", tenant=slug))


def _account_page(form=None, new_token=None, password_errors=None, status=200):
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.created_at.desc())
    ).all()
    return render_template("platform/account.html", form=form or TokenForm(), tokens=tokens, new_token=new_token,
                           revoke_form=EmptyForm(), password_errors=password_errors or {}, min_password=MIN_PASSWORD,
                           recovery_left=mfa.remaining_recovery_codes(current_user) if current_user.mfa_enabled else 0,
                           mfa_required_by=[m.tenant for m in current_user.memberships if mfa.required_for(m)]), status


@blueprint.route("/konto", methods=["GET", "POST"])
@login_required
def account():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        new_token = issue_token(current_user, form.name.data.strip())
        db.session.commit()
        flash("API-nyckeln är skapad. Kopiera den nu: den visas bara en gång.", "success")
    return _account_page(form, new_token)


@blueprint.route("/konto/losenord", methods=["POST"])
@login_required
def change_password():
    """A new password (the current one first): every other session of the user ends; this one goes on."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    limiter = login_limiter()
    wait = limiter.account_wait(current_user.email)
    if wait:
        flash(TOO_MANY.format(wait=_wait_text(wait)), "error")
        response = make_response(_account_page(status=429))
        response.headers["Retry-After"] = str(wait)
        return response
    errors = {}
    password = request.form.get("password") or ""
    if not current_user.check_password(request.form.get("current_password") or ""):
        limiter.failed(current_user.email)
        errors["current_password"] = "Det nuvarande lösenordet stämmer inte."
    if len(password) < MIN_PASSWORD:
        errors["password"] = f"Lösenordet måste ha minst {MIN_PASSWORD} tecken."
    elif password != request.form.get("password_again"):
        errors["password_again"] = "Lösenorden är inte lika."
    if errors:
        return _account_page(password_errors=errors, status=400)
    user = current_user._get_current_object()  # login_user keeps what it is given: the user, not the proxy
    user.set_password(password)
    db.session.commit()
    login_user(user)  # this session with the new generation; all others have ended
    flash("Lösenordet är bytt. Du är utloggad på alla andra enheter.", "success")
    return redirect(url_for("platform.account"))


def _mfa_page(errors=None, status=200, **context):
    user = current_user
    secret = None if user.mfa_enabled else mfa.start_setup(user)
    if db.session.dirty:
        db.session.commit()
    uri = mfa.provisioning_uri(user) if secret else None
    response = make_response(render_template(
        "platform/mfa_setup.html", errors=errors or {}, secret=mfa.grouped(secret) if secret else None, uri=uri,
        qr=Markup(qr_svg(uri, title="QR-kod att skanna med autentiseringsappen")) if uri else None,
        next=_safe_next(request.values.get("next")),
        recovery_left=mfa.remaining_recovery_codes(user) if user.mfa_enabled else 0,
        required_by=[m.tenant for m in user.memberships if mfa.required_for(m)], **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _recovery_codes_page(codes: list[str]):
    response = make_response(render_template("platform/mfa_codes.html", codes=codes,
                                             next=_safe_next(request.values.get("next"))))
    response.headers["Cache-Control"] = "no-store"
    return response


def _second_factor_refused(errors: dict) -> int | None:
    """Check the posted code against the current user's second factor: None when right, else
    the status to answer (the error put beside the field)."""
    limiter = login_limiter()
    wait = limiter.second_factor_wait(current_user.id)
    if wait:
        errors["code"] = f"För många felaktiga koder. Försök igen om {_wait_text(wait)}."
        return 429
    if mfa.check_second_factor(current_user, request.form.get("code", "")) is None:
        limiter.second_factor_failed(current_user.id)
        errors["code"] = "Koden stämmer inte. Skriv de sex siffrorna som appen visar nu, eller en återställningskod."
        return 400
    return None


@blueprint.route("/konto/tvastegsverifiering", methods=["GET", "POST"])
@login_required
def mfa_setup():
    """Set up the second factor (QR code, link and secret, confirmed by a first code; then the ten
    recovery codes, shown once), or see it, when it is on."""
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        if current_user.mfa_enabled:
            return redirect(url_for("platform.mfa_setup"))
        limiter = login_limiter()
        wait = limiter.second_factor_wait(current_user.id)
        if wait:
            return _mfa_page({"code": f"För många felaktiga koder. Försök igen om {_wait_text(wait)}."}, 429)
        codes = mfa.confirm_setup(current_user, request.form.get("code", ""))
        if codes is None:
            limiter.second_factor_failed(current_user.id)
            return _mfa_page({"code": "Koden stämmer inte. Kontrollera att appen visar koden för Finsam och "
                                      "skriv de sex siffrorna den visar nu."}, 400)
        db.session.commit()
        login_user(current_user._get_current_object())  # this session with the new generation: the others have ended
        flash("Tvåstegsverifieringen är på. Från nästa inloggning frågar vi efter koden från appen.", "success")
        return _recovery_codes_page(codes)
    return _mfa_page()


@blueprint.route("/konto/tvastegsverifiering/ny-nyckel", methods=["POST"])
@login_required
def mfa_restart():
    """A new secret for a set-up not yet confirmed."""
    if not EmptyForm().validate_on_submit() or current_user.mfa_enabled:
        abort(400)
    mfa.restart_setup(current_user)
    db.session.commit()
    flash("En ny nyckel är skapad. Lägg till den i appen och ta bort den gamla om du hann lägga till den.", "info")
    return redirect(url_for("platform.mfa_setup", next=_safe_next(request.form.get("next"))))


@blueprint.route("/konto/tvastegsverifiering/nya-koder", methods=["POST"])
@login_required
def mfa_new_codes():
    """Ten new recovery codes (the old ones stop working), against a code."""
    if not EmptyForm().validate_on_submit() or not current_user.mfa_enabled:
        abort(400)
    errors = {}
    refused = _second_factor_refused(errors)
    if refused:
        return _mfa_page(errors, refused, action="nya-koder")
    codes = mfa.new_recovery_codes(current_user)
    db.session.commit()
    flash("Nya återställningskoder är skapade; de gamla gäller inte längre.", "success")
    return _recovery_codes_page(codes)


@blueprint.route("/konto/tvastegsverifiering/stang-av", methods=["POST"])
@login_required
def mfa_disable():
    """Turn the second factor off, against a code (from the app, or a recovery code)."""
    if not EmptyForm().validate_on_submit() or not current_user.mfa_enabled:
        abort(400)
    errors = {}
    refused = _second_factor_refused(errors)
    if refused:
        return _mfa_page(errors, refused, action="stang-av")
    mfa.disable(current_user)
    db.session.commit()
    required = [m.tenant.short_name for m in current_user.memberships if mfa.required_for(m)]
    note = (f" {', '.join(required)} kräver den för din roll: du behöver aktivera den igen innan du kommer vidare dit."
            if required else "")
    flash("Tvåstegsverifieringen är avstängd." + note, "success")
    return redirect(url_for("platform.account"))


@blueprint.route("/konto/nycklar/<int:token_id>/aterkalla", methods=["POST"])
@login_required
def revoke(token_id: int):
    api_token = db.session.get(ApiToken, token_id)
    if api_token is None or api_token.user_id != current_user.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    revoke_token(api_token)
    db.session.commit()
    flash(f"Nyckeln ”{api_token.name}” är återkallad.", "success")
    return redirect(url_for("platform.account"))


@tenant_pages.route("/")
def start():
    """The next meetings of the user's bodies and what waits for them, each a link; one admitted
    only to a page of their own (an ombud in NNS) is sent there instead of a 403."""
    if not can("tenant.view"):
        if (own := guest_start()) is not None:
            return redirect(own)
        abort(403)
    panels = start_panels(current_user, g.membership)  # first: a panel may read another tenant (NNS)
    recent_jobs = db.session.scalars(select(Job).where(Job.actor_id == current_user.id)
                                     .order_by(Job.created_at.desc()).limit(5)).all()
    items = start_items(current_user, g.membership)
    meetings = sorted((i for i in items if i.kind == "meeting"), key=lambda i: i.order)
    todo = sorted((i for i in items if i.kind != "meeting"), key=lambda i: (i.kind != "late", i.order))
    return render_template(
        "platform/start.html", meetings=meetings, todo=todo, panels=panels,
        bodies=organisation.bodies(), members=organisation.members_of(), kansli=organisation.kansli(),
        recent_jobs=recent_jobs,
    )


@tenant_pages.route("/jobb")
@requires("jobs.view")
def jobs():
    rows = db.session.scalars(select(Job).order_by(Job.created_at.desc()).limit(100)).all()
    return render_template("platform/jobs.html", jobs=rows)


@tenant_pages.route("/jobb/<int:job_id>")
@requires("jobs.view")
def job(job_id: int):
    return render_template("platform/job.html", job=refresh_from_queue(get_or_404(Job, job_id)),
                           back=_safe_next(request.args.get("tillbaka")))


@tenant_pages.route("/jobb/<int:job_id>/status")
@requires("jobs.view")
def job_status(job_id: int):
    job = refresh_from_queue(get_or_404(Job, job_id))
    return {"state": job.state, "label": job.state_label, "progress": job.progress, "error": job.error}


@tenant_pages.route("/jobb/<int:job_id>/fil")
@requires("jobs.view")
def job_file(job_id: int):
    from finsam_saas.platform.files import read_verified, tenant_file

    job = get_or_404(Job, job_id)
    if job.state != "finished" or not job.result or "file" not in job.result:
        abort(404)
    if "sha256" not in job.result:  # made before results kept their sha256
        return send_file(tenant_file(g.tenant.slug, job.result["file"]), download_name=job.result.get("filename"),
                         as_attachment=False)
    content = read_verified(g.tenant.slug, job.result["file"], job.result["sha256"])
    return send_file(io.BytesIO(content), download_name=job.result.get("filename"), as_attachment=False)


@tenant_pages.route("/logg")
@requires("audit.view")
def audit_log():
    object_type = request.args.get("typ") or None
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(200)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    entries = db.session.scalars(query).all()
    types = db.session.scalars(select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)).all()
    return render_template("platform/audit.html", entries=entries, types=types, object_type=object_type)


def _role_choices():
    return [(role, ROLE_LABELS[role]) for role in ROLES]


def _membership_or_404(membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.tenant_id != g.tenant.id:
        abort(404)
    return membership


@tenant_pages.route("/anvandare", methods=["GET", "POST"])
@requires("memberships.manage")
def memberships():
    form = MembershipForm()
    form.role.choices = _role_choices()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None:
            form.email.errors.append("Det finns ingen användare med den e-postadressen. Be supporten skapa kontot.")
        elif user.membership_in(g.tenant):
            form.email.errors.append(f"{email} är redan medlem här.")
        else:
            db.session.add(Membership(user=user, tenant_id=g.tenant.id, role=form.role.data))
            db.session.commit()
            flash(f"{email} är nu {ROLE_LABELS[form.role.data].lower()} i {g.tenant.short_name}.", "success")
            return redirect(url_for("tenant.memberships"))
    rows = db.session.scalars(
        select(Membership).where(Membership.tenant_id == g.tenant.id).join(User).order_by(User.name, User.email)
    ).all()
    role_form = RoleForm()
    role_form.role.choices = _role_choices()
    missing_mfa = [m for m in rows if m.role in mfa.REQUIRED_ROLES and not m.user.mfa_enabled]
    return render_template("platform/memberships.html", form=form, memberships=rows, role_form=role_form,
                           remove_form=EmptyForm(), missing_mfa=missing_mfa,
                           mfa_roles=mfa.REQUIRED_ROLES_TEXT), \
        (400 if form.errors else 200)


def _audit(object_type: str, object_id, before: dict, after: dict) -> None:
    """An audit entry in the current tenant for a change of a platform row that is not audited by
    itself (a tenant's setting, a user's second factor)."""
    actor = current_actor()
    db.session.add(AuditEntry(at=utcnow(), actor_id=actor.user_id, actor=actor.label, action="update",
                              object_type=object_type, object_id=str(object_id), before=before, after=after))


@tenant_pages.route("/anvandare/sakerhet", methods=["POST"])
@requires("memberships.manage")
def security_settings():
    """Require (or no longer require) a second factor of the tenant's admins and kansli; audited.
    An admin turns it on only with a second factor of their own (else back to the page, which says so)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    require = request.form.get("require_mfa") in ("on", "1")
    tenant = g.tenant
    if require and not current_user.mfa_enabled:
        flash("Aktivera tvåstegsverifiering för ditt eget konto först (under Mitt konto), så att du inte "
              "stänger ute dig själv.", "error")
        return redirect(url_for("tenant.memberships"), 303)
    if require == tenant.require_mfa:
        flash("Inställningen är oförändrad.", "info")
        return redirect(url_for("tenant.memberships"))
    _audit("Tenant", tenant.id, {"require_mfa": tenant.require_mfa}, {"require_mfa": require})
    tenant.require_mfa = require
    db.session.commit()
    flash(f"{tenant.short_name} kräver nu tvåstegsverifiering för administratörer och kansli." if require else
          f"{tenant.short_name} kräver inte längre tvåstegsverifiering.", "success")
    return redirect(url_for("tenant.memberships"))


@tenant_pages.route("/anvandare/<int:membership_id>/tvastegsverifiering/aterstall", methods=["POST"])
@requires("memberships.manage")
def reset_mfa(membership_id: int):
    """Reset a member's second factor (a lost phone): off, the member's sessions end; audited in this
    tenant. One's own is turned off under Mitt konto, with a code (409 here)."""
    membership = _membership_or_404(membership_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if membership.user_id == current_user.id:
        abort(409, "Din egen tvåstegsverifiering stänger du av under Mitt konto.")
    user = membership.user
    if user.mfa_enabled:
        _audit("User", user.id, {"email": user.email, "mfa": "på"}, {"email": user.email, "mfa": "återställd"})
        mfa.reset(user)
        db.session.commit()
    flash(f"Tvåstegsverifieringen för {user.email} är återställd. Vid nästa inloggning räcker lösenordet"
          + (", och sedan behöver hen aktivera den igen." if mfa.required_for(membership) else "."), "success")
    return redirect(url_for("tenant.memberships"))


@tenant_pages.route("/anvandare/<int:membership_id>/roll", methods=["POST"])
@requires("memberships.manage")
def change_role(membership_id: int):
    membership = _membership_or_404(membership_id)
    form = RoleForm()
    form.role.choices = _role_choices()
    if not form.validate_on_submit():
        abort(400, "Ogiltig roll.")
    if membership.user_id == current_user.id and form.role.data != "admin":
        abort(409, "Du kan inte ta bort din egen administratörsroll; be en annan administratör.")
    membership.role = form.role.data
    db.session.commit()
    flash(f"{membership.user.email} är nu {membership.role_label.lower()}.", "success")
    return redirect(url_for("tenant.memberships"))


@tenant_pages.route("/anvandare/<int:membership_id>/ta-bort", methods=["POST"])
@requires("memberships.manage")
def remove_membership(membership_id: int):
    membership = _membership_or_404(membership_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if membership.user_id == current_user.id:
        abort(409, "Du kan inte ta bort dig själv; be en annan administratör.")
    email = membership.user.email
    db.session.delete(membership)
    db.session.commit()
    flash(f"{email} är inte längre medlem i {g.tenant.short_name}.", "success")
    return redirect(url_for("tenant.memberships"))
