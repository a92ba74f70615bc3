"""National-scale data for the benchmarks: 80 förbund over 10 years, each with 20 insatser
(grants, spend, quarterly outcomes), 10 board meetings a year of 15 items with their
protokoll, published figures for the comparison page, and NNS with 80 member förbund
and a medlemsmöte whose roll holds their 80 ombud.

The förbund measured ("bench-00") is built through the services, as a user would; the
other 79 are written in bulk, so that the database is as large as the nation's.
"""
from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from finsam_saas.analysis.models import Figure, Publication
from finsam_saas.economy import services as economy
from finsam_saas.extensions import db
from finsam_saas.insatser import services as insatser
from finsam_saas.insatser.models import Grant, Insats, Outcome, Spend
from finsam_saas.meetings import services as meetings
from finsam_saas.meetings.models import AgendaItem, Meeting, Minutes, Paragraph
from finsam_saas.nns import services as nns, voting
from finsam_saas.organisation.models import Body, Member, Seat
from finsam_saas.platform.auth import issue_token
from finsam_saas.platform.models import Membership, Tenant, User, utcnow
from finsam_saas.platform.tenancy import tenant_context

FORBUND = 80
YEARS = list(range(2016, 2026))
INSATSER = 20
MEETINGS_A_YEAR = 10
ITEMS = 15
PASSWORD = "bench-losen-2026"
MEASURED = "bench-00"
OUTCOME = {"participants": 24, "new": 8, "ended": 10, "to_work": 3, "to_studies": 2, "to_other_solution": 3,
           "other_dropouts": 2, "remaining": 14}


def _insert(model, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    table = model.__table__
    result = db.session.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows)
    return [row[0] for row in result]


def _tenant(n: int) -> Tenant:
    tenant = Tenant(slug=f"bench-{n:02d}", name=f"Samordningsförbundet Bänk {n:02d}", short_name=f"Bänk {n:02d}",
                    kind="forbund", settings={})
    db.session.add(tenant)
    db.session.flush()
    with tenant_context(tenant.id):
        for position, (name, kind) in enumerate((("Försäkringskassan och Arbetsförmedlingen", "state"),
                                                 ("Region Bänk", "region"), (f"Bänk {n:02d} kommun", "kommun"))):
            db.session.add(Member(name=name, kind=kind, position=position))
        body = Body(slug="styrelse", name="Styrelse", kind="styrelse", ordinarie_seats=6)
        db.session.add(body)
        db.session.flush()
        for k in range(6):
            db.session.add(Seat(body_id=body.id, person=f"Ledamot {k}", seat="ordinarie", position=k))
        db.session.flush()
    return tenant


def _bulk_forbund(tenant: Tenant) -> None:
    """Meetings with protokoll, insatser with their numbers, and published figures: in bulk."""
    with tenant_context(tenant.id):
        body_id = db.session.scalar(select(Body.id).where(Body.slug == "styrelse"))
        base = dict(tenant_id=tenant.id)
        meeting_rows = [dict(base, body_id=body_id, date=date(y, m + 1, 10), place="Bänk", theme="")
                        for y in YEARS for m in range(MEETINGS_A_YEAR)]
        meeting_ids = _insert(Meeting, meeting_rows)
        _insert(AgendaItem, [dict(base, meeting_id=mid, number=k + 1, title=f"Ärende {k + 1}", kind="beslut")
                             for mid in meeting_ids for k in range(ITEMS)])
        minutes_ids = _insert(Minutes, [dict(base, meeting_id=mid, chair="Ledamot 0", secretary="Sekreterare")
                                        for mid in meeting_ids])
        _insert(Paragraph, [dict(base, minutes_id=mn, body_id=body_id, year=row["date"].year,
                                 number=(i % MEETINGS_A_YEAR) * ITEMS + k + 1, item_number=k + 1,
                                 title=f"Ärende {k + 1}", kind="beslut", text="Text.", decision="att besluta")
                            for i, (mn, row) in enumerate(zip(minutes_ids, meeting_rows)) for k in range(ITEMS)])
        insats_ids = _insert(Insats, [dict(base, name=f"Insats {k:02d}", owner="Försäkringskassan",
                                           kind=("individ", "struktur")[k % 2], start=date(YEARS[0], 1, 1),
                                           end=date(YEARS[-1], 12, 31)) for k in range(INSATSER)])
        _insert(Grant, [dict(base, insats_id=i, year=y, amount=500_000) for i in insats_ids for y in YEARS])
        _insert(Spend, [dict(base, insats_id=i, year=y, through=date(y, 12, 31), amount=420_000)
                        for i in insats_ids for y in YEARS])
        _insert(Outcome, [dict(base, insats_id=i, period=f"{y}Q{q}", sex=sex, **OUTCOME)
                          for i in insats_ids for y in YEARS for q in (1, 2, 3, 4) for sex in ("women", "men")])
    for y in YEARS:
        publication = Publication(tenant_id=tenant.id, period=str(y), published_by="bench", published_at=utcnow())
        publication.figures = [Figure(measure=m, dimension=d, value=v) for m, d, v in (
            ("andel_arbete_studier", "alla", 30 + tenant.id % 25), ("deltagare", "alla", 400 + tenant.id),
            ("forbrukningsgrad", "alla", 84.0), ("kostnad_per_deltagare", "alla", 21_000.0))]
        db.session.add(publication)


def _measured(tenant: Tenant) -> dict:
    """bench-00 through the services: its latest meeting with a 15 § protokoll, budget, insatser, publications."""
    with tenant_context(tenant.id):
        body = db.session.scalar(select(Body).where(Body.slug == "styrelse"))
        meeting = meetings.create_meeting(body, day=date(YEARS[-1], 12, 12), start=time(9), end=time(12), place="Bänk",
                                          with_template=False,
                                          items=[{"title": f"Ärende {k + 1}", "kind": "beslut", "proposal": "att besluta"}
                                                 for k in range(ITEMS)])
        people = [f"Ledamot {k}" for k in range(6)]
        minutes = meetings.start_minutes(meeting, chair=people[0], secretary="Sekreterare", justerare=[people[1]],
                                         attendees=[{"name": p, "role": "ledamot"} for p in people])
        for p in minutes.paragraphs:
            meetings.update_paragraph(minutes, p.number, text="Föredragning av ärendet.", decision="att bifalla förslaget")
        economy.put_budget(YEARS[-1], [{"section": section, "name": f"{section} {k}", "amount": 100_000 + k}
                                       for section in ("income", "board", "administration", "insatser") for k in range(8)],
                           equity_start=1_000_000)
        for insats in db.session.scalars(select(Insats)):
            insatser.set_goal(insats, "to_work", 30)
            for half in (1, 2):
                insatser.record_outcome(insats, f"{YEARS[-1]}H{half}", {"women": OUTCOME, "men": OUTCOME})
        db.session.flush()
        return {"meeting": meeting.id}


def _user(email: str, grants: list[tuple[int, str]]) -> User:
    user = User(email=email, name=email.split("@")[0])
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.flush()
    for tenant_id, role in grants:
        db.session.add(Membership(user_id=user.id, tenant_id=tenant_id, role=role))
    return user


def _nns(tenants: list[Tenant]) -> dict:
    """80 member förbund, a medlemsmöte with the roll fixed, an open poll, and one token per ombud."""
    nns_tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "nns"))
    secretary = _user("sekreterare@bench.test", [(nns_tenant.id, "kansli")])
    ombud = [_user(f"ombud{n:02d}@bench.test", []) for n in range(len(tenants))]
    with tenant_context(nns_tenant.id):
        members = []
        for n, tenant in enumerate(tenants):
            member = Member(name=tenant.name, kind="forbund", position=200 + n, linked_tenant_id=tenant.id)
            db.session.add(member)
            members.append(member)
        db.session.flush()
        general = nns.create_general_meeting(day=date(YEARS[-1], 12, 2), start=time(9), end=time(12), place="Digitalt",
                                             motion_deadline=date(YEARS[-1], 10, 21))
        nns.replace_roll(general, [{"member": m.name, "email": u.email} for m, u in zip(members, ombud)])
        meetings.start_minutes(general.meeting, chair="Ordförande", secretary="Sekreterare", justerare=["Justerare"],
                               attendees=[{"name": "Ordförande", "role": "ovrig"}, {"name": "Justerare", "role": "ovrig"}])
        nns.fix_roll(general)
        shown = voting.create_poll(general, title="Verksamhetsinriktning", options=["Bifall", "Avslag"])
        voting.open_poll(general, shown)
        for n, user in enumerate(ombud[:60]):  # a poll well under way, for the result page
            voting.cast_vote(general, shown, email=user.email, option="Bifall" if n % 3 else "Avslag")
        race = _open_race(general)
        ids = {"general": general.meeting_id, "poll": shown.id, "race": race.id}
    ids["secretary_token"] = issue_token(secretary, "bench")
    ids["ombud_tokens"] = [issue_token(u, "bench") for u in ombud]
    return ids


def _open_race(general):
    """The poll all 80 ombud vote in at once: open, no votes yet."""
    race = voting.create_poll(general, title="Arvoden", options=["Bifall", "Avslag"], chair_preference="Bifall")
    voting.open_poll(general, race)
    db.session.flush()
    return race


def new_race(general_meeting_id: int) -> int:
    """Another fresh poll for the votes benchmark, when a kept database is measured again."""
    nns_tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "nns"))
    with tenant_context(nns_tenant.id):
        race = _open_race(nns.general_meeting(general_meeting_id))
        db.session.commit()
        return race.id


def generate(progress=print) -> dict:
    tenants = []
    for n in range(FORBUND):
        tenants.append(_tenant(n))
    db.session.commit()
    for n, tenant in enumerate(tenants):
        _bulk_forbund(tenant)
        db.session.commit()
        if n % 10 == 9:
            progress(f"{n + 1} förbund")
    ids = _measured(tenants[0])
    admin = _user("admin@bench.test", [(tenants[0].id, "admin")])
    db.session.flush()
    ids["admin_token"] = issue_token(admin, "bench")
    ids.update(_nns(tenants))
    db.session.commit()
    return ids
