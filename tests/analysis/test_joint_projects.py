"""Joint projects: co-financing per partner against its pledge, the refusals, and walls
around a project for förbund that are not in it."""
from datetime import date

from sqlalchemy import select

from finsam_saas.analysis import projects
from finsam_saas.analysis.models import Partner, Project
from finsam_saas.extensions import db
from finsam_saas.platform.models import Tenant

from support import TENANT_A, TENANT_B, add_user, in_tenant, login


def _project(app) -> int:
    """Seed 004's project, owned by Skellefteå–Norsjö, with Umeåregionen and a förbund that is not a tenant."""
    client = app.test_client()
    login(client, "kansli.b@test.se")
    answer = client.post("/t/skelleftea-norsjo/analys/projekt", data={
        "name": "Lokala analyser i övre Norrland", "start": "2024-01-01", "end": "2025-12-31", "budget": "5 454 334",
        "external_funding": "3 554 334", "hour_value": "500"})
    assert answer.status_code == 302
    project_id = int(answer.headers["Location"].rstrip("/").split("/")[-1])
    with in_tenant(app, TENANT_B):
        umea = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT_A))
    client.post(f"/t/skelleftea-norsjo/analys/projekt/{project_id}/partner", data={"tenant_id": umea.id})
    client.post(f"/t/skelleftea-norsjo/analys/projekt/{project_id}/partner", data={"name": "Samordningsförbundet Södra Lappland"})
    return project_id


def _partners(app, project_id) -> dict[str, int]:
    with app.app_context():
        return {p.name: p.id for p in db.session.scalars(select(Partner).where(Partner.project_id == project_id))}


def test_cofinancing_per_partner_against_its_pledge(app):
    project_id = _project(app)
    partners = _partners(app, project_id)
    owner, umea = app.test_client(), app.test_client()
    login(owner, "kansli.b@test.se")
    login(umea, "kansli.a@test.se")
    base_b, base_a = f"/t/skelleftea-norsjo/analys/projekt/{project_id}", f"/t/umearegionen/analys/projekt/{project_id}"
    lappland = partners["Samordningsförbundet Södra Lappland"]
    umea_id = partners["Samordningsförbundet Umeåregionen"]
    skelleftea = partners["Samordningsförbundet Skellefteå–Norsjö"]
    for year in ("2024", "2025"):
        umea.post(f"{base_a}/atagande", data={"partner_id": umea_id, "year": year, "cash": "150 000", "in_kind": "238 349"})
        owner.post(f"{base_b}/atagande", data={"partner_id": lappland, "year": year, "cash": "150 000", "in_kind": "238 349"})
        owner.post(f"{base_b}/atagande", data={"partner_id": skelleftea, "year": year, "cash": "150 000", "in_kind": "238 349"})
    umea.post(f"{base_a}/kontant", data={"partner_id": umea_id, "year": "2024", "amount": "150000", "note": "2024"})
    umea.post(f"{base_a}/timmar", data={"partner_id": umea_id, "person": "Mikael Holmlund", "month": "2024-03", "hours": "40,5"})
    umea.post(f"{base_a}/timmar", data={"partner_id": umea_id, "person": "Analytiker", "month": "2024-03", "hours": "60"})
    owner.post(f"{base_b}/timmar", data={"partner_id": lappland, "person": "Förbundschef", "month": "2024-04", "hours": "10"})
    with app.app_context():
        project = db.session.get(Project, project_id)
        report = {r.partner.name: r for r in projects.report(project)}
        year_2025 = {r.partner.name: r for r in projects.report(project, 2025)}
    u = report["Samordningsförbundet Umeåregionen"]
    assert (u.cash_pledged, u.cash_given, u.in_kind_pledged, u.hours, u.hours_value) == (300_000, 150_000, 476_698, 100.5, 50_250)
    assert u.given == 200_250 and u.share_given == 25.8  # 200 250 of 776 698
    assert report["Samordningsförbundet Södra Lappland"].hours_value == 5_000
    assert year_2025["Samordningsförbundet Umeåregionen"].hours == 0
    page = umea.get(base_a).get_data(as_text=True)
    assert "Samordningsförbundet Södra Lappland" in page and "50 250" in page


def test_refusals_pledge_outside_the_project_and_hours_ahead(app):
    project_id = _project(app)
    partners = _partners(app, project_id)
    umea = app.test_client()
    login(umea, "kansli.a@test.se")
    base = f"/t/umearegionen/analys/projekt/{project_id}"
    # A partner of another project, or of this one that Umeåregionen does not speak for.
    with app.app_context():
        other = projects.create_project(db.session.get(Tenant, 1), name="Annat", start=date(2024, 1, 1), end=date(2024, 12, 31))
        db.session.commit()
        stranger = other.partners[0].id
    refused = umea.post(f"{base}/atagande", data={"partner_id": stranger, "year": "2024", "cash": "1"}, follow_redirects=True)
    assert "Partnern finns inte i projektet" in refused.get_data(as_text=True)
    refused = umea.post(f"{base}/atagande", data={"partner_id": partners["Samordningsförbundet Södra Lappland"], "year": "2024",
                                                  "cash": "1"}, follow_redirects=True)
    assert "kan inte ange åtagande för Samordningsförbundet Södra Lappland" in refused.get_data(as_text=True)
    later = date.today().replace(day=1).replace(year=date.today().year + 1)
    with app.app_context():
        project = db.session.get(Project, project_id)
        project.end = later.replace(year=later.year + 1)
        db.session.commit()
    ahead = umea.post(f"{base}/timmar", data={"partner_id": partners["Samordningsförbundet Umeåregionen"], "person": "X",
                                              "month": later.strftime("%Y-%m"), "hours": "5"}, follow_redirects=True)
    assert "har inte börjat" in ahead.get_data(as_text=True)
    outside = umea.post(f"{base}/atagande", data={"partner_id": partners["Samordningsförbundet Umeåregionen"],
                                                  "year": "2031", "cash": "1"}, follow_redirects=True)
    assert "utanför projektet" in outside.get_data(as_text=True)
    with app.app_context():
        assert projects.report(db.session.get(Project, project_id))[0].cash_pledged == 0  # nothing half-written


def test_a_forbund_outside_the_project_sees_nothing_of_it(app):
    project_id = _project(app)
    uppsala = _outsider(app)
    assert uppsala.get(f"/t/uppsala-lan/analys/projekt/{project_id}").status_code == 404
    assert "Lokala analyser" not in uppsala.get("/t/uppsala-lan/analys/projekt").get_data(as_text=True)
    assert uppsala.post(f"/t/uppsala-lan/analys/projekt/{project_id}/timmar", data={}).status_code == 404
    # A partner that is not the owner may not add partners.
    umea = app.test_client()
    login(umea, "kansli.a@test.se")
    assert umea.post(f"/t/umearegionen/analys/projekt/{project_id}/partner", data={"name": "X"}).status_code == 403


def test_partners_share_recommendations_and_published_analyses(app):
    from finsam_saas.analysis.models import Figure, Publication
    from finsam_saas.insatser import social
    from finsam_saas.platform.models import utcnow

    project_id = _project(app)
    with in_tenant(app, TENANT_A) as tenant:
        recommendation = social.add_recommendation(year=2023, text="Bygg gemensam analyskapacitet i länet.")
        db.session.add(Publication(tenant_id=tenant.id, period="2023", published_by="test", published_at=utcnow(),
                                   figures=[Figure(measure="socialt_bokslut", dimension="alla", value=72.5)]))
        db.session.commit()
        recommendation_id = recommendation.id
    umea = app.test_client()
    login(umea, "kansli.a@test.se")
    umea.post(f"/t/umearegionen/analys/projekt/{project_id}/rekommendation", data={"recommendation_id": recommendation_id})
    owner = app.test_client()
    login(owner, "kansli.b@test.se")
    page = owner.get(f"/t/skelleftea-norsjo/analys/projekt/{project_id}").get_data(as_text=True)
    assert "Bygg gemensam analyskapacitet i länet." in page
    assert "Socialt bokslut, viktad måluppfyllelse" in page and "72,5 %" in page
    # Skellefteå–Norsjö cannot share Umeåregionen's recommendation as its own: it is not found in its tenant.
    assert owner.post(f"/t/skelleftea-norsjo/analys/projekt/{project_id}/rekommendation",
                      data={"recommendation_id": recommendation_id}).status_code == 404


# --- the owner edits; hours without a rate are ej värderade --------------------------------

def _outsider(app):
    """Uppsala län's kansli: a förbund that is in no project."""
    add_user(app, "kansli.c@test.se", "uppsala-lan", "kansli", "Uppsala")
    client = app.test_client()
    login(client, "kansli.c@test.se")
    return client


def _fields(**changes):
    base = {"name": "Lokala analyser i övre Norrland", "start": "2024-01-01", "end": "2025-12-31",
            "budget": "5 454 334", "external_funding": "3 554 334", "hour_value": "500", "description": ""}
    return {**base, **changes}


def _state(app, project_id):
    with app.app_context():
        p = db.session.get(Project, project_id)
        return (p.name, p.start, p.end, p.budget, p.external_funding, p.rate, sorted(x.name for x in p.partners))


def test_the_owner_edits_the_project_and_the_hours_are_revalued(app):
    project_id = _project(app)
    partners = _partners(app, project_id)
    owner, umea = app.test_client(), app.test_client()
    login(owner, "kansli.b@test.se")
    login(umea, "kansli.a@test.se")
    base = f"/t/skelleftea-norsjo/analys/projekt/{project_id}"
    umea.post(f"/t/umearegionen/analys/projekt/{project_id}/timmar",
              data={"partner_id": partners["Samordningsförbundet Umeåregionen"], "person": "Analytiker",
                    "month": "2024-03", "hours": "10,5"})
    answer = owner.post(f"{base}/andra", data=_fields(name="Lokala analyser (ESF)", hour_value="600", budget="6 000 000",
                                                      description="Ny beskrivning"), follow_redirects=True)
    assert "Projektet är ändrat." in answer.get_data(as_text=True)
    assert _state(app, project_id)[:6] == ("Lokala analyser (ESF)", date(2024, 1, 1), date(2025, 12, 31), 6_000_000,
                                           3_554_334, 600)
    with app.app_context():
        row = {r.partner.name: r for r in projects.report(db.session.get(Project, project_id))}
    assert row["Samordningsförbundet Umeåregionen"].hours_value == 6_300  # 10,5 h × 600 kr
    # The owner sets any partner's pledge, also a partner that is a tenant; the partner its own.
    umea_id = partners["Samordningsförbundet Umeåregionen"]
    owner.post(f"{base}/atagande", data={"partner_id": umea_id, "year": "2024", "cash": "150 000", "in_kind": "0"})
    with app.app_context():
        assert db.session.get(Partner, umea_id).pledges[0].cash == 150_000
    # The owner renames and removes a partner that has recorded nothing.
    lappland = partners["Samordningsförbundet Södra Lappland"]
    owner.post(f"{base}/partner/andra", data={"partner_id": lappland, "name": "Samordningsförbundet Södra Lappland (SL)"})
    assert "Samordningsförbundet Södra Lappland (SL)" in _state(app, project_id)[6]
    asked = owner.post(f"{base}/partner/ta-bort", data={"partner_id": lappland}).get_data(as_text=True)
    assert "med sina åtaganden för alla år" in asked  # removal loses the pledges: asked first, nothing done
    assert any("Lappland" in n for n in _state(app, project_id)[6])
    owner.post(f"{base}/partner/ta-bort", data={"partner_id": lappland, "confirm": "1"})
    assert not any("Lappland" in n for n in _state(app, project_id)[6])
    # What a partner gave stays on record: Umeåregionen has logged hours, the owner is the owner.
    kept = owner.post(f"{base}/partner/ta-bort", data={"partner_id": umea_id, "confirm": "1"}, follow_redirects=True)
    assert "har registrerade timmar i projektet och kan inte tas bort" in kept.get_data(as_text=True)
    skelleftea = partners["Samordningsförbundet Skellefteå–Norsjö"]
    kept = owner.post(f"{base}/partner/ta-bort", data={"partner_id": skelleftea, "confirm": "1"}, follow_redirects=True)
    assert "Ägaren kan inte tas bort" in kept.get_data(as_text=True)


def test_only_the_owner_edits_a_partner_gets_403_and_an_outsider_404(app):
    project_id = _project(app)
    partners = _partners(app, project_id)
    before = _state(app, project_id)
    umea, uppsala = app.test_client(), _outsider(app)
    login(umea, "kansli.a@test.se")
    lappland = partners["Samordningsförbundet Södra Lappland"]
    for path, data in (("andra", _fields(hour_value="1")), ("partner/andra", {"partner_id": lappland, "name": "X"}),
                       ("partner/ta-bort", {"partner_id": lappland}), ("partner", {"name": "Y"})):
        assert umea.post(f"/t/umearegionen/analys/projekt/{project_id}/{path}", data=data).status_code == 403
        assert uppsala.post(f"/t/uppsala-lan/analys/projekt/{project_id}/{path}", data=data).status_code == 404
    page = umea.get(f"/t/umearegionen/analys/projekt/{project_id}").get_data(as_text=True)
    assert "Ändra projektet" not in page
    assert _state(app, project_id) == before


def test_a_wrong_edit_names_the_fields_and_writes_nothing(app):
    project_id = _project(app)
    partners = _partners(app, project_id)
    before = _state(app, project_id)
    owner = app.test_client()
    login(owner, "kansli.b@test.se")
    base = f"/t/skelleftea-norsjo/analys/projekt/{project_id}"
    page = owner.post(f"{base}/andra", data=_fields(name="Nytt namn", end="2023-12-31", budget="-5", hour_value="0"),
                      follow_redirects=True).get_data(as_text=True)
    assert "slut före start" in page and "Budget kan inte vara negativ" in page
    assert "Värde per timme måste vara större än 0 kr" in page
    page = owner.post(f"{base}/andra", data=_fields(external_funding="6 000 000"), follow_redirects=True).get_data(as_text=True)
    assert "Externt stöd (6 000 000 kr) kan inte vara större än budgeten (5 454 334 kr)" in page
    page = owner.post(f"{base}/andra", data=_fields(budget="fem"), follow_redirects=True).get_data(as_text=True)
    assert "Budget ska vara ett heltal, inte &#34;fem&#34;" in page
    # Hours logged in 2025: the project cannot end in 2024.
    owner.post(f"{base}/timmar", data={"partner_id": partners["Samordningsförbundet Södra Lappland"], "person": "X",
                                       "month": "2025-02", "hours": "3"})
    page = owner.post(f"{base}/andra", data=_fields(name="Nytt namn", end="2024-12-31"), follow_redirects=True)
    assert "det finns loggade timmar för 2025-02" in page.get_data(as_text=True)
    assert _state(app, project_id) == before  # not even the name


def test_hours_without_a_rate_are_not_valued_never_zero_kronor(app):
    owner = app.test_client()
    login(owner, "kansli.b@test.se")
    answer = owner.post("/t/skelleftea-norsjo/analys/projekt", data={
        "name": "Utan timvärde", "start": "2024-01-01", "end": "2025-12-31", "budget": "300 000"})
    project_id = int(answer.headers["Location"].rstrip("/").split("/")[-1])
    partners = _partners(app, project_id)
    me = partners["Samordningsförbundet Skellefteå–Norsjö"]
    base = f"/t/skelleftea-norsjo/analys/projekt/{project_id}"
    owner.post(f"{base}/atagande", data={"partner_id": me, "year": "2024", "cash": "16", "in_kind": "0"})
    owner.post(f"{base}/kontant", data={"partner_id": me, "year": "2024", "amount": "1", "note": ""})
    owner.post(f"{base}/timmar", data={"partner_id": me, "person": "Ekonom", "month": "2024-05", "hours": "0,5"})
    with app.app_context():
        row = projects.report(db.session.get(Project, project_id))[0]
        assert (row.hours, row.hours_value, row.given, row.share_given) == (0.5, None, None, None)
        assert projects.totals([row]).hours_value is None
    page = owner.get(base).get_data(as_text=True)
    table = page[page.index("Åtaganden och vad som lämnats"):page.index("</table>", page.index("Åtaganden och vad som lämnats"))]
    assert table.count('<td class="num">ej värderade</td>') == 2  # the partner's row and the sum
    assert '<td class="num">0</td><td class="num">0,5</td><td class="num">0</td>' not in table
    assert "inget värde per timme" in page
    # A rate set afterwards values them, half up: 0,5 h × 1 kr = 1 kr; 1 + 1 of 16 kr = 12,5 %.
    owner.post(f"{base}/andra", data=_fields(name="Utan timvärde", budget="300 000", external_funding="0", hour_value="1"))
    with app.app_context():
        row = projects.report(db.session.get(Project, project_id))[0]
        assert (row.hours_value, row.given, row.share_given) == (1, 2, 12.5)
    # And removed again (an empty field): not valued, not 0 kr.
    owner.post(f"{base}/andra", data=_fields(name="Utan timvärde", budget="300 000", external_funding="0", hour_value=""))
    with app.app_context():
        assert projects.report(db.session.get(Project, project_id))[0].hours_value is None


def test_a_share_given_rounds_half_up(app):
    with app.app_context():
        owner = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT_B))
        project = projects.create_project(owner, name="Halvan", start=date(2024, 1, 1), end=date(2024, 12, 31),
                                          hour_value=1)
        me = project.partners[0]
        projects.pledge(project, me, year=2024, cash=16, in_kind=0)
        projects.record_cash(project, me, year=2024, amount=1, note="", by="test")
        row = projects.report(project)[0]
        assert row.share_given == 6.3  # 1 of 16 = 6,25 %
        db.session.rollback()
