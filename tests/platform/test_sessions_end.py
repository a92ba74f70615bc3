"""Sessions that end (issue 18): logout, a new password, the last membership removed and
deactivation end every session of the user at once, a copied cookie with it; API tokens go on
unless the user is removed; every answer behind a login is `Cache-Control: no-store`."""
import os
import re
import subprocess
import sys
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask_login.utils import encode_cookie
from sqlalchemy import select

from finsam_saas import create_app
from finsam_saas.config import MissingSecretKey, secret_key_for
from finsam_saas.extensions import db
from finsam_saas.platform.models import ApiToken, Membership, Tenant, User

from nns_support import nns_api
from support import PASSWORD, PROJECT, TENANT_A, TENANT_B, ApiClient, app_config, login, make_token

START = f"/t/{TENANT_A}/"


def _logged_in(app, email="kansli.a@test.se"):
    client = app.test_client()
    assert login(client, email).status_code == 302
    assert client.get(START if email != "kansli.b@test.se" else f"/t/{TENANT_B}/").status_code == 200
    return client


def _copy(app, client):
    """Another client holding a copy of `client`'s session cookie (what an attacker copies)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _goes_to_login(answer) -> bool:
    return answer.status_code == 302 and "/logga-in" in answer.headers["Location"]


def test_a_cookie_copied_before_logout_is_dead_after_it(any_app):
    client = _logged_in(any_app)
    thief = _copy(any_app, client)
    assert thief.get(START).status_code == 200  # the copy works while the session lives
    assert client.post("/logga-ut").status_code == 302
    assert _goes_to_login(thief.get(START))
    assert _goes_to_login(client.get(START))


def test_logout_ends_the_sessions_on_other_devices_too(any_app):
    phone, laptop = _logged_in(any_app), _logged_in(any_app)
    phone.post("/logga-ut")
    assert _goes_to_login(laptop.get(START))
    assert login(laptop, "kansli.a@test.se").status_code == 302 and laptop.get(START).status_code == 200


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(any_app):
    a, b = _logged_in(any_app), _logged_in(any_app)
    copied = _copy(any_app, a)  # this session's cookie as it was before the change
    answer = a.post("/konto/losenord", data={"current_password": PASSWORD, "password": "ett-nytt-losenord",
                                              "password_again": "ett-nytt-losenord"})
    assert answer.status_code == 302
    assert a.get(START).status_code == 200
    assert _goes_to_login(b.get(START))
    assert _goes_to_login(copied.get(START))
    assert login(b, "kansli.a@test.se").status_code == 401  # the old password is gone
    assert login(b, "kansli.a@test.se", "ett-nytt-losenord").status_code == 302


def test_a_password_change_needs_the_current_password_and_says_why_beside_the_field(app):
    a, b = _logged_in(app), _logged_in(app)
    answer = a.post("/konto/losenord", data={"current_password": "fel", "password": "kort",
                                              "password_again": "kort"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'id="f-current_password-fel"' in page and "Det nuvarande lösenordet stämmer inte" in page
    assert 'id="f-password-fel"' in page and "minst 10 tecken" in page
    assert b.get(START).status_code == 200  # nothing changed


def test_removing_the_last_membership_ends_sessions_and_tokens(any_app):
    victim = _logged_in(any_app, "lasare.a@test.se")
    token = make_token(any_app, "lasare.a@test.se")
    headers = {"Authorization": f"Bearer {token}"}
    assert victim.get("/api/v1/me", headers=headers).status_code == 200
    admin = _logged_in(any_app, "admin.a@test.se")
    with any_app.app_context():
        membership_id = db.session.scalar(select(Membership.id).join(User).where(User.email == "lasare.a@test.se"))
    assert admin.post(f"/t/{TENANT_A}/anvandare/{membership_id}/ta-bort").status_code == 302
    assert _goes_to_login(victim.get("/konto"))
    assert victim.get("/api/v1/me", headers=headers).status_code == 401
    assert victim.get(f"/api/v1/{TENANT_A}/meetings", headers=headers).status_code == 401
    assert admin.get(f"/t/{TENANT_A}/anvandare").status_code == 200  # the admin's own session goes on


def test_the_cli_ends_sessions_too_removing_the_last_membership_or_setting_a_password(any_app):
    removed, reset = _logged_in(any_app, "revisor.a@test.se"), _logged_in(any_app, "ledamot.a@test.se")
    headers = {"Authorization": f"Bearer {make_token(any_app, 'revisor.a@test.se')}"}
    cli = any_app.test_cli_runner()
    assert cli.invoke(args=["users", "revoke", "revisor.a@test.se", TENANT_A]).exit_code == 0
    assert _goes_to_login(removed.get("/konto"))
    assert removed.get("/api/v1/me", headers=headers).status_code == 401
    done = cli.invoke(args=["users", "create", "ledamot.a@test.se", "--password", "ett-annat-losenord"])
    assert done.exit_code == 0, done.output
    assert _goes_to_login(reset.get(START))
    assert login(reset, "ledamot.a@test.se", "ett-annat-losenord").status_code == 302


def test_removing_one_of_several_memberships_keeps_the_sessions(app):
    client = _logged_in(app, "flera@test.se")
    token = make_token(app, "flera@test.se")
    admin = _logged_in(app, "admin.a@test.se")
    with app.app_context():
        membership_id = db.session.scalar(select(Membership.id).join(User).join(Tenant, Membership.tenant_id == Tenant.id)
                                          .where(User.email == "flera@test.se", Tenant.slug == TENANT_A))
    assert admin.post(f"/t/{TENANT_A}/anvandare/{membership_id}/ta-bort").status_code == 302
    assert client.get(START).status_code == 404  # out of that tenant at once (the wall)
    assert client.get(f"/t/{TENANT_B}/").status_code == 200  # still in the other
    answer = client.get(f"/api/v1/{TENANT_B}/meetings", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200


def test_deactivating_a_user_ends_sessions_and_tokens(any_app):
    client = _logged_in(any_app)
    token = make_token(any_app, "kansli.a@test.se")
    with any_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "kansli.a@test.se"))
        user.active = False
        db.session.commit()
        assert all(t.revoked for t in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)))
    assert _goes_to_login(client.get(START))
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_remember_cookie_of_an_ended_session_opens_nothing(app):
    client = _logged_in(app)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "kansli.a@test.se"))
        live, ended = encode_cookie(user.get_id()), encode_cookie(f"{user.id}:{user.session_generation - 1}")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", live)
    assert fresh.get(START).status_code == 200  # a remember cookie of the live generation logs in
    client.post("/logga-ut")
    for value in (live, ended):
        stale = app.test_client()
        stale.set_cookie("remember_token", value)
        assert _goes_to_login(stale.get(START))


def test_a_session_of_the_old_kind_without_a_generation_has_ended(app):
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "kansli.a@test.se"))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
    assert _goes_to_login(client.get(START))


def test_api_tokens_go_on_across_logout(any_app):
    client = _logged_in(any_app)
    api = ApiClient(any_app)
    client.post("/logga-ut")
    assert api.get("/meetings").status_code == 200


# --- Cache-Control ---------------------------------------------------------------------------

def test_pages_behind_login_are_no_store(app):
    client = _logged_in(app)
    for path in (START, "/konto", f"/t/{TENANT_A}/moten/", f"/t/{TENANT_A}/jobb"):
        answer = client.get(path, follow_redirects=True)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == "no-store", path


def test_a_pdf_and_an_export_behind_login_are_no_store(app):
    day = date.today() + timedelta(days=60)
    meeting = nns_api(app).post("/meetings", json={"body": "medlemsmote", "date": day.isoformat(),
                                                   "motion_deadline": (day - timedelta(days=30)).isoformat()}).json
    client = _logged_in(app)
    pdf = client.get(f"/t/nns/medlemsmoten/{meeting['id']}/motioner.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Cache-Control"] == "no-store"
    job = client.post(f"/t/{TENANT_A}/organisation/utskrift")  # a job's stored PDF, served from its files
    job_id = int(re.search(r"/jobb/(\d+)", job.headers["Location"]).group(1))
    stored = client.get(f"/t/{TENANT_A}/jobb/{job_id}/fil")
    assert stored.status_code == 200 and stored.headers["Cache-Control"] == "no-store"
    for fmt in ("csv", "xlsx"):  # the exports
        export = client.get(f"/t/{TENANT_A}/ekonomi/uppfoljning-finsam.{fmt}")
        assert export.status_code == 200 and "attachment" in export.headers["Content-Disposition"], fmt
        assert export.headers["Cache-Control"] == "no-store", fmt


def test_api_answers_with_a_token_are_no_store(any_app):
    api = ApiClient(any_app)
    assert api.get("/meetings").headers["Cache-Control"] == "no-store"
    refused = any_app.test_client().get(f"/api/v1/{TENANT_A}/meetings", headers={"Authorization": "Bearer fel"})
    assert refused.status_code == 401


def test_public_pages_keep_their_caching(app):
    visitor = app.test_client()
    for path in ("/logga-in", f"/t/{TENANT_A}/anslagstavla", "/static/css/app.css"):
        answer = visitor.get(path)
        assert answer.status_code == 200, path
        assert "no-store" not in answer.headers.get("Cache-Control", ""), path
    member = _logged_in(app)
    assert "no-store" not in member.get("/static/css/app.css").headers.get("Cache-Control", "")
    # The anslagstavla read by someone logged in shows their name in the header: not stored either.
    assert member.get(f"/t/{TENANT_A}/anslagstavla").headers["Cache-Control"] == "no-store"


# --- SECRET_KEY ------------------------------------------------------------------------------

PRODUCTION = {"TESTING": False, "FINSAM_ENV": "production"}


def _forged_session(user_id: str, key: str) -> str:
    """A session cookie naming `user_id`, signed with `key` (what anyone who knows the key can make)."""
    forger = Flask("forger")
    forger.secret_key = key
    return SecureCookieSessionInterface().get_signing_serializer(forger).dumps({"_user_id": user_id, "_fresh": True})


def _forged_remember(user_id: str, key: str) -> str:
    forger = Flask("forger")
    forger.secret_key = key
    with forger.app_context():
        return encode_cookie(user_id)


def test_outside_development_the_app_refuses_to_start_without_a_key_of_its_own(app_with, monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)

    def start(**config):
        return create_app(app_config(f"sqlite:///{tmp_path / 'refused.db'}", tmp_path, **config))

    with pytest.raises(MissingSecretKey, match="SECRET_KEY saknas"):
        start(SECRET_KEY=None, **PRODUCTION)
    with pytest.raises(MissingSecretKey, match="SECRET_KEY saknas"):
        start(SECRET_KEY="", **PRODUCTION)
    for mode in ("production", "development"):  # the public key this app once shipped: never
        with pytest.raises(MissingSecretKey, match="offentliga standardnyckeln"):
            start(SECRET_KEY="dev-secret-change-me", TESTING=False, FINSAM_ENV=mode)
    assert app_with(SECRET_KEY="en-egen-lang-nyckel", **PRODUCTION).secret_key == "en-egen-lang-nyckel"


def test_the_wsgi_entry_point_is_production_and_refuses_without_a_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FINSAM_ENV")}
    done = subprocess.run([sys.executable, "-c", "import finsam_saas.wsgi"], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "SECRET_KEY saknas" in done.stderr


def test_in_development_without_a_key_each_installation_makes_its_own(tmp_path):
    config = {"SECRET_KEY": None, "FINSAM_ENV": "development", "TESTING": False}
    first = secret_key_for(config, tmp_path / "a")
    assert len(first) >= 64 and first == secret_key_for(config, tmp_path / "a")  # kept across restarts
    assert (tmp_path / "a" / "secret_key").stat().st_mode & 0o077 == 0
    assert secret_key_for(config, tmp_path / "b") != first


def test_a_cookie_forged_with_the_old_public_key_logs_nobody_in(app_with):
    app = app_with(SECRET_KEY="en-egen-lang-nyckel-for-testet", **PRODUCTION)
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin.a@test.se"))
        admin_id = admin.get_id()
    # The forging works with the app's own key (so the refusal below is the key's doing) …
    genuine = app.test_client()
    genuine.set_cookie("session", _forged_session(admin_id, app.secret_key))
    assert genuine.get(START).status_code == 200
    # … and with the public default key it opens nothing, as a session or as a remember cookie.
    forged = app.test_client()
    forged.set_cookie("session", _forged_session(admin_id, "dev-secret-change-me"))
    assert _goes_to_login(forged.get(START))
    assert _goes_to_login(forged.get(f"/t/{TENANT_A}/anvandare"))
    remembered = app.test_client()
    remembered.set_cookie("remember_token", _forged_remember(admin_id, "dev-secret-change-me"))
    assert _goes_to_login(remembered.get(START))
