"""80 ombud voting at the same moment against a real server on PostgreSQL:
every vote counted once, none lost, and a second try by each refused."""
import json
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from nns_support import add_forbund, meeting_with_roll, nns_api, tokens
from support import serving

OMBUD = 80


@pytest.fixture
def server(pg_app):
    with serving(pg_app) as url:
        yield url


def _post(url: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize("secret", [False, True], ids=["open", "secret"])
def test_eighty_ombud_at_once_lose_no_vote_and_count_none_twice(pg_app, server, secret):
    ombud = add_forbund(pg_app, OMBUD)
    meeting_id = meeting_with_roll(pg_app, ombud)
    api = nns_api(pg_app)
    poll = api.post(f"/meetings/{meeting_id}/polls", json={"title": "Verksamhetsinriktning 2022", "secret": secret,
                                                           "options": ["Bifall", "Avslag"]}).json
    opened = api.post(f"/meetings/{meeting_id}/polls/{poll['id']}/open")
    assert opened.status_code == 200
    keys = tokens(pg_app, [email for _, email in ombud])
    url = f"{server}/api/v1/nns/meetings/{meeting_id}/polls/{poll['id']}/votes"
    choice = {email: ("Bifall" if n % 3 else "Avslag") for n, (_, email) in enumerate(ombud)}
    barrier = threading.Barrier(OMBUD)

    def cast(email):
        barrier.wait()  # all 80 leave together
        first = _post(url, keys[email], {"option": choice[email]})
        again = _post(url, keys[email], {"option": choice[email]})
        return first, again

    with ThreadPoolExecutor(max_workers=OMBUD) as pool:
        results = list(pool.map(cast, [email for _, email in ombud]))

    assert [first[0] for first, _ in results] == [201] * OMBUD
    assert {(again[0], again[1]["error"]["code"]) for _, again in results} == {(409, "already_voted")}
    closed = api.post(f"/meetings/{meeting_id}/polls/{poll['id']}/close",
                      json={"ballot_key": opened.json.get("ballot_key")}).json
    expected = {"Bifall": sum(1 for c in choice.values() if c == "Bifall"),
                "Avslag": sum(1 for c in choice.values() if c == "Avslag")}
    assert closed["counts"] == expected
    assert len(closed["voters"]) == OMBUD == sum(closed["counts"].values())


def test_a_close_racing_forty_votes_counts_each_accepted_vote_and_refuses_the_rest(pg_app, server):
    ombud = add_forbund(pg_app, 40)
    meeting_id = meeting_with_roll(pg_app, ombud)
    api = nns_api(pg_app)
    poll = api.post(f"/meetings/{meeting_id}/polls", json={"title": "Val av revisor", "secret": True,
                                                           "options": ["Johan Fält", "Anna Strand"]}).json
    key = api.post(f"/meetings/{meeting_id}/polls/{poll['id']}/open").json["ballot_key"]
    keys = tokens(pg_app, [email for _, email in ombud])
    base = f"{server}/api/v1/nns/meetings/{meeting_id}/polls/{poll['id']}"
    secretary = tokens(pg_app, ["sekreterare.nns@test.se"])["sekreterare.nns@test.se"]
    barrier = threading.Barrier(len(ombud) + 1)

    def cast(n_email):
        n, email = n_email
        barrier.wait()
        return _post(f"{base}/votes", keys[email], {"option": "Johan Fält" if n % 2 else "Anna Strand"})

    def close():
        barrier.wait()
        return _post(f"{base}/close", secretary, {"ballot_key": key})

    with ThreadPoolExecutor(max_workers=len(ombud) + 1) as pool:
        closing = pool.submit(close)
        votes = list(pool.map(cast, list(enumerate(email for _, email in ombud))))
        status, closed = closing.result()

    assert status == 200, closed
    accepted = [answer for answer in votes if answer[0] == 201]
    refused = [answer for answer in votes if answer[0] != 201]
    assert all(code == 409 and body["error"]["code"] == "poll_closed" for code, body in refused), refused
    assert sum(closed["counts"].values()) == len(accepted) == len(closed["voters"])
