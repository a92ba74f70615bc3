"""The second factor (issue 18): TOTP set up on Mitt konto and confirmed by a first code, ten
one-time recovery codes shown once, a code asked for after the password at login (each code once,
five wrong and the login starts over), a tenant's requirement of it for its admins and kansli, an
admin's reset of another member's, and the API that keeps its tokens."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.platform import clock
from finsam_saas.platform.models import AuditEntry, Membership, RecoveryCode, Tenant, User

from support import PASSWORD, TENANT_A, TENANT_B, ApiClient, in_tenant, login

START = f"/t/{TENANT_A}/"
SETUP = "/konto/tvastegsverifiering"
CODE = "/logga-in/kod"


class Clock:
    """The app's clock (clock._utcnow, which mfa reads), stood still and moved by whole TOTP steps."""

    def __init__(self, monkeypatch):
        self.at = datetime.now(timezone.utc).replace(microsecond=0)
        monkeypatch.setattr(clock, "_utcnow", lambda: self.at)

    def step(self, steps: int = 1) -> None:
        self.at += timedelta(seconds=30 * steps)

    def code(self, secret: str, steps: int = 0) -> str:
        return pyotp.TOTP(secret).at(int(self.at.timestamp()) + 30 * steps)

    def wrong(self, secret: str) -> str:
        """A six-digit code that is not the code of the step before, now or after."""
        right = {self.code(secret, n) for n in (-1, 0, 1)}
        return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


@pytest.fixture
def now(monkeypatch):
    return Clock(monkeypatch)


def _client(app, email="kansli.a@test.se"):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def _goes_to_login(answer) -> bool:
    return answer.status_code == 302 and "/logga-in" in answer.headers["Location"].split("?")[0] \
        and "/logga-in/kod" not in answer.headers["Location"]


def _secret_on(page: str) -> str:
    match = re.search(r'<code class="token mfa-secret">(.*?)</code>', page)
    assert match, page
    return re.sub(r"<[^>]+>|\s", "", match.group(1))


def _codes_on(page: str) -> list[str]:
    return re.findall(r'<li><code class="token">([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code></li>', page)


def _user(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def _set_up(app, client, now) -> tuple[str, list[str]]:
    """Set up the second factor through the pages; returns the secret and the recovery codes.
    The clock moves one step on, so the next code is a new one."""
    page = client.get(SETUP).get_data(as_text=True)
    secret = _secret_on(page)
    answer = client.post(SETUP, data={"code": now.code(secret)})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    codes = _codes_on(answer.get_data(as_text=True))
    assert len(codes) == 10
    now.step()
    return secret, codes


def _log_in_with_mfa(app, email, secret, now, client=None):
    client = client or app.test_client()
    first = login(client, email)
    assert first.status_code == 302 and first.headers["Location"].endswith(CODE)
    answer = client.post(CODE, data={"code": now.code(secret)})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    now.step()
    return client


# --- Setting it up ---------------------------------------------------------------------------------

def test_the_setup_page_shows_a_qr_code_the_link_and_the_secret_in_swedish(app, now):
    client = _client(app)
    page = client.get(SETUP)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "<svg" in text and 'aria-label="QR-kod att skanna med autentiseringsappen"' in text
    secret = _secret_on(text)
    assert len(secret) == 32
    assert "otpauth://totp/Finsam:kansli.a%40test.se?secret=" + secret in text.replace("&amp;", "&")
    assert "Skanna QR-koden" in text and "Bekräfta med en kod" in text
    # The same secret until it is confirmed (a reload does not make a new one) …
    assert _secret_on(client.get(SETUP).get_data(as_text=True)) == secret
    # … unless the user asks for a new one.
    assert client.post(f"{SETUP}/ny-nyckel").status_code == 302
    assert _secret_on(client.get(SETUP).get_data(as_text=True)) != secret
    assert not _user(app, "kansli.a@test.se").mfa_enabled


def test_a_wrong_first_code_is_refused_beside_the_field_and_the_right_one_turns_it_on(any_app, now):
    client = _client(any_app)
    secret = _secret_on(client.get(SETUP).get_data(as_text=True))
    refused = client.post(SETUP, data={"code": now.wrong(secret)})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'id="f-code-fel"' in page and "Koden stämmer inte" in page
    assert 'aria-invalid="true"' in page
    assert _secret_on(page) == secret  # the same set-up goes on
    assert not _user(any_app, "kansli.a@test.se").mfa_enabled

    answer = client.post(SETUP, data={"code": now.code(secret)})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    codes = _codes_on(page)
    assert len(codes) == 10 == len(set(codes))
    assert "visas bara den här gången" in page
    user = _user(any_app, "kansli.a@test.se")
    assert user.mfa_enabled and user.mfa_secret == secret
    with any_app.app_context():
        stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not any(code.replace("-", "") in h or code in h for code in codes for h in stored)
    # Shown once: the page of the second factor now says it is on, and shows no code.
    later = client.get(SETUP).get_data(as_text=True)
    assert "Tvåstegsverifiering är <strong>på</strong>" in later and "10 av 10 återställningskoder är oanvända" in later
    assert not _codes_on(later) and secret not in later.replace(" ", "")
    assert "Tvåstegsverifiering är <strong>på</strong> sedan" in client.get("/konto").get_data(as_text=True)


def test_setting_it_up_ends_the_other_sessions_and_keeps_this_one(any_app, now):
    here, elsewhere = _client(any_app), _client(any_app)
    assert elsewhere.get(START).status_code == 200
    _set_up(any_app, here, now)
    assert here.get(START).status_code == 200
    assert _goes_to_login(elsewhere.get(START))


# --- Logging in with it --------------------------------------------------------------------------

def test_the_next_login_asks_for_the_code_after_the_password(any_app, now):
    secret, _ = _set_up(any_app, _client(any_app), now)
    client = any_app.test_client()
    first = client.post(f"/logga-in?next={START}moten/", data={"email": "kansli.a@test.se", "password": PASSWORD})
    assert first.status_code == 302 and first.headers["Location"].endswith(CODE)
    page = client.get(CODE)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Kod från appen (sex siffror)" in page.get_data(as_text=True)
    assert _goes_to_login(client.get(START))  # the password alone opens nothing

    wrong = client.post(CODE, data={"code": now.wrong(secret)})
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 401 and 'id="f-code-fel"' in text and "Koden stämmer inte" in text
    assert _goes_to_login(client.get(START))

    right = client.post(CODE, data={"code": now.code(secret)})
    assert right.status_code == 302 and right.headers["Location"] == f"{START}moten/"
    assert client.get(START).status_code == 200


def test_a_wrong_password_never_reaches_the_code_step(app, now):
    _set_up(app, _client(app), now)
    client = app.test_client()
    assert login(client, "kansli.a@test.se", "fel-losenord").status_code == 401
    assert _goes_to_login(client.get(CODE))


def test_five_wrong_codes_start_the_login_over_with_a_wait(any_app, now):
    secret, _ = _set_up(any_app, _client(any_app), now)
    client = any_app.test_client()
    login(client, "kansli.a@test.se")
    for _ in range(4):
        assert client.post(CODE, data={"code": now.wrong(secret)}).status_code == 401
    fifth = client.post(CODE, data={"code": now.wrong(secret)})
    assert _goes_to_login(fifth) and int(fifth.headers["Retry-After"]) > 0
    page = client.get("/logga-in").get_data(as_text=True)
    assert "För många felaktiga koder" in page and "minut" in page
    # The right code does not help now: the pending login is gone …
    assert _goes_to_login(client.post(CODE, data={"code": now.code(secret)}))
    assert _goes_to_login(client.get(START))
    # … and a new login with the right password waits too, on this client and any other.
    for other in (client, any_app.test_client()):
        again = login(other, "kansli.a@test.se")
        assert again.status_code == 429 and int(again.headers["Retry-After"]) > 0
        assert "För många felaktiga koder" in again.get_data(as_text=True)
        assert _goes_to_login(other.get(CODE))
    # Another user is not held up.
    assert login(any_app.test_client(), "kansli.b@test.se").status_code == 302


def test_a_code_works_once(any_app, now):
    secret, _ = _set_up(any_app, _client(any_app), now)
    code = now.code(secret)
    client = any_app.test_client()
    login(client, "kansli.a@test.se")
    assert client.post(CODE, data={"code": code}).status_code == 302
    client.post("/logga-ut")
    # The same code in the same time step, as someone who looked over the shoulder would type it.
    thief = any_app.test_client()
    login(thief, "kansli.a@test.se")
    refused = thief.post(CODE, data={"code": code})
    assert refused.status_code == 401 and "Koden stämmer inte" in refused.get_data(as_text=True)
    # The code of the step before is refused too (the clock went forward past it).
    assert thief.post(CODE, data={"code": now.code(secret, -1)}).status_code == 401
    now.step()
    assert thief.post(CODE, data={"code": now.code(secret)}).status_code == 302


def test_the_code_of_the_step_before_or_after_is_accepted(app, now):
    secret, _ = _set_up(app, _client(app), now)
    now.step(2)
    client = app.test_client()
    login(client, "kansli.a@test.se")
    assert client.post(CODE, data={"code": now.code(secret, -1)}).status_code == 302  # a slow phone
    other = app.test_client()
    login(other, "kansli.a@test.se")
    assert other.post(CODE, data={"code": now.code(secret, 1)}).status_code == 302  # a fast one
    late = app.test_client()
    login(late, "kansli.a@test.se")
    now.step(3)
    assert late.post(CODE, data={"code": now.code(secret, -3)}).status_code == 401  # an old one


def test_a_recovery_code_works_once(any_app, now):
    _, codes = _set_up(any_app, _client(any_app), now)
    client = any_app.test_client()
    login(client, "kansli.a@test.se")
    used = client.post(CODE, data={"recovery_code": codes[3].upper().replace("-", " ")}, follow_redirects=True)
    assert used.status_code == 200 and "9 koder kvar" in used.get_data(as_text=True)
    assert client.get(START).status_code == 200
    client.post("/logga-ut")
    login(client, "kansli.a@test.se")
    again = client.post(CODE, data={"recovery_code": codes[3]})
    text = again.get_data(as_text=True)
    assert again.status_code == 401 and 'id="f-recovery-code-fel"' in text and "redan använd" in text
    assert client.post(CODE, data={"recovery_code": codes[4]}).status_code == 302


def test_recovery_codes_are_renewed_against_a_code(any_app, now):
    secret, old = _set_up(any_app, _client(any_app), now)
    client = _log_in_with_mfa(any_app, "kansli.a@test.se", secret, now)
    refused = client.post(f"{SETUP}/nya-koder", data={"code": now.wrong(secret)})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="f-code-new-fel"' in text and "Koden stämmer inte" in text
    answer = client.post(f"{SETUP}/nya-koder", data={"code": now.code(secret)})
    new = _codes_on(answer.get_data(as_text=True))
    assert answer.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    client.post("/logga-ut")
    login(client, "kansli.a@test.se")
    assert client.post(CODE, data={"recovery_code": old[0]}).status_code == 401  # the old ones are gone
    assert client.post(CODE, data={"recovery_code": new[0]}).status_code == 302


def test_turning_it_off_needs_a_code(any_app, now):
    secret, codes = _set_up(any_app, _client(any_app), now)
    client = _log_in_with_mfa(any_app, "kansli.a@test.se", secret, now)
    for code in ("", now.wrong(secret), PASSWORD):
        refused = client.post(f"{SETUP}/stang-av", data={"code": code})
        assert refused.status_code == 400 and 'id="f-code-off-fel"' in refused.get_data(as_text=True)
    assert _user(any_app, "kansli.a@test.se").mfa_enabled
    answer = client.post(f"{SETUP}/stang-av", data={"code": codes[0]}, follow_redirects=True)
    assert answer.status_code == 200 and "Tvåstegsverifieringen är avstängd" in answer.get_data(as_text=True)
    user = _user(any_app, "kansli.a@test.se")
    assert not user.mfa_enabled and user.mfa_secret is None
    with any_app.app_context():
        assert not db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert login(any_app.test_client(), "kansli.a@test.se").headers["Location"].endswith("/")  # no code step


def test_the_pending_login_opens_no_page(app, now):
    secret, _ = _set_up(app, _client(app), now)
    user = _user(app, "kansli.a@test.se")
    client = app.test_client()
    login(client, "kansli.a@test.se")
    for path in (START, "/konto", SETUP, f"{START}anvandare", "/"):
        answer = client.get(path)
        assert answer.status_code == 302 and "/logga-in" in answer.headers["Location"], path
    assert client.post(f"{SETUP}/stang-av", data={"code": now.code(secret)}).status_code == 302
    assert client.get("/api/v1/me").status_code == 401  # a session never opens the API
    assert _user(app, "kansli.a@test.se").mfa_enabled

    # A pending state written by hand (the cookie is signed, but say it was kept): too old, or of
    # an ended generation, it leads back to the password.
    for pending in ({"user": user.id, "generation": user.session_generation, "at": 0},
                    {"user": user.id, "generation": user.session_generation - 1,
                     "at": int(datetime.now().timestamp())},
                    {"user": str(user.id)}, "nonsens"):
        forged = app.test_client()
        with forged.session_transaction() as session:
            session["mfa_pending"] = pending
        assert _goes_to_login(forged.get(CODE)), pending
        assert _goes_to_login(forged.post(CODE, data={"code": now.code(secret)})), pending
        assert _goes_to_login(forged.get(START))


def test_logout_during_the_code_step_ends_the_pending_login(app, now):
    secret, _ = _set_up(app, _client(app), now)
    client = app.test_client()
    login(client, "kansli.a@test.se")
    client.post("/logga-ut")
    assert _goes_to_login(client.post(CODE, data={"code": now.code(secret)}))


def test_the_api_keeps_its_tokens_for_a_user_with_the_second_factor(any_app, now):
    _set_up(any_app, _client(any_app), now)
    api = ApiClient(any_app)
    assert api.get("/meetings").status_code == 200
    assert any_app.test_client().get("/api/v1/me", headers=api.headers).status_code == 200


# --- A tenant that requires it -------------------------------------------------------------------

def _require(app, client, on=True):
    return client.post(f"/t/{TENANT_A}/anvandare/sakerhet", data={"require_mfa": "on"} if on else {})


def test_an_admin_requires_it_only_with_a_second_factor_of_their_own(any_app, now):
    admin = _client(any_app, "admin.a@test.se")
    refused = _require(any_app, admin)
    assert refused.status_code == 303
    page = admin.get(f"/t/{TENANT_A}/anvandare").get_data(as_text=True)
    assert "Aktivera tvåstegsverifiering för ditt eget konto först" in page
    with any_app.app_context():
        assert not db.session.scalar(select(Tenant.require_mfa).where(Tenant.slug == TENANT_A))


def test_a_required_second_factor_leads_admins_and_kansli_to_set_it_up_first(any_app, now):
    admin = _client(any_app, "admin.a@test.se")
    _set_up(any_app, admin, now)
    answer = _require(any_app, admin)
    assert answer.status_code == 302
    listing = admin.get(f"/t/{TENANT_A}/anvandare").get_data(as_text=True)
    assert "kräver nu tvåstegsverifiering" in listing and "kansli.a@test.se" in listing
    assert '<span class="badge">krävs</span>' in listing
    with any_app.app_context():
        assert db.session.scalar(select(Tenant.require_mfa).where(Tenant.slug == TENANT_A))
    with in_tenant(any_app, TENANT_A):
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "Tenant"))
        assert entry.actor == "admin.a@test.se" and entry.action == "update"
        assert entry.before == {"require_mfa": False} and entry.after == {"require_mfa": True}
    assert "require_mfa" in admin.get(f"/t/{TENANT_A}/logg?typ=Tenant").get_data(as_text=True)

    kansli = _client(any_app, "kansli.a@test.se")
    for path in (START, f"{START}moten/", f"{START}jobb"):
        led = kansli.get(path)
        assert led.status_code == 302 and led.headers["Location"].startswith(SETUP), path
    page = kansli.get(led.headers["Location"]).get_data(as_text=True)
    assert "Umeåregionen kräver tvåstegsverifiering" in page or "kräver tvåstegsverifiering för administratörer" in page
    assert kansli.get("/konto").status_code == 200  # its own account page is open, to set it up there
    # The API is not a page: the token goes on without a second factor.
    assert ApiClient(any_app, "kansli.a@test.se").get("/meetings").status_code == 200
    # A ledamot or revisor is not asked.
    assert _client(any_app, "ledamot.a@test.se").get(START).status_code == 200
    assert _client(any_app, "revisor.a@test.se").get(START).status_code == 200
    # The other tenant of a user in two is not affected.
    flera = _client(any_app, "flera@test.se")
    assert flera.get(f"/t/{TENANT_B}/").status_code == 200
    assert flera.get(START).headers["Location"].startswith(SETUP)

    # Set up, and the way goes on where it was going.
    secret = _secret_on(kansli.get(f"{SETUP}?next={START}moten/").get_data(as_text=True))
    done = kansli.post(SETUP, data={"code": now.code(secret), "next": f"{START}moten/"})
    assert done.status_code == 200 and f'href="{START}moten/"' in done.get_data(as_text=True)
    assert kansli.get(f"{START}moten/").status_code == 200

    # No longer required: audited too.
    assert _require(any_app, admin, on=False).status_code == 302
    assert _client(any_app, "flera@test.se").get(START).status_code == 200
    with in_tenant(any_app, TENANT_A):
        assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "Tenant")).all()) == 2


def test_turning_it_off_in_a_tenant_that_requires_it_leads_back_to_the_setup(app, now):
    admin = _client(app, "admin.a@test.se")
    secret, codes = _set_up(app, admin, now)
    _require(app, admin)
    answer = admin.post(f"{SETUP}/stang-av", data={"code": codes[0]}, follow_redirects=True)
    assert "kräver den för din roll" in answer.get_data(as_text=True)
    assert admin.get(START).headers["Location"].startswith(SETUP)


def _membership_id(app, email, slug=TENANT_A) -> int:
    with app.app_context():
        return db.session.scalar(select(Membership.id).join(User).join(Tenant, Membership.tenant_id == Tenant.id)
                                 .where(User.email == email, Tenant.slug == slug))


def test_an_admin_resets_another_members_second_factor_and_ends_their_sessions(any_app, now):
    secret, _ = _set_up(any_app, _client(any_app), now)
    kansli = _log_in_with_mfa(any_app, "kansli.a@test.se", secret, now)
    token_api = ApiClient(any_app, "kansli.a@test.se")
    admin = _client(any_app, "admin.a@test.se")
    assert "Återställ" in admin.get(f"/t/{TENANT_A}/anvandare").get_data(as_text=True)
    answer = admin.post(f"/t/{TENANT_A}/anvandare/{_membership_id(any_app, 'kansli.a@test.se')}"
                        "/tvastegsverifiering/aterstall", follow_redirects=True)
    assert answer.status_code == 200
    assert "Tvåstegsverifieringen för kansli.a@test.se är återställd" in answer.get_data(as_text=True)
    assert _goes_to_login(kansli.get(START))
    user = _user(any_app, "kansli.a@test.se")
    assert not user.mfa_enabled and user.mfa_secret is None
    with in_tenant(any_app, TENANT_A):
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "User"))
        assert entry.actor == "admin.a@test.se" and entry.object_id == str(user.id)
        assert entry.after["mfa"] == "återställd"
    # The password alone logs in now; the token was not touched.
    assert login(any_app.test_client(), "kansli.a@test.se").headers["Location"].endswith("/")
    assert token_api.get("/meetings").status_code == 200


def test_an_admin_cannot_reset_in_another_tenant_nor_their_own(any_app, now):
    other = _client(any_app, "kansli.b@test.se")
    _set_up(any_app, other, now)
    admin = _client(any_app, "admin.a@test.se")
    b_membership = _membership_id(any_app, "kansli.b@test.se", TENANT_B)
    assert admin.post(f"/t/{TENANT_A}/anvandare/{b_membership}/tvastegsverifiering/aterstall").status_code == 404
    assert admin.post(f"/t/{TENANT_B}/anvandare/{b_membership}/tvastegsverifiering/aterstall").status_code == 404
    assert _user(any_app, "kansli.b@test.se").mfa_enabled
    assert other.get(f"/t/{TENANT_B}/").status_code == 200
    # Nor a kansli in its own tenant (only admins manage members).
    kansli = _client(any_app, "kansli.a@test.se")
    assert kansli.post(f"/t/{TENANT_A}/anvandare/{_membership_id(any_app, 'admin.a@test.se')}"
                       "/tvastegsverifiering/aterstall").status_code == 403
    assert kansli.post(f"/t/{TENANT_A}/anvandare/sakerhet", data={"require_mfa": "on"}).status_code == 403
    # One's own is turned off under Mitt konto, with a code.
    _set_up(any_app, admin, now)
    own = admin.post(f"/t/{TENANT_A}/anvandare/{_membership_id(any_app, 'admin.a@test.se')}"
                     "/tvastegsverifiering/aterstall")
    assert own.status_code == 409 and _user(any_app, "admin.a@test.se").mfa_enabled


def test_two_requests_with_the_same_code_at_once_let_one_in(any_app, now):
    from finsam_saas.platform import mfa

    secret, _ = _set_up(any_app, _client(any_app), now)
    code = now.code(secret)
    with any_app.app_context():
        first = db.session.scalar(select(User).where(User.email == "kansli.a@test.se"))
        first.mfa_last_step  # loaded before the other request commits
        with any_app.app_context():  # the other request, with a session of its own
            second = db.session.scalar(select(User).where(User.email == "kansli.a@test.se"))
            assert mfa.check_second_factor(second, code) == "totp"
            taken = second.mfa_last_step
            db.session.commit()
        assert first.mfa_last_step < taken  # this request still holds the old step …
        assert mfa.check_second_factor(first, code) is None  # … and the database says no
