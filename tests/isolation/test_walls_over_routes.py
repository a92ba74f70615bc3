"""Walk every route that names a tenant and an object: a member of A asking for
B's object gets exactly what a non-existent object gets (404 where the method
is served, 405 where it is not), and never a byte of B's data. Every list page
and export of A is free of B's marker strings.

A new route with an object id needs a factory below; the walk fails until it has one.
"""
import hashlib
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.organisation.models import Body, Seat
from finsam_saas.platform.files import write_tenant_file
from finsam_saas.platform.models import Job, Membership, User

from support import board_of, TENANT_A, TENANT_B, in_tenant, login, make_token

METHODS = ("GET", "PUT", "PATCH", "POST", "DELETE")
MISSING_ID = 987654


def _make_body(marker):
    """A body with a seat, and in the register of people a kansli person; the first member."""
    from finsam_saas.organisation import services as organisation
    from finsam_saas.organisation.models import Member

    body = Body(slug=re.sub(r"[^a-z0-9-]", "-", marker.lower()), name=marker, kind="annat", ordinarie_seats=3)
    db.session.add(body)
    db.session.flush()
    seat = Seat(body_id=body.id, person=f"{marker} Ledamot", seat="ordinarie")
    db.session.add(seat)
    person = organisation.add_kansli(name=f"{marker} Kanslist", role="annat", title=f"{marker} titel", email=None,
                                     phone=None)
    db.session.flush()
    member = db.session.scalars(select(Member).order_by(Member.position)).first()
    return {"body": body.id, "seat": seat.id, "kansli": person.id, "member": member.id}


def _make_job(marker):
    job = Job(kind="test", title=f"{marker} utskrift", state="finished", progress=100)
    db.session.add(job)
    db.session.flush()
    relative = f"jobs/{job.id}/fil.txt"
    job.result = {"file": relative, "filename": "fil.txt"}
    return job.id, relative


def _make_membership(tenant_id):
    user = db.session.scalar(select(User).where(User.email == "ledamot.a@test.se"))
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.tenant_id == tenant_id))
    if membership is None:
        membership = Membership(user_id=user.id, tenant_id=tenant_id, role="lasare")
        db.session.add(membership)
        db.session.commit()
    return membership.id


def _make_meeting(tenant_slug, marker):
    """A meeting with agenda, bilaga, a justerat protokoll, its signer and a task."""
    from datetime import date

    from finsam_saas.meetings import services
    from finsam_saas.meetings.models import Attachment

    body = db.session.scalars(select(Body).where(Body.kind == "styrelse")).first()
    meeting = services.create_meeting(body, day=date(2020, 10, 30), place=f"{marker} lokal", theme=f"{marker} tema",
                                      items=[{"title": f"{marker} ärende", "kind": "beslut"}])
    relative = f"meetings/{meeting.id}/bilaga.pdf"
    content = f"%PDF-1.4 {marker}".encode()
    write_tenant_file(tenant_slug, relative, content)
    # The real sha256: a bilaga is served only as it was stored.
    attachment = Attachment(meeting_id=meeting.id, label="1", title=f"{marker} bilaga", filename="bilaga.pdf",
                            path=relative, size=len(content), sha256=hashlib.sha256(content).hexdigest())
    meeting.attachments.append(attachment)
    board = board_of(body, marker)
    others = [{"name": f"Deltagare {n} {marker}", "role": "ovrig"} for n in range(1, 3)]
    minutes = services.start_minutes(meeting, chair=board[0], secretary="Sekreterare", justerare=[board[1]],
                                     attendees=[{"name": name, "role": "ledamot"} for name in board] + others)
    number = minutes.paragraphs[0].number
    services.update_paragraph(minutes, number, text=f"{marker} text", decision=f"{marker} beslut")
    task = services.add_task(minutes, number, assignee="Kansliet", description=f"{marker} uppdrag", due=date(2021, 2, 1))
    services.justera(minutes, on=date(2020, 11, 26), signed_on_paper=True)
    db.session.flush()
    standing_item = services.ensure_standing_template(body)[0]
    return {"standing_item": standing_item.id, "meeting": meeting.id, "number": number, "attachment": attachment.id, "signer": minutes.signers[0].id,
            "task": task.id, "minutes": minutes.id}


def _make_economy(marker):
    from finsam_saas.economy import services as economy
    from finsam_saas.organisation.models import Member

    kommuner = db.session.scalars(select(Member.name).where(Member.kind == "kommun")).all()
    economy.set_fees(2021, 1_000_000, {name: 1000 for name in kommuner})
    economy.put_budget(2021, [{"section": "income", "name": f"{marker} intäkt", "amount": 1_000_000}], equity_start=0)
    from finsam_saas.economy import attest

    from finsam_saas.economy import internal_control

    control = internal_control.add_control(process=f"{marker} process", control=f"{marker} kontroll", owner="Chef",
                                           consequence=2, probability=2)
    return {"control": control.id, "fmt": "csv", "invoice": attest.register_invoice(kind="invoice", counterparty=f"{marker} leverantör", amount=500,
                                               year=2021).id, "step": "mottagning"}


def _make_insats(marker):
    from datetime import date

    from finsam_saas.insatser import services as insatser
    from finsam_saas.insatser.models import QUALITY_QUESTIONS

    insats = insatser.create_insats(name=f"{marker} insats", owner="Försäkringskassan", kind="individ",
                                    start=date(2021, 1, 1), end=date(2021, 12, 31), grants={"2021": 1_000_000})
    counts = {"participants": 10, "new": 5, "ended": 4, "to_work": 2, "to_studies": 1, "to_other_solution": 1,
              "other_dropouts": 0, "remaining": 6}
    insatser.record_outcome(insats, "2021", {"women": counts, "men": counts})
    insatser.report_spend(insats, 2021, through=date(2021, 6, 30), amount=400_000)
    requisition = insatser.requisition(insats, year=2021, amount=400_000)
    application = insatser.create_application(title=f"{marker} ansökan", applicant="Försäkringskassan",
                                              amounts={"2022": 500_000})
    answers = {key: True for key, _ in QUALITY_QUESTIONS}
    report = insatser.submit_report(insats, year=2021, quarter=1, answers=answers, goals_on_track=True,
                                    forecast_met=True, comment=f"{marker} rapport")
    deviation = insatser.file_deviation(insats, kind="goal", description=f"{marker} avvikelse")
    from finsam_saas.insatser import social
    report_ = social.create_report(insats, 2021)
    social.add_question(report_.areas[3], code="1.4", text=f"{marker} fråga", respondents="deltagare",
                        asked=10, answered=8, top_three=7)
    recommendation = social.add_recommendation(year=2021, text=f"{marker} rekommendation")
    return {"social_report": report_.id, "area": report_.areas[3].id, "recommendation": recommendation.id,
            "insats": insats.id, "period": "2021", "year": 2021, "application": application.id,
            "report": report.id, "deviation": deviation.id, "requisition": requisition.id}


def _make_analysis(tenant, marker):
    """A joint project the tenant owns and a publication of its 2021 figures (from _make_insats)."""
    from datetime import date

    from finsam_saas.analysis import projects, publishing

    project = projects.create_project(tenant, name=f"{marker} projekt", start=date(2024, 1, 1), end=date(2025, 12, 31))
    publication = publishing.publish(tenant, 2021, by=f"{marker}@test.se")
    return {"project": project.id, "publication": publication.id}


FACTORIES = {"body_id": "body", "job_id": "job", "membership_id": "membership", "meeting_id": "meeting",
             "number": "number", "attachment_id": "attachment", "signer_id": "signer", "task_id": "task",
             "minutes_id": "minutes", "item_id": "standing_item", "insats_id": "insats", "period": "period",
             "application_id": "application", "year": "year", "report_id": "report", "deviation_id": "deviation",
             "area_id": "area", "recommendation_id": "recommendation", "social_report_id": "social_report",
             "invoice_id": "invoice", "step": "step", "fmt": "fmt", "control_id": "control",
             "project_id": "project", "publication_id": "publication", "slug": "appendix", "seat_id": "seat",
             "person_id": "kansli", "member_id": "member", "requisition_id": "requisition"}


@pytest.fixture
def marked(any_app):
    """One marked object of each kind in A and in B."""
    objects = {}
    for slug, marker in ((TENANT_A, "MARKÖR-AAA"), (TENANT_B, "MARKÖR-BBB")):
        with in_tenant(any_app, slug) as tenant:
            registered = _make_body(marker)
            job_id, relative = _make_job(marker)
            db.session.commit()
            write_tenant_file(tenant.slug, relative, f"{marker} innehåll".encode())
            meeting_ids = _make_meeting(tenant.slug, marker)
            meeting_ids.update(_make_insats(marker))
            meeting_ids.update(_make_economy(marker))
            meeting_ids.update(_make_analysis(tenant, marker))
            db.session.commit()
            membership_id = _make_membership(tenant.id)
            objects[slug] = {"marker": marker, **registered, "job": job_id, "membership": membership_id,
                             "appendix": "beslutsutrymme", **meeting_ids}
    return objects


# Keys that name a thing by its nature (a year, a period, a § number), not an object of B:
# A's URL with B's year is A's own year, so those routes are checked for B's markers only.
NATURAL_KEYS = {"year", "period", "number", "step", "fmt", "slug"}


def _object_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if "tenant" in rule.arguments and rule.arguments - {"tenant"} - NATURAL_KEYS]


def _natural_key_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if "tenant" in rule.arguments and rule.arguments - {"tenant"} and not rule.arguments - {"tenant"} - NATURAL_KEYS]


def _url(rule, values):
    return rule.build({**values}, append_unknown=False)[1]


def _clients(app):
    # A's admin: every action is allowed, so only the tenant wall can answer 404.
    html = app.test_client()
    assert login(html, "admin.a@test.se").status_code == 302
    token = make_token(app, "admin.a@test.se")
    return html, {"Authorization": f"Bearer {token}"}


def test_natural_key_routes_of_a_never_show_b(any_app, marked):
    html, headers = _clients(any_app)
    for rule in _natural_key_rules(any_app):
        if "GET" not in rule.methods:
            continue
        url = _url(rule, {"tenant": TENANT_A, **{arg: marked[TENANT_A][FACTORIES[arg]] for arg in rule.arguments - {"tenant"}}})
        answer = html.get(url, **({"headers": headers} if rule.rule.startswith("/api/") else {}))
        assert answer.status_code == 200, f"{rule.rule}: {answer.status_code}"
        assert marked[TENANT_B]["marker"].encode() not in answer.data


def test_every_object_route_has_a_factory(app):
    for rule in [*_object_rules(app), *_natural_key_rules(app)]:
        unknown = rule.arguments - {"tenant"} - set(FACTORIES)
        assert not unknown, f"{rule.rule}: add a factory for {unknown} to this walk"


def test_other_tenants_objects_answer_as_if_missing(any_app, marked):
    html, headers = _clients(any_app)
    b = marked[TENANT_B]
    rules = _object_rules(any_app)
    assert len(rules) >= 4
    served = {}  # one path may be served by several rules, one per method
    for rule in any_app.url_map.iter_rules():
        served.setdefault(rule.rule, set()).update(rule.methods)
    for rule in rules:
        args = rule.arguments - {"tenant"}
        theirs = _url(rule, {"tenant": TENANT_A, **{arg: b[FACTORIES[arg]] for arg in args}})
        missing = _url(rule, {"tenant": TENANT_A, **{arg: MISSING_ID for arg in args}})
        mine = _url(rule, {"tenant": TENANT_A, **{arg: marked[TENANT_A][FACTORIES[arg]] for arg in args}})
        is_api = rule.rule.startswith("/api/")
        for method in METHODS:
            kwargs = {"headers": headers} if is_api else {}
            answer = html.open(theirs, method=method, **kwargs)
            expected = 404 if method in served[rule.rule] else 405
            assert answer.status_code == expected, f"{method} {rule.rule}: {answer.status_code}"
            assert html.open(missing, method=method, **kwargs).status_code == expected
            assert b["marker"].encode() not in answer.data, f"{method} {rule.rule} leaks B"
        if "GET" in rule.methods:
            own = html.get(mine, **({"headers": headers} if is_api else {}))
            # A step already taken (a protokoll started, a justering done) sends on to the page that shows it.
            onward = own.status_code == 302 and own.headers["Location"].startswith(f"/t/{TENANT_A}/")
            assert own.status_code == 200 or onward, f"own object at {rule.rule} should be readable"


def test_other_tenants_url_answers_404(any_app, marked):
    html, headers = _clients(any_app)
    a = marked[TENANT_A]
    for rule in any_app.url_map.iter_rules():
        if "tenant" not in rule.arguments or "GET" not in rule.methods:
            continue
        values = {"tenant": TENANT_B}
        for arg in rule.arguments - {"tenant"}:
            values[arg] = marked[TENANT_B][FACTORIES[arg]]
        kwargs = {"headers": headers} if rule.rule.startswith("/api/") else {}
        answer = html.get(_url(rule, values), **kwargs)
        if rule.endpoint.startswith("public"):
            continue
        assert answer.status_code == 404, f"{rule.rule} for a tenant A's user is not a member of"
        assert a["marker"].encode() not in answer.data


def _text_of(response) -> str:
    if response.mimetype == "application/pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    return response.get_data(as_text=True)


def test_lists_and_exports_of_a_never_show_b(any_app, marked):
    html, headers = _clients(any_app)
    seen_a = False
    for rule in any_app.url_map.iter_rules():
        if rule.arguments != {"tenant"} or "GET" not in rule.methods:
            continue
        kwargs = {"headers": headers} if rule.rule.startswith("/api/") else {}
        answer = html.get(_url(rule, {"tenant": TENANT_A}), **kwargs)
        assert answer.status_code in (200, 403), f"{rule.rule}: {answer.status_code}"
        text = _text_of(answer)
        assert marked[TENANT_B]["marker"] not in text, f"{rule.rule} shows B's marker"
        seen_a = seen_a or marked[TENANT_A]["marker"] in text
    assert seen_a, "no list showed A's own marker: the walk would not notice a leak"


def test_printed_overview_of_a_never_shows_b(any_app, marked):
    html, _ = _clients(any_app)
    answer = html.post(f"/t/{TENANT_A}/organisation/utskrift", follow_redirects=True)
    assert answer.status_code == 200
    with in_tenant(any_app, TENANT_A):
        job = db.session.scalars(select(Job).where(Job.kind.like("%render_overview_pdf"))).one()
        assert job.state == "finished", job.error
        job_id = job.id
    pdf = html.get(f"/t/{TENANT_A}/jobb/{job_id}/fil")
    text = _text_of(pdf)
    assert "MARKÖR-AAA" in text and "MARKÖR-BBB" not in text


def test_link_to_another_tenants_object_is_refused_by_the_database(any_app, marked):
    from sqlalchemy.exc import IntegrityError

    with in_tenant(any_app, TENANT_A):
        db.session.add(Seat(body_id=marked[TENANT_B]["body"], person="Intrång", seat="ordinarie"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
