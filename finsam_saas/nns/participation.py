"""A member förbund's part in NNS on one page: what is open (motions to a coming
medlemsmöte, nominations to the valberedning, the ombud to register), what it has
sent, and where its ombud votes. Served both in NNS (for invited contacts and
ombud) and inside a förbund tenant's own workspace, where the förbund's kansli
works without leaving it; either way the data is written to NNS only.

The medlemsmöten where one is ombud, with the way to the vote, also stand on the
start page of every tenant the ombud (or the förbund's kansli) belongs to
(`register_start_panel`), so an ombud finds the vote from where they log in."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, time

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from finsam_saas.extensions import db
from finsam_saas.meetings.models import Meeting
from finsam_saas.nns import jobs, services
from finsam_saas.nns.access import NNS_SLUG, member_of_tenant
from finsam_saas.nns.models import (
    MEETING_KIND_LABELS, POSITION_ROLE_LABELS, POSITION_ROLES, GeneralMeeting, Motion, Nomination, NominationRound,
    Ombud, Poll,
)
from finsam_saas.platform import clock, formdata as form
from finsam_saas.platform.auth import STAFF, requires
from finsam_saas.platform.models import Tenant
from finsam_saas.platform.rules import DomainError
from finsam_saas.platform.tenancy import tenant_context
from finsam_saas.platform.web import get_or_404, register_start_panel, tenant_blueprint

blueprint = tenant_blueprint("nns_participation", __name__, "/nns")


@contextmanager
def in_nns():
    """Work in the NNS tenant for the rest of the block (a no-op when already there)."""
    nns = _nns_tenant()
    if nns is None:
        abort(404)
    with tenant_context(nns.id):
        yield nns


@dataclass(frozen=True)
class OmbudMeeting:
    """A coming medlemsmöte as a förbund's ombud sees it: which förbund, who its ombud is, and the
    polls open now (their titles). `is_you`: the viewer is that ombud, and so votes."""

    meeting_id: int
    kind_label: str
    day: date
    start: time | None
    place: str
    member: str
    ombud: str  # the ombud's name (or e-mail); "" when the förbund has registered none
    is_you: bool
    open_polls: tuple[str, ...]


def ombud_meetings(viewer_email: str, *, member_id: int | None = None, as_ombud: bool = True,
                   with_unregistered: bool = False, today: date | None = None) -> list[OmbudMeeting]:
    """The medlemsmöten of today or later (Stockholm's day, `platform.clock`; cancelled ones left
    out), in date order, where the förbund `member_id` has an ombud, and (`as_ombud`) where the
    viewer is ombud for any förbund; with `with_unregistered` also those where `member_id` has
    none yet. Call inside NNS. Three queries whatever the number of meetings."""
    today = today or clock.today()
    generals = list(db.session.scalars(
        select(GeneralMeeting)
        .join(Meeting, (Meeting.tenant_id == GeneralMeeting.tenant_id) & (Meeting.id == GeneralMeeting.meeting_id))
        .where(Meeting.date >= today, Meeting.cancelled_on.is_(None))
        .options(contains_eager(GeneralMeeting.meeting)).order_by(Meeting.date, Meeting.start)))
    if not generals or (member_id is None and not as_ombud):
        return []
    ids = [general.meeting_id for general in generals]
    email = (viewer_email or "").strip().lower()
    whose = []
    if member_id is not None:
        whose.append(Ombud.member_id == member_id)
    if as_ombud and email:
        whose.append(func.lower(Ombud.email) == email)
    ombud = list(db.session.scalars(select(Ombud).where(Ombud.meeting_id.in_(ids), or_(*whose))
                                    .options(selectinload(Ombud.member)).order_by(Ombud.id))) if whose else []
    open_polls: dict[int, list[str]] = {}
    for meeting_id, title in db.session.execute(select(Poll.meeting_id, Poll.title).where(
            Poll.meeting_id.in_(ids), Poll.status == "open").order_by(Poll.id)):
        open_polls.setdefault(meeting_id, []).append(title)
    member_name = None
    if with_unregistered and member_id is not None:
        member_name = services.active_member(member_id).name
    rows = []
    for general in generals:
        meeting = general.meeting
        mine = [o for o in ombud if o.meeting_id == general.meeting_id]
        polls = tuple(open_polls.get(general.meeting_id, ()))
        label = MEETING_KIND_LABELS.get(general.kind, "Medlemsmöte")
        for o in mine:
            rows.append(OmbudMeeting(general.meeting_id, label, meeting.date, meeting.start, meeting.place,
                                     o.member.name, o.name or o.email, o.email.lower() == email, polls))
        if member_name and not any(o.member_id == member_id for o in mine):
            rows.append(OmbudMeeting(general.meeting_id, label, meeting.date, meeting.start, meeting.place,
                                     member_name, "", False, polls))
    return rows


def page(member_id: int, *, endpoints: dict, may_act: bool = True):
    """The förbund's page in NNS (templates/nns/participate.html), in either workspace: at the top
    the coming medlemsmöten where it has an ombud with the way to the vote, then what is open to it
    and what it has sent. `may_act` False (one who is only its ombud) shows no forms. Call inside NNS."""
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
        nominations=nominations, ombud=ombud, endpoints=endpoints, today=today, may_act=may_act,
        voting=ombud_meetings(current_user.email, member_id=member.id, as_ombud=False, today=today),
        deadlines={r.id: r.deadline for r in db.session.scalars(select(NominationRound))},
        roles=[(r, POSITION_ROLE_LABELS[r]) for r in POSITION_ROLES],
        meeting_titles={m.meeting_id: f"{m.kind_label} {m.meeting.date}" for m in services.all_meetings()},
    )


def _nns_tenant() -> Tenant | None:
    return db.session.scalar(select(Tenant).where(Tenant.slug == NNS_SLUG))


def _start_panel(user, membership) -> Markup | None:
    """On a tenant's start page: the coming medlemsmöten where the user is ombud, and for the
    admin or kansli of a member förbund those of its ombud (and those it has none for yet)."""
    nns = _nns_tenant()
    if nns is None or g.get("tenant") is None:
        return None
    tenant = g.tenant
    staff = tenant.kind == "forbund" and membership.role in STAFF
    with tenant_context(nns.id):
        member = member_of_tenant(tenant.id) if staff else None
        rows = ombud_meetings(user.email, member_id=member.id if member else None, with_unregistered=member is not None)
        forbund = member.name if member else None
    if not rows:
        return None
    return Markup(render_template("nns/_start_panel.html", rows=rows, forbund=forbund))


register_start_panel(_start_panel)


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
            sent = jobs.invite_ombud_now(ombud)
            message = "Ombudet är anmält" + OMBUD_MAIL_WORDS[sent]
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, back)
    flash(message, "success")
    return redirect(url_for(back))


OMBUD_MAIL_WORDS = {
    "invited": " och har fått en inbjudan att logga in, med länken till röstningen.",
    "notified": " och har fått ett mejl med länken till röstningen.",
    "already": "; ombudet har redan fått länken till röstningen.",
    "failed": ", men mejlet till ombudet kunde inte skickas. NNS kansli kan skicka det igen från mötets sida.",
}


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
