"""The shape of a tenant file (tenants/<slug>.toml), checked before anything is written."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from finsam_saas.organisation.models import BODY_KINDS, KANSLI_ROLES, MEMBER_KINDS, POSITIONS, SEAT_KINDS

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]*$", error="endast a–z, siffror och bindestreck")
NOT_BLANK = validate.Length(min=1, error="får inte vara tomt")


class EquityCeilingSchema(Schema):
    rule = fields.String(required=True, validate=validate.OneOf(["fixed", "percent_of_fees"]))
    amount = fields.Integer(strict=True, validate=validate.Range(min=0))
    percent = fields.Float(validate=validate.Range(min=0, max=100))

    @validates_schema
    def _rule_has_its_value(self, data, **kwargs):
        if data.get("rule") == "fixed" and "amount" not in data:
            raise ValidationError("krävs när rule = \"fixed\"", "amount")
        if data.get("rule") == "percent_of_fees" and "percent" not in data:
            raise ValidationError("krävs när rule = \"percent_of_fees\"", "percent")


MONTH_DAY = validate.Regexp(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", error="skrivs MM-DD")


class DutySchema(Schema):
    """A duty of the årshjul (meetings.plan.Duty)."""
    month = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=12))
    title = fields.String(required=True, validate=NOT_BLANK)
    detail = fields.String(load_default="")
    body_kind = fields.String(validate=validate.OneOf(BODY_KINDS))
    start = fields.String(validate=MONTH_DAY)
    by = fields.String(validate=MONTH_DAY)


class SettingsSchema(Schema):
    equity_ceiling = fields.Nested(EquityCeilingSchema)
    bound_reserve = fields.Integer(strict=True, load_default=0, validate=validate.Range(min=0))
    arshjul = fields.List(fields.Nested(DutySchema))


class MemberSchema(Schema):
    name = fields.String(required=True, validate=NOT_BLANK)
    kind = fields.String(required=True, validate=validate.OneOf(MEMBER_KINDS))
    tenant = fields.String(validate=SLUG)
    email = fields.Email()  # where the justerat protokoll goes for the member's anslag


class SeatSchema(Schema):
    person = fields.String(required=True, validate=NOT_BLANK)
    email = fields.Email()
    phone = fields.String(validate=validate.Length(max=40))
    seat = fields.String(required=True, validate=validate.OneOf(SEAT_KINDS))
    appointed_by = fields.String()
    position = fields.String(validate=validate.OneOf(POSITIONS))
    substitute_order = fields.Integer(strict=True, validate=validate.Range(min=1))
    term_start = fields.Date()
    term_end = fields.Date()


class BodySchema(Schema):
    slug = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=NOT_BLANK)
    kind = fields.String(required=True, validate=validate.OneOf(BODY_KINDS))
    ordinarie_seats = fields.Integer(strict=True, load_default=0, validate=validate.Range(min=0))
    seats = fields.List(fields.Nested(SeatSchema), load_default=list)


class KansliSchema(Schema):
    name = fields.String(required=True, validate=NOT_BLANK)
    role = fields.String(required=True, validate=validate.OneOf(KANSLI_ROLES))
    title = fields.String(required=True, validate=NOT_BLANK)
    email = fields.Email()
    phone = fields.String(validate=validate.Length(max=40))


class TenantFileSchema(Schema):
    slug = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=NOT_BLANK)
    short_name = fields.String(required=True, validate=NOT_BLANK)
    org_nr = fields.String(validate=validate.Regexp(r"^\d{6}-\d{4}$", error="skrivs NNNNNN-NNNN"))
    kind = fields.String(required=True, validate=validate.OneOf(["forbund", "association"]))
    nns_member = fields.String()
    anslag_places = fields.String()
    settings = fields.Nested(SettingsSchema, load_default=lambda: {"bound_reserve": 0})
    members = fields.List(fields.Nested(MemberSchema), required=True, validate=validate.Length(min=1))
    bodies = fields.List(fields.Nested(BodySchema), load_default=list)
    kansli = fields.List(fields.Nested(KansliSchema), load_default=list)
