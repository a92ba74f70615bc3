"""Budget against outcome from the bookkeeping's export: whole file or nothing."""
import html
import io

from finsam_saas.economy.demo import load_umearegionen
from finsam_saas.extensions import db

from support import TENANT_A, in_tenant

A = f"/t/{TENANT_A}"


def _upload(client, text):
    """The job page the upload leads to (the import is a job), then the outcome page."""
    job = client.post(f"{A}/ekonomi/utfall?ar=2021", data={"file": (io.BytesIO(text.encode()), "utfall.csv")},
                      content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    return html.unescape(job + client.get(f"{A}/ekonomi/utfall?ar=2021").get_data(as_text=True))


def test_outcome_beside_the_budget_with_deviation(client_a, app):
    with in_tenant(app, TENANT_A):
        load_umearegionen()
        db.session.commit()
    page = _upload(client_a, "Sektion;Rad;Utfall\nKansli;Kanslipersonal;1 738 000\nStyrelse;Arvoden till styrelsen;-180000\n")
    assert "2 rader utfall för 2021 är inlästa" in page
    assert "1 580" in page and "1 738" in page and "10,0 %" in page and "-10,0 %" in page
    bad = _upload(client_a, "Sektion;Rad;Utfall\nKansli;Kanslipersonal;1 000\nOkänd;X;5\n")
    assert "Filen \"utfall.csv\": Rad 3, kolumn \"Sektion\": okänd sektion \"Okänd\"" in bad
    assert "1 738" in bad  # the earlier import is untouched


def test_plan_table_puts_each_line_beside_the_same_line_of_the_later_years():
    from finsam_saas.economy.services import plan_table

    def summary(lines):
        return {"lines": [{"section": s, "name": n, "amount": a} for s, n, a in lines]}

    plan = [summary([("income", "Medlemsavgifter", 11_000_000), ("board", "Arvoden", 400_000),
                     ("insatser", "Framsteget", 900_000)]),
            summary([("income", "Medlemsavgifter", 11_500_000), ("insatser", "Framsteget", 700_000),
                     ("insatser", "Framsteget", 100_000)]),  # the same name twice: one sum
            None]
    table = dict(plan_table(plan))
    assert table["income"] == [("Medlemsavgifter", [11_000_000, 11_500_000, None])]
    assert table["board"] == [("Arvoden", [-400_000, None, None])]  # a cost is negative, a missing line empty
    assert table["insatser"] == [("Framsteget", [-900_000, -800_000, None])]
    assert table["administration"] == []
    assert plan_table([None, None, None]) == [(section, []) for section, _rows in table.items()]


def test_csv_amounts_round_half_up_and_an_impossible_amount_names_its_row(client_a, app):
    page = _upload(client_a, "Sektion;Rad;Utfall\nKansli;Kanslipersonal;100 000,50\nKansli;Lokalhyra;84 999,49\n")
    assert "2 rader utfall för 2021 är inlästa" in page
    from finsam_saas.economy.models import LineOutcome
    from sqlalchemy import select

    with in_tenant(app, TENANT_A):
        amounts = {o.name: o.amount for o in db.session.scalars(select(LineOutcome))}
    assert amounts == {"Kanslipersonal": 100_001, "Lokalhyra": 84_999}  # 50 öre rounds up, never to even
    bad = _upload(client_a, "Sektion;Rad;Utfall\nKansli;Kanslipersonal;1 000\nKansli;Lokalhyra;1e400\n")
    assert "Rad 3, kolumn \"Utfall\": \"1e400\" är inte ett belopp." in bad
    with in_tenant(app, TENANT_A):
        assert {o.name: o.amount for o in db.session.scalars(select(LineOutcome))} == amounts  # nothing half-imported


def test_a_file_of_headings_alone_never_wipes_the_years_outcome(any_app):
    """Found by a careless user: a CSV with only "Sektion;Rad;Utfall" replaced the year's outcome with nothing."""
    import pytest
    from sqlalchemy import func, select

    from finsam_saas.economy import outcome
    from finsam_saas.economy.models import LineOutcome
    from finsam_saas.extensions import db
    from finsam_saas.platform.rules import InvalidInput
    from support import TENANT_A, in_tenant

    with in_tenant(any_app, TENANT_A):
        assert outcome.import_outcome(2021, "Sektion;Rad;Utfall\nInsatser;Ungdomstorget;3150000\n".encode(), "u.csv") == 1
        db.session.commit()
        with pytest.raises(InvalidInput, match="har bara rubrikraden och inga rader med utfall; inget är ändrat"):
            outcome.import_outcome(2021, "Sektion;Rad;Utfall\n".encode(), "rubriker.csv")
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(LineOutcome).where(LineOutcome.year == 2021)) == 1
