"""The main pages cost the same number of queries whatever the amount of data (no N+1):
a meeting, its protokoll, the mötesplan, the budget, the insats list, the follow-up PM's data."""
from datetime import date

from sqlalchemy import select

from finsam_saas.economy import services as economy
from finsam_saas.extensions import db
from finsam_saas.insatser import services as insatser
from finsam_saas.meetings import services as meetings
from finsam_saas.organisation import services as organisation
from finsam_saas.organisation.models import Body, Member

from support import TENANT_A, ApiClient, counted_queries, in_tenant, login


def _grow(app, n: int, first: int) -> int:
    """n more insatser with grants, spend, quarterly outcomes and goals; a meeting of n items with its protokoll."""
    with in_tenant(app, TENANT_A):
        counts = {"participants": 10, "new": 5, "ended": 5, "to_work": 2, "to_studies": 1, "to_other_solution": 1,
                  "other_dropouts": 1, "remaining": 5}
        for i in range(first, first + n):
            insats = insatser.create_insats(name=f"Insats {i:03d}", owner="Försäkringskassan", kind="individ",
                                            start=date(2021, 1, 1), end=date(2022, 12, 31),
                                            grants={"2021": 100_000 + i, "2022": 100_000})
            insatser.report_spend(insats, 2021, through=date(2021, 6, 30), amount=40_000)
            for period in ("2021Q1", "2021Q2", "2021H1"):
                insatser.record_outcome(insats, period, {"women": counts, "men": counts})
            insatser.set_goal(insats, "to_work", 30)
        body = db.session.scalar(select(Body).where(Body.slug == "vaxande"))
        if body is None:
            body = Body(slug="vaxande", name="Växande styrelse", kind="styrelse")  # seats without a limit
            db.session.add(body)
            db.session.flush()
        meeting = meetings.create_meeting(body, day=date(2021, 3, first + 1), with_template=False,
                                          items=[{"title": f"Ärende {k}", "kind": "beslut"} for k in range(n)])
        # Attendees grow too, each for one of the member kommuner: the protokoll names whom they represent.
        kommuner = db.session.scalars(select(Member).where(Member.kind == "kommun")).all()
        people = [f"Ledamot {k}" for k in range(n + 3)]
        registered = {s.person for s in body.seats}
        for k, person in enumerate(people):
            if person not in registered:
                organisation.add_seat(body, person=person, seat="ordinarie", appointed_by=kommuner[k % len(kommuner)],
                                      email=None, phone=None, role=None, substitute_order=None, term_start=None,
                                      term_end=None)
        meetings.start_minutes(meeting, chair=people[0], secretary="Sekreterare", justerare=[people[1]],
                               attendees=[{"name": p, "role": "ledamot", "member": kommuner[k % len(kommuner)].name}
                                          for k, p in enumerate(people)])
        economy.put_budget(2021, [{"section": "insatser", "name": f"Rad {k}", "amount": 1000 + k}
                                  for k in range(first + n)], equity_start=0)
        db.session.commit()
        return meeting.id


def _counts(app, meeting_id: int) -> dict[str, int]:
    html = app.test_client()
    login(html, "admin.a@test.se")
    api = ApiClient(app, "admin.a@test.se")
    calls = {
        "möte": lambda: html.get(f"/t/umearegionen/moten/{meeting_id}"),
        "protokoll": lambda: html.get(f"/t/umearegionen/moten/{meeting_id}/protokoll"),
        "mötesplan": lambda: html.get("/t/umearegionen/moten/?ar=2021"),
        "budget": lambda: html.get("/t/umearegionen/ekonomi/budget?ar=2021"),
        "insatser": lambda: html.get("/t/umearegionen/insatser/?ar=2021"),
        "insatser (API)": lambda: api.get("/insatser"),
        "uppföljnings-PM (API)": lambda: api.get("/followup?year=2021&half=1"),
    }
    found = {}
    for name, call in calls.items():
        assert call().status_code == 200, name
        with counted_queries(app) as statements:
            assert call().status_code == 200, name
        found[name] = len(statements)
    return found


def test_page_queries_do_not_grow_with_the_data(app):
    small = _counts(app, _grow(app, 3, 0))
    large = _counts(app, _grow(app, 15, 3))
    assert small == large
