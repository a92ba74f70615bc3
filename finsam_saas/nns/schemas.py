"""Request shapes of the NNS API (API.md)."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate

from finsam_saas.meetings.schemas import MeetingIn
from finsam_saas.nns.models import MEETING_KINDS, MOTION_PROPOSALS, POSITION_ROLES


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
    body = fields.String(load_default="medlemsmote")
    motion_deadline = fields.Date(load_default=None, allow_none=True)
    kind = fields.String(load_default="medlemsmote", validate=validate.OneOf(MEETING_KINDS))


class OmbudIn(Schema):
    member = fields.String(required=True)
    email = fields.String(required=True)
    name = fields.String(load_default="")


class RollIn(Schema):
    ombud = fields.List(fields.Nested(OmbudIn), required=True)


class OwnOmbudIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.String(required=True)
    member = fields.String(load_default=None, allow_none=True)
    replace = fields.Boolean(load_default=False)


class PollIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    secret = fields.Boolean(load_default=False)
    options = fields.List(fields.String(), required=True)
    chair_preference = fields.String(load_default=None, allow_none=True)
    item_number = fields.Integer(load_default=None, allow_none=True, strict=True)


class BallotIn(Schema):
    option = fields.String(required=True)


class CloseIn(Schema):
    ballot_key = fields.String(load_default=None, allow_none=True)


class SeatIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(POSITION_ROLES))
    holder = fields.String(load_default="")
    member = fields.String(load_default="")
    term_ends = TermEnds(load_default=None, allow_none=True)


class RoundIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    deadline = fields.Date(required=True)
    seats = fields.List(fields.Nested(SeatIn), load_default=list)
    meeting_id = fields.Integer(load_default=None, allow_none=True, strict=True)


class NominationIn(Schema):
    candidate = fields.String(required=True, validate=validate.Length(min=1, max=200))
    role = fields.String(required=True, validate=validate.OneOf(POSITION_ROLES))
    nominated_by = fields.String(load_default=None, allow_none=True)
    candidate_forbund = fields.String(load_default="")
    consent = fields.Boolean(load_default=False)
    motivation = fields.String(load_default="")


class MotionIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    text = fields.String(required=True, validate=validate.Length(min=1))
    submitted_by = fields.String(load_default=None, allow_none=True)


class ResponseIn(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1))
    proposal = fields.String(required=True, validate=validate.OneOf(MOTION_PROPOSALS))
