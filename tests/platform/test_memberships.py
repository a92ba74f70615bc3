"""An admin manages who has which role in the förbund."""
import re

from support import TENANT_A, login


def _admin(app):
    client = app.test_client()
    login(client, "admin.a@test.se")
    return client


def test_admin_adds_changes_and_removes_a_member(app):
    client = _admin(app)
    page = client.post(f"/t/{TENANT_A}/anvandare", data={"email": "kansli.b@test.se", "role": "ledamot"},
                       follow_redirects=True)
    assert page.status_code == 200 and "kansli.b@test.se är nu ledamot" in page.get_data(as_text=True)
    other = app.test_client()
    login(other, "kansli.b@test.se")
    assert other.get(f"/t/{TENANT_A}/").status_code == 200
    assert other.get(f"/t/{TENANT_A}/logg").status_code == 403

    listing = client.get(f"/t/{TENANT_A}/anvandare").get_data(as_text=True)
    membership_id = re.search(r'for="roll-(\d+)">Roll för kansli.b@test.se<', listing)
    assert membership_id, listing
    mid = membership_id.group(1)
    assert client.post(f"/t/{TENANT_A}/anvandare/{mid}/roll", data={"role": "revisor"}).status_code == 302
    assert other.get(f"/t/{TENANT_A}/logg").status_code == 200
    assert client.post(f"/t/{TENANT_A}/anvandare/{mid}/ta-bort").status_code == 302
    assert other.get(f"/t/{TENANT_A}/").status_code == 404


def test_unknown_user_and_duplicates_are_named(app):
    client = _admin(app)
    unknown = client.post(f"/t/{TENANT_A}/anvandare", data={"email": "ingen@test.se", "role": "ledamot"})
    assert unknown.status_code == 400 and "Det finns ingen användare" in unknown.get_data(as_text=True)
    twice = client.post(f"/t/{TENANT_A}/anvandare", data={"email": "kansli.a@test.se", "role": "ledamot"})
    assert twice.status_code == 400 and "redan medlem" in twice.get_data(as_text=True)
    bad_role = client.post(f"/t/{TENANT_A}/anvandare", data={"email": "kansli.b@test.se", "role": "kung"})
    assert bad_role.status_code == 400


def test_admin_cannot_lock_themself_out(app):
    client = _admin(app)
    listing = client.get(f"/t/{TENANT_A}/anvandare").get_data(as_text=True)
    mid = re.search(r'for="roll-(\d+)">Roll för admin.a@test.se<', listing).group(1)
    answer = client.post(f"/t/{TENANT_A}/anvandare/{mid}/roll", data={"role": "lasare"})
    assert answer.status_code == 409 and "egen administratörsroll" in answer.get_data(as_text=True)
    assert client.post(f"/t/{TENANT_A}/anvandare/{mid}/ta-bort").status_code == 409


def test_only_admins_manage_members(client_a):
    assert client_a.get(f"/t/{TENANT_A}/anvandare").status_code == 403
