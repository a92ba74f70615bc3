"""The attestordning of seed 004."""
import html
import re

import pytest
from sqlalchemy import select

from finsam_saas.economy import attest
from finsam_saas.extensions import db
from finsam_saas.platform.models import User
from finsam_saas.platform.rules import RuleViolation

from support import TENANT_A, in_tenant, login

A = f"/t/{TENANT_A}"


@pytest.mark.parametrize("kind, amount, cost_of, step, expected", [
    ("invoice", 100_000, None, "mottagning", ("administrator", "bitradande_forbundschef")),
    ("invoice", 100_000, None, "beslut", ("forbundschef", "ordforande")),
    ("invoice", 100_001, None, "mottagning", ("forbundschef", "bitradande_forbundschef")),
    ("invoice", 100_001, None, "beslut", ("ordforande", "vice_ordforande")),
    ("payout", 5_000, None, "mottagning", ("forbundschef", "bitradande_forbundschef")),
    ("payout", 5_000, None, "beslut", ("ordforande", "vice_ordforande")),
    ("invoice", 20_000, "forbundschef", "beslut", ("ordforande", "vice_ordforande")),
    ("invoice", 20_000, "ordforande", "beslut", ("vice_ordforande",)),
    ("invoice", 200_000, "forbundschef", "mottagning", ("bitradande_forbundschef",)),
    ("invoice", 200_000, "ordforande", "beslut", ("vice_ordforande",)),
])
def test_who_attests(kind, amount, cost_of, step, expected):
    assert attest.rule_for(kind, amount, cost_of, step).functions == expected


def _users(app):
    with in_tenant(app, TENANT_A):
        users = {u.email: u.id for u in db.session.scalars(select(User))}
        attest.set_attestant("administrator", users["kansli.a@test.se"])
        attest.set_attestant("forbundschef", users["admin.a@test.se"])
        attest.set_attestant("ordforande", users["ledamot.a@test.se"])
        db.session.commit()
    return users


def test_two_different_people_in_order(app):
    users = _users(app)
    with in_tenant(app, TENANT_A):
        invoice = attest.register_invoice(kind="invoice", counterparty="Lokalhyra AB", amount=8_500, year=2021)
        with pytest.raises(RuleViolation, match="före beslutsattesten"):
            attest.attest(invoice, "beslut", users["admin.a@test.se"])
        with pytest.raises(RuleViolation, match="administratör eller biträdande förbundschef"):
            attest.attest(invoice, "mottagning", users["ledamot.a@test.se"])
        attest.attest(invoice, "mottagning", users["kansli.a@test.se"])
        with pytest.raises(RuleViolation, match="två olika personer"):
            attest.attest(invoice, "beslut", users["kansli.a@test.se"])
        attest.attest(invoice, "beslut", users["admin.a@test.se"])
        assert attest.waiting(invoice) is None
        with pytest.raises(RuleViolation, match="redan given"):
            attest.attest(invoice, "beslut", users["ledamot.a@test.se"])


def test_forbundschef_does_not_attest_own_costs(app):
    users = _users(app)
    with in_tenant(app, TENANT_A):
        invoice = attest.register_invoice(kind="invoice", counterparty="SJ", description="Resa förbundschefen",
                                          amount=3_000, year=2021, cost_of="forbundschef")
        attest.attest(invoice, "mottagning", users["kansli.a@test.se"])
        with pytest.raises(RuleViolation, match="ordförande eller vice ordförande"):
            attest.attest(invoice, "beslut", users["admin.a@test.se"])
        attest.attest(invoice, "beslut", users["ledamot.a@test.se"])


def test_payout_over_the_grant_is_refused(app):
    from datetime import date

    from finsam_saas.insatser import services

    _users(app)
    with in_tenant(app, TENANT_A):
        insats = services.create_insats(name="Ungdomstorget", owner="Umeå kommun", kind="individ",
                                        start=date(2021, 1, 1), end=date(2021, 12, 31), grants={"2021": 100_000})
        attest.register_invoice(kind="payout", counterparty="Umeå kommun", amount=60_000, year=2021, insats=insats)
        with pytest.raises(RuleViolation, match="mer än beviljade 100000 kr"):
            attest.register_invoice(kind="payout", counterparty="Umeå kommun", amount=50_000, year=2021, insats=insats)


def test_attest_page_shows_what_waits_for_whom(app, client_a):
    _users(app)
    client_a.post(f"{A}/ekonomi/attest", data={"kind": "invoice", "counterparty": "Konsult AB", "amount": "150000",
                                               "year": "2021"})
    page = html.unescape(client_a.get(f"{A}/ekonomi/attest").get_data(as_text=True))
    assert "Mottagningsattest av förbundschef (admin.a) eller biträdande förbundschef" in page
    assert "Attestera" not in page  # kansli.a is administratör: not the one for over 100 tkr
    chief = app.test_client()
    login(chief, "admin.a@test.se")
    page = chief.get(f"{A}/ekonomi/attest").get_data(as_text=True)
    action = re.search(r'action="(/t/umearegionen/ekonomi/attest/\d+/mottagning)"', page).group(1)
    answer = chief.post(action, follow_redirects=True)
    assert "Mottagningsattest är given" in html.unescape(answer.get_data(as_text=True))
