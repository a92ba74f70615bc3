"""Loading tenant files and syncing them into the database.

`load_tenant_files` checks every file completely before anything is written and
raises one `TenantFileError` naming each file and key that is wrong;
`sync_tenants` then writes them in one transaction, idempotently: a second run
changes nothing. Rows that disappear from a file are deactivated, not deleted,
since protokoll and decisions may refer to them.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from marshmallow import ValidationError
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.organisation.models import Body, KansliPerson, Member, Seat
from finsam_saas.organisation.schemas import TenantFileSchema
from finsam_saas.platform.models import Tenant
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

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)


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


def _assign(obj, values: dict, report: SyncReport, label: str) -> None:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    if changed and obj not in db.session.new:
        report.updated.append(label)


def _upsert(model, existing: dict, key, values: dict, report: SyncReport, label: str):
    obj = existing.get(key)
    if obj is None:
        obj = model(**values)
        db.session.add(obj)
        report.created.append(label)
    else:
        _assign(obj, values, report, label)
    return obj


def _deactivate_missing(existing: dict, kept: set, report: SyncReport, label) -> None:
    for key, obj in existing.items():
        if key not in kept and obj.active:
            obj.active = False
            report.deactivated.append(label(obj))


def sync_tenants(files: list[TenantFile]) -> SyncReport:
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
            _sync_organisation(tenant, f.data, tenants, report)
            db.session.flush()
    db.session.commit()
    return report


def _sync_organisation(tenant: Tenant, data: dict, tenants: dict, report: SyncReport) -> None:
    slug = tenant.slug
    members = {m.name: m for m in db.session.scalars(select(Member))}
    for position, m in enumerate(data["members"]):
        linked = tenants[m["tenant"]].id if "tenant" in m else None
        members[m["name"]] = _upsert(
            Member, members, m["name"],
            {"name": m["name"], "kind": m["kind"], "position": position, "active": True, "linked_tenant_id": linked},
            report, f"{slug}: medlem {m['name']}",
        )
    _deactivate_missing(members, {m["name"] for m in data["members"]}, report, lambda o: f"{slug}: medlem {o.name}")

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
                {"body_id": body.id, "person": s["person"], "email": s.get("email"), "seat": s["seat"],
                 "appointed_by_id": appointed_by.id if appointed_by else None,
                 "role": s.get("position"), "substitute_order": s.get("substitute_order"),
                 "position": position, "active": True},
                report, f"{slug}: {b['slug']} {s['person']}",
            )
    _deactivate_missing(seats, kept, report, lambda o: f"{slug}: plats {o.person}")

    kansli = {k.name: k for k in db.session.scalars(select(KansliPerson))}
    for position, k in enumerate(data["kansli"]):
        _upsert(
            KansliPerson, kansli, k["name"],
            {"name": k["name"], "role": k["role"], "title": k["title"], "position": position, "active": True},
            report, f"{slug}: kansli {k['name']}",
        )
    _deactivate_missing(kansli, {k["name"] for k in data["kansli"]}, report, lambda o: f"{slug}: kansli {o.name}")


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
