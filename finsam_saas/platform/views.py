"""Pages of the platform: login, logout, tenant switch, account and API tokens,
and each tenant's start page, jobs and audit log."""
from __future__ import annotations

import io
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, g, make_response, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from finsam_saas.extensions import db
from finsam_saas.organisation import services as organisation
from finsam_saas.platform.auth import can, issue_token, requires, revoke_token
from finsam_saas.platform.formatting import plural
from finsam_saas.platform.rounding import ratio
from finsam_saas.platform.forms import EmptyForm, LoginForm, MembershipForm, RoleForm, TokenForm
from finsam_saas.platform.models import ROLE_LABELS, ROLES, ApiToken, AuditEntry, Job, Membership, Tenant, User
from finsam_saas.platform.invitations import user_for_invitation
from finsam_saas.platform.jobs import refresh_from_queue
from finsam_saas.platform.ratelimit import login_limiter
from finsam_saas.platform.web import LANDINGS, get_or_404, guest_start, start_items, tenant_blueprint

MIN_PASSWORD = 10

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


@blueprint.route("/logga-in", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        limiter = login_limiter()
        wait = limiter.blocked(form.email.data)
        if wait:
            flash(f"För många misslyckade inloggningar. Försök igen om {plural(max(1, ratio(wait, 60)), 'minut', 'minuter')}.",
                  "error")
            response = make_response(render_template("platform/login.html", form=form, boards=_boards()), 429)
            response.headers["Retry-After"] = str(wait)
            return response
        user = db.session.scalar(select(User).where(func.lower(User.email) == form.email.data.strip().lower()))
        if user is not None and user.active and user.check_password(form.password.data):
            login_user(user)
            flash(f"Välkommen, {user.display_name}.", "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("platform.index"))
        limiter.failed(form.email.data)
        flash("Fel e-postadress eller lösenord.", "error")
        return render_template("platform/login.html", form=form, boards=_boards()), 401
    return render_template("platform/login.html", form=form, boards=_boards())


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
            login_user(user)
            flash("Ditt lösenord är sparat och du är inloggad.", "success")
            return redirect(url_for("platform.index"))
    return render_template("platform/invitation.html", user=user, form=EmptyForm(), error=error,
                           min_password=MIN_PASSWORD), 400 if error else 200


@blueprint.route("/logga-ut", methods=["POST"])
def logout():
    if EmptyForm().validate_on_submit():
        logout_user()
        flash("Du är utloggad.", "success")
        return redirect(url_for("platform.login"))
    abort(400)


@blueprint.route("/byt-organisation")
@login_required
def switch_tenant():
    slug = request.args.get("tenant", "")
    if not any(m.tenant.slug == slug for m in current_user.memberships):
        abort(404)
    return redirect(url_for("tenant.start", tenant=slug))


@blueprint.route("/konto", methods=["GET", "POST"])
@login_required
def account():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        new_token = issue_token(current_user, form.name.data.strip())
        db.session.commit()
        flash("API-nyckeln är skapad. Kopiera den nu: den visas bara en gång.", "success")
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.created_at.desc())
    ).all()
    return render_template("platform/account.html", form=form, tokens=tokens, new_token=new_token,
                           revoke_form=EmptyForm())


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
    recent_jobs = db.session.scalars(select(Job).where(Job.actor_id == current_user.id)
                                     .order_by(Job.created_at.desc()).limit(5)).all()
    items = start_items(current_user, g.membership)
    meetings = sorted((i for i in items if i.kind == "meeting"), key=lambda i: i.order)
    todo = sorted((i for i in items if i.kind != "meeting"), key=lambda i: (i.kind != "late", i.order))
    return render_template(
        "platform/start.html", meetings=meetings, todo=todo,
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
    return render_template("platform/memberships.html", form=form, memberships=rows, role_form=role_form,
                           remove_form=EmptyForm()), (400 if form.errors else 200)


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
