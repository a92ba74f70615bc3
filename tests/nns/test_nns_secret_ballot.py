"""Closed ballots at NNS's medlemsmöte (voting.py, docs/secret-ballot.md): nothing stored links a
förbund to its choice — not the rows, their transaction ids, old row versions in the pages, the
WAL, nor the audit log — while the poll is open or after it; participation stays public."""
import base64
import io
import json
import re

import psycopg
import pytest
from nacl.public import PublicKey, SealedBox
from pypdf import PdfReader
from sqlalchemy import select, text

from finsam_saas.extensions import db
from finsam_saas.nns.models import Poll, PollVoter, SealedBallot
from finsam_saas.platform.models import AuditEntry

from nns_support import add_forbund, meeting_with_roll, nns_api, tokens
from support import NNS, in_tenant, login

OPTIONS = ["Johan Fält", "Anna Strand", "Avstår"]
CHOICES = ["Johan Fält", "Anna Strand", "Johan Fält", "Johan Fält", "Anna Strand", "Avstår"]


def _vote(client, meeting_id, poll_id, token, option):
    return client.post(f"/api/v1/nns/meetings/{meeting_id}/polls/{poll_id}/votes", json={"option": option},
                       headers={"Authorization": f"Bearer {token}"})


def _secret_poll(api, meeting_id, title="Val av revisor", item_number=4):
    poll = api.post(f"/meetings/{meeting_id}/polls", json={"title": title, "options": OPTIONS, "secret": True,
                                                           "item_number": item_number}).json
    opened = api.post(f"/meetings/{meeting_id}/polls/{poll['id']}/open")
    assert opened.status_code == 200
    return poll["id"], opened.json["ballot_key"]


def _spy(app):
    """The attacker: a database superuser, beyond every row-level policy."""
    url = app.config["MIGRATION_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    conn = psycopg.connect(url, autocommit=True)
    conn.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
    conn.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect")
    return conn


def _tables(spy) -> list[str]:
    return spy.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                       ).fetchall()


def _relations_written(spy, xid: int, since: str) -> set[tuple[str, str]]:
    """(relation, record type) of every WAL record the transaction `xid` wrote after `since`."""
    names = dict(spy.execute("SELECT pg_relation_filenode(oid)::text, relname FROM pg_class "
                             "WHERE pg_relation_filenode(oid) IS NOT NULL").fetchall())
    written = set()
    for record_type, block_ref in spy.execute(
            "SELECT record_type, block_ref FROM pg_get_wal_records_info(%s::pg_lsn, pg_current_wal_flush_lsn()) "
            "WHERE xid = %s::xid", (since, str(xid))).fetchall():
        for filenode in re.findall(r"rel \d+/\d+/(\d+)", block_ref or ""):
            written.add((names.get(filenode, filenode), record_type))
    return written


@pytest.mark.postgres
def test_a_superuser_reading_rows_xmin_wal_and_raw_pages_links_no_forbund_to_its_choice(pg_app):
    ombud = add_forbund(pg_app, len(CHOICES))
    meeting_id = meeting_with_roll(pg_app, ombud)
    api = nns_api(pg_app)
    poll_id, key = _secret_poll(api, meeting_id)
    keys = tokens(pg_app, [e for _, e in ombud])
    client = pg_app.test_client()
    spy = _spy(pg_app)
    public_key = PublicKey(base64.b64decode(spy.execute("SELECT ballot_public_key FROM nns_polls WHERE id = %s",
                                                        (poll_id,)).fetchone()[0]))
    poll_row = spy.execute("SELECT xmin::text, row_to_json(p)::text FROM nns_polls p WHERE id = %s", (poll_id,)).fetchone()
    sealed_seen = set()
    for (member, email), option in zip(ombud, CHOICES):
        since = spy.execute("SELECT pg_current_wal_flush_lsn()::text").fetchone()[0]
        assert _vote(client, meeting_id, poll_id, keys[email], option).status_code == 201
        xid = spy.execute("SELECT v.xmin::text FROM nns_poll_voters v JOIN members m ON m.tenant_id = v.tenant_id "
                          "AND m.id = v.member_id WHERE v.poll_id = %s AND m.name = %s", (poll_id, member)).fetchone()[0]
        # Every row of every table that the vote's transaction wrote, read as the attacker reads it.
        same_transaction = {}
        for (table,) in _tables(spy):
            rows = spy.execute(f"SELECT row_to_json(t)::text FROM {table} t WHERE t.xmin::text = %s", (xid,)).fetchall()
            if rows:
                same_transaction[table] = [r[0] for r in rows]
        assert set(same_transaction) <= {"nns_poll_voters", "nns_sealed_ballots", "audit_log"}, same_transaction
        seen = json.dumps(same_transaction, ensure_ascii=False)
        for candidate in OPTIONS:
            assert candidate not in seen
        assert json.loads(same_transaction["nns_poll_voters"][0])["option"] is None
        # The ballot: sealed, the same length whatever the choice, and not guessable by sealing each option
        # again with the public key (a sealed box is randomised).
        (sealed,) = spy.execute("SELECT sealed FROM nns_sealed_ballots WHERE xmin::text = %s", (xid,)).fetchone()
        sealed = bytes(sealed)
        assert len(sealed) == 48 + 2 and sealed not in sealed_seen
        sealed_seen.add(sealed)
        for index in range(len(OPTIONS)):
            assert SealedBox(public_key).encrypt(index.to_bytes(2, "big")) != sealed
        # Nothing else changed: no count, no poll row version per vote.
        assert spy.execute("SELECT xmin::text, row_to_json(p)::text FROM nns_polls p WHERE id = %s",
                           (poll_id,)).fetchone() == poll_row
        # The WAL of the vote's transaction: the participation, the sealed ballot, the audit entry of the
        # participation, and a lock (not a new version) of the poll's row.
        # (A row lock, such as the foreign keys' on the förbund and the tenant, and the pruning of dead
        # versions that any reader may do, write no row data.)
        written = {(relation, kind) for relation, kind in _relations_written(spy, xid, since)
                   if kind not in ("LOCK", "PRUNE", "VISIBLE") and not relation.endswith(("_pkey", "_key", "_idx", "_id_seq"))
                   and not relation.startswith(("ix_", "uq_"))}
        assert {relation for relation, _ in written} <= {"nns_poll_voters", "nns_sealed_ballots", "audit_log"}, written

    during = api.get(f"/meetings/{meeting_id}/polls/{poll_id}").json
    assert during["counts"] is None and "votes" not in during and during["ballots"] == len(CHOICES)
    closed = api.post(f"/meetings/{meeting_id}/polls/{poll_id}/close", json={"ballot_key": key})
    assert closed.status_code == 200, closed.json
    assert closed.json["counts"] == {"Johan Fält": 3, "Anna Strand": 2, "Avstår": 1}
    assert closed.json["winner"] == "Johan Fält"
    assert spy.execute("SELECT count(*) FROM nns_sealed_ballots").fetchone()[0] == 0

    # After the count, every tuple version left in the pages, before and after VACUUM: no version of any
    # row carries a count but the final one, and no option sits beside a förbund.
    for vacuumed in (False, True):
        if vacuumed:
            for table in ("nns_polls", "nns_sealed_ballots", "nns_poll_voters", "audit_log"):
                spy.execute(f"VACUUM {table}")
        for table in ("nns_polls", "nns_sealed_ballots", "nns_poll_voters", "audit_log"):
            blocks = spy.execute(f"SELECT pg_relation_size('{table}') / current_setting('block_size')::int").fetchone()[0]
            tuples = [bytes(data) for block in range(blocks) for (data,) in spy.execute(
                "SELECT t_data FROM heap_page_items(get_raw_page(%s, %s)) WHERE t_data IS NOT NULL", (table, block))]
            counted = [t for t in tuples if b'"counts"' in t]
            if table == "nns_polls":
                assert len(counted) == 1
                assert b'"Johan F\\u00e4lt": 3' in counted[0] or b'"Johan F\xc3\xa4lt": 3' in counted[0]
            for data in tuples:
                if table in ("nns_poll_voters", "nns_sealed_ballots"):
                    for candidate in OPTIONS:
                        assert candidate.encode() not in data
            if table == "audit_log":
                for data in tuples:
                    if b"PollVoter" in data:
                        assert not any(candidate.encode() in data for candidate in OPTIONS)
                # The result is audited once, with the close, as the final counts only.
                assert len([t for t in tuples if b'"counts"' in t]) <= 1
    spy.close()


def test_a_closed_ballot_is_sealed_counted_with_its_key_and_never_readable_from_the_rows(any_app):
    ombud = add_forbund(any_app, 5)
    meeting_id = meeting_with_roll(any_app, ombud)
    api = nns_api(any_app)
    poll_id, key = _secret_poll(api, meeting_id)
    assert re.fullmatch(r"([A-Z2-7]{4}-){12}[A-Z2-7]{4}", key)
    keys = tokens(any_app, [e for _, e in ombud])
    client = any_app.test_client()
    for (member, email), option in zip(ombud, CHOICES):
        assert _vote(client, meeting_id, poll_id, keys[email], option).status_code == 201

    with in_tenant(any_app, NNS):
        sealed = db.session.scalars(select(SealedBallot.sealed).where(SealedBallot.poll_id == poll_id)).all()
        assert len(sealed) == 5 and len({len(s) for s in sealed}) == 1 and len(set(sealed)) == 5
        assert db.session.scalars(select(PollVoter.option).where(PollVoter.poll_id == poll_id)).all() == [None] * 5
        assert not any(hasattr(SealedBallot, column) for column in ("member_id", "created_at", "option"))
        assert key.replace("-", "") not in json.dumps([e.after for e in db.session.scalars(select(AuditEntry))],
                                                      default=str)

    # Without the key, with a mistyped one, or another poll's, the poll stays open and nothing is counted.
    other_id, other_key = _secret_poll(api, meeting_id, title="Val av ersättare", item_number=None)
    for body, field_error in (({}, "saknas"), ({"ballot_key": "ABCD-1234"}, "felskriven"),
                              ({"ballot_key": other_key}, "fel nyckel")):
        refused = api.post(f"/meetings/{meeting_id}/polls/{poll_id}/close", json=body)
        assert refused.status_code == 400 and refused.json["error"]["fields"]["ballot_key"] == field_error, refused.json
        assert "nyckel" in refused.json["error"]["message"].lower()
        assert api.get(f"/meetings/{meeting_id}/polls/{poll_id}").json["status"] == "open"

    closed = api.post(f"/meetings/{meeting_id}/polls/{poll_id}/close", json={"ballot_key": key.lower().replace("-", " ")})
    assert closed.status_code == 200, closed.json
    assert closed.json["counts"] == {"Johan Fält": 3, "Anna Strand": 2, "Avstår": 0}
    with in_tenant(any_app, NNS):
        assert db.session.scalar(select(text("count(*)")).select_from(SealedBallot)
                                 .where(SealedBallot.poll_id == poll_id)) == 0
    late = _vote(client, meeting_id, poll_id, keys[ombud[0][1]], "Anna Strand")
    assert late.status_code == 409 and late.json["error"]["code"] == "poll_closed"

    # The protokoll and the röstlängd as PDFs: counts, and no förbund beside a choice on any line.
    for path in (f"/meetings/{meeting_id}/minutes.pdf", f"/meetings/{meeting_id}/roll.pdf"):
        pdf = api.get(path)
        assert pdf.status_code == 200
        lines = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages).splitlines()
        for line in lines:
            assert not (any(m in line for m, _ in ombud) and any(o in line for o in OPTIONS[:2])), line
    minutes = api.get(f"/meetings/{meeting_id}").json["minutes"]
    paragraph = next(p for p in minutes["paragraphs"] if "Val av revisor:" in (p["text"] or ""))
    assert "sluten omröstning med 5 röstande ombud" in paragraph["text"]
    assert "Johan Fält 3, Anna Strand 2" in paragraph["text"]

    # A poll whose key is lost is cancelled, its ballots deleted unread; no vote is taken after.
    assert _vote(client, meeting_id, other_id, keys[ombud[0][1]], "Anna Strand").status_code == 201
    cancelled = api.post(f"/meetings/{meeting_id}/polls/{other_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled" and cancelled.json["counts"] is None
    refused = _vote(client, meeting_id, other_id, keys[ombud[1][1]], "Anna Strand")
    assert refused.status_code == 409 and "avbruten" in refused.json["error"]["message"]
    with in_tenant(any_app, NNS):
        assert db.session.scalars(select(SealedBallot).where(SealedBallot.poll_id == other_id)).all() == []
        assert db.session.get(Poll, other_id).status_label == "Avbruten"


def test_the_secretary_opens_and_closes_from_the_page_with_the_key_kept_in_her_browser(any_app):
    ombud = add_forbund(any_app, 2)
    meeting_id = meeting_with_roll(any_app, ombud)
    api = nns_api(any_app)
    poll = api.post(f"/meetings/{meeting_id}/polls", json={"title": "Val av revisor", "options": OPTIONS[:2],
                                                           "secret": True}).json
    base = f"/t/nns/medlemsmoten/{meeting_id}/omrostningar/{poll['id']}"
    secretary = any_app.test_client()
    assert login(secretary, "sekreterare.nns@test.se").status_code == 302
    secretary.get(base)
    csrf = _csrf(secretary, base)
    opened = secretary.post(f"{base}/oppna", data={"csrf_token": csrf})
    assert opened.status_code == 302
    cookie = opened.headers.getlist("Set-Cookie")
    key_cookie = next(c for c in cookie if c.startswith(f"rostnyckel-{poll['id']}="))
    assert "HttpOnly" in key_cookie and "SameSite=Strict" in key_cookie and f"Path={base}" in key_cookie
    key = key_cookie.split(";")[0].split("=", 1)[1]
    page = secretary.get(base).get_data(as_text=True)
    assert "Rösträkningsnyckeln finns i den här webbläsaren" in page and key in page

    keys = tokens(any_app, [e for _, e in ombud])
    voter = any_app.test_client()
    assert _vote(voter, meeting_id, poll["id"], keys[ombud[0][1]], "Anna Strand").status_code == 201

    # The chair at another computer has no key: the page asks for it, and a close without it is refused.
    chair = any_app.test_client()
    assert login(chair, "sekreterare.nns@test.se").status_code == 302
    other = chair.get(base).get_data(as_text=True)
    assert 'name="ballot_key"' in other and key not in other
    refused = chair.post(f"{base}/stang", data={"csrf_token": _csrf(chair, base), "confirm": "on"},
                         follow_redirects=True).get_data(as_text=True)
    assert "Ange rösträkningsnyckeln" in refused
    unconfirmed = secretary.post(f"{base}/stang", data={"csrf_token": _csrf(secretary, base)},
                                 follow_redirects=True).get_data(as_text=True)
    assert "Kryssa i att du vill stänga omröstningen" in unconfirmed
    assert api.get(f"/meetings/{meeting_id}/polls/{poll['id']}").json["status"] == "open"
    # Typed by the chair from what the secretary wrote down, it counts.
    closed = chair.post(f"{base}/stang", data={"csrf_token": _csrf(chair, base), "confirm": "on", "ballot_key": key},
                        follow_redirects=True).get_data(as_text=True)
    assert "Omröstningen är stängd och räknad" in closed and "Anna Strand 1" in closed


def _csrf(client, path):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
