"""Request and response shapes of the meetings API (API.md)."""
from marshmallow import fields, validate

from finsam_saas.meetings.models import (
    ATTENDEE_ROLES, ITEM_KINDS, PLACEMENTS, AgendaItem, Attendee, Correction, Matter, Meeting, Minutes, Paragraph,
    Signer, Task,
)
from finsam_saas.organisation.models import Body, Member
from finsam_saas.platform.schemas import Schema, text_field

STRICT_INT = {"strict": True, "validate": validate.Range(min=0)}


class ItemIn(Schema):
    title = text_field(AgendaItem.title, least=1, required=True)
    kind = fields.String(load_default="information", validate=validate.OneOf(ITEM_KINDS))
    presenter = text_field(AgendaItem.presenter, load_default="")
    proposal = text_field(AgendaItem.proposal, load_default="")
    description = text_field(AgendaItem.description, load_default="")
    diarienummer = text_field(Matter.diarienummer, load_default=None, allow_none=True)
    confidential = fields.Boolean(load_default=False)
    standing = fields.Boolean(load_default=False)
    # open | main | close; omitted: as the agenda's shape says (the matters of the day when added)
    placement = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(PLACEMENTS))
    after = fields.Integer(load_default=None, allow_none=True, strict=True)


class ItemChangeIn(Schema):
    title = text_field(AgendaItem.title, least=1)
    kind = fields.String(validate=validate.OneOf(ITEM_KINDS))
    presenter = text_field(AgendaItem.presenter)
    proposal = text_field(AgendaItem.proposal)
    description = text_field(AgendaItem.description)
    diarienummer = text_field(Matter.diarienummer, allow_none=True)
    confidential = fields.Boolean()
    standing = fields.Boolean()
    placement = fields.String(validate=validate.OneOf(PLACEMENTS))


class MoveIn(Schema):
    direction = fields.String(required=True, validate=validate.OneOf(["up", "down"]))


class MeetingIn(Schema):
    body = text_field(Body.slug, required=True)
    date = fields.Date(required=True)
    end_date = fields.Date(load_default=None, allow_none=True)
    start = fields.Time(load_default=None, allow_none=True)
    end = fields.Time(load_default=None, allow_none=True)
    place = text_field(Meeting.place, load_default="")
    theme = text_field(Meeting.theme, load_default="")
    items = fields.List(fields.Nested(ItemIn), load_default=list)
    template = fields.Boolean(load_default=False)
    confirm = fields.Boolean(load_default=False)


class MeetingMoveIn(Schema):
    date = fields.Date()
    end_date = fields.Date(allow_none=True)
    start = fields.Time(allow_none=True)
    end = fields.Time(allow_none=True)
    place = text_field(Meeting.place)
    theme = text_field(Meeting.theme)
    confirm = fields.Boolean(load_default=False)


class CancelIn(Schema):
    reason = text_field(Meeting.cancel_reason, load_default="")


class ConfirmIn(Schema):
    confirm = fields.Boolean(load_default=False)


class AttendeeIn(Schema):
    name = text_field(Attendee.name, required=True)
    member = text_field(Member.name, load_default=None, allow_none=True)
    role = fields.String(load_default="ledamot", validate=validate.OneOf(ATTENDEE_ROLES))
    title = text_field(Attendee.title, load_default="")
    serving = fields.Boolean(load_default=None, allow_none=True)  # an ersättare serves where a seat is free
    from_ = fields.Integer(data_key="from", attribute="from", load_default=None, allow_none=True, strict=True)
    to = fields.Integer(load_default=None, allow_none=True, strict=True)


class MinutesIn(Schema):
    chair = text_field(Minutes.chair, required=True)
    secretary = text_field(Minutes.secretary, required=True)
    # At least one, the rules say (services._check_people); a meeting with a roll may elect them later.
    justerare = fields.List(text_field(Signer.name), required=True)
    attendees = fields.List(fields.Nested(AttendeeIn), required=True, validate=validate.Length(min=1))


AttendanceIn = MinutesIn


class ParagraphIn(Schema):
    text = text_field(Paragraph.text)
    decision = text_field(Paragraph.decision)
    recused = fields.List(text_field(Attendee.name))  # names of those present
    reservations = fields.List(text_field(Attendee.name))
    confidential = fields.Boolean()


class VoteIn(Schema):
    yes = fields.Integer(required=True, **STRICT_INT)
    no = fields.Integer(required=True, **STRICT_INT)
    abstain = fields.Integer(load_default=0, **STRICT_INT)
    chair_vote = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(["yes", "no"]))
    presiding = text_field(Attendee.name, load_default=None, allow_none=True)  # who chaired the § when not the chair


class JusteringIn(Schema):
    date = fields.Date(required=True)
    posted = fields.Date(load_default=None, allow_none=True)
    # Omitted: recorded on paper when any signer has not approved in the system.
    signed_on_paper = fields.Boolean(load_default=None, allow_none=True)


class CorrectionIn(Schema):
    text = text_field(Correction.text, required=True)
    signed_by = text_field(Correction.signed_by, required=True)
    made_on = fields.Date(load_default=None, allow_none=True)  # omitted: today
    paragraph = fields.Integer(load_default=None, allow_none=True)
    # A rättelse is never changed or removed: the call must say it knows.
    confirm = fields.Boolean(load_default=False)


class TaskIn(Schema):
    assignee = text_field(Task.assignee, least=1, required=True)
    description = text_field(Task.description, least=1, required=True)
    due = fields.Date(required=True)
