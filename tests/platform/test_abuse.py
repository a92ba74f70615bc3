"""Refusing abuse: guessing passwords, framing, sniffing, cookies, and text that tries to be HTML."""
import io
from datetime import date, timedelta

from pypdf import PdfReader

from nns_support import nns_api
from support import NNS, PASSWORD, ApiClient, login


def test_failed_logins_are_limited_per_account_and_address(app):
    client = app.test_client()
    for _ in range(5):
        assert login(client, "kansli.a@test.se", "fel-losenord").status_code == 401
    blocked = login(client, "kansli.a@test.se", PASSWORD)  # even the right password waits now
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "För många misslyckade inloggningar" in blocked.get_data(as_text=True)
    assert login(client, "kansli.b@test.se").status_code == 302  # another account is not locked out by it


def test_many_accounts_from_one_address_are_limited_too(app):
    client = app.test_client()
    for n in range(30):
        login(client, f"gissning{n}@test.se", "fel")
    assert login(client, "kansli.b@test.se", "fel").status_code == 429  # wrong passwords from it wait
    assert login(client, "kansli.b@test.se").status_code == 429  # and so does an account that failed from it
    # ... but never the right password of an account that has not failed (issue 18; test_login_limit.py)
    assert login(client, "kansli.a@test.se").status_code == 302


def test_security_headers_and_cookie_flags(app):
    client = app.test_client()
    page = client.get("/logga-in")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in page.headers  # plain http in development
    cookie = login(client, "kansli.a@test.se").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_settings_add_hsts_and_secure_cookies(app_with):
    app = app_with(HSTS=True, SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    assert client.get("/logga-in").headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = login(client, "kansli.a@test.se").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_text_that_tries_to_be_html_stays_text(app):
    day = date.today() + timedelta(days=60)
    meeting = nns_api(app).post("/meetings", json={"body": "medlemsmote", "date": day.isoformat(),
                                                   "motion_deadline": (day - timedelta(days=30)).isoformat()}).json
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    ApiClient(app, "kansli.a@test.se", NNS).post(f"/meetings/{meeting['id']}/motions", json={"title": "Motion", "text": hostile})
    client = app.test_client()
    login(client, "kansli.a@test.se")
    page = client.get(f"/t/nns/medlemsmoten/{meeting['id']}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page and "<img src=x" not in page
    pdf = client.get(f"/t/nns/medlemsmoten/{meeting['id']}/motioner.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert '<script>alert("x")</script>' in text  # printed as the words it is, never run


def test_values_the_database_cannot_hold_are_refused_cleanly(any_app):
    api = ApiClient(any_app, "kansli.a@test.se")
    too_long = api.post("/insatser", json={"name": "x" * 5000, "owner": "Försäkringskassan", "kind": "individ",
                                          "start": "2021-01-01", "end": "2021-12-31"})
    assert too_long.status_code == 400 and too_long.json["error"]["code"] == "invalid"
    nul = api.post("/insatser", json={"name": "Insats\u0000", "owner": "FK", "kind": "individ",
                                      "start": "2021-01-01", "end": "2021-12-31"})
    assert nul.status_code == 400 and "name" in nul.json["error"]["fields"]
    huge = api.put("/budgets/2021", json={"lines": [{"section": "board", "name": "Arvoden", "amount": 2**40}]})
    assert huge.status_code == 400 and "lines[0].amount" in huge.json["error"]["fields"]
    assert api.get("/insatser").json == []  # nothing half-written
    assert api.get("/meetings/99999999999999999999").status_code == 404
