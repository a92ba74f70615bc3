"""The login limiter (issue 18): failures count per account and per address separately; the
per-address limit never refuses the right password of an account that has not failed itself; the
client's address is read through PROXY_COUNT proxies (ProxyFix) and only then."""
import random
import uuid
from pathlib import Path

import pytest

from support import PASSWORD, PROJECT, REDIS_TEST_URL, add_user, login

TOO_MANY = "För många misslyckade inloggningar"


def _from(client, address: str, email: str, password: str = PASSWORD):
    return client.post("/logga-in", data={"email": email, "password": password},
                       headers={"X-Forwarded-For": address})


def test_thirty_failures_for_one_account_lock_out_only_that_account(any_app):
    client = any_app.test_client()
    for _ in range(30):
        assert login(client, "kansli.a@test.se", "fel-losenord").status_code in (401, 429)
    refused = login(client, "kansli.a@test.se")  # X itself, even with the right password
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert TOO_MANY in refused.get_data(as_text=True)
    assert login(any_app.test_client(), "kansli.b@test.se").status_code == 302  # Y from the same address


def test_an_address_that_failed_often_still_lets_the_right_password_of_others_in(app):
    client = app.test_client()
    assert login(client, "kansli.a@test.se", "fel").status_code == 401  # X failed once from here
    for n in range(29):
        assert login(client, f"gissning{n}@test.se", "fel").status_code == 401
    # The address has its thirty failures: wrong passwords now wait, for known and unknown addresses alike.
    known, unknown = login(client, "revisor.a@test.se", "fel"), login(client, "finns.inte@test.se", "fel")
    assert known.status_code == unknown.status_code == 429
    assert TOO_MANY in known.get_data(as_text=True) and TOO_MANY in unknown.get_data(as_text=True)
    assert known.headers["Retry-After"] and unknown.headers["Retry-After"]
    # Y, who has not failed, logs in with the right password; X, who failed from here, waits.
    assert login(app.test_client(), "kansli.b@test.se").status_code == 302
    assert login(app.test_client(), "kansli.a@test.se").status_code == 429
    # revisor.a failed (while the address was limited): the right password waits too.
    assert login(app.test_client(), "revisor.a@test.se").status_code == 429


def test_the_answers_never_tell_whether_an_address_exists(app):
    client = app.test_client()
    known, unknown = login(client, "kansli.a@test.se", "fel"), login(client, "finns.inte@test.se", "fel")
    assert known.status_code == unknown.status_code == 401
    for _ in range(5):
        known, unknown = login(client, "kansli.a@test.se", "fel"), login(client, "finns.inte@test.se", "fel")
    assert known.status_code == unknown.status_code == 429  # unknown addresses are counted the same
    assert "Fel e-postadress eller lösenord" not in known.get_data(as_text=True)


def test_x_forwarded_for_is_honoured_only_with_proxy_count(app, app_with):
    proxied = app_with(PROXY_COUNT=1)
    client = proxied.test_client()
    for n in range(30):
        assert _from(client, "203.0.113.1", f"gissning{n}@test.se", "fel").status_code == 401
    assert _from(client, "203.0.113.1", "finns.inte@test.se", "fel").status_code == 429
    assert _from(client, "203.0.113.2", "finns.inte@test.se", "fel").status_code == 401  # another client

    direct = app.test_client()  # PROXY_COUNT 0: the header is anyone's to write, and ignored
    for n in range(30):
        assert _from(direct, f"203.0.113.{n}", f"gissning{n}@test.se", "fel").status_code == 401
    assert _from(direct, "198.51.100.7", "finns.inte@test.se", "fel").status_code == 429


def test_one_account_guessed_from_many_addresses_waits_everywhere(app_with):
    client = app_with(PROXY_COUNT=1).test_client()
    for n in range(10):
        for _ in range(5):
            assert _from(client, f"203.0.113.{n}", "kansli.a@test.se", "fel").status_code == 401
    assert _from(client, "198.51.100.1", "kansli.a@test.se").status_code == 429  # 50 failures in the hour
    assert _from(client, "198.51.100.1", "kansli.b@test.se").status_code == 302


def test_docker_compose_trusts_its_one_proxy():
    compose = (Path(PROJECT) / "docker-compose.yml").read_text()
    assert 'PROXY_COUNT: "1"' in compose


def test_behind_one_proxy_only_the_address_it_added_counts(app_with):
    # The client may send an X-Forwarded-For of its own; the proxy appends the address it saw, and
    # with PROXY_COUNT=1 only that last one is believed.
    client = app_with(PROXY_COUNT=1).test_client()
    for n in range(30):
        assert _from(client, f"192.0.2.{n}, 203.0.113.9", f"gissning{n}@test.se", "fel").status_code == 401
    assert _from(client, "192.0.2.200, 203.0.113.9", "finns.inte@test.se", "fel").status_code == 429
    assert _from(client, "203.0.113.9, 203.0.113.10", "finns.inte@test.se", "fel").status_code == 401
    assert _from(client, "192.0.2.201, 203.0.113.9", "kansli.b@test.se").status_code == 302


def test_the_counts_are_shared_by_every_worker_through_redis(app_with):
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis at {REDIS_TEST_URL} does not answer ({error})")
    # Two app processes (two gunicorn workers) on one Redis; an address and an account of this run only.
    one, two = (app_with(PROXY_COUNT=1, RATELIMIT_STORAGE_URI=REDIS_TEST_URL) for _ in range(2))
    address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    account = f"gissad-{uuid.uuid4().hex[:8]}@test.se"
    for n in range(5):
        worker = (one if n % 2 else two).test_client()
        assert _from(worker, address, account, "fel").status_code == 401
    assert _from(one.test_client(), address, account, "fel").status_code == 429
    assert _from(two.test_client(), address, account, "fel").status_code == 429
    for n in range(25):  # the address's thirty, spread over both
        worker = (one if n % 2 else two).test_client()
        assert _from(worker, address, f"{n}-{account}", "fel").status_code == 401
    assert _from(two.test_client(), address, f"annan-{account}", "fel").status_code == 429
    email = f"ny-{uuid.uuid4().hex[:8]}@test.se"  # an account that has not failed: let in from there
    add_user(two, email, "umearegionen", "kansli")
    assert _from(two.test_client(), address, email).status_code == 302
