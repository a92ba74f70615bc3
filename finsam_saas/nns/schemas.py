"""Request shapes of the NNS API (API.md)."""
from datetime import date

from marshmallow import ValidationError, fields, validate

from finsam_saas.meetings.schemas import MeetingIn
from finsam_saas.nns.models import (
    MEETING_KINDS, MOTION_PROPOSALS, POSITION_ROLES, Motion, Nomination, NominationRound, Ombud, Poll, PollVoter,
    RoundSeat,
)
from finsam_saas.organisation.models import Body, Member
from finsam_saas.platform.schemas import Schema, text_field


class TermEnds(fields.Field):
    """The årsmöte a term ends at: a year (2021) or a date ("2021-04-22") whose year is taken."""

    def _deserialize(self, value, attr, data, **kwargs):
        year = None
        if isinstance(value, int) and not isinstance(value, bool):
            year = value
        elif isinstance(value, str) and len(value) == 4 and value.isdigit():
            year = int(value)
        elif isinstance(value, str):
            try:
                year = date.fromisoformat(value).year
            except ValueError:
                year = None
        if year is None or not 2000 <= year <= 2100:
            raise ValidationError("ett år (2021) eller ett datum (2021-04-22), 2000–2100")
        return year


class GeneralMeetingIn(MeetingIn):
    body = text_field(Body.slug, load_default="medlemsmote")
    motion_deadline = fields.Date(load_default=None, allow_none=True)
    kind = fields.String(load_default="medlemsmote", validate=validate.OneOf(MEETING_KINDS))


class OmbudIn(Schema):
    member = text_field(Member.name, required=True)
    email = text_field(Ombud.email, required=True)
    name = text_field(Ombud.name, load_default="")


class RollIn(Schema):
    ombud = fields.List(fields.Nested(OmbudIn), required=True)


class OwnOmbudIn(Schema):
    name = text_field(Ombud.name, least=1, required=True)
    email = text_field(Ombud.email, required=True)
    member = text_field(Member.name, load_default=None, allow_none=True)
    replace = fields.Boolean(load_default=False)


class PollIn(Schema):
    title = text_field(Poll.title, least=1, required=True)
    secret = fields.Boolean(load_default=False)
    options = fields.List(text_field(PollVoter.option), required=True)  # kept as a vote's option
    chair_preference = text_field(Poll.chair_preference, load_default=None, allow_none=True)
    item_number = fields.Integer(load_default=None, allow_none=True, strict=True)


class BallotIn(Schema):
    option = text_field(PollVoter.option, required=True)


class CloseIn(Schema):
    # The rösträkningsnyckel, never stored; far longer than any key is a mistake.
    ballot_key = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class SeatIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(POSITION_ROLES))
    holder = text_field(RoundSeat.holder, load_default="")
    member = text_field(RoundSeat.member, load_default="")
    term_ends = TermEnds(load_default=None, allow_none=True)


class RoundIn(Schema):
    title = text_field(NominationRound.title, least=1, required=True)
    deadline = fields.Date(required=True)
    seats = fields.List(fields.Nested(SeatIn), load_default=list)
    meeting_id = fields.Integer(load_default=None, allow_none=True, strict=True)


class NominationIn(Schema):
    candidate = text_field(Nomination.candidate, least=1, required=True)
    role = fields.String(required=True, validate=validate.OneOf(POSITION_ROLES))
    nominated_by = text_field(Member.name, load_default=None, allow_none=True)
    candidate_forbund = text_field(Nomination.candidate_forbund, load_default="")
    consent = fields.Boolean(load_default=False)
    motivation = text_field(Nomination.motivation, load_default="")


class MotionIn(Schema):
    title = text_field(Motion.title, least=1, required=True)
    text = text_field(Motion.text, least=1, required=True)
    submitted_by = text_field(Member.name, load_default=None, allow_none=True)


class ResponseIn(Schema):
    text = text_field(Motion.response, least=1, required=True)
    proposal = fields.String(required=True, validate=validate.OneOf(MOTION_PROPOSALS))
