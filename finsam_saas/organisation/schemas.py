"""The shape of a tenant file (tenants/<slug>.toml), checked before anything is written, and the
request bodies of the organisation API."""
from marshmallow import ValidationError, fields, validate, validates_schema

from finsam_saas.organisation.models import (
    BODY_KINDS, KANSLI_ROLES, MEMBER_KINDS, POSITIONS, SEAT_KINDS, Body, KansliPerson, Member, Seat,
)
from finsam_saas.platform.contract import max_length
from finsam_saas.platform.models import Tenant
from finsam_saas.platform.schemas import Schema, text_field

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


def _email(column):
    return fields.Email(validate=validate.Length(max=max_length(column)))


class MemberSchema(Schema):
    name = text_field(Member.name, required=True, validate=[NOT_BLANK])
    kind = fields.String(required=True, validate=validate.OneOf(MEMBER_KINDS))
    tenant = text_field(Tenant.slug, validate=[SLUG])
    email = _email(Member.email)  # where the justerat protokoll goes for the member's anslag


class SeatSchema(Schema):
    person = text_field(Seat.person, required=True, validate=[NOT_BLANK])
    email = _email(Seat.email)
    phone = text_field(Seat.phone)
    seat = fields.String(required=True, validate=validate.OneOf(SEAT_KINDS))
    appointed_by = text_field(Member.name)
    position = fields.String(validate=validate.OneOf(POSITIONS))
    substitute_order = fields.Integer(strict=True, validate=validate.Range(min=1))
    term_start = fields.Date()
    term_end = fields.Date()


class BodySchema(Schema):
    slug = text_field(Body.slug, required=True, validate=[SLUG])
    name = text_field(Body.name, required=True, validate=[NOT_BLANK])
    kind = fields.String(required=True, validate=validate.OneOf(BODY_KINDS))
    ordinarie_seats = fields.Integer(strict=True, load_default=0, validate=validate.Range(min=0))
    seats = fields.List(fields.Nested(SeatSchema), load_default=list)


class KansliSchema(Schema):
    name = text_field(KansliPerson.name, required=True, validate=[NOT_BLANK])
    role = fields.String(required=True, validate=validate.OneOf(KANSLI_ROLES))
    title = text_field(KansliPerson.title, required=True, validate=[NOT_BLANK])
    email = _email(KansliPerson.email)
    phone = text_field(KansliPerson.phone)


class TenantFileSchema(Schema):
    slug = text_field(Tenant.slug, required=True, validate=[SLUG])
    name = text_field(Tenant.name, required=True, validate=[NOT_BLANK])
    short_name = text_field(Tenant.short_name, required=True, validate=[NOT_BLANK])
    org_nr = fields.String(validate=validate.Regexp(r"^\d{6}-\d{4}$", error="skrivs NNNNNN-NNNN"))
    kind = fields.String(required=True, validate=validate.OneOf(["forbund", "association"]))
    nns_member = text_field(Tenant.nns_member)
    anslag_places = text_field(Tenant.anslag_places)
    settings = fields.Nested(SettingsSchema, load_default=lambda: {"bound_reserve": 0})
    members = fields.List(fields.Nested(MemberSchema), required=True, validate=validate.Length(min=1))
    bodies = fields.List(fields.Nested(BodySchema), load_default=list)
    kansli = fields.List(fields.Nested(KansliSchema), load_default=list)


# --- the organisation API's request bodies ---------------------------------------------------

class RegisterSeatIn(Schema):
    person = text_field(Seat.person, least=1, required=True)
    seat = fields.String(load_default="ordinarie", validate=validate.OneOf(SEAT_KINDS))
    appointed_by = text_field(Member.name, load_default=None, allow_none=True)
    email = text_field(Seat.email, load_default=None, allow_none=True)
    phone = text_field(Seat.phone, load_default=None, allow_none=True)
    role = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(POSITIONS))
    substitute_order = fields.Integer(load_default=None, allow_none=True, strict=True)
    term_start = fields.Date(load_default=None, allow_none=True)
    term_end = fields.Date(load_default=None, allow_none=True)


class TermEndIn(Schema):
    date = fields.Date(required=True)


class KansliIn(Schema):
    name = text_field(KansliPerson.name, least=1, required=True)
    role = fields.String(load_default="annat", validate=validate.OneOf(KANSLI_ROLES))
    title = text_field(KansliPerson.title, least=1, required=True)
    email = text_field(KansliPerson.email, load_default=None, allow_none=True)
    phone = text_field(KansliPerson.phone, load_default=None, allow_none=True)


class MemberIn(Schema):
    email = text_field(Member.email, required=True, allow_none=True)
