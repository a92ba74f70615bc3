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


class SettingsSchema(Schema):
    equity_ceiling = fields.Nested(EquityCeilingSchema)
    bound_reserve = fields.Integer(strict=True, load_default=0, validate=validate.Range(min=0))


class MemberSchema(Schema):
    name = fields.String(required=True, validate=NOT_BLANK)
    kind = fields.String(required=True, validate=validate.OneOf(MEMBER_KINDS))
    tenant = fields.String(validate=SLUG)


class SeatSchema(Schema):
    person = fields.String(required=True, validate=NOT_BLANK)
    email = fields.Email()
    seat = fields.String(required=True, validate=validate.OneOf(SEAT_KINDS))
    appointed_by = fields.String()
    position = fields.String(validate=validate.OneOf(POSITIONS))
    substitute_order = fields.Integer(strict=True, validate=validate.Range(min=1))


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
