"""Loading tenant files and syncing them into the database.

`load_tenant_files` checks every file completely before anything is written and
raises one `TenantFileError` naming each file and key that is wrong;
`sync_tenants` then writes them in one transaction, idempotently: a second run
changes nothing. Rows that disappear from a file are deactivated, not deleted,
since protokoll and decisions may refer to them.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from marshmallow import ValidationError
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.organisation.models import (
    KANSLI_ROLES, POSITION_LABELS, POSITIONS, SEAT_KINDS, Body, KansliPerson, Member, Seat,
)
from finsam_saas.organisation.schemas import TenantFileSchema
from finsam_saas.platform.models import Tenant, utcnow
from finsam_saas.platform.rules import InvalidInput, RuleViolation
from finsam_saas.platform.schemas import error_paths
from finsam_saas.platform.tenancy import tenant_context


@dataclass
class Problem:
    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.message}" if self.key else f"{self.file}: {self.message}"


class TenantFileError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class TenantFile:
    path: Path
    data: dict


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    # Rows the kansli changed in the web that the file says otherwise about: kept as in the web.
    kept: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)


FIELD_LABELS = {"email": "e-post", "phone": "telefon", "term_start": "mandatperiodens början",
                "term_end": "mandatperiodens slut", "seat": "plats", "appointed_by_id": "utsedd av", "role": "uppdrag",
                "substitute_order": "ersättarordning", "active": "finns", "title": "titel", "kind": "slag",
                "name": "namn", "person": "namn", "linked_tenant_id": "organisation"}


def _check_references(name: str, data: dict) -> list[Problem]:
    problems = []
    member_names = [m["name"] for m in data["members"]]
    for index, member_name in enumerate(member_names):
        if member_names.index(member_name) != index:
            problems.append(Problem(name, f"members[{index}].name", f"\"{member_name}\" finns redan"))
    body_slugs = [b["slug"] for b in data["bodies"]]
    for b_index, body in enumerate(data["bodies"]):
        if body_slugs.index(body["slug"]) != b_index:
            problems.append(Problem(name, f"bodies[{b_index}].slug", f"\"{body['slug']}\" finns redan"))
        people = [s["person"] for s in body["seats"]]
        for s_index, seat in enumerate(body["seats"]):
            key = f"bodies[{b_index}].seats[{s_index}]"
            if people.index(seat["person"]) != s_index:
                problems.append(Problem(name, f"{key}.person", f"\"{seat['person']}\" har redan en plats"))
            if "appointed_by" in seat and seat["appointed_by"] not in member_names:
                problems.append(
                    Problem(name, f"{key}.appointed_by", f"\"{seat['appointed_by']}\" är inte en medlem i filen")
                )
            if "substitute_order" in seat and seat["seat"] != "ersattare":
                problems.append(Problem(name, f"{key}.substitute_order", "gäller bara ersättare"))
    return problems


def load_tenant_files(directory: Path) -> list[TenantFile]:
    paths = sorted(Path(directory).glob("*.toml"))
    if not paths:
        raise TenantFileError([Problem(str(directory), "", "inga tenant-filer (*.toml)")])
    files, problems = [], []
    for path in paths:
        name = path.name
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            problems.append(Problem(name, "", f"ogiltig TOML: {error}"))
            continue
        try:
            data = TenantFileSchema().load(raw)
        except ValidationError as error:
            problems.extend(Problem(name, key, message) for key, message in error_paths(error.messages))
            continue
        if data["slug"] != path.stem:
            problems.append(Problem(name, "slug", f"\"{data['slug']}\" ska vara samma som filnamnet \"{path.stem}\""))
        problems.extend(_check_references(name, data))
        files.append(TenantFile(path, data))
    problems.extend(_check_across_files(files))
    if problems:
        raise TenantFileError(problems)
    return files


def _check_across_files(files: list[TenantFile]) -> list[Problem]:
    slugs = {f.data["slug"] for f in files}
    associations = [f for f in files if f.data["kind"] == "association"]
    association_members = {m["name"] for f in associations for m in f.data["members"]}
    problems = []
    for f in files:
        for index, member in enumerate(f.data["members"]):
            if "tenant" in member and member["tenant"] not in slugs:
                problems.append(Problem(f.path.name, f"members[{index}].tenant", f"okänd organisation \"{member['tenant']}\""))
        nns_member = f.data.get("nns_member")
        if associations and nns_member and nns_member not in association_members:
            problems.append(Problem(f.path.name, "nns_member", f"\"{nns_member}\" är inte medlem i NNS-filen"))
    return problems


def _shown(value) -> str:
    if value is None or value == "":
        return "–"
    if value is True:
        return "ja"
    if value is False:
        return "nej"
    return f"\u201d{value}\u201d"


def _assign(obj, values: dict, report: SyncReport, label: str, file_wins: bool = False) -> None:
    edited = getattr(obj, "edited_at", None) is not None and obj not in db.session.new
    differences = [key for key, value in values.items() if key != "position" and getattr(obj, key) != value]
    if edited and not file_wins:
        for key in differences:
            report.kept.append(f"{label}: {FIELD_LABELS.get(key, key)} i webben {_shown(getattr(obj, key))}, "
                               f"i filen {_shown(values[key])} (webben gäller)")
        return
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    if edited:
        obj.edited_at = None  # the file won: the row is the file's again
    if changed and obj not in db.session.new:
        report.updated.append(label)


def _upsert(model, existing: dict, key, values: dict, report: SyncReport, label: str, file_wins: bool = False):
    obj = existing.get(key)
    if obj is None:
        obj = model(**values)
        db.session.add(obj)
        report.created.append(label)
    else:
        _assign(obj, values, report, label, file_wins)
    return obj


def _deactivate_missing(existing: dict, kept: set, report: SyncReport, label, file_wins: bool = False) -> None:
    for key, obj in existing.items():
        if key in kept or not obj.active:
            continue
        if getattr(obj, "edited_at", None) is not None and not file_wins:
            report.kept.append(f"{label(obj)}: finns bara i webben, inte i filen (webben gäller)")
            continue
        obj.active = False
        report.deactivated.append(label(obj))


def sync_tenants(files: list[TenantFile], *, file_wins: bool = False) -> SyncReport:
    """Write the checked tenant files in one transaction. What the kansli changed in the web
    wins over the file and is reported in `kept`, unless `file_wins`."""
    report = SyncReport()
    tenants = {t.slug: t for t in db.session.scalars(select(Tenant))}
    for f in files:
        d = f.data
        values = {
            "slug": d["slug"], "name": d["name"], "short_name": d["short_name"], "org_nr": d.get("org_nr"),
            "kind": d["kind"], "nns_member": d.get("nns_member"), "anslag_places": d.get("anslag_places"),
            "settings": d["settings"],
        }
        tenants[d["slug"]] = _upsert(Tenant, tenants, d["slug"], values, report, f"organisation {d['slug']}")
    db.session.flush()
    for f in files:
        tenant = tenants[f.data["slug"]]
        with tenant_context(tenant.id):
            _sync_organisation(tenant, f.data, tenants, report, file_wins)
            db.session.flush()
    db.session.commit()
    return report


def _sync_organisation(tenant: Tenant, data: dict, tenants: dict, report: SyncReport, file_wins: bool) -> None:
    slug = tenant.slug
    members = {m.name: m for m in db.session.scalars(select(Member))}
    for position, m in enumerate(data["members"]):
        linked = tenants[m["tenant"]].id if "tenant" in m else None
        members[m["name"]] = _upsert(
            Member, members, m["name"],
            {"name": m["name"], "kind": m["kind"], "position": position, "active": True, "linked_tenant_id": linked,
             "email": m.get("email")},
            report, f"{slug}: medlem {m['name']}", file_wins,
        )
    _deactivate_missing(members, {m["name"] for m in data["members"]}, report, lambda o: f"{slug}: medlem {o.name}",
                        file_wins)

    bodies = {b.slug: b for b in db.session.scalars(select(Body))}
    for position, b in enumerate(data["bodies"]):
        bodies[b["slug"]] = _upsert(
            Body, bodies, b["slug"],
            {"slug": b["slug"], "name": b["name"], "kind": b["kind"], "ordinarie_seats": b["ordinarie_seats"],
             "position": position, "active": True},
            report, f"{slug}: organ {b['slug']}",
        )
    _deactivate_missing(bodies, {b["slug"] for b in data["bodies"]}, report, lambda o: f"{slug}: organ {o.slug}")
    db.session.flush()

    seats = {(s.body_id, s.person): s for s in db.session.scalars(select(Seat))}
    kept = set()
    for b in data["bodies"]:
        body = bodies[b["slug"]]
        for position, s in enumerate(b["seats"]):
            key = (body.id, s["person"])
            kept.add(key)
            appointed_by = members[s["appointed_by"]] if "appointed_by" in s else None
            seats[key] = _upsert(
                Seat, seats, key,
                {"body_id": body.id, "person": s["person"], "email": s.get("email"), "phone": s.get("phone"),
                 "seat": s["seat"], "appointed_by_id": appointed_by.id if appointed_by else None,
                 "role": s.get("position"), "substitute_order": s.get("substitute_order"),
                 "term_start": s.get("term_start"), "term_end": s.get("term_end"), "position": position, "active": True},
                report, f"{slug}: {b['slug']} {s['person']}", file_wins,
            )
    _deactivate_missing(seats, kept, report, lambda o: f"{slug}: plats {o.person}", file_wins)

    kansli = {k.name: k for k in db.session.scalars(select(KansliPerson))}
    for position, k in enumerate(data["kansli"]):
        _upsert(
            KansliPerson, kansli, k["name"],
            {"name": k["name"], "role": k["role"], "title": k["title"], "email": k.get("email"), "phone": k.get("phone"),
             "position": position, "active": True},
            report, f"{slug}: kansli {k['name']}", file_wins,
        )
    _deactivate_missing(kansli, {k["name"] for k in data["kansli"]}, report, lambda o: f"{slug}: kansli {o.name}",
                        file_wins)


def members_of(kind: str | None = None) -> list[Member]:
    query = select(Member).where(Member.active.is_(True)).order_by(Member.position, Member.name)
    if kind:
        query = query.where(Member.kind == kind)
    return list(db.session.scalars(query))


def bodies() -> list[Body]:
    return list(db.session.scalars(select(Body).where(Body.active.is_(True)).order_by(Body.position)))


def kansli() -> list[KansliPerson]:
    return list(db.session.scalars(
        select(KansliPerson).where(KansliPerson.active.is_(True)).order_by(KansliPerson.position)
    ))


# --- the register of people, kept in the web ------------------------------------------
# What the kansli changes here is marked `edited_at`; a tenant sync keeps it and reports how
# the file differs (`SyncReport.kept`), unless told that the file wins.

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{4,38}$")
ONE_HOLDER = ("ordforande", "vice_ordforande", "andre_vice_ordforande", "kassor", "sammankallande")


def _text(value: str | None, field: str, label: str, limit: int, *, required: bool = False) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise InvalidInput(f"Ange {label}.", {field: "saknas"})
        return None
    if len(value) > limit:
        raise InvalidInput(f"{label.capitalize()} får vara högst {limit} tecken ({len(value)} angivna).",
                           {field: f"högst {limit} tecken"})
    return value


def _email(value: str | None, field: str = "email") -> str | None:
    value = _text(value, field, "e-postadress", 254)
    if value is not None and not EMAIL.match(value):
        raise InvalidInput(f"\"{value}\" är ingen e-postadress (skriv som namn@kommun.se).", {field: "ogiltig e-postadress"})
    return value.lower() if value else None


def _phone(value: str | None) -> str | None:
    value = _text(value, "phone", "telefonnummer", 40)
    if value is not None and not PHONE.match(value):
        raise InvalidInput(f"\"{value}\" är inget telefonnummer (siffror, mellanslag, + och -).", {"phone": "ogiltigt nummer"})
    return value


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return (a_start is None or b_end is None or a_start <= b_end) and (b_start is None or a_end is None or b_start <= a_end)


def _check_seat(body: Body, seat: Seat | None, values: dict) -> None:
    """The register's rules: one holder of each office, ordinarie within the body's seats,
    an ersättare's order unique among its member's ersättare, terms that run forwards."""
    if values["seat"] not in SEAT_KINDS:
        raise InvalidInput(f"Okänd plats \"{values['seat']}\" (ordinarie eller ersättare).", {"seat": "okänd plats"})
    if values["role"] not in (None, *POSITIONS):
        raise InvalidInput(f"Okänt uppdrag \"{values['role']}\".", {"role": "okänt uppdrag"})
    start, end = values["term_start"], values["term_end"]
    if start and end and end < start:
        raise InvalidInput(f"Mandatperioden slutar ({end}) före den börjar ({start}).", {"term_end": "före början"})
    if values["substitute_order"] is not None:
        if values["seat"] != "ersattare":
            raise InvalidInput("Ersättarordning gäller bara ersättare.", {"substitute_order": "gäller bara ersättare"})
        if values["substitute_order"] < 1:
            raise InvalidInput("Ersättarordningen börjar på 1.", {"substitute_order": "minst 1"})
    others = [s for s in body.seats if s is not seat and s.active and _overlaps(s.term_start, s.term_end, start, end)]
    if values["person"] in {s.person for s in others}:
        raise InvalidInput(f"{values['person']} har redan en plats i {body.name.lower()}.", {"person": "finns redan"})
    role = values["role"]
    if role in ONE_HOLDER:
        holder = next((s for s in others if s.role == role), None)
        if holder is not None:
            raise InvalidInput(f"{holder.person} är redan {POSITION_LABELS[role]} under samma tid; ändra den platsen först.",
                               {"role": f"redan {POSITION_LABELS[role]}"})
    if values["seat"] == "ordinarie" and body.ordinarie_seats:
        taken = [s for s in others if s.seat == "ordinarie"]
        if len(taken) >= body.ordinarie_seats:
            raise InvalidInput(f"{body.name} har {body.ordinarie_seats} ordinarie platser och alla är besatta under samma tid "
                               f"({', '.join(s.person for s in taken)}). Avsluta ett uppdrag först.",
                               {"seat": "alla ordinarie platser besatta"})
    if values["substitute_order"] is not None:
        clash = next((s for s in others if s.seat == "ersattare" and s.appointed_by_id == values["appointed_by_id"]
                      and s.substitute_order == values["substitute_order"]), None)
        if clash is not None:
            raise InvalidInput(f"{clash.person} är redan ersättare nummer {values['substitute_order']} för samma medlem.",
                               {"substitute_order": "upptagen"})


def _seat_values(body: Body, *, person: str, seat: str, appointed_by: Member | None, email: str | None,
                 phone: str | None, role: str | None, substitute_order: int | None, term_start, term_end) -> dict:
    return {"person": _text(person, "person", "namn", 200, required=True), "seat": seat,
            "appointed_by_id": appointed_by.id if appointed_by else None, "email": _email(email),
            "phone": _phone(phone), "role": role or None, "substitute_order": substitute_order,
            "term_start": term_start, "term_end": term_end}


def add_seat(body: Body, **fields) -> Seat:
    """A person's seat in the body: {person, seat, appointed_by (Member or None), email, phone,
    role (ordforande, vice_ordforande …), substitute_order, term_start, term_end}.
    Raises InvalidInput naming the field and, where one clashes, the other person."""
    values = _seat_values(body, **fields)
    _check_seat(body, None, values)
    existing = next((s for s in body.seats if s.person == values["person"] and not s.active), None)
    seat = existing or Seat(body_id=body.id, position=len(body.seats))
    for key, value in values.items():
        setattr(seat, key, value)
    seat.active, seat.edited_at = True, utcnow()
    if existing is None:
        body.seats.append(seat)
    db.session.flush()
    return seat


def update_seat(seat: Seat, /, **fields) -> Seat:
    values = _seat_values(seat.body, **fields)
    if not seat.active:
        raise RuleViolation("removed", f"{seat.person} är borttagen ur registret.")
    _check_seat(seat.body, seat, values)
    for key, value in values.items():
        setattr(seat, key, value)
    seat.edited_at = utcnow()
    db.session.flush()
    return seat


def end_term(seat: Seat, on: date) -> Seat:
    """The person leaves the seat: the term ends on that day (the register keeps who sat when)."""
    if seat.term_start and on < seat.term_start:
        raise InvalidInput(f"Uppdraget kan inte sluta ({on}) före det började ({seat.term_start}).", {"term_end": "före början"})
    seat.term_end, seat.edited_at = on, utcnow()
    db.session.flush()
    return seat


def remove_seat(seat: Seat) -> None:
    """A seat entered by mistake goes from the register; a later sync does not bring it back."""
    seat.active, seat.edited_at = False, utcnow()
    db.session.flush()


def _kansli_values(*, name: str, role: str, title: str, email: str | None, phone: str | None) -> dict:
    if role not in KANSLI_ROLES:
        raise InvalidInput(f"Okänd roll \"{role}\".", {"role": "okänd roll"})
    return {"name": _text(name, "name", "namn", 200, required=True), "role": role,
            "title": _text(title, "title", "titel", 100, required=True), "email": _email(email), "phone": _phone(phone)}


def add_kansli(**fields) -> KansliPerson:
    """Someone on the staff: {name, role, title, email, phone}."""
    values = _kansli_values(**fields)
    existing = db.session.scalar(select(KansliPerson).where(KansliPerson.name == values["name"]))
    if existing is not None and existing.active:
        raise InvalidInput(f"{values['name']} finns redan i kansliet.", {"name": "finns redan"})
    person = existing or KansliPerson(position=len(kansli()))
    for key, value in values.items():
        setattr(person, key, value)
    person.active, person.edited_at = True, utcnow()
    db.session.add(person)
    db.session.flush()
    return person


def update_kansli(person: KansliPerson, **fields) -> KansliPerson:
    values = _kansli_values(**fields)
    clash = db.session.scalar(select(KansliPerson).where(KansliPerson.name == values["name"], KansliPerson.id != person.id))
    if clash is not None:
        raise InvalidInput(f"{values['name']} finns redan i kansliet.", {"name": "finns redan"})
    for key, value in values.items():
        setattr(person, key, value)
    person.edited_at = utcnow()
    db.session.flush()
    return person


def remove_kansli(person: KansliPerson) -> None:
    person.active, person.edited_at = False, utcnow()
    db.session.flush()


def set_member_email(member: Member, email: str | None) -> Member:
    """Where the member receives the justerat protokoll for its anslagstavla."""
    member.email, member.edited_at = _email(email), utcnow()
    db.session.flush()
    return member


def member_by_name(name: str | None) -> Member | None:
    if not name or not name.strip():
        return None
    member = db.session.scalar(select(Member).where(Member.name == name.strip(), Member.active.is_(True)))
    if member is None:
        raise InvalidInput(f"\"{name}\" är inte medlem i förbundet.", {"appointed_by": "okänd medlem"})
    return member


def export_tenant(tenant: Tenant) -> dict:
    """The tenant's organisation as a tenant file reads it (`tenants export`): what `sync_tenants`
    would write back unchanged. Call inside the tenant's context."""
    def clean(row: dict) -> dict:
        return {key: value for key, value in row.items() if value not in (None, "", [])}

    by_id = {m.id: m for m in db.session.scalars(select(Member))}
    tenants = {t.id: t.slug for t in db.session.scalars(select(Tenant))}
    data = clean({"slug": tenant.slug, "name": tenant.name, "short_name": tenant.short_name, "org_nr": tenant.org_nr,
                  "kind": tenant.kind, "nns_member": tenant.nns_member, "anslag_places": tenant.anslag_places})
    data["settings"] = dict(tenant.settings or {})
    data["members"] = [clean({"name": m.name, "kind": m.kind, "tenant": tenants.get(m.linked_tenant_id), "email": m.email})
                       for m in members_of()]
    data["bodies"] = []
    for body in bodies():
        data["bodies"].append({
            **clean({"slug": body.slug, "name": body.name, "kind": body.kind,
                     "ordinarie_seats": body.ordinarie_seats or None}),
            "seats": [clean({"person": s.person, "seat": s.seat,
                             "appointed_by": by_id[s.appointed_by_id].name if s.appointed_by_id else None,
                             "position": s.role, "email": s.email, "phone": s.phone,
                             "substitute_order": s.substitute_order, "term_start": s.term_start,
                             "term_end": s.term_end})
                      for s in sorted((s for s in body.seats if s.active), key=lambda s: s.position)],
        })
    data["kansli"] = [clean({"name": k.name, "role": k.role, "title": k.title, "email": k.email, "phone": k.phone})
                      for k in kansli()]
    return data
