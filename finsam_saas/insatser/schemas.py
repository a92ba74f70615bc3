"""Request shapes of the insatser API (API.md)."""
from marshmallow import fields, validate

from finsam_saas.insatser.models import KINDS, PLANNED_PARTICIPANTS_MAX, Application, Insats, QuarterlyReport
from finsam_saas.platform.schemas import Schema, text_field

KIND_NAMES = validate.OneOf(KINDS, error="en av individ, struktur, ovrig")


def _planned_participants(**optional):
    # Optional: Uppföljning Finsam's budgeted participants; null where none is stated (a strukturinsats).
    return fields.Integer(allow_none=True, strict=True, **optional,
                          validate=validate.Range(min=0, max=PLANNED_PARTICIPANTS_MAX, error="heltal {min}–{max}"),
                          metadata={"description": "antal planerade deltagare"})


class InsatsIn(Schema):
    name = text_field(Insats.name, least=1, required=True)
    owner = text_field(Insats.owner, least=1, required=True)
    kind = fields.String(required=True, validate=KIND_NAMES)
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    grants = fields.Dict(keys=fields.String(), values=fields.Integer(strict=True), load_default=dict)
    partners = text_field(Insats.partners, load_default="", metadata={"description": "samverkansparter"})
    target_group = text_field(Insats.target_group, load_default="", metadata={"description": "målgrupp"})
    method = text_field(Insats.method, load_default="", metadata={"description": "metod"})
    diarienummer = text_field(Insats.diarienummer, load_default=None, allow_none=True)
    styrgrupp = text_field(Insats.styrgrupp, load_default="")
    focus = text_field(Insats.focus, load_default="", metadata={"description": "inriktning"})
    planned_participants = _planned_participants(load_default=None)


class InsatsChange(Schema):
    """PATCH of an insats: only the keys sent change (not its name, period or grants)."""
    owner = text_field(Insats.owner, least=1)
    kind = fields.String(validate=KIND_NAMES)
    partners = text_field(Insats.partners, metadata={"description": "samverkansparter"})
    target_group = text_field(Insats.target_group, metadata={"description": "målgrupp"})
    method = text_field(Insats.method, metadata={"description": "metod"})
    diarienummer = text_field(Insats.diarienummer, allow_none=True)
    styrgrupp = text_field(Insats.styrgrupp)
    focus = text_field(Insats.focus, metadata={"description": "inriktning"})
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
    deviations = text_field(QuarterlyReport.deviations, load_default="")
    comment = text_field(QuarterlyReport.comment, load_default="")
    # Kansli only: the day a paper report was received, when back-filling it.
    received_on = fields.Date(load_default=None, allow_none=True,
                              metadata={"description": "mottagningsdag (kansliet, vid efterregistrering)"})


class SpendIn(Schema):
    through = fields.Date(required=True)
    amount = fields.Integer(required=True, strict=True)
    budget = fields.Integer(load_default=None, allow_none=True, strict=True)


class RequisitionIn(Schema):
    year = fields.Integer(required=True, strict=True, metadata={"description": "år, fyra siffror, inom insatsens period"})
    amount = fields.Integer(required=True, strict=True, metadata={"description": "kronor"})
    # The day of a requisition registered after the fact; without it, the day it is registered.
    requisitioned_on = fields.Date(load_default=None, allow_none=True,
                                   metadata={"description": "rekvisitionens datum"})


class ApplicationIn(Schema):
    title = text_field(Application.title, least=1, required=True)
    applicant = text_field(Application.applicant, required=True)
    amounts = fields.Dict(keys=fields.String(), values=fields.Integer(strict=True), required=True)
    kind = fields.String(load_default="individ", validate=KIND_NAMES)
    goals = text_field(Application.goals, load_default="")
    target_group = text_field(Application.target_group, load_default="")
    start = fields.Date(load_default=None, allow_none=True)
    end = fields.Date(load_default=None, allow_none=True)
