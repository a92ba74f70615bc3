"""Run the benchmarks: `python -m bench` (or `make bench`).

Makes a fresh PostgreSQL database (BENCH_PG, default the local server as postgres),
migrates it, generates national-scale data, starts gunicorn on loopback, measures, prints
one JSON line per figure, and exits 1 when a bound is broken. The database is dropped
afterwards unless BENCH_KEEP=1; BENCH_REUSE=1 then measures that kept database again
without generating it anew.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg

ADMIN = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = os.environ.get("BENCH_DATABASE", "finsam_bench")
APP_ROLE = "finsam_bench_app"
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 300))  # p95 of 300 is the 285th: a few stray moments do not decide it
WORKERS = 4
# A running server is warm: each gunicorn worker has compiled its SQL, psycopg prepares a
# statement at its fifth execution on a connection, and PostgreSQL plans a prepared statement
# anew five more times before it settles on a generic plan (planning a five-table join with
# row security costs 2 ms, running it 0.5 ms). Fifteen requests per worker get there.
WARM_UPS = 15 * WORKERS
FLOOR = "/bench/floor"
BOUNDS = {"latency_p95_ratio": 3.0, "pdf_ratio": 1.3, "votes_seconds": 2.0}
PROJECT = Path(__file__).resolve().parent.parent
failures: list[str] = []


def emit(figure: str, **values) -> None:
    print(json.dumps({"figure": figure, **values}, ensure_ascii=False), flush=True)


def bound(name: str, ok: bool, detail: str) -> None:
    if not ok:
        failures.append(f"{name}: {detail}")


def _url(user: str, database: str) -> str:
    host = re.sub(r"^postgresql://[^@]*@", "", ADMIN).rsplit("/", 1)[0]
    return f"postgresql+psycopg://{user}@{host}/{database}"


def recreate_database(name: str = DATABASE) -> None:
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str = DATABASE) -> None:
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(instance: Path, database: str = DATABASE) -> dict:
    owner = re.match(r"postgresql://([^@]*)@", ADMIN).group(1) or "postgres"
    return {**os.environ, "DATABASE_URL": _url(APP_ROLE, database), "MIGRATION_DATABASE_URL": _url(owner, database),
            "APP_DB_ROLE": APP_ROLE, "FINSAM_INSTANCE_DIR": str(instance), "SECRET_KEY": "bench", "REDIS_URL": ""}


@contextmanager
def owner_app(env: dict):
    """The app as the schema's owner (who writes past row security), migrated and with the tenant files synced."""
    os.environ.update(env)
    import flask_migrate

    from finsam_saas import create_app
    from finsam_saas.organisation.services import load_tenant_files, sync_tenants

    app = create_app({"SQLALCHEMY_DATABASE_URI": env["MIGRATION_DATABASE_URL"]})
    with app.app_context():
        flask_migrate.upgrade(directory=str(PROJECT / "migrations"))
        sync_tenants(load_tenant_files(app.config["TENANTS_DIR"]))
        yield app


def kansli_token(slug: str, email: str, password: str | None = None) -> str:
    """A kansli user of the tenant, and a token for the API (inside owner_app)."""
    from finsam_saas.extensions import db
    from finsam_saas.platform.auth import issue_token
    from finsam_saas.platform.models import Membership, Tenant, User

    tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == slug))
    user = User(email=email, name=email.split("@")[0])
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    db.session.add(Membership(user_id=user.id, tenant_id=tenant.id, role="kansli"))
    token = issue_token(user, "bench")
    db.session.commit()
    return token


def analyze(env: dict) -> None:
    """Planner statistics for the fresh half million rows, as autovacuum would gather them on a
    running server; without them PostgreSQL plans the first minutes as if the tables were empty."""
    with psycopg.connect(env["MIGRATION_DATABASE_URL"].replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("ANALYZE")


def prepare(env: dict) -> dict:
    from bench import data

    # Generation writes as the owner (a superuser here); gunicorn below runs as the app role.
    with owner_app(env):
        started = time.perf_counter()
        ids = data.generate(progress=lambda line: print(f"  … {line}", file=sys.stderr))
        analyze(env)
        emit("data_generated", seconds=round(time.perf_counter() - started, 1), forbund=data.FORBUND,
             years=len(data.YEARS), insatser_per_forbund=data.INSATSER, meetings_per_year=data.MEETINGS_A_YEAR,
             items_per_meeting=data.ITEMS)
    return ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(env: dict):
    """The app under gunicorn on a free loopback port; yields its base URL and stops it after."""
    port = free_port()
    process = _start_gunicorn(env, port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--threads", "4", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "bench.wsgi:app"], cwd=PROJECT, env=env)
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{FLOOR}", timeout=1)
            return process
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn startade inte")


class Client:
    def __init__(self, base: str, token: str | None = None):
        self.base, self.token = base, token
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def request(self, path: str, *, method: str = "GET", body: dict | bytes | None = None) -> tuple[int, dict, bytes]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        data = None
        if isinstance(body, dict):
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        elif isinstance(body, bytes):
            data, headers["Content-Type"] = body, "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as answer:
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def login(self, email: str, password: str) -> None:
        _, _, page = self.request("/logga-in")
        token = re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1).decode()
        form = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password}).encode()
        status, _, _ = self.request("/logga-in", method="POST", body=form)
        if status not in (200, 302):
            raise SystemExit(f"inloggningen misslyckades: {status}")


def _one(client: Client, path: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    status, headers, _ = client.request(path)
    return (time.perf_counter() - started) * 1000, int(headers.get("X-Queries", 0)), status


def timed(client: Client, path: str, n: int = REQUESTS, *, floor: Client | None = None):
    """n timed requests of path after the warm-ups; with a floor client, each is followed by one
    of the floor, so both see the same moments of a shared machine. Returns (page times, floor
    times, queries, status)."""
    for _ in range(WARM_UPS):
        client.request(path)
        if floor:
            floor.request(FLOOR)
    times, floor_times, queries, status = [], [], 0, 0
    for _ in range(n):
        elapsed, queries, status = _one(client, path)
        times.append(elapsed)
        if floor:
            floor_times.append(_one(floor, FLOOR)[0])
    return times, floor_times, queries, status


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def latencies(base: str, ids: dict) -> None:
    from bench.data import PASSWORD, YEARS

    html = Client(base)
    html.login("admin@bench.test", PASSWORD)
    api = Client(base, ids["admin_token"])
    nns_api = Client(base, ids["secretary_token"])
    year = YEARS[-1]
    floor_client = Client(base)
    floor_times = timed(floor_client, FLOOR)[0]
    emit("floor", median_ms=round(statistics.median(floor_times), 2), p95_ms=round(p95(floor_times), 2))
    pages = [
        ("möte med protokoll", html, f"/t/bench-00/moten/{ids['meeting']}"),
        ("protokoll (15 §)", html, f"/t/bench-00/moten/{ids['meeting']}/protokoll"),
        ("budget", html, f"/t/bench-00/ekonomi/budget?ar={year}"),
        ("insatslista", html, f"/t/bench-00/insatser/?ar={year}"),
        ("uppföljnings-PM (API)", api, f"/api/v1/bench-00/followup?year={year}&half=1"),
        ("jämförelse", html, f"/t/bench-00/analys/?matt=andel_arbete_studier&ar={year}"),
        ("omröstningsresultat (API)", nns_api, f"/api/v1/nns/meetings/{ids['general']}/polls/{ids['poll']}"),
    ]
    for name, client, path in pages:
        times, floor_times, queries, status = timed(client, path, floor=floor_client)
        ratio = round(p95(times) / p95(floor_times), 2)
        emit("latency", page=name, status=status, median_ms=round(statistics.median(times), 2),
             p95_ms=round(p95(times), 2), floor_p95_ms=round(p95(floor_times), 2), p95_ratio_to_floor=ratio,
             queries=queries)
        bound(f"latency {name}", status == 200 and ratio <= BOUNDS["latency_p95_ratio"],
              f"status {status}, p95 {ratio}× golvet (gräns {BOUNDS['latency_p95_ratio']}×)")


def pdfs(env: dict, ids: dict) -> None:
    """The app's PDF (template, fonts, fetcher, PDF/A when archived) against WeasyPrint alone on the same HTML."""
    os.environ.update(env)
    from weasyprint import HTML

    from finsam_saas import create_app
    from finsam_saas.extensions import db
    from finsam_saas.meetings import documents
    from finsam_saas.meetings.models import Meeting
    from finsam_saas.platform.models import Tenant
    from finsam_saas.platform.tenancy import tenant_context
    from bench.data import YEARS

    app = create_app({"SQLALCHEMY_DATABASE_URI": env["MIGRATION_DATABASE_URL"]})
    with app.app_context(), app.test_request_context():
        tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == "bench-00"))
        with tenant_context(tenant.id):
            minutes = db.session.get(Meeting, ids["meeting"]).minutes
            jobs = {
                "protokoll (15 §)": (lambda: documents.minutes_pdf(minutes), lambda: documents.minutes_html(minutes)),
                "uppföljnings-PM": (lambda: _followup_pdf(tenant, YEARS[-1]), lambda: _followup_html(tenant, YEARS[-1])),
            }
            for name, (app_pdf, html_of) in jobs.items():
                app_pdf()  # warm: fonts and images
                html = html_of()
                base_url = str(PROJECT / "finsam_saas" / "static") + "/"
                HTML(string=html, base_url=base_url).write_pdf()
                app_times, raw_times = [], []
                for _ in range(5):
                    started = time.perf_counter()
                    app_pdf()
                    app_times.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    HTML(string=html, base_url=base_url).write_pdf()
                    raw_times.append(time.perf_counter() - started)
                ratio = round(statistics.median(app_times) / statistics.median(raw_times), 2)
                emit("pdf", document=name, app_ms=round(statistics.median(app_times) * 1000, 1),
                     weasyprint_ms=round(statistics.median(raw_times) * 1000, 1), ratio=ratio)
                bound(f"pdf {name}", ratio <= BOUNDS["pdf_ratio"], f"{ratio}× WeasyPrint (gräns {BOUNDS['pdf_ratio']}×)")


def _followup_html(tenant, year: int) -> str:
    from flask import render_template

    from finsam_saas.insatser import followup
    from finsam_saas.insatser.models import OUTCOME_FIELDS, OUTCOME_LABELS

    data = followup.followup(year, 1)
    return render_template("pdf/followup_pm.html", tenant=tenant, f=data, questions=followup.QUESTIONS,
                           fields=OUTCOME_FIELDS, labels=OUTCOME_LABELS, chart=None)


def _followup_pdf(tenant, year: int) -> bytes:
    from finsam_saas.platform.documents import render_pdf
    from finsam_saas.platform.files import tenant_dir

    return render_pdf(_followup_html(tenant, year), tenant_files_dir=tenant_dir(tenant.slug))


def votes(base: str, ids: dict) -> None:
    path = f"/api/v1/nns/meetings/{ids['general']}/polls/{ids['race']}/votes"
    tokens = ids["ombud_tokens"]
    barrier = threading.Barrier(len(tokens))

    def cast(n: int):
        client = Client(base, tokens[n])
        barrier.wait()
        started = time.perf_counter()
        status, _, _ = client.request(path, method="POST", body={"option": "Bifall" if n % 2 else "Avslag"})
        return status, time.perf_counter() - started, time.perf_counter()

    begun = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        results = list(pool.map(cast, range(len(tokens))))
    last = max(r[2] for r in results) - begun
    accepted = sum(1 for r in results if r[0] == 201)
    each = [r[1] * 1000 for r in results]
    result = json.loads(Client(base, ids["secretary_token"]).request(
        f"/api/v1/nns/meetings/{ids['general']}/polls/{ids['race']}")[2])
    emit("votes", ombud=len(tokens), accepted=accepted, counted=result["ballots"], seconds_to_last=round(last, 3),
         p95_ms=round(p95(each), 1))
    bound("votes", accepted == len(tokens) == result["ballots"] and last < BOUNDS["votes_seconds"],
          f"{accepted} av {len(tokens)} godtagna, {result['ballots']} räknade, sista efter {last:.2f} s")


KEPT = Path(tempfile.gettempdir()) / "finsam-bench-kept.json"


def reuse_kept() -> tuple[dict, dict]:
    """BENCH_REUSE=1: measure the database a BENCH_KEEP=1 run left, with a fresh poll for the votes."""
    kept = json.loads(KEPT.read_text())
    env = environment(Path(kept["instance"]))
    with owner_app(env):
        from bench.data import new_race

        kept["ids"]["race"] = new_race(kept["ids"]["general"])
    return env, kept["ids"]


def main() -> int:
    if os.environ.get("BENCH_REUSE") == "1":
        if not KEPT.exists():
            raise SystemExit("BENCH_REUSE=1: ingen sparad databas; kör först BENCH_KEEP=1 make bench")
        env, ids = reuse_kept()
    else:
        instance = Path(tempfile.mkdtemp(prefix="finsam-bench-"))
        recreate_database()
        env = environment(instance)
        ids = prepare(env)
        if os.environ.get("BENCH_KEEP") == "1":
            KEPT.write_text(json.dumps({"instance": str(instance), "ids": ids}))
    try:
        with gunicorn(env) as base:
            latencies(base, ids)
            votes(base, ids)
        pdfs(env, ids)
    finally:
        if os.environ.get("BENCH_KEEP") != "1" and os.environ.get("BENCH_REUSE") != "1":
            drop_database()
            KEPT.unlink(missing_ok=True)  # what a kept run noted is gone with the database
    for failure in failures:
        print(f"GRÄNS ÖVERSKRIDEN: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
