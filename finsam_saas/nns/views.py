"""NNS's pages: the member register, positions, the valberedning, medlemsmöten with
motions, röstlängd and polls, and a member förbund's own page (also reachable from
inside a förbund's own workspace, see participation.py)."""
from __future__ import annotations


from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from finsam_saas.platform import clock
from finsam_saas.platform.years import data_years, default_year, year_arg
from finsam_saas.extensions import db
from finsam_saas.meetings.models import Meeting
from finsam_saas.nns import documents, jobs, participation, services, voting
from finsam_saas.nns.access import (
    NNS_SLUG, forbund_of, general_or_404, is_nns_staff, of_meeting_or_404, own_forbund_id,
    represented_member_id, requires_standing,
)
from finsam_saas.nns.models import (
    MOTION_PROPOSAL_LABELS, MOTION_PROPOSALS, POSITION_ROLE_LABELS, POSITION_ROLES, GeneralMeeting, MemberContact,
    MemberFee, Motion, NominationRound, Ombud, Poll, Position,
)
from finsam_saas.organisation.models import Member
from finsam_saas.platform import formdata as form
from finsam_saas.platform.auth import can, requires
from finsam_saas.platform.rules import InvalidInput
from finsam_saas.platform.web import NavItem, fixed_tenant_blueprint, get_or_404, register_navigation

blueprint = fixed_tenant_blueprint("nns", __name__, NNS_SLUG)
blueprint.add_app_template_global(voting.outcome_words, "poll_outcome")

register_navigation("NNS", [
    NavItem("Medlemsregister", "nns.register", "nns.register", ("association",)),
    NavItem("Förtroendeuppdrag", "nns.positions", "nns.view", ("association",)),
    NavItem("Valberedning", "nns.rounds", "nns.nominations.manage", ("association",)),
    NavItem("Medlemsmöten", "nns.general_meetings", "nns.view", ("association",)),
    NavItem("Vårt förbund i NNS", "nns.forbund", "nns.forbund", ("association",)),
    NavItem("NNS", "nns_participation.page_in_forbund", "nns.participate", ("forbund",)),
])




# --- member register --------------------------------------------------------------

@blueprint.route("/medlemmar")
@requires("nns.register")
def register():
    year = year_arg() or default_year(clock.today().year, data_years(MemberFee.year))
    return render_template("nns/register.html", members=services.member_forbund(), contacts=services.contacts(),
                           fees=services.fees_of_year(year), year=year, ombud=services.ombud_by_member())


@blueprint.post("/medlemmar/<int:member_id>/kontakter")
@requires("nns.register")
def add_contact(member_id: int):
    member = get_or_404(Member, member_id)

    def action():
        contact = services.add_contact(member, name=form.text("name"), email=form.text("email"))
        if request.form.get("login") == "on":
            services.give_login(contact, g.tenant)
            db.session.flush()
            jobs.invite_later(contact)
    return form.act(f"Kontaktpersonen för {member.name} är tillagd.", "nns.register", action)


@blueprint.post("/kontakter/<int:contact_id>/ta-bort")
@requires("nns.register")
def remove_contact(contact_id: int):
    contact = get_or_404(MemberContact, contact_id)
    return form.act(f"{contact.name} är borttagen som kontaktperson.", "nns.register",
                 lambda: services.remove_contact(contact, g.tenant))


@blueprint.post("/medlemmar/<int:member_id>/avgift")
@requires("nns.register")
def set_fee(member_id: int):
    member = get_or_404(Member, member_id)
    year = form.int_field("year", "år") if request.form.get("year") else clock.today().year
    return form.act(f"Medlemsavgiften {year} för {member.name} är sparad.", "nns.register",
                 lambda: services.set_fee(member, year, form.int_field("amount", "avgift"),
                                          form.date_field("paid_on", "betaldatum", required=False)), ar=year)


# --- positions ------------------------------------------------------------------------

def _arsmote() -> int:
    """The årsmöte a page is about: next year's, or the nearest whose seats are up for election."""
    return default_year(clock.today().year + 1, data_years(Position.term_ends))


@blueprint.route("/uppdrag")
@requires("nns.view")
def positions():
    arsmote = request.args.get("arsmote", type=int) or _arsmote()
    return render_template("nns/positions.html", positions=services.positions(), arsmote=arsmote,
                           roles=[(r, POSITION_ROLE_LABELS[r]) for r in POSITION_ROLES],
                           members=services.member_forbund())


@blueprint.post("/uppdrag")
@requires("nns.positions")
def add_position():
    def action():
        member_id = form.int_field("member_id", "förbund", required=False)
        services.add_position(role=form.text("role"), holder=form.text("holder"),
                              member=services.active_member(member_id) if member_id else None,
                              term_ends=form.int_field("term_ends", "årsmötet mandatet går ut"),
                              elected_year=form.int_field("elected_year", "valår", required=False),
                              note=form.text("note"))
    return form.act("Uppdraget är sparat.", "nns.positions", action)


# --- the valberedning ---------------------------------------------------------------------

@blueprint.route("/valberedning")
@requires("nns.nominations.manage")
def rounds():
    arsmote = request.args.get("arsmote", type=int) or _arsmote()
    return render_template("nns/rounds.html", rounds=services.rounds(),
                           arsmote=arsmote, seats=services.seats_from_positions(arsmote),
                           meetings=services.all_meetings())


@blueprint.post("/valberedning")
@requires("nns.nominations.manage")
def open_round():
    def action():
        arsmote = form.int_field("arsmote", "årsmöte")
        meeting_id = form.int_field("meeting_id", "årsmöte", required=False)
        return services.open_round(
            title=form.text("title") or f"Nomineringar inför årsmötet {arsmote}",
            deadline=form.date_field("deadline", "sista dag för nomineringar"),
            seats=services.seats_from_positions(arsmote),
            meeting=get_or_404(Meeting, meeting_id) if meeting_id else None)
    return form.act("Nomineringen är öppnad.", "nns.rounds", action,
                    then=lambda round_: url_for("nns.round_page", round_id=round_.id))


@blueprint.route("/valberedning/<int:round_id>")
@requires("nns.nominations.manage")
def round_page(round_id: int):
    """A round for the valberedning: its seats and nominations, the proposal, and the call: before it
    is sent the member förbund it will not reach (no contact address), after it those it did not."""
    round_ = get_or_404(NominationRound, round_id)
    return render_template("nns/round.html", round=round_, by_role=services.nominations_by_role(round_),
                           today=clock.today(), not_reached=jobs.call_not_reached(round_),
                           without_address=[] if round_.call_sent_at else jobs.forbund_without_address())


@blueprint.post("/valberedning/<int:round_id>/forslag")
@requires("nns.nominations.manage")
def write_proposal(round_id: int):
    round_ = get_or_404(NominationRound, round_id)
    proposals = {seat.id: (form.text(f"proposed_{seat.id}"), form.text(f"proposed_member_{seat.id}"))
                 for seat in round_.seats}
    return form.act("Valberedningens förslag är sparat.", "nns.round_page",
                 lambda: services.write_proposal(round_, text=request.form.get("text", ""), proposals=proposals,
                                                 confirmed=request.form.get("confirm_consent") == "on"),
                 round_id=round_id)


@blueprint.post("/valberedning/<int:round_id>/utskick")
@requires("nns.nominations.manage")
def send_call(round_id: int):
    """Mail the call to every member förbund as a job (jobs.send_nomination_call); its page names the
    förbund it could not reach and leads back to the round, which lists them too."""
    round_ = get_or_404(NominationRound, round_id)
    form.require_csrf()
    return form.job_page(jobs.send_nomination_call, title=f"Utskick: {round_.title}", round_id=round_.id,
                         back=url_for("nns.round_page", round_id=round_.id))


@blueprint.route("/valberedning/<int:round_id>/forslag.pdf")
@requires("nns.view")
def proposal_pdf(round_id: int):
    """The valberedning's own until it has proposed; then part of the årsmöte's papers for every member."""
    round_ = get_or_404(NominationRound, round_id)
    if not can("nns.nominations.manage") and not services.proposal_ready(round_):
        abort(403)
    return _pdf(documents.proposal_pdf(round_), f"valberedningens-forslag-{round_id}.pdf")


def _pdf(content: bytes, filename: str) -> Response:
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


# --- medlemsmöten ---------------------------------------------------------------------------

@blueprint.route("/medlemsmoten")
@requires("nns.view")
def general_meetings():
    return render_template("nns/general_meetings.html", meetings=services.all_meetings(), today=clock.today())


@blueprint.post("/medlemsmoten")
@requires("nns.meeting.run")
def create_general_meeting():
    def action():
        return services.create_general_meeting(
            day=form.date_field("date", "datum"), start=form.time_field("start", "starttid"),
            end=form.time_field("end", "sluttid"), place=form.text("place"), kind=form.text("kind") or "medlemsmote",
            motion_deadline=form.date_field("motion_deadline", "sista dag för motioner", required=False))
    return form.act("Mötet är skapat med NNS:s dagordning.", "nns.general_meetings", action,
                    then=lambda general: url_for("nns.general_meeting", meeting_id=general.meeting_id))


@blueprint.route("/medlemsmoten/<int:meeting_id>")
@requires("nns.view")
def general_meeting(meeting_id: int):
    general = general_or_404(meeting_id)
    own = represented_member_id()
    return render_template(
        "nns/general_meeting.html", general=general, meeting=general.meeting, motions=services.motions_of(general),
        roll=services.roll(general), polls=voting.polls_of(general), own_member=own, staff=is_nns_staff(),
        papers_due=services.papers_due(general), papers_late=services.papers_late(general),
        proposals_ready=[r for r in services.rounds_for(general) if services.proposal_ready(r)],
        members=services.member_forbund() if can("nns.meeting.run") else [],
        proposals=[(p, MOTION_PROPOSAL_LABELS[p]) for p in MOTION_PROPOSALS], today=clock.today(),
    )


@blueprint.post("/medlemsmoten/<int:meeting_id>/motioner/<int:motion_id>/yttrande")
@requires("nns.motion.respond")
def respond(meeting_id: int, motion_id: int):
    general = general_or_404(meeting_id)
    motion = of_meeting_or_404(Motion, motion_id, general)
    return form.act("Styrelsens yttrande är sparat.", "nns.general_meeting",
                 lambda: services.respond_to_motion(motion, text=request.form.get("text", ""),
                                                    proposal=form.text("proposal")), meeting_id=meeting_id)


@blueprint.post("/medlemsmoten/<int:meeting_id>/skicka-motioner")
@requires("nns.meeting.run")
def send_papers(meeting_id: int):
    general = general_or_404(meeting_id)
    form.require_csrf()
    unanswered = [m.title for m in services.motions_of(general) if not m.proposal]
    if unanswered:
        flash("Styrelsen har inte yttrat sig över: " + "; ".join(unanswered) + ".", "error")
        return redirect(url_for("nns.general_meeting", meeting_id=meeting_id))
    return form.job_page(jobs.send_papers, title=f"Utskick: motioner till {general.meeting.date}",
                         meeting_id=meeting_id)


@blueprint.post("/medlemsmoten/<int:meeting_id>/bjud-in-ombud")
@requires("nns.meeting.run")
def invite_ombud(meeting_id: int):
    general = general_or_404(meeting_id)
    form.require_csrf()
    return form.job_page(jobs.invite_ombud, title=f"Inbjudan till ombuden {general.meeting.date}",
                         meeting_id=meeting_id)


@blueprint.post("/medlemsmoten/<int:meeting_id>/ombud")
@requires("nns.meeting.run")
def add_ombud(meeting_id: int):
    general = general_or_404(meeting_id)

    def action():
        member = services.active_member(form.int_field("member_id", "förbund"), "member_id")
        ombud = services.register_ombud(general, member, name=form.text("name"), email=form.text("email"),
                                        replace=request.form.get("replace") == "on")
        jobs.invite_ombud_now(ombud, f"{general.kind_label.lower()} {general.meeting.date}")
    return form.act("Ombudet är anmält; den som saknar inloggning får en inbjudan.", "nns.general_meeting", action,
                 meeting_id=meeting_id)


@blueprint.post("/medlemsmoten/<int:meeting_id>/ombud/<int:ombud_id>/ta-bort")
@requires("nns.meeting.run")
def remove_ombud(meeting_id: int, ombud_id: int):
    general = general_or_404(meeting_id)
    ombud = of_meeting_or_404(Ombud, ombud_id, general)
    return form.act("Ombudet är borttaget från röstlängden.", "nns.general_meeting",
                 lambda: services.remove_ombud(general, ombud), meeting_id=meeting_id)


@blueprint.post("/medlemsmoten/<int:meeting_id>/funktionarer")
@requires("nns.meeting.run")
def set_officials(meeting_id: int):
    general = general_or_404(meeting_id)
    return form.act("Ordförande och rösträknare är sparade.", "nns.general_meeting",
                 lambda: services.set_officials(general, form.lines("officials")), meeting_id=meeting_id)


@blueprint.post("/medlemsmoten/<int:meeting_id>/rostlangd")
@requires("nns.meeting.run")
def fix_roll(meeting_id: int):
    general = general_or_404(meeting_id)
    return form.act("Röstlängden är fastställd och införd i protokollet.", "nns.general_meeting",
                 lambda: services.fix_roll(general), meeting_id=meeting_id)


@blueprint.route("/medlemsmoten/<int:meeting_id>/rostlangd.pdf")
@requires("nns.view")
def roll_pdf(meeting_id: int):
    general = general_or_404(meeting_id)
    return _pdf(documents.roll_pdf(general), f"rostlangd-{general.meeting.date}.pdf")


@blueprint.route("/medlemsmoten/<int:meeting_id>/motioner.pdf")
@requires("nns.view")
def motions_pdf(meeting_id: int):
    general = general_or_404(meeting_id)
    return _pdf(documents.motions_pdf(general), f"motioner-{general.meeting.date}.pdf")


@blueprint.post("/medlemsmoten/<int:meeting_id>/omrostningar")
@requires("nns.meeting.run")
def create_poll(meeting_id: int):
    general = general_or_404(meeting_id)

    def action():
        voting.create_poll(general, title=form.text("title"), options=form.lines("options"),
                           secret=request.form.get("secret") == "on",
                           chair_preference=form.text("chair_preference") or None,
                           item_number=form.int_field("item_number", "punkt", required=False))
    return form.act("Omröstningen är förberedd.", "nns.general_meeting", action, meeting_id=meeting_id)


@blueprint.post("/medlemsmoten/<int:meeting_id>/omrostningar/<int:poll_id>/<any(oppna, stang, avbryt, ordforande):step>")
@requires("nns.meeting.run")
def poll_step(meeting_id: int, poll_id: int, step: str):
    general = general_or_404(meeting_id)
    poll = of_meeting_or_404(Poll, poll_id, general)
    if step == "oppna":
        return _open_poll(general, poll)
    actions = {
        "stang": ("Omröstningen är stängd och räknad.",
                  lambda: _confirmed("stänga omröstningen") and voting.close_poll(
                      general, poll, ballot_key=form.text("ballot_key") or _ballot_key(poll))),
        "avbryt": ("Omröstningen är avbruten; inga röster räknades.",
                   lambda: _confirmed("avbryta omröstningen") and voting.cancel_poll(general, poll)),
        "ordforande": ("Ordförandens förslag är sparat.",
                       lambda: voting.set_chair_preference(poll, form.text("chair_preference") or None)),
    }
    message, action = actions[step]
    response = form.act(message, "nns.poll_page", action, meeting_id=meeting_id, poll_id=poll_id)
    if step in ("stang", "avbryt") and poll.status in ("closed", "cancelled"):
        response.delete_cookie(_key_cookie(poll), path=_key_path(poll))
    return response


def _confirmed(what: str) -> bool:
    if request.form.get("confirm") != "on":
        raise InvalidInput(f"Kryssa i att du vill {what}: det går inte att ångra.", {"confirm": "saknas"})
    return True


def _key_cookie(poll: Poll) -> str:
    return f"rostnyckel-{poll.id}"


def _key_path(poll: Poll) -> str:
    return url_for("nns.poll_page", meeting_id=poll.meeting_id, poll_id=poll.id)


def _ballot_key(poll: Poll) -> str | None:
    """The rösträkningsnyckel this browser got when it opened the poll (voting.py: never stored)."""
    return request.cookies.get(_key_cookie(poll)) if poll.secret else None


def _open_poll(general: GeneralMeeting, poll: Poll):
    key: list[str | None] = []
    response = form.act("Omröstningen är öppnad.", "nns.poll_page", lambda: key.append(voting.open_poll(general, poll)),
                        meeting_id=general.meeting_id, poll_id=poll.id)
    if key and key[0]:
        # The key stays in the browser that opened the poll, for the poll's page (and its close) only;
        # HttpOnly, so no script reads it, and never in the server's session or logs.
        response.set_cookie(_key_cookie(poll), key[0], max_age=7 * 24 * 3600, path=_key_path(poll),
                            secure=request.is_secure, httponly=True, samesite="Strict")
        flash("Rösträkningsnyckeln finns nu i den här webbläsaren. Ska omröstningen stängas från en annan dator, "
              "skriv av nyckeln under ”Visa rösträkningsnyckeln”.", "info")
    return response


def _may_follow_count(general: GeneralMeeting) -> bool:
    return can("nns.meeting.run") or current_user.email.lower() in (general.officials or [])


@blueprint.route("/medlemsmoten/<int:meeting_id>/omrostningar/<int:poll_id>")
@requires("nns.view")
def poll_page(meeting_id: int, poll_id: int):
    general = general_or_404(meeting_id)
    poll = of_meeting_or_404(Poll, poll_id, general)
    if poll.status != "closed" and not _may_follow_count(general):
        abort(403)
    result = voting.result(poll)
    on_roll = services.eligible(general, poll.item_number)
    # Participation is public, as the röstlängd is ticked on paper: the chair sees who is left.
    voted = set(result["voters"])
    waiting = [o.member.name for o in on_roll if o.member.name not in voted]
    return render_template("nns/poll.html", general=general, meeting=general.meeting, poll=poll,
                           result=result, roll_size=len(on_roll), waiting=waiting,
                           ballot_key=_ballot_key(poll) if poll.status == "open" and can("nns.meeting.run") else None,
                           sentence=voting.result_sentence(poll) if poll.status == "closed" else "")


@blueprint.route("/medlemsmoten/<int:meeting_id>/rosta", methods=["GET", "POST"])
@requires("nns.vote")
def vote(meeting_id: int):
    general = general_or_404(meeting_id)
    ombud = services.ombud_of(general, current_user.email)
    if request.method == "POST":
        poll = of_meeting_or_404(Poll, form.int_field("poll_id", "omröstning"), general)
        return form.act("Din röst är registrerad.", "nns.vote",
                     lambda: voting.cast_vote(general, poll, email=current_user.email, option=form.text("option")),
                     meeting_id=meeting_id)
    polls = voting.polls_of(general)
    voted = {p.id for p in polls if ombud and voting.voted(p, ombud.member_id)}
    return render_template("nns/vote.html", general=general, meeting=general.meeting, ombud=ombud, polls=polls,
                           voted=voted)


# --- a member förbund's own page --------------------------------------------------------------

@blueprint.route("/forbund")
@requires("nns.view")
def forbund():
    """The förbund's page in NNS (participation.page) for its contact, ombud or a kansli who comes
    in through NNS; NNS's own people, who represent no förbund, are sent to NNS's pages."""
    member_id = own_forbund_id()
    if member_id is None:
        flash("Sidan är för medlemsförbundens företrädare; NNS:s egna sidor finns i menyn.", "info")
        return redirect(url_for("nns.general_meetings"))
    return participation.page(member_id, endpoints=FORBUND_ENDPOINTS,
                              may_act=any(m.id == member_id for m in forbund_of(current_user)))


FORBUND_ENDPOINTS = {"motion": "nns.forbund_motion", "nominering": "nns.forbund_nomination",
                     "ta-tillbaka": "nns.forbund_withdraw", "ombud": "nns.forbund_ombud", "back": "nns.forbund"}


def _forbund_act(what: str):
    member_id = own_forbund_id()
    if member_id is None or not any(m.id == member_id for m in forbund_of(current_user)):
        abort(403)  # an ombud votes for the förbund; its kansli or contact acts for it
    return participation.act(what, member_id, back=FORBUND_ENDPOINTS["back"])


@blueprint.post("/forbund/motion")
@requires_standing("nns.motion.submit")
def forbund_motion():
    return _forbund_act("motion")


@blueprint.post("/forbund/nominering")
@requires_standing("nns.nominate")
def forbund_nomination():
    return _forbund_act("nominering")


@blueprint.post("/forbund/nominering/ta-tillbaka")
@requires_standing("nns.nominate")
def forbund_withdraw():
    return _forbund_act("ta-tillbaka")


@blueprint.post("/forbund/ombud")
@requires_standing("nns.roll.register")
def forbund_ombud():
    return _forbund_act("ombud")


from finsam_saas.nns import minutes_views  # noqa: E402,F401  (the protokoll's part of the medlemsmöte, on this blueprint)
