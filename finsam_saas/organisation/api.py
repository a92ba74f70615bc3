"""JSON endpoints of the organisation (API.md: GET /api/v1/<tenant>/members), and the register
of people as the web keeps it: seats in bodies, kansli, the members' address for anslag."""
from flask import jsonify, request
from marshmallow import Schema, fields

from finsam_saas.extensions import db
from finsam_saas.organisation import permissions, services  # noqa: F401
from finsam_saas.organisation.models import Body, KansliPerson, Member, Seat
from finsam_saas.organisation.schemas import KansliIn, MemberIn, RegisterSeatIn, TermEndIn
from finsam_saas.platform.auth import can, requires
from finsam_saas.platform.openapi import documented
from finsam_saas.platform.rules import InvalidInput
from finsam_saas.platform.schemas import load
from finsam_saas.platform.web import api_blueprint, get_or_404

blueprint = api_blueprint("organisation_api", __name__)


class MemberSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()


class SeatSchema(Schema):
    id = fields.Integer()
    person = fields.String()
    seat = fields.String()
    role = fields.String(allow_none=True)
    substitute_order = fields.Integer(allow_none=True)
    appointed_by = fields.Function(lambda s: s.appointed_by.name if s.appointed_by else None)
    term_start = fields.Date(allow_none=True)
    term_end = fields.Date(allow_none=True)


class SeatContactSchema(SeatSchema):
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class BodySchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    kind = fields.String()
    ordinarie_seats = fields.Integer()
    quorum = fields.Integer()


def _seats(seats) -> list[dict]:
    schema = SeatContactSchema if can("organisation.contacts") else SeatSchema
    return schema(many=True).dump([s for s in seats if s.active])


def _kansli_json(person: KansliPerson) -> dict:
    row = {"id": person.id, "name": person.name, "role": person.role, "title": person.title}
    if can("organisation.contacts"):
        row.update(email=person.email, phone=person.phone)
    return row


@blueprint.get("/members")
@requires("organisation.view")
def members():
    """The tenant's members: state, region and kommuner (for nns: the member förbund)."""
    return jsonify(MemberSchema(many=True).dump(services.members_of()))


@blueprint.patch("/members/<int:member_id>")
@requires("organisation.edit")
@documented(requestBody=MemberIn)
def update_member(member_id: int):
    """The address where the member receives the justerat protokoll for its anslag."""
    member = get_or_404(Member, member_id)
    data = load(MemberIn(), request.get_json(silent=True))
    services.set_member_email(member, data["email"])
    db.session.commit()
    return jsonify({"id": member.id, "name": member.name, "email": member.email})


@blueprint.get("/bodies")
@requires("organisation.view")
def bodies():
    return jsonify(BodySchema(many=True).dump(services.bodies()))


@blueprint.get("/bodies/<int:body_id>")
@requires("organisation.view")
def body(body_id: int):
    """A body with its seats (e-mail and phone for the förbund's own board and staff)."""
    found = get_or_404(Body, body_id)
    return jsonify({**BodySchema().dump(found), "seats": _seats(found.seats)})


def _seat_fields(data: dict) -> dict:
    return {**data, "appointed_by": services.member_by_name(data.get("appointed_by"))}


@blueprint.post("/bodies/<int:body_id>/seats")
@requires("organisation.edit")
@documented(requestBody=RegisterSeatIn)
def add_seat(body_id: int):
    """Add a person to the body's register: ordinarie ledamot or ersättare, appointed by a member."""
    found = get_or_404(Body, body_id)
    seat = services.add_seat(found, **_seat_fields(load(RegisterSeatIn(), request.get_json(silent=True))))
    db.session.commit()
    return jsonify(SeatContactSchema().dump(seat)), 201


def _active_seat(seat_id: int) -> Seat:
    seat = get_or_404(Seat, seat_id)
    if not seat.active:
        raise InvalidInput("Platsen är borttagen ur registret.", {"seat": "borttagen"})
    return seat


@blueprint.patch("/seats/<int:seat_id>")
@requires("organisation.edit")
@documented(requestBody=RegisterSeatIn)
def update_seat(seat_id: int):
    """Change a seat: the fields given; the others stay."""
    seat = _active_seat(seat_id)
    current = {"person": seat.person, "seat": seat.seat, "email": seat.email, "phone": seat.phone,
               "appointed_by": seat.appointed_by.name if seat.appointed_by else None, "role": seat.role,
               "substitute_order": seat.substitute_order, "term_start": seat.term_start, "term_end": seat.term_end}
    given = load(RegisterSeatIn(partial=True), request.get_json(silent=True))
    services.update_seat(seat, **_seat_fields({**current, **given}))
    db.session.commit()
    return jsonify(SeatContactSchema().dump(seat))


@blueprint.post("/seats/<int:seat_id>/end")
@requires("organisation.edit")
@documented(requestBody=TermEndIn)
def end_term(seat_id: int):
    """The person leaves the seat on `date`; the register keeps who sat when."""
    seat = _active_seat(seat_id)
    services.end_term(seat, load(TermEndIn(), request.get_json(silent=True))["date"])
    db.session.commit()
    return jsonify(SeatContactSchema().dump(seat))


@blueprint.delete("/seats/<int:seat_id>")
@requires("organisation.edit")
def remove_seat(seat_id: int):
    """Remove a seat entered by mistake (a tenant sync does not bring it back)."""
    services.remove_seat(_active_seat(seat_id))
    db.session.commit()
    return "", 204


@blueprint.get("/kansli")
@requires("organisation.view")
def kansli():
    return jsonify([_kansli_json(k) for k in services.kansli()])


@blueprint.post("/kansli")
@requires("organisation.edit")
@documented(requestBody=KansliIn)
def add_kansli():
    person = services.add_kansli(**load(KansliIn(), request.get_json(silent=True)))
    db.session.commit()
    return jsonify(_kansli_json(person)), 201


def _active_kansli(person_id: int) -> KansliPerson:
    person = get_or_404(KansliPerson, person_id)
    if not person.active:
        raise InvalidInput("Personen är borttagen ur kansliet.", {"id": "borttagen"})
    return person


@blueprint.patch("/kansli/<int:person_id>")
@requires("organisation.edit")
@documented(requestBody=KansliIn)
def update_kansli(person_id: int):
    person = _active_kansli(person_id)
    current = {"name": person.name, "role": person.role, "title": person.title, "email": person.email,
               "phone": person.phone}
    services.update_kansli(person, **{**current, **load(KansliIn(partial=True), request.get_json(silent=True))})
    db.session.commit()
    return jsonify(_kansli_json(person))


@blueprint.delete("/kansli/<int:person_id>")
@requires("organisation.edit")
def remove_kansli(person_id: int):
    services.remove_kansli(_active_kansli(person_id))
    db.session.commit()
    return "", 204
