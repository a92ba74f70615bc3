"""NNS's pages cost the same number of queries with 3 förbund on the roll as with 30."""
from nns_support import add_forbund, meeting_with_roll, nns_api, tokens
from support import counted_queries, login


def _queries(app, count: int) -> dict[str, int]:
    ombud = add_forbund(app, count)
    meeting_id = meeting_with_roll(app, ombud)
    api = nns_api(app)
    poll = api.post(f"/meetings/{meeting_id}/polls", json={"title": "Fråga", "options": ["Ja", "Nej"]}).json
    api.post(f"/meetings/{meeting_id}/polls/{poll['id']}/open")
    keys = tokens(app, [e for _, e in ombud])
    client = app.test_client()
    for n, (_, email) in enumerate(ombud):
        client.post(f"/api/v1/nns/meetings/{meeting_id}/polls/{poll['id']}/votes", json={"option": "Ja" if n % 2 else "Nej"},
                    headers={"Authorization": f"Bearer {keys[email]}"})
    html = app.test_client()
    login(html, "sekreterare.nns@test.se")
    pages = {
        "medlemsmöte": f"/t/nns/medlemsmoten/{meeting_id}",
        "omröstning": f"/t/nns/medlemsmoten/{meeting_id}/omrostningar/{poll['id']}",
        "medlemsregister": "/t/nns/medlemmar",
    }
    counts = {}
    for name, path in pages.items():
        html.get(path)  # warm: the first request loads the login and mappers
        with counted_queries(app) as statements:
            assert html.get(path).status_code == 200
        counts[name] = len(statements)
    api.get(f"/meetings/{meeting_id}/polls/{poll['id']}")
    with counted_queries(app) as statements:
        assert api.get(f"/meetings/{meeting_id}/polls/{poll['id']}").status_code == 200
    counts["poll API"] = len(statements)
    return counts


def test_query_counts_do_not_grow_with_the_roll(app, tmp_path):
    small = _queries(app, 3)
    large = _queries(app, 30)
    assert small == large, (small, large)
