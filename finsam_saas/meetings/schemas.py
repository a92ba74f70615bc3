"""Request and response shapes of the meetings API (API.md)."""
from marshmallow import Schema, fields, validate

from finsam_saas.meetings.models import ATTENDEE_ROLES, ITEM_KINDS, PLACEMENTS

STRICT_INT = {"strict": True, "validate": validate.Range(min=0)}


class ItemIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    kind = fields.String(load_default="information", validate=validate.OneOf(ITEM_KINDS))
    presenter = fields.String(load_default="", validate=validate.Length(max=200))
    proposal = fields.String(load_default="")
    description = fields.String(load_default="")
    diarienummer = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=30))
    confidential = fields.Boolean(load_default=False)
    standing = fields.Boolean(load_default=False)
    # open | main | close; omitted: as the agenda's shape says (the matters of the day when added)
    placement = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(PLACEMENTS))
    after = fields.Integer(load_default=None, allow_none=True, strict=True)


class ItemChangeIn(Schema):
    title = fields.String(validate=validate.Length(min=1, max=300))
    kind = fields.String(validate=validate.OneOf(ITEM_KINDS))
    presenter = fields.String(validate=validate.Length(max=200))
    proposal = fields.String()
    description = fields.String()
    diarienummer = fields.String(allow_none=True, validate=validate.Length(max=30))
    confidential = fields.Boolean()
    standing = fields.Boolean()
    placement = fields.String(validate=validate.OneOf(PLACEMENTS))


class MoveIn(Schema):
    direction = fields.String(required=True, validate=validate.OneOf(["up", "down"]))


class MeetingIn(Schema):
    body = fields.String(required=True)
    date = fields.Date(required=True)
    end_date = fields.Date(load_default=None, allow_none=True)
    start = fields.Time(load_default=None, allow_none=True)
    end = fields.Time(load_default=None, allow_none=True)
    place = fields.String(load_default="", validate=validate.Length(max=300))
    theme = fields.String(load_default="", validate=validate.Length(max=300))
    items = fields.List(fields.Nested(ItemIn), load_default=list)
    template = fields.Boolean(load_default=False)
    confirm = fields.Boolean(load_default=False)


class MeetingMoveIn(Schema):
    date = fields.Date()
    end_date = fields.Date(allow_none=True)
    start = fields.Time(allow_none=True)
    end = fields.Time(allow_none=True)
    place = fields.String(validate=validate.Length(max=300))
    theme = fields.String(validate=validate.Length(max=300))
    confirm = fields.Boolean(load_default=False)


class CancelIn(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=300))


class ConfirmIn(Schema):
    confirm = fields.Boolean(load_default=False)


class AttendeeIn(Schema):
    name = fields.String(required=True)
    member = fields.String(load_default=None, allow_none=True)
    role = fields.String(load_default="ledamot", validate=validate.OneOf(ATTENDEE_ROLES))
    title = fields.String(load_default="")
    serving = fields.Boolean(load_default=None, allow_none=True)  # an ersättare serves where a seat is free
    from_ = fields.Integer(data_key="from", attribute="from", load_default=None, allow_none=True, strict=True)
    to = fields.Integer(load_default=None, allow_none=True, strict=True)


class MinutesIn(Schema):
    chair = fields.String(required=True)
    secretary = fields.String(required=True)
    # At least one, the rules say (services._check_people); a meeting with a roll may elect them later.
    justerare = fields.List(fields.String(), required=True)
    attendees = fields.List(fields.Nested(AttendeeIn), required=True, validate=validate.Length(min=1))


AttendanceIn = MinutesIn


class ParagraphIn(Schema):
    text = fields.String()
    decision = fields.String()
    recused = fields.List(fields.String())
    reservations = fields.List(fields.String())
    confidential = fields.Boolean()


class VoteIn(Schema):
    yes = fields.Integer(required=True, **STRICT_INT)
    no = fields.Integer(required=True, **STRICT_INT)
    abstain = fields.Integer(load_default=0, **STRICT_INT)
    chair_vote = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(["yes", "no"]))
    presiding = fields.String(load_default=None, allow_none=True)  # who chaired the § when not the chair


class JusteringIn(Schema):
    date = fields.Date(required=True)
    posted = fields.Date(load_default=None, allow_none=True)
    # Omitted: recorded on paper when any signer has not approved in the system.
    signed_on_paper = fields.Boolean(load_default=None, allow_none=True)


class CorrectionIn(Schema):
    text = fields.String(required=True)
    signed_by = fields.String(required=True)
    made_on = fields.Date(load_default=None, allow_none=True)  # omitted: today
    paragraph = fields.Integer(load_default=None, allow_none=True)
    # A rättelse is never changed or removed: the call must say it knows.
    confirm = fields.Boolean(load_default=False)


class TaskIn(Schema):
    assignee = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(required=True, validate=validate.Length(min=1))
    due = fields.Date(required=True)
