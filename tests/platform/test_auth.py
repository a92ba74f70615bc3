"""Login, logout, CSRF, API tokens and roles."""
import re

from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.platform.models import ApiToken

from support import PASSWORD, TENANT_A, login, make_token


def test_login_and_logout(client):
    assert client.get(f"/t/{TENANT_A}/").status_code == 302  # to the login page
    answer = login(client, "kansli.a@test.se")
    assert answer.status_code == 302
    start = client.get(f"/t/{TENANT_A}/")
    assert start.status_code == 200
    assert "Samordningsförbundet Umeåregionen" in start.get_data(as_text=True)
    assert client.post("/logga-ut").status_code == 302
    assert client.get(f"/t/{TENANT_A}/").status_code == 302


def test_wrong_password_is_refused_with_a_swedish_message(client):
    answer = login(client, "kansli.a@test.se", "fel-losenord")
    assert answer.status_code == 401
    assert "Fel e-postadress eller lösenord" in answer.get_data(as_text=True)
    assert client.get(f"/t/{TENANT_A}/").status_code == 302


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client):
    answer = login(client, "finns.inte@test.se")
    assert answer.status_code == 401
    assert "Fel e-postadress eller lösenord" in answer.get_data(as_text=True)


def test_login_redirects_only_to_own_site(client):
    answer = client.post("/logga-in?next=https://elak.example/", data={"email": "kansli.a@test.se", "password": PASSWORD})
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


def test_passwords_are_stored_hashed(app):
    from finsam_saas.platform.models import User

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "kansli.a@test.se"))
        assert PASSWORD not in user.password_hash and user.password_hash.startswith("scrypt:")


def test_forms_without_csrf_token_are_refused(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    refused = client.post("/logga-in", data={"email": "kansli.a@test.se", "password": PASSWORD})
    assert refused.status_code == 400
    assert "CSRF" in refused.get_data(as_text=True)
    page = client.get("/logga-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = client.post("/logga-in", data={"email": "kansli.a@test.se", "password": PASSWORD, "csrf_token": token})
    assert accepted.status_code == 302
    assert client.post("/logga-ut").status_code == 400  # logout needs the token too
    assert client.get(f"/t/{TENANT_A}/").status_code == 200


def test_api_needs_a_valid_token(app, client):
    assert client.get("/api/v1/me").status_code == 401
    answer = client.get("/api/v1/me", headers={"Authorization": "Bearer fel"})
    assert answer.status_code == 401
    assert answer.json["error"]["code"] == "unauthorized"
    token = make_token(app, "flera@test.se")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json["email"] == "flera@test.se"
    assert {(m["tenant"], m["role"]) for m in me.json["memberships"]} == {
        ("umearegionen", "kansli"), ("skelleftea-norsjo", "kansli")}


def test_logged_in_session_does_not_open_the_api(client_a):
    assert client_a.get(f"/api/v1/{TENANT_A}/members").status_code == 401


def test_revoked_token_is_refused(app, client):
    token = make_token(app, "kansli.a@test.se")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    with app.app_context():
        stored = db.session.scalars(select(ApiToken)).one()
        assert stored.token_hash != token and token not in stored.token_hash
        stored.revoked_at = stored.created_at
        db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_token_made_and_revoked_in_the_account_page(client_a):
    form_page = client_a.get("/konto").get_data(as_text=True)
    assert 'name="name"' in form_page and 'autocomplete="None"' not in form_page
    page = client_a.post("/konto", data={"name": "Webbplatsen"}).get_data(as_text=True)
    token = re.search(r'<code class="token">([^<]+)</code>', page).group(1)
    headers = {"Authorization": f"Bearer {token}"}
    assert client_a.get("/api/v1/me", headers=headers).status_code == 200
    token_id = re.search(r'/konto/nycklar/(\d+)/aterkalla', page).group(1)
    assert client_a.post(f"/konto/nycklar/{token_id}/aterkalla").status_code == 302
    assert client_a.get("/api/v1/me", headers=headers).status_code == 401


def test_role_too_low_gets_403(app):
    client = app.test_client()
    login(client, "lasare.a@test.se")
    assert client.get(f"/t/{TENANT_A}/").status_code == 200
    assert client.get(f"/t/{TENANT_A}/logg").status_code == 403
    assert client.post(f"/t/{TENANT_A}/organisation/utskrift").status_code == 403
    token = make_token(app, "lasare.a@test.se")
    assert client.get(f"/api/v1/{TENANT_A}/members", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_audit_log_is_readable_by_admin_and_revisor_only(app):
    for email, status in (("admin.a@test.se", 200), ("revisor.a@test.se", 200),
                          ("kansli.a@test.se", 403), ("ledamot.a@test.se", 403)):
        client = app.test_client()
        login(client, email)
        assert client.get(f"/t/{TENANT_A}/logg").status_code == status, email


def test_user_in_several_tenants_switches_between_them(app):
    client = app.test_client()
    login(client, "flera@test.se")
    chooser = client.get("/").get_data(as_text=True)
    assert "Umeåregionen" in chooser and "Skellefteå" in chooser
    answer = client.get("/byt-organisation?tenant=skelleftea-norsjo")
    assert answer.headers["Location"] == "/t/skelleftea-norsjo/"
    page = client.get("/t/skelleftea-norsjo/").get_data(as_text=True)
    assert 'id="tenant-switch"' in page and "Norsjö kommun" in page
    assert client.get("/byt-organisation?tenant=uppsala-lan").status_code == 404


def test_member_of_one_tenant_gets_404_in_another(client_a):
    assert client_a.get("/t/skelleftea-norsjo/").status_code == 404
    assert client_a.get("/t/finns-inte/").status_code == 404
