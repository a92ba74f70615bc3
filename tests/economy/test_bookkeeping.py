"""The bookkeeping in SIE 4 read as a job: seed 003's delårsbokslut 2021-06-30 from the file's
verifications, the account plan mapped once per tenant, unmapped accounts listed, and a bad
file or a file of another year importing nothing at all. On SQLite and PostgreSQL."""
import html
import io
import re

import pytest
from sqlalchemy import func, select

from finsam_saas.economy.models import AccountBalance, BookkeepingImport, LineOutcome
from finsam_saas.extensions import db

from support import TENANT_A, TENANT_B, in_tenant, login
from test_sie import UPPSALA_2021, line_of, uppsala_sie

A, B = f"/t/{TENANT_A}", f"/t/{TENANT_B}"


@pytest.fixture
def kansli(any_app):
    client = any_app.test_client()
    assert login(client, "kansli.a@test.se").status_code == 302
    return client


def text_of(answer) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True))).split())


def upload(client, content: bytes, *, year="2021", through="2021-06-30", prefix=A, name="uppsala.se"):
    """Post the file; the job runs at once (no Redis) and its page is the answer."""
    return text_of(client.post(f"{prefix}/ekonomi/bokforing", data={"year": year, "through": through,
                                                                    "file": (io.BytesIO(content), name)},
                               content_type="multipart/form-data", follow_redirects=True))


def outcomes(app, slug=TENANT_A) -> dict:
    with in_tenant(app, slug):
        return {(o.section, o.name): o.amount for o in db.session.scalars(select(LineOutcome).where(LineOutcome.year == 2021))}


def test_a_sie_file_gives_seed_003s_result_and_balance_sheet(any_app, kansli):
    page = upload(kansli, uppsala_sie())
    assert "Klart" in page, page
    assert "Det här blev inte gjort" not in page  # the default plan maps every account of the file
    shown = text_of(kansli.get(f"{A}/ekonomi/bokforing?ar=2021"))
    # Seed 003, BALANSRÄKNING 2021-06-30 and RESULTATRÄKNING 2021-01-01–2021-06-30, in tkr:
    assert "Summa tillgångar 17 874 11 471" in shown           # and the opening 2021-01-01
    assert "Summa omsättningstillgångar 17 869 11 461" in shown
    assert "Summa kortfristiga skulder 10 968 5 347" in shown
    assert "Summa eget kapital 6 906 6 124" in shown
    assert "Summa verksamhetens intäkter 11 545" in shown
    assert "Periodens resultat 782" in shown
    assert "Soliditet (eget kapital / totalt kapital) 38,6 %" in shown
    assert "Kassalikviditet (omsättningstillgångar / kortfristiga skulder) 162,9 %" in shown
    assert "Samordningsförbundet Uppsala län, org.nr 222000-2576" in shown  # read from CP437
    # Outcome per budget line, through the default plan for kommunal BAS; no financial items in it.
    assert outcomes(any_app) == {("income", "Medlemsavgifter"): 11_545_002, ("insatser", "Insatser"): 7_954_259,
                                 ("board", "Arvoden till förtroendevalda"): 130_937,
                                 ("administration", "Kansli, personal"): 2_293_064,
                                 ("administration", "Kansli, lokaler och övrigt"): 388_109}
    budget_page = text_of(kansli.get(f"{A}/ekonomi/utfall?ar=2021"))
    assert "Medlemsavgifter – 11 545" in budget_page and "är inläst till och med 2021-06-30" in budget_page
    assert "Utfallet gäller del av året medan budgeten är helårets" in budget_page


def test_without_a_period_end_the_last_month_with_verifications_counts(any_app, kansli):
    assert "Klart" in upload(kansli, uppsala_sie(), through="")
    shown = text_of(kansli.get(f"{A}/ekonomi/bokforing?ar=2021&period=2021-07-31"))
    assert "Periodens resultat 772" in shown  # July's 10 000 kr of costs taken in


def test_a_file_whose_balances_disagree_with_its_verifications_is_refused(any_app, kansli):
    text = UPPSALA_2021.replace("#UB 0 1930 11998893.00", "#UB 0 1930 11998993.00")
    page = upload(kansli, uppsala_sie(text=text), through="2021-12-31")
    assert (f"Rad {line_of(text, '#UB 0 1930')}: #UB för konto 1930 är 11998993,00 kr, men #IB och "
            "verifikationerna ger 11998893,00 kr.") in page


def test_a_bad_file_or_another_year_imports_nothing(any_app, kansli):
    assert "Klart" in upload(kansli, uppsala_sie())
    with in_tenant(any_app, TENANT_A):
        before = db.session.scalar(select(func.count()).select_from(AccountBalance))
    unbalanced = UPPSALA_2021.replace("#TRANS 5020 {} 2293064.00", "#TRANS 5020 {} 2293064.50")
    page = upload(kansli, uppsala_sie(text=unbalanced))
    assert "Misslyckades" in page or "misslyckades" in page.lower()
    assert (f"Rad {line_of(unbalanced, '#VER A 5 ')}: verifikationen A 5 är inte i balans: transaktionerna "
            "summerar till 0,50 kr, inte 0.") in page
    page = upload(kansli, uppsala_sie(), year="2020", through="")
    assert (f"Rad {line_of(UPPSALA_2021, '#RAR 0')}: filen gäller räkenskapsåret 2021-01-01–2021-12-31 (#RAR 0), "
            "inte 2020 som du läser in.") in page
    page = upload(kansli, uppsala_sie(), through="2022-01-31")
    assert "Periodens slut 2022-01-31 ligger utanför räkenskapsåret" in page
    page = upload(kansli, b"Sektion;Rad;Utfall\n", name="utfall.se")
    assert "Filen är ingen SIE-fil: rad 1 börjar inte med en post som #FLAGGA." in page
    refused = text_of(kansli.post(f"{A}/ekonomi/bokforing?ar=2021", data={"year": "2021", "file": (io.BytesIO(b"x"), "utfall.csv")},
                                  content_type="multipart/form-data", follow_redirects=True))
    assert "\"utfall.csv\" är ingen SIE-fil" in refused
    with in_tenant(any_app, TENANT_A):
        assert db.session.scalar(select(func.count()).select_from(BookkeepingImport)) == 1
        assert db.session.scalar(select(func.count()).select_from(AccountBalance)) == before
    assert "Summa tillgångar 17 874" in text_of(kansli.get(f"{A}/ekonomi/bokforing?ar=2021"))
    assert outcomes(any_app)[("income", "Medlemsavgifter")] == 11_545_002


def _plan_form(rows):
    data = {"rows": str(len(rows))}
    for index, (first, last, target, name) in enumerate(rows):
        data.update({f"first_{index}": first, f"last_{index}": last, f"target_{index}": target, f"name_{index}": name})
    return data


def test_the_account_plan_is_the_tenants_own_and_unmapped_accounts_are_listed(any_app, kansli):
    default = kansli.get(f"{A}/ekonomi/kontoplan").get_data(as_text=True)
    assert "Standarden för kommunal BAS" in default
    assert 'value="5010"' in default and 'value="Arvoden till förtroendevalda"' in default
    plan = [("1000", "1399", "fixed_assets", ""), ("1400", "1999", "current_assets", ""), ("2000", "2099", "equity", ""),
            ("2400", "2999", "short_term_liabilities", ""), ("3000", "3999", "income", "Medlemsavgifter"),
            ("4510", "4510", "insatser", "Framsteget, Håbo"), ("4500", "4599", "insatser", "Övriga insatser"),
            ("5000", "5999", "administration", "Kanslipersonal"), ("5010", "5019", "board", "Arvoden till styrelsen"),
            ("8000", "8999", "financial", "Finansiella poster")]
    saved = text_of(kansli.post(f"{A}/ekonomi/kontoplan", data=_plan_form(plan), follow_redirects=True))
    assert "Kontoplanen är sparad" in saved and "Förbundets egen kontoplan" in saved
    page = upload(kansli, uppsala_sie())
    assert "Klart" in page and "Det här blev inte gjort" in page
    assert "Konto 6110 Lokalhyra (111 842 kr) hör inte till någon rad i kontoplanen" in page
    shown = text_of(kansli.get(f"{A}/ekonomi/bokforing?ar=2021"))
    assert "3 konton är inte kopplade i kontoplanen" in shown
    assert "Konto 7830 Avskrivningar inventarier: 5 284 kr" in shown
    assert "6110 Lokalhyra (ej kopplat i kontoplanen) -112" in shown
    assert "Periodens resultat 782" in shown  # listed, never dropped
    assert outcomes(any_app) == {("income", "Medlemsavgifter"): 11_545_002, ("insatser", "Framsteget, Håbo"): 1_218_839,
                                 ("insatser", "Övriga insatser"): 6_735_420, ("board", "Arvoden till styrelsen"): 130_937,
                                 ("administration", "Kanslipersonal"): 2_293_064}
    # Skellefteå–Norsjö still has the default plan.
    other = any_app.test_client()
    login(other, "kansli.b@test.se")
    assert "Standarden för kommunal BAS" in text_of(other.get(f"{B}/ekonomi/kontoplan"))
    asked = text_of(kansli.post(f"{A}/ekonomi/kontoplan", data={"reset": "1"}, follow_redirects=True))
    assert "Förbundets egna regler i kontoplanen tas bort" in asked  # irreversible: asked first
    reset = text_of(kansli.post(f"{A}/ekonomi/kontoplan", data={"reset": "1", "confirm": "1"}, follow_redirects=True))
    assert "Kontoplanen följer nu standarden för kommunal BAS" in reset


@pytest.mark.parametrize("row, message", [
    (("3000", "39x9", "income", "Intäkter"), "Rad 1: \"39x9\" är inget kontonummer."),
    (("3999", "3000", "income", "Intäkter"), "Rad 1: tillkontot 3000 kommer före frånkontot 3999."),
    (("3000", "3999", "equity", ""), "Rad 1: 3000–3999 är resultatkonton och kan inte höra till eget kapital."),
    (("1900", "1999", "income", "Kassa"), "Rad 1: 1900–1999 är balanskonton och kan inte vara en budgetrad."),
    (("2900", "3100", "income", "X"), "Rad 1: 2900–3100 blandar balanskonton (1–2) och resultatkonton (3–8)."),
    (("3000", "3999", "income", ""), "Rad 1: ange budgetradens namn för 3000–3999."),
])
def test_a_wrong_rule_of_the_plan_is_named_and_nothing_is_saved(app, client_a, row, message):
    page = text_of(client_a.post(f"{A}/ekonomi/kontoplan", data=_plan_form([row]), follow_redirects=True))
    assert message in page and "Standarden för kommunal BAS" in page


def test_another_tenants_bookkeeping_never_shows(any_app, kansli):
    other = any_app.test_client()
    assert login(other, "kansli.b@test.se").status_code == 302
    text = UPPSALA_2021.replace("Samordningsförbundet Uppsala län", "MARKÖR-BBB förbund")
    assert "Klart" in upload(other, uppsala_sie(text=text), prefix=B)
    with in_tenant(any_app, TENANT_B):
        theirs = db.session.scalar(select(BookkeepingImport.id))
    for url in (f"{A}/ekonomi/bokforing?ar=2021", f"{A}/ekonomi/rapporter", f"{A}/ekonomi/utfall?ar=2021"):
        answer = kansli.get(url)
        assert answer.status_code == 200 and "MARKÖR-BBB" not in answer.get_data(as_text=True)
    assert "Ingen bokföring är inläst för 2021" in text_of(kansli.get(f"{A}/ekonomi/bokforing?ar=2021"))
    assert kansli.get(f"{A}/ekonomi/bokforing?ar=2021&period=2021-06-30").status_code == 404
    assert kansli.post(f"{A}/ekonomi/rapporter", data={"import_id": str(theirs), "kind": "delar"}).status_code == 404
    assert outcomes(any_app) == {}
    # A's own import of the same period is A's alone; B's stays B's.
    assert "Klart" in upload(kansli, uppsala_sie())
    assert "MARKÖR-BBB" in text_of(other.get(f"{B}/ekonomi/bokforing?ar=2021"))
    assert "MARKÖR-BBB" not in text_of(kansli.get(f"{A}/ekonomi/bokforing?ar=2021"))
    assert kansli.get(f"{B}/ekonomi/bokforing?ar=2021").status_code == 404


def test_outcome_on_a_line_the_budget_lacks_is_named_at_the_import(any_app, kansli):
    from finsam_saas.economy.demo import load_umearegionen
    with in_tenant(any_app, TENANT_A):
        load_umearegionen()  # seed 000's budget 2021 has a line per member, no "Medlemsavgifter"
        db.session.commit()
    page = upload(kansli, uppsala_sie())
    assert "Klart med avvikelser" in page
    assert "på raden \"Medlemsavgifter\" (intäkter) finns inte i budgeten för 2021; ändra kontoplanen" in page
