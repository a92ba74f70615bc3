"""Request shapes of the insatser API (API.md)."""
from marshmallow import Schema, fields, validate

from finsam_saas.insatser.models import FOCUS_MAX, KINDS, PLANNED_PARTICIPANTS_MAX, TARGET_GROUP_MAX

KIND_NAMES = validate.OneOf(KINDS, error="en av individ, struktur, ovrig")


def _at_most(limit: int, least: int = 0):
    return validate.Length(min=least, max=limit, error=f"{least}–{{max}} tecken" if least else "högst {max} tecken")


def _planned_participants(**optional):
    # Optional: Uppföljning Finsam's budgeted participants; null where none is stated (a strukturinsats).
    return fields.Integer(allow_none=True, strict=True, **optional,
                          validate=validate.Range(min=0, max=PLANNED_PARTICIPANTS_MAX, error="heltal {min}–{max}"),
                          error_messages={"invalid": "inte ett heltal"},
                          metadata={"description": "antal planerade deltagare"})


class InsatsIn(Schema):
    name = fields.String(required=True, validate=_at_most(300, 1))
    owner = fields.String(required=True, validate=_at_most(200, 1))
    kind = fields.String(required=True, validate=KIND_NAMES)
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    grants = fields.Dict(keys=fields.String(), values=fields.Integer(strict=True), load_default=dict)
    partners = fields.String(load_default="")
    target_group = fields.String(load_default="", validate=_at_most(TARGET_GROUP_MAX),
                                 metadata={"description": "målgrupp"})
    method = fields.String(load_default="")
    diarienummer = fields.String(load_default=None, allow_none=True, validate=_at_most(30))
    styrgrupp = fields.String(load_default="")
    focus = fields.String(load_default="", validate=_at_most(FOCUS_MAX), metadata={"description": "inriktning"})
    planned_participants = _planned_participants(load_default=None)


class InsatsChange(Schema):
    """PATCH of an insats: only the keys sent change (not its name, period or grants)."""
    owner = fields.String(validate=_at_most(200, 1))
    kind = fields.String(validate=KIND_NAMES)
    partners = fields.String()
    target_group = fields.String(validate=_at_most(TARGET_GROUP_MAX), metadata={"description": "målgrupp"})
    method = fields.String()
    diarienummer = fields.String(allow_none=True, validate=_at_most(30))
    styrgrupp = fields.String()
    focus = fields.String(validate=_at_most(FOCUS_MAX), metadata={"description": "inriktning"})
    planned_participants = _planned_participants()


class StrictBoolean(fields.Boolean):
    """true or false, as JSON writes them: not "ja", 1 or "true"."""

    default_error_messages = {"invalid": "ska vara true eller false"}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class QuarterlyReportIn(Schema):
    """A kvartalsrapport: the quality questions (QUALITY_QUESTIONS keys) answered true/false."""
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100, error="år {min}–{max}"))
    quarter = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=4, error="kvartal 1–4"))
    answers = fields.Dict(keys=fields.String(), values=StrictBoolean(), required=True)
    goals_on_track = StrictBoolean(required=True)
    forecast_met = StrictBoolean(required=True)
    deviations = fields.String(load_default="", validate=_at_most(5000))
    comment = fields.String(load_default="", validate=_at_most(5000))
    # Kansli only: the day a paper report was received, when back-filling it.
    received_on = fields.Date(load_default=None, allow_none=True, error_messages={"invalid": "ska skrivas ÅÅÅÅ-MM-DD"},
                              metadata={"description": "mottagningsdag (kansliet, vid efterregistrering)"})


class SpendIn(Schema):
    through = fields.Date(required=True)
    amount = fields.Integer(required=True, strict=True)
    budget = fields.Integer(load_default=None, allow_none=True, strict=True)


class RequisitionIn(Schema):
    year = fields.Integer(required=True, strict=True, metadata={"description": "år, fyra siffror, inom insatsens period"})
    amount = fields.Integer(required=True, strict=True, metadata={"description": "kronor"})
    # The day of a requisition registered after the fact; without it, the day it is registered.
    requisitioned_on = fields.Date(load_default=None, allow_none=True, error_messages={"invalid": "ska skrivas ÅÅÅÅ-MM-DD"},
                                   metadata={"description": "rekvisitionens datum"})




class ApplicationIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    applicant = fields.String(required=True)
    amounts = fields.Dict(keys=fields.String(), values=fields.Integer(strict=True), required=True)
    kind = fields.String(load_default="individ", validate=KIND_NAMES)
    goals = fields.String(load_default="")
    target_group = fields.String(load_default="")
    start = fields.Date(load_default=None, allow_none=True)
    end = fields.Date(load_default=None, allow_none=True)
