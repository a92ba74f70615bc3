"""The internkontrollplan (seed 004): a plan per year with its controls rated on the seed's
five-step scales, the 5×5 risk matrix with each control in its cell, controls edited and removed
while the plan is an utkast, adoption and reported follow-up that make the plan stand, the plan
as PDF, and the tenant wall around all of it."""
import html
import io
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from finsam_saas.economy import internal_control
from finsam_saas.economy.models import Control, ControlFollowUp, ControlPlan
from finsam_saas.extensions import db
from finsam_saas.platform.models import Job
from finsam_saas.platform.rules import InvalidInput, RuleViolation

from support import TENANT_A, TENANT_B, in_tenant, login

A = f"/t/{TENANT_A}"
B = f"/t/{TENANT_B}"

# Three rows of Umeåregionen's plan "Fastställdes av styrelsen 2023-03-17" (seed 004).
SEED_CONTROLS = [
    {"process": "Styrelsens interna kontroll", "control": "Förbundets styrdokument är aktuella", "owner": "Förbundschef",
     "method": "Genomgång/kontroll av styrdokument", "frequency": "1 ggr/år",
     "report_to": "Vid delårs och/eller årsrapporter", "consequence": "2", "probability": "2"},  # Lindrig, Mindre sannolik
    {"process": "Ekonomi", "control": "Budget i balans", "owner": "Styrelsen", "method": "Ekonomisk rapport",
     "frequency": "4 ggr/år", "report_to": "Vid delårs och/eller årsrapporter", "consequence": "4",
     "probability": "3"},  # Allvarlig, Möjlig
    {"process": "Ekonomi", "control": "Moms och skatt", "owner": "Förbundschef", "method": "Enligt underlag",
     "frequency": "löpande", "report_to": "Vid delårs och/eller årsrapporter", "consequence": "4",
     "probability": "2"},  # Allvarlig, Mindre sannolik
]


def _text(answer) -> str:
    return html.unescape(answer.get_data(as_text=True))


def _plain(page: str) -> str:
    """What a reader sees of a page: its text without tags, in single spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _add_seed_plan(client, year=2023, tenant=A):
    for row in SEED_CONTROLS:
        answer = client.post(f"{tenant}/ekonomi/internkontroll?ar={year}", data=row)
        assert answer.status_code == 302, _text(answer)


def _control_id(app, slug, year, number) -> int:
    with in_tenant(app, slug):
        return db.session.scalar(select(Control.id).where(Control.year == year, Control.number == number))


class _Matrix(HTMLParser):
    """The risk matrix of a page: {(probability, consequence): [control numbers]}, plus its headers."""

    def __init__(self):
        super().__init__()
        self.inside, self.row, self.rows, self.cell, self.headers = False, None, [], None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "risk-matrix" in (attrs.get("class") or ""):
            self.inside = True
        elif self.inside and tag == "tr":
            self.row = []
        elif self.inside and tag in ("td", "th"):
            self.cell = {"tag": tag, "scope": attrs.get("scope"), "class": attrs.get("class"), "links": [], "text": ""}
        elif self.inside and tag == "a" and self.cell is not None:
            self.cell["links"].append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "table" and self.inside:
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        elif self.inside and tag == "tr":
            self.rows.append(self.row)

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data

    def cells(self):
        found = {}
        for row in self.rows[1:]:
            probability = int(row[0]["text"].split()[0])
            for consequence, cell in enumerate(row[1:], start=1):
                found[(probability, consequence)] = cell
        return found


def _matrix(page: str) -> _Matrix:
    parser = _Matrix()
    parser.feed(page)
    return parser


def test_risk_levels():
    assert [internal_control.risk_level(v) for v in (1, 4, 6, 12, 25)] == ["låg", "låg", "måttlig", "hög", "mycket hög"]
    assert internal_control.level_ranges()[0][:2] == ("låg", "1–4")
    assert internal_control.level_ranges()[-1][:2] == ("mycket hög", "17–25")


def test_seed_plan_drawn_as_matrix_with_each_control_in_its_cell(client_a):
    _add_seed_plan(client_a)
    page = _text(client_a.get(f"{A}/ekonomi/internkontroll?ar=2023"))
    assert "Lindrig × mindre sannolik = 4 (låg)" in page and "Allvarlig × möjlig = 12 (hög)" in page
    table = page[page.index("<caption>Kontroller 2023"):]
    assert table.index("Budget i balans") < table.index("Moms och skatt") < table.index("Förbundets styrdokument")
    matrix = _matrix(page)
    header = matrix.rows[0]
    assert [c["scope"] for c in header] == ["col"] * 6 and "Försumbar" in header[1]["text"]
    assert "Mycket allvarlig" in header[5]["text"]
    assert [r[0]["text"].split()[0] for r in matrix.rows[1:]] == ["5", "4", "3", "2", "1"]  # probability up
    assert all(r[0]["scope"] == "row" for r in matrix.rows[1:])
    cells = matrix.cells()
    assert len(cells) == 25
    assert cells[(2, 2)]["links"] == ["#kontroll-1"]  # Lindrig × Mindre sannolik
    assert cells[(3, 4)]["links"] == ["#kontroll-2"]  # Allvarlig × Möjlig
    assert cells[(2, 4)]["links"] == ["#kontroll-3"]
    assert sum(len(c["links"]) for c in cells.values()) == 3
    # A screen reader hears the risk, its level and the control's name; colour is never the only sign.
    assert "Risk 12, hög." in " ".join(cells[(3, 4)]["text"].split()) and "Budget i balans" in cells[(3, 4)]["text"]
    assert cells[(3, 4)]["class"] == "risk-high" and cells[(1, 1)]["class"] == "risk-low"
    assert cells[(5, 5)]["class"] == "risk-very-high" and cells[(3, 2)]["class"] == "risk-moderate"
    assert "Inga kontroller." in cells[(5, 5)]["text"]
    assert "<caption>Riskmatris 2023" in page and "Mycket hög risk: 17–25" in page
    assert 'id="kontroll-2"' in page  # the legend's and the cell's links lead to the control's row


def test_control_followed_up_in_its_year(client_a, app):
    _add_seed_plan(client_a)
    control_id = _control_id(app, TENANT_A, 2023, 2)
    missing = client_a.post(f"{A}/ekonomi/internkontroll/{control_id}/uppfoljning",
                            data={"year": "2023", "result": "med_anmarkning"}, follow_redirects=True)
    assert "Beskriv anmärkningen" in _text(missing)
    done = client_a.post(f"{A}/ekonomi/internkontroll/{control_id}/uppfoljning",
                         data={"year": "2023", "result": "med_anmarkning", "note": "Prognosen kom för sent i april"},
                         follow_redirects=True)
    assert "Med anmärkning: Prognosen kom för sent i april" in _text(done)
    wrong_year = client_a.post(f"{A}/ekonomi/internkontroll/{control_id}/uppfoljning",
                               data={"year": "2024", "result": "utan_anmarkning"}, follow_redirects=True)
    assert "hör till internkontrollplanen 2023, inte 2024" in _text(wrong_year)


def test_new_control_with_errors_names_every_field_and_keeps_what_was_typed(client_a, app):
    answer = client_a.post(f"{A}/ekonomi/internkontroll?ar=2023", data={
        "process": "Ekonomi", "control": "", "owner": "", "method": "Stickprov", "consequence": "6", "probability": ""})
    assert answer.status_code == 400
    page = _text(answer)
    assert "Ange kontrollmoment och kontrollansvarig." in page
    assert "Välj ett steg 1–5 för konsekvens." in page and "Välj ett steg 1–5 för sannolikhet." in page
    assert 'value="Stickprov"' in page  # the form comes back as typed
    with in_tenant(app, TENANT_A):
        assert db.session.scalars(select(Control)).all() == []


def test_scale_outside_one_to_five_is_refused(app):
    with in_tenant(app, TENANT_A):
        with pytest.raises(InvalidInput, match="1–5"):
            internal_control.add_control(process="P", control="C", owner="O", consequence=6, probability=1)


def test_every_field_of_a_control_edited_or_none(client_a, app):
    _add_seed_plan(client_a)
    control_id = _control_id(app, TENANT_A, 2023, 3)
    form = _text(client_a.get(f"{A}/ekonomi/internkontroll/{control_id}/andra"))
    assert 'value="Moms och skatt"' in form and "Ändra kontroll 3" in form
    too_long = client_a.post(f"{A}/ekonomi/internkontroll/{control_id}/andra", data={
        **SEED_CONTROLS[2], "control": "Moms, skatt och arbetsgivaravgifter", "owner": "x" * 201, "probability": "0"})
    assert too_long.status_code == 400
    page = _text(too_long)
    assert "Kontrollansvarig får vara högst 200 tecken (nu 201)." in page and "Välj ett steg 1–5 för sannolikhet." in page
    with in_tenant(app, TENANT_A):  # nothing half-written
        control = db.session.get(Control, (db.session.scalar(select(Control.tenant_id)), control_id))
        assert (control.control, control.owner, control.probability) == ("Moms och skatt", "Förbundschef", 2)
    changed = {"process": "Ekonomi och skatt", "control": "Moms, skatt och arbetsgivaravgifter", "owner": "Ekonom",
               "method": "Avstämning mot Skatteverkets konto", "frequency": "12 ggr/år", "report_to": "Vid årsrapport",
               "consequence": "5", "probability": "3"}
    answer = client_a.post(f"{A}/ekonomi/internkontroll/{control_id}/andra", data=changed, follow_redirects=True)
    page = _text(answer)
    assert 'Kontroll 3 "Moms, skatt och arbetsgivaravgifter" är ändrad.' in page
    assert "Mycket allvarlig × möjlig = 15 (hög)" in page and "12 ggr/år" in page and "Vid årsrapport" in page
    assert _matrix(page).cells()[(3, 5)]["links"] == ["#kontroll-3"]
    with in_tenant(app, TENANT_A):
        control = db.session.scalars(select(Control).where(Control.id == control_id)).one()
        assert {k: str(getattr(control, k)) for k in changed} == changed


def test_removal_says_what_happens_then_removes(client_a, app):
    _add_seed_plan(client_a)
    control_id = _control_id(app, TENANT_A, 2023, 2)
    client_a.post(f"{A}/ekonomi/internkontroll/{control_id}/uppfoljning", data={"result": "utan_anmarkning"})
    confirm = _text(client_a.get(f"{A}/ekonomi/internkontroll/{control_id}/ta-bort"))
    assert "Ta bort kontroll 2?" in confirm and "Budget i balans" in confirm
    assert "Uppföljningen 2023 av kontrollen tas bort med den." in confirm and "Andra års planer ändras inte." in confirm
    with in_tenant(app, TENANT_A):
        assert db.session.scalar(select(Control).where(Control.id == control_id)) is not None  # GET asks only
    # Without the confirmation, the page is shown again and nothing is removed.
    client_a.post(f"{A}/ekonomi/internkontroll/{control_id}/ta-bort")
    with in_tenant(app, TENANT_A):
        assert db.session.scalar(select(Control).where(Control.id == control_id)) is not None
    done = _text(client_a.post(f"{A}/ekonomi/internkontroll/{control_id}/ta-bort", data={"confirm": "1"},
                               follow_redirects=True))
    assert 'Kontroll 2 "Budget i balans" är borttagen ur internkontrollplanen 2023.' in done
    assert "Budget i balans" not in done.split("är borttagen")[1]
    with in_tenant(app, TENANT_A):
        assert [c.number for c in internal_control.controls_of(2023)] == [1, 3]
        assert db.session.scalars(select(ControlFollowUp)).all() == []


def test_next_year_starts_from_a_copy_and_never_changes_the_year_before(client_a, app):
    _add_seed_plan(client_a)
    first = _control_id(app, TENANT_A, 2023, 1)
    client_a.post(f"{A}/ekonomi/internkontroll/{first}/uppfoljning", data={"result": "utan_anmarkning"})
    empty = _text(client_a.get(f"{A}/ekonomi/internkontroll?ar=2024"))
    assert "Internkontrollplanen 2024 har inga kontroller ännu." in empty and "Starta planen 2024 från planen 2023" in empty
    started = _text(client_a.post(f"{A}/ekonomi/internkontroll/2024/starta", data={"from_year": "2023"},
                                  follow_redirects=True))
    assert "startad med 3 kontroller kopierade från 2023" in started
    assert "Planen startades från planen 2023" in started
    copy = _control_id(app, TENANT_A, 2024, 1)
    assert copy != first
    client_a.post(f"{A}/ekonomi/internkontroll/{copy}/andra", data={**SEED_CONTROLS[0], "owner": "Biträdande förbundschef",
                                                                     "probability": "4"})
    client_a.post(f"{A}/ekonomi/internkontroll/{_control_id(app, TENANT_A, 2024, 3)}/ta-bort", data={"confirm": "1"})
    before = _text(client_a.get(f"{A}/ekonomi/internkontroll?ar=2023"))
    assert "Biträdande förbundschef" not in before and "Moms och skatt" in before
    assert _matrix(before).cells()[(2, 2)]["links"] == ["#kontroll-1"]
    after = _text(client_a.get(f"{A}/ekonomi/internkontroll?ar=2024"))
    assert "Biträdande förbundschef" in after and "Moms och skatt" not in after
    assert _matrix(after).cells()[(4, 2)]["links"] == ["#kontroll-1"]
    with in_tenant(app, TENANT_A):  # follow-ups are the year's own, never copied
        assert [f.year for f in db.session.scalars(select(ControlFollowUp))] == [2023]
    again = _text(client_a.post(f"{A}/ekonomi/internkontroll/2024/starta", data={"from_year": "2023"},
                                follow_redirects=True))
    assert "Internkontrollplanen 2024 har redan kontroller" in again
    with in_tenant(app, TENANT_A):
        assert len(internal_control.controls_of(2024)) == 2 and len(internal_control.controls_of(2023)) == 3


def test_adopted_plan_stands_and_its_follow_up_stands_once_reported(client_a, app):
    _add_seed_plan(client_a)
    draft = _text(client_a.get(f"{A}/ekonomi/internkontroll?ar=2023"))
    assert "Utkast." in draft and "Revisorerna läser alltså samma plan som styrelsen beslutade om." in draft
    confirm = _text(client_a.get(f"{A}/ekonomi/internkontroll/2023/faststall"))
    assert "Fastställa internkontrollplanen 2023?" in confirm and "kan inte ändras eller tas bort" in confirm
    no_date = client_a.post(f"{A}/ekonomi/internkontroll/2023/faststall", data={"confirm": "1", "adopted_on": ""})
    assert no_date.status_code == 400 and "Ange datum då styrelsen fastställde planen." in _text(no_date)
    future = client_a.post(f"{A}/ekonomi/internkontroll/2023/faststall", data={"confirm": "1", "adopted_on": "2999-01-01"})
    assert future.status_code == 400 and "Datumet 2999-01-01 har inte varit än" in _text(future)
    assert 'value="2999-01-01"' in _text(future)  # the confirmation comes back as typed
    adopted = _text(client_a.post(f"{A}/ekonomi/internkontroll/2023/faststall", data={
        "confirm": "1", "adopted_on": "2023-03-17", "adopted_by": "Styrelsen § 12"}, follow_redirects=True))
    assert "Internkontrollplanen 2023 är fastställd 2023-03-17." in adopted
    assert "Fastställd 2023-03-17, beslut: Styrelsen § 12" in _plain(adopted)
    assert "/andra" not in adopted and "/ta-bort" not in adopted and "Ny kontroll" not in adopted
    second = _control_id(app, TENANT_A, 2023, 2)
    # The pages and the rules refuse a change, whichever way it comes.
    refused = client_a.post(f"{A}/ekonomi/internkontroll/{second}/andra", data={**SEED_CONTROLS[1], "owner": "Annan"},
                            follow_redirects=True)
    assert "Kontroll 2 kan inte ändras. Internkontrollplanen 2023 fastställdes 2023-03-17" in _text(refused)
    removal = _text(client_a.post(f"{A}/ekonomi/internkontroll/{second}/ta-bort", data={"confirm": "1"}))
    assert "Internkontrollplanen 2023 fastställdes 2023-03-17" in removal and "Kontrollen står kvar" in removal
    added = client_a.post(f"{A}/ekonomi/internkontroll?ar=2023", data=SEED_CONTROLS[0])
    assert added.status_code == 409 and "fastställdes" in _text(added)
    with in_tenant(app, TENANT_A):
        control = db.session.scalars(select(Control).where(Control.id == second)).one()
        assert control.owner == "Styrelsen" and len(internal_control.controls_of(2023)) == 3
        with pytest.raises(RuleViolation) as refusal:
            internal_control.update_control(control, {**SEED_CONTROLS[1], "consequence": 1, "probability": 1})
        assert refusal.value.code == "plan_faststalld"
    # The follow-up goes on; reporting it needs every control followed up.
    client_a.post(f"{A}/ekonomi/internkontroll/{second}/uppfoljning", data={"result": "utan_anmarkning"})
    early = _text(client_a.post(f"{A}/ekonomi/internkontroll/2023/rapportera", data={
        "confirm": "1", "reported_on": "2024-03-15"}))
    assert "Kontrollerna 1, 3 saknar uppföljning 2023." in early
    for number in (1, 3):
        client_a.post(f"{A}/ekonomi/internkontroll/{_control_id(app, TENANT_A, 2023, number)}/uppfoljning",
                      data={"result": "med_anmarkning", "note": f"Anmärkning {number}"})
    before_adoption = _text(client_a.post(f"{A}/ekonomi/internkontroll/2023/rapportera", data={
        "confirm": "1", "reported_on": "2023-01-10"}))
    assert "Uppföljningen kan inte ha rapporterats 2023-01-10, före fastställandet 2023-03-17." in before_adoption
    reported = _text(client_a.post(f"{A}/ekonomi/internkontroll/2023/rapportera", data={
        "confirm": "1", "reported_on": "2024-03-15", "reported_to": "Styrelsen vid årsredovisningen"},
        follow_redirects=True))
    assert "Uppföljningen är rapporterad till styrelsen 2024-03-15 (Styrelsen vid årsredovisningen)" in _plain(reported)
    assert "/uppfoljning" not in reported
    late = client_a.post(f"{A}/ekonomi/internkontroll/{second}/uppfoljning",
                         data={"result": "med_anmarkning", "note": "I efterhand"}, follow_redirects=True)
    assert "rapporterad till styrelsen" in _text(late)
    with in_tenant(app, TENANT_A):
        assert db.session.scalar(select(ControlFollowUp.result).where(ControlFollowUp.control_id == second)) == "utan_anmarkning"


def _pdf_of(client, app, slug, year, tenant_path) -> str:
    answer = client.post(f"{tenant_path}/ekonomi/internkontroll/{year}/pdf", follow_redirects=True)
    page = _text(answer)
    link = re.search(rf'href="({tenant_path}/jobb/\d+/fil)"', page)
    assert link, page
    reader = PdfReader(io.BytesIO(client.get(link.group(1)).data))
    assert b"pdfaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_plan_as_pdf_with_its_matrix_and_controls(client_a, app):
    _add_seed_plan(client_a)
    client_a.post(f"{A}/ekonomi/internkontroll/2023/faststall", data={
        "confirm": "1", "adopted_on": "2023-03-17", "adopted_by": "Styrelsen § 12"})
    text = _pdf_of(client_a, app, TENANT_A, 2023, A)
    assert "Internkontrollplan 2023" in text and "Samordningsförbundet Umeåregionen" in text
    assert "Fastställd 2023-03-17, beslut: Styrelsen § 12" in text
    assert "Riskmatris 2023" in text and "Mycket allvarlig" in text and "Mycket sannolik" in text
    for row in SEED_CONTROLS:
        assert row["control"] in text and row["method"] in text
    assert "Allvarlig × möjlig = 12 (hög)" in text
    # A reader (lasare) may print the plan too; an empty year gives a job that says why.
    reader = app.test_client()
    assert login(reader, "lasare.a@test.se").status_code == 302
    assert "Budget i balans" in _pdf_of(reader, app, TENANT_A, 2023, A)
    empty = _text(client_a.post(f"{A}/ekonomi/internkontroll/2031/pdf", follow_redirects=True))
    assert "Internkontrollplanen 2031 har inga kontroller." in empty


def test_readers_see_the_plan_but_never_change_it(app, client_a):
    _add_seed_plan(client_a)
    control_id = _control_id(app, TENANT_A, 2023, 1)
    for email in ("lasare.a@test.se", "revisor.a@test.se"):
        client = app.test_client()
        assert login(client, email).status_code == 302
        page = _text(client.get(f"{A}/ekonomi/internkontroll?ar=2023"))
        assert "Budget i balans" in page and "/andra" not in page and "Ny kontroll" not in page
        assert client.post(f"{A}/ekonomi/internkontroll?ar=2023", data=SEED_CONTROLS[0]).status_code == 403
        assert client.get(f"{A}/ekonomi/internkontroll/{control_id}/andra").status_code == 403
        assert client.post(f"{A}/ekonomi/internkontroll/{control_id}/ta-bort", data={"confirm": "1"}).status_code == 403
        assert client.post(f"{A}/ekonomi/internkontroll/2023/faststall",
                           data={"confirm": "1", "adopted_on": "2023-03-17"}).status_code == 403
    with in_tenant(app, TENANT_A):
        assert len(internal_control.controls_of(2023)) == 3 and internal_control.get_plan(2023).adopted_on is None


def test_another_tenants_plan_never_shows(any_app):
    """B's controls: 404 at every route of A's user, never in A's plan, matrix or PDF of the same year."""
    a, b = any_app.test_client(), any_app.test_client()
    assert login(a, "kansli.a@test.se").status_code == 302
    assert login(b, "kansli.b@test.se").status_code == 302
    _add_seed_plan(a)
    b.post(f"{B}/ekonomi/internkontroll?ar=2023", data={**SEED_CONTROLS[1], "control": "HEMLIG-B kontroll",
                                                        "probability": "5"})
    b.post(f"{B}/ekonomi/internkontroll?ar=2022", data={**SEED_CONTROLS[0], "control": "HEMLIG-B 2022"})
    theirs = _control_id(any_app, TENANT_B, 2023, 1)
    for method, path, data in (("get", "andra", None), ("post", "andra", SEED_CONTROLS[0]), ("get", "ta-bort", None),
                               ("post", "ta-bort", {"confirm": "1"}), ("post", "uppfoljning", {"result": "utan_anmarkning"})):
        answer = getattr(a, method)(f"{A}/ekonomi/internkontroll/{theirs}/{path}", data=data)
        assert answer.status_code == 404, (method, path)
        assert b"HEMLIG-B" not in answer.data
    for year in (2022, 2023):
        page = a.get(f"{A}/ekonomi/internkontroll?ar={year}").get_data(as_text=True)
        assert "HEMLIG-B" not in page
    cells = _matrix(_text(a.get(f"{A}/ekonomi/internkontroll?ar=2023"))).cells()
    assert sum(len(c["links"]) for c in cells.values()) == 3 and cells[(5, 4)]["links"] == []
    assert "HEMLIG-B" not in _pdf_of(a, any_app, TENANT_A, 2023, A)
    # A's 2022 has no plan; starting it from 2022 finds none of B's controls.
    refused = _text(a.post(f"{A}/ekonomi/internkontroll/2024/starta", data={"from_year": "2022"}, follow_redirects=True))
    assert "Internkontrollplanen 2022 har inga kontroller att utgå från." in refused
    # A's user reaching B's tenant: 404, as if it did not exist.
    assert a.get(f"{B}/ekonomi/internkontroll?ar=2023").status_code == 404
    assert a.post(f"{B}/ekonomi/internkontroll/2023/pdf").status_code == 404
    # B's own PDF job is B's: A cannot fetch it.
    b.post(f"{B}/ekonomi/internkontroll/2023/pdf")
    with in_tenant(any_app, TENANT_B):
        job_id = db.session.scalars(select(Job.id).where(Job.kind.like("%render_internal_control_plan"))).one()
    assert a.get(f"{A}/jobb/{job_id}/fil").status_code == 404
    assert b"HEMLIG-B" in b.get(f"{B}/ekonomi/internkontroll?ar=2023").data
    with in_tenant(any_app, TENANT_A):
        assert {p.year for p in db.session.scalars(select(ControlPlan))} == {2023}


# --- migration 0022 on the controls made before it ----------------------------------------

def _old_controls(connection, postgres: bool) -> dict:
    """Before 0022 a control had no year: one served every year, its follow-ups had the year."""
    from sqlalchemy import text

    connection.execute(text("INSERT INTO tenants (id, slug, name, short_name, kind, settings) "
                            "VALUES (1, 't', 'T', 'T', 'forbund', '{}')"))
    ids = {}
    for key, name in (("styrdokument", "Förbundets styrdokument är aktuella"), ("budget", "Budget i balans"),
                      ("gdpr", "Förbundet följer GDPR")):
        values = {"c": name, "id": len(ids) + 1}
        columns = "tenant_id, process, control, owner, method, frequency, report_to, consequence, probability"
        params = "1, 'Ekonomi', :c, 'Förbundschef', 'Genomgång', '1 ggr/år', 'Styrelsen', 4, 3"
        if postgres:  # the identity numbers rows there, as the app's rows were numbered
            ids[key] = connection.execute(text(f"INSERT INTO controls ({columns}) VALUES ({params}) RETURNING id"),
                                          values).scalar_one()
        else:
            connection.execute(text(f"INSERT INTO controls (id, {columns}) VALUES (:id, {params})"), values)
            ids[key] = values["id"]
    for number, (key, year, result) in enumerate((("styrdokument", 2022, "utan_anmarkning"),
                                                  ("styrdokument", 2023, "med_anmarkning"),
                                                  ("budget", 2023, "utan_anmarkning")), start=1):
        columns, params = "tenant_id, control_id, year, result, note", f"1, :c, :y, :r, 'år {year}'"
        if not postgres:
            columns, params = "id, " + columns, ":id, " + params
        connection.execute(text(f"INSERT INTO control_follow_ups ({columns}) VALUES ({params})"),
                           {"id": number, "c": ids[key], "y": year, "r": result})
    return ids


def _check_controls(connection, ids: dict) -> None:
    from sqlalchemy import text

    from finsam_saas.platform.clock import today

    rows = connection.execute(text("SELECT id, year, number, control FROM controls ORDER BY year, number")).all()
    this_year = today().year
    assert [(r.year, r.number, r.control) for r in rows] == [
        (2022, 1, "Förbundets styrdokument är aktuella"),
        (2023, 1, "Förbundets styrdokument är aktuella"),  # the copy that carries 2023's follow-up
        (2023, 2, "Budget i balans"),
        (this_year, 1, "Förbundet följer GDPR"),  # never followed up: this year's plan
    ]
    assert rows[0].id == ids["styrdokument"] and rows[1].id not in ids.values()
    follow_ups = connection.execute(text("SELECT f.year, f.note, c.year AS control_year FROM control_follow_ups f "
                                         "JOIN controls c ON c.tenant_id = f.tenant_id AND c.id = f.control_id "
                                         "ORDER BY f.year, c.number")).all()
    assert [(f.year, f.note, f.control_year) for f in follow_ups] == [
        (2022, "år 2022", 2022), (2023, "år 2023", 2023), (2023, "år 2023", 2023)]
    plans = connection.execute(text("SELECT year, adopted_on, reported_on FROM control_plans ORDER BY year")).all()
    assert [tuple(p) for p in plans] == [(2022, None, None), (2023, None, None), (this_year, None, None)]


def _migrate_controls(app, postgres: bool) -> None:
    import flask_migrate

    from support import PROJECT

    with app.app_context():
        flask_migrate.upgrade(directory=str(PROJECT / "migrations"), revision="0021")
        engine = db.engine if not postgres else db.create_engine(app.config["MIGRATION_DATABASE_URL"])
        with engine.begin() as connection:
            ids = _old_controls(connection, postgres)
        flask_migrate.upgrade(directory=str(PROJECT / "migrations"), revision="0022")
        with engine.connect() as connection:
            _check_controls(connection, ids)
        db.session.remove()
        for made in {engine, db.engine}:
            made.dispose()


def test_migration_gives_existing_controls_their_years_on_sqlite(tmp_path):
    from finsam_saas import create_app

    from support import app_config

    _migrate_controls(create_app(app_config(f"sqlite:///{tmp_path / 'old.db'}", tmp_path)), postgres=False)


def test_migration_gives_existing_controls_their_years_on_postgresql(postgres, tmp_path):
    from finsam_saas import create_app

    name = postgres.empty_database()
    try:
        _migrate_controls(create_app(postgres.config(name)), postgres=True)
    finally:
        postgres.drop_database(name)


def test_the_demo_holds_umearegionens_plan_of_2023_as_adopted(app):
    from finsam_saas.economy import demo

    with in_tenant(app, TENANT_A):
        demo.load_umea_controls()
        demo.load_umea_controls()  # idempotent
        controls = internal_control.controls_of(2023)
        assert len(controls) == 13 and controls[6].control == "Budget i balans" and controls[6].risk == 12
        assert internal_control.get_plan(2023).adopted_on == date(2023, 3, 17)
