"""The NNS API (API.md "NNS"): medlemsmöten with motions, röstlängd and polls,
and the valberedning's nomination rounds. Served for the NNS tenant only; a
member förbund's kansli, invited contact or ombud comes in as its representative."""
from __future__ import annotations

from flask import Response, abort, g, jsonify, request

from finsam_saas.extensions import db
from finsam_saas.meetings import services as meetings
from finsam_saas.meetings.models import Meeting
from finsam_saas.nns import documents, jobs, services, voting
from finsam_saas.nns.access import (
    NNS_SLUG, acting_member, general_or_404, may_see_ombud_email, of_meeting_or_404, represented_member_id,
    requires_standing,
)
from finsam_saas.nns.models import GeneralMeeting, Motion, Nomination, NominationRound, Poll
from finsam_saas.nns.schemas import (
    CloseIn, GeneralMeetingIn, MotionIn, NominationIn, OwnOmbudIn, PollIn, ResponseIn, RollIn, RoundIn, BallotIn,
)
from finsam_saas.platform.auth import requires
from finsam_saas.platform.jobs import enqueue_for_tenant
from finsam_saas.platform.openapi import documented
from finsam_saas.platform.schemas import load
from finsam_saas.platform.web import api_blueprint, get_or_404

blueprint = api_blueprint("nns_api", __name__, slug=NNS_SLUG)


def _general_json(general: GeneralMeeting) -> dict:
    meeting = general.meeting
    return {
        "id": meeting.id, "kind": general.kind, "body": meeting.body.slug, "date": meeting.date.isoformat(),
        "place": meeting.place, "motion_deadline": general.motion_deadline.isoformat() if general.motion_deadline else None,
        "papers_due": services.papers_due(general).isoformat(), "roll_fixed": general.roll_fixed_at is not None,
        "items": [{"number": i.number, "title": i.title, "kind": i.kind} for i in meeting.items],
    }


def _body(schema):
    return load(schema, request.get_json(silent=True))


@blueprint.post("/meetings")
@requires("nns.meeting.run")
@documented(requestBody=GeneralMeetingIn)
def create_meeting():
    """A medlemsmöte or årsmöte: NNS's standard agenda unless items are given."""
    data = _body(GeneralMeetingIn())
    general = services.create_general_meeting(
        day=data["date"], start=data["start"], end=data["end"], place=data["place"], kind=data["kind"],
        motion_deadline=data["motion_deadline"], items=data["items"], body=meetings.body_by_slug(data["body"]),
        confirm=data["confirm"])
    db.session.commit()
    return jsonify(_general_json(general)), 201


@blueprint.get("/general-meetings")
@requires("nns.view")
def list_meetings():
    """NNS's medlemsmöten and årsmöten, newest first."""
    return jsonify([_general_json(general) for general in services.all_meetings()])


@blueprint.get("/meetings/<int:meeting_id>/roll")
@requires("nns.view")
def get_roll(meeting_id: int):
    """The röstlängd: each member förbund's ombud. An ombud's e-mail only to NNS's kansli and to
    the ombud's own förbund (null for everyone else)."""
    general = general_or_404(meeting_id)
    return jsonify({"fixed": general.roll_fixed_at is not None, "paragraph": general.roll_paragraph,
                    "ombud": [{"member": o.member.name, "name": o.name,
                               "email": o.email if may_see_ombud_email(o) else None}
                              for o in services.roll(general)]})


@blueprint.put("/meetings/<int:meeting_id>/roll")
@requires("nns.meeting.run")
@documented(requestBody=RollIn)
def put_roll(meeting_id: int):
    """Register the whole roll: one ombud per member förbund."""
    general = general_or_404(meeting_id)
    data = _body(RollIn())
    ombud = services.replace_roll(general, data["ombud"])
    db.session.commit()
    enqueue_for_tenant(jobs.invite_ombud, title=f"Inbjudan till ombuden {general.meeting.date}", meeting_id=meeting_id)
    return jsonify({"ombud": [{"member": o.member.name, "name": o.name, "email": o.email} for o in ombud]})


@blueprint.post("/meetings/<int:meeting_id>/roll/ombud")
@requires_standing("nns.roll.register")
@documented(requestBody=OwnOmbudIn)
def register_ombud(meeting_id: int):
    """A förbund registers (or, with replace, substitutes) its one ombud; `member` names the förbund
    (its own for its kansli, admin or contact — needed only by one who acts for several, or by NNS's
    secretary for any). The ombud gets a mail with the link to the vote (and an invitation when they
    have no login). 201 `{"member", "name", "email"}`; 400 naming `member`, 403 `not_your_forbund`,
    409 `ombud_exists`, `ombud_elsewhere`, `roll_fixed`."""
    general = general_or_404(meeting_id)
    data = _body(OwnOmbudIn())
    member = acting_member("nns.roll.register", data["member"], "member", nns_may_act=False)
    ombud = services.register_ombud(general, member, name=data["name"], email=data["email"], replace=data["replace"])
    jobs.invite_ombud_now(ombud, f"{general.kind_label.lower()} {general.meeting.date}")
    db.session.commit()
    return jsonify({"member": member.name, "name": ombud.name, "email": ombud.email}), 201


@blueprint.post("/meetings/<int:meeting_id>/roll/fix")
@requires("nns.meeting.run")
def fix_roll(meeting_id: int):
    """Fix the röstlängd as the meeting's decision in its §."""
    general = general_or_404(meeting_id)
    number = services.fix_roll(general)
    db.session.commit()
    return jsonify({"fixed": True, "paragraph": number, "voters": len(services.roll(general))})


@blueprint.get("/meetings/<int:meeting_id>/roll.pdf")
@requires("nns.view")
def roll_pdf(meeting_id: int):
    """The röstlängd as PDF."""
    return Response(documents.roll_pdf(general_or_404(meeting_id)), mimetype="application/pdf")


@blueprint.post("/meetings/<int:meeting_id>/polls")
@requires("nns.meeting.run")
@documented(requestBody=PollIn)
def create_poll(meeting_id: int):
    """A poll on an item: open, or a closed ballot (secret) for an election of persons."""
    general = general_or_404(meeting_id)
    data = _body(PollIn())
    poll = voting.create_poll(general, **data)
    db.session.commit()
    return jsonify(voting.result(poll)), 201


@blueprint.get("/meetings/<int:meeting_id>/polls")
@requires("nns.view")
def list_polls(meeting_id: int):
    """The meeting's polls with their results so far."""
    return jsonify([voting.result(poll) for poll in voting.polls_of(general_or_404(meeting_id))])


@blueprint.get("/meetings/<int:meeting_id>/polls/<int:poll_id>")
@requires("nns.view")
def get_poll(meeting_id: int, poll_id: int):
    """Status, counts, winner, whether the chair decided, and who has voted."""
    general = general_or_404(meeting_id)
    return jsonify(voting.result(of_meeting_or_404(Poll, poll_id, general)))


@blueprint.post("/meetings/<int:meeting_id>/polls/<int:poll_id>/open")
@requires("nns.meeting.run")
def open_poll(meeting_id: int, poll_id: int):
    """Open the poll for votes (the röstlängd must be fixed). A closed ballot's answer carries
    `ballot_key`, the rösträkningsnyckel that its close needs: it is given this once and stored nowhere."""
    general = general_or_404(meeting_id)
    poll = of_meeting_or_404(Poll, poll_id, general)
    key = voting.open_poll(general, poll)
    db.session.commit()
    answer = voting.result(poll)
    if key:
        answer["ballot_key"] = key
    return jsonify(answer)


@blueprint.post("/meetings/<int:meeting_id>/polls/<int:poll_id>/close")
@requires("nns.meeting.run")
def close_poll(meeting_id: int, poll_id: int):
    """Close and count; the result goes into the item's §. A closed ballot needs the body
    `{"ballot_key"}` that its open answered (400 `invalid_input` without it, or with another key)."""
    general = general_or_404(meeting_id)
    poll = of_meeting_or_404(Poll, poll_id, general)
    data = load(CloseIn(), request.get_json(silent=True) or {})  # an open poll closes with no body, as before
    voting.close_poll(general, poll, ballot_key=data["ballot_key"])
    db.session.commit()
    return jsonify(voting.result(poll))


@blueprint.post("/meetings/<int:meeting_id>/polls/<int:poll_id>/cancel")
@requires("nns.meeting.run")
def cancel_poll(meeting_id: int, poll_id: int):
    """Stop an open poll without counting it (its sealed ballots are deleted unread)."""
    general = general_or_404(meeting_id)
    poll = of_meeting_or_404(Poll, poll_id, general)
    voting.cancel_poll(general, poll)
    db.session.commit()
    return jsonify(voting.result(poll))


@blueprint.post("/meetings/<int:meeting_id>/polls/<int:poll_id>/votes")
@requires("nns.vote")
@documented(requestBody=BallotIn)
def vote(meeting_id: int, poll_id: int):
    """The ombud's vote for their förbund, with the ombud's own token."""
    general = general_or_404(meeting_id)
    poll = of_meeting_or_404(Poll, poll_id, general)
    data = _body(BallotIn())
    voting.cast_vote(general, poll, email=g.api_user.email, option=data["option"])
    db.session.commit()
    return jsonify({"accepted": True}), 201


@blueprint.post("/meetings/<int:meeting_id>/motions")
@requires_standing("nns.motion.submit")
@documented(requestBody=MotionIn)
def submit_motion(meeting_id: int):
    """A motion by a member förbund, or a proposal by the styrelse, before motion_deadline.

    `submitted_by` names the förbund or "NNS styrelse"; without it a förbund's kansli, admin or
    contact submits for their förbund, NNS's people for the styrelse, and one who could mean both
    gets a 400 asking them to name it (access.acting_member). The motion is recorded as that
    förbund's (`member_id`). 201 with the motion; 400, 403 `not_your_forbund`, 409 `deadline_passed`."""
    general = general_or_404(meeting_id)
    data = _body(MotionIn())
    member = acting_member("nns.motion.submit", data["submitted_by"], "submitted_by")
    motion = services.submit_motion(general, member=member, title=data["title"], text=data["text"],
                                    by_email=g.api_user.email)
    db.session.commit()
    return jsonify(_motion_json(motion)), 201


def _motion_json(motion: Motion) -> dict:
    return {"id": motion.id, "title": motion.title, "text": motion.text, "submitted_by": motion.submitter,
            "submitted_at": motion.submitted_at.isoformat(), "response": motion.response or None,
            "proposal": motion.proposal}


@blueprint.get("/meetings/<int:meeting_id>/motions")
@requires("nns.view")
def list_motions(meeting_id: int):
    """The meeting's motions with the styrelse's yttranden."""
    return jsonify([_motion_json(m) for m in services.motions_of(general_or_404(meeting_id))])


@blueprint.put("/meetings/<int:meeting_id>/motions/<int:motion_id>/response")
@requires("nns.motion.respond")
@documented(requestBody=ResponseIn)
def respond(meeting_id: int, motion_id: int):
    """The styrelse's yttrande and proposal: bifall, avslag or besvarad."""
    general = general_or_404(meeting_id)
    motion = of_meeting_or_404(Motion, motion_id, general)
    data = _body(ResponseIn())
    services.respond_to_motion(motion, text=data["text"], proposal=data["proposal"])
    db.session.commit()
    return jsonify(_motion_json(motion))


@blueprint.get("/meetings/<int:meeting_id>/motions.pdf")
@requires("nns.view")
def motions_pdf(meeting_id: int):
    """The motions with the styrelse's yttranden, as sent out before the meeting."""
    return Response(documents.motions_pdf(general_or_404(meeting_id)), mimetype="application/pdf")


def _round_json(round_: NominationRound) -> dict:
    own = represented_member_id()
    nominations = [n for n in round_.nominations if own is None or n.member_id == own]
    return {
        "id": round_.id, "title": round_.title, "deadline": round_.deadline.isoformat(),
        "meeting_id": round_.meeting_id,
        "seats": [{"id": s.id, "role": s.role, "holder": s.holder, "member": s.member, "term_ends": s.term_ends,
                   "proposed": s.proposed or None} for s in round_.seats],
        "nominations": [_nomination_json(n) for n in nominations],
    }


def _nomination_json(nomination) -> dict:
    return {"id": nomination.id, "candidate": nomination.candidate, "role": nomination.role,
            "nominated_by": nomination.member.name if nomination.member else "Valberedningen",
            "candidate_forbund": nomination.candidate_forbund, "consent": nomination.consent}


@blueprint.post("/nomination-rounds")
@requires("nns.nominations.manage")
@documented(requestBody=RoundIn)
def open_round():
    """The valberedning opens a round: the seats up for election and the deadline."""
    data = _body(RoundIn())
    meeting = get_or_404(Meeting, data["meeting_id"]) if data["meeting_id"] else None
    round_ = services.open_round(title=data["title"], deadline=data["deadline"], seats=data["seats"], meeting=meeting)
    db.session.commit()
    return jsonify(_round_json(round_)), 201


@blueprint.get("/nomination-rounds/<int:round_id>")
@requires("nns.view")
def get_round(round_id: int):
    """A round with its seats; the valberedning sees every nomination, a förbund its own."""
    return jsonify(_round_json(get_or_404(NominationRound, round_id)))


@blueprint.post("/nomination-rounds/<int:round_id>/nominations")
@requires_standing("nns.nominate")
@documented(requestBody=NominationIn)
def nominate(round_id: int):
    """A förbund nominates a candidate for a role, by the deadline. `nominated_by` names the förbund
    (or "NNS styrelse" for the valberedning's own), as `submitted_by` of a motion: a förbund's
    kansli, admin or contact nominates for it whatever role they also hold in NNS. 201 with the
    nomination; 400, 403 `not_your_forbund`, 409 `deadline_passed`, `already_nominated`."""
    round_ = get_or_404(NominationRound, round_id)
    data = _body(NominationIn())
    member = acting_member("nns.nominate", data["nominated_by"], "nominated_by")
    nomination = services.nominate(round_, member=member, role=data["role"], candidate=data["candidate"],
                                   candidate_forbund=data["candidate_forbund"], consent=data["consent"],
                                   motivation=data["motivation"], by_email=g.api_user.email)
    db.session.commit()
    return jsonify(_nomination_json(nomination)), 201


@blueprint.delete("/nomination-rounds/<int:round_id>/nominations/<int:nomination_id>")
@requires_standing("nns.nominate")
def withdraw_nomination(round_id: int, nomination_id: int):
    """The nominating förbund takes its nomination back, by the deadline: one who may act for the
    förbund that nominated (or, for the valberedning's own, for NNS) needs to name nothing;
    ?nominated_by= names it as when nominating. 204; 404 for a nomination of another round,
    403/409 `not_your_forbund` for another förbund's, 409 `deadline_passed`."""
    nomination = get_or_404(Nomination, nomination_id)
    if nomination.round_id != round_id:
        abort(404)
    member = acting_member("nns.nominate", request.args.get("nominated_by"), "nominated_by",
                           prefer=nomination.member_id)
    services.withdraw_nomination(nomination, member)
    db.session.commit()
    return "", 204


@blueprint.get("/nomination-rounds/<int:round_id>/proposal.pdf")
@requires("nns.nominations.manage")
def proposal_pdf(round_id: int):
    """The valberedning's proposal for the årsmöte's papers."""
    return Response(documents.proposal_pdf(get_or_404(NominationRound, round_id)), mimetype="application/pdf")
