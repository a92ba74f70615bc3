"""A member förbund's part in NNS on one page: what is open (motions to a coming
medlemsmöte, nominations to the valberedning, the ombud to register), what it has
sent, and where its ombud votes. Served both in NNS (for invited contacts and
ombud) and inside a förbund tenant's own workspace, where the förbund's kansli
works without leaving it; either way the data is written to NNS only."""
from __future__ import annotations

from contextlib import contextmanager

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from finsam_saas.platform import clock
from finsam_saas.extensions import db
from finsam_saas.nns import jobs, services
from finsam_saas.nns.access import NNS_SLUG, member_of_tenant
from finsam_saas.nns.models import POSITION_ROLE_LABELS, POSITION_ROLES, Motion, Nomination, NominationRound, Ombud
from finsam_saas.platform import formdata as form
from finsam_saas.platform.auth import requires
from finsam_saas.platform.models import Tenant
from finsam_saas.platform.rules import DomainError
from finsam_saas.platform.tenancy import tenant_context
from finsam_saas.platform.web import get_or_404, tenant_blueprint

blueprint = tenant_blueprint("nns_participation", __name__, "/nns")


@contextmanager
def in_nns():
    """Work in the NNS tenant for the rest of the block (a no-op when already there)."""
    nns = db.session.scalar(select(Tenant).where(Tenant.slug == NNS_SLUG))
    if nns is None:
        abort(404)
    with tenant_context(nns.id):
        yield nns


def page(member_id: int, *, endpoints: dict):
    today = clock.today()
    member = services.active_member(member_id)
    meetings = services.upcoming_meetings(today)
    rounds = list(db.session.scalars(select(NominationRound).where(NominationRound.deadline >= today)
                                     .order_by(NominationRound.deadline)))
    motions = list(db.session.scalars(select(Motion).where(Motion.member_id == member.id).order_by(Motion.id.desc())))
    nominations = list(db.session.scalars(select(Nomination).where(Nomination.member_id == member.id)
                                          .order_by(Nomination.id.desc())))
    ombud = {o.meeting_id: o for o in db.session.scalars(select(Ombud).where(Ombud.member_id == member.id))}
    return render_template(
        "nns/participate.html", member=member, meetings=meetings, rounds=rounds, motions=motions,
        nominations=nominations, ombud=ombud, endpoints=endpoints, today=today,
        deadlines={r.id: r.deadline for r in db.session.scalars(select(NominationRound))},
        roles=[(r, POSITION_ROLE_LABELS[r]) for r in POSITION_ROLES],
        meeting_titles={m.meeting_id: f"{m.kind_label} {m.meeting.date}" for m in services.all_meetings()},
    )


def _general_from_form():
    general = services.general_meeting(form.int_field("meeting_id", "möte"))
    if general is None:
        abort(404)
    return general


def act(what: str, member_id: int, *, back: str):
    form.require_csrf()
    try:
        member = services.active_member(member_id)
        if what == "motion":
            services.submit_motion(_general_from_form(), member=member, title=form.text("title"),
                                   text=request.form.get("text", ""), by_email=current_user.email)
            message = "Motionen är inlämnad till NNS."
        elif what == "nominering":
            round_ = get_or_404(NominationRound, form.int_field("round_id", "nominering"))
            services.nominate(round_, member=member, role=form.text("role"), candidate=form.text("candidate"),
                              candidate_forbund=form.text("candidate_forbund"),
                              consent=request.form.get("consent") == "on", motivation=request.form.get("motivation", ""),
                              by_email=current_user.email)
            message = "Nomineringen är skickad till valberedningen."
        elif what == "ta-tillbaka":
            nomination = get_or_404(Nomination, form.int_field("nomination_id", "nominering"))
            services.withdraw_nomination(nomination, member)
            message = f"Nomineringen av {nomination.candidate} är tagen tillbaka."
        else:
            general = _general_from_form()
            ombud = services.register_ombud(general, member, name=form.text("name"), email=form.text("email"),
                                            replace=request.form.get("replace") == "on")
            invited = jobs.invite_ombud_now(ombud, f"{general.kind_label.lower()} {general.meeting.date}")
            message = "Ombudet är anmält" + (" och har fått en inbjudan att logga in." if invited else ".")
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, back)
    flash(message, "success")
    return redirect(url_for(back))


# --- inside a förbund's own workspace -------------------------------------------------

ENDPOINTS = {"motion": "nns_participation.motion", "nominering": "nns_participation.nomination",
             "ta-tillbaka": "nns_participation.withdraw", "ombud": "nns_participation.ombud",
             "back": "nns_participation.page_in_forbund"}


def _own_member_id() -> int:
    forbund = g.tenant
    if forbund.kind != "forbund":
        abort(404)
    member = member_of_tenant(forbund.id)
    if member is None:
        abort(404)  # not (or no longer) a member of NNS
    return member.id


@blueprint.route("/")
@requires("nns.participate")
def page_in_forbund():
    with in_nns():
        return page(_own_member_id(), endpoints=ENDPOINTS)


def _act_in_forbund(what: str):
    forbund_id = g.tenant.id
    with in_nns():
        member = member_of_tenant(forbund_id)
        if member is None or g.tenant.kind != "forbund":
            abort(404)
        return act(what, member.id, back=ENDPOINTS["back"])


@blueprint.post("/motion")
@requires("nns.participate")
def motion():
    return _act_in_forbund("motion")


@blueprint.post("/nominering")
@requires("nns.participate")
def nomination():
    return _act_in_forbund("nominering")


@blueprint.post("/nominering/ta-tillbaka")
@requires("nns.participate")
def withdraw():
    return _act_in_forbund("ta-tillbaka")


@blueprint.post("/ombud")
@requires("nns.participate")
def ombud():
    return _act_in_forbund("ombud")
