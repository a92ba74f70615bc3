"""`make load`: 50 users at once for a bounded time (LOAD_SECONDS, at most 60) against gunicorn
on loopback and PostgreSQL, reading and writing in three förbund. Passes when no answer is
a 5xx, every accepted write is there afterwards, and no answer to one förbund carries
another's marker. Exits 1 otherwise."""
from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.__main__ import (Client, drop_database, emit, environment, free_port, p95, recreate_database,
                            start_gunicorn, PROJECT)

USERS = 50
SECONDS = min(60, int(os.environ.get("LOAD_SECONDS", 30)))
TENANTS = ("umearegionen", "skelleftea-norsjo", "uppsala-lan")
MARKERS = {slug: f"MARKÖR-{slug.upper()}" for slug in TENANTS}
PASSWORD = "load-losen-2026"


def prepare(env: dict) -> dict[str, str]:
    os.environ.update(env)
    import flask_migrate

    from finsam_saas import create_app
    from finsam_saas.extensions import db
    from finsam_saas.organisation.services import load_tenant_files, sync_tenants
    from finsam_saas.platform.auth import issue_token
    from finsam_saas.platform.models import Membership, Tenant, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": env["MIGRATION_DATABASE_URL"]})
    tokens = {}
    with app.app_context():
        flask_migrate.upgrade(directory=str(PROJECT / "migrations"))
        sync_tenants(load_tenant_files(app.config["TENANTS_DIR"]))
        for slug in TENANTS:
            tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == slug))
            user = User(email=f"kansli@{slug}.load", name=slug)
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.flush()
            db.session.add(Membership(user_id=user.id, tenant_id=tenant.id, role="kansli"))
            tokens[slug] = issue_token(user, "load")
        db.session.commit()
    return tokens


def run(base: str, tokens: dict[str, str]) -> dict:
    stop = time.monotonic() + SECONDS
    lock = threading.Lock()
    stats = {"requests": 0, "server_errors": [], "leaks": [], "written": {slug: [] for slug in TENANTS}, "times": []}

    def user(n: int) -> None:
        slug = TENANTS[n % len(TENANTS)]
        others = [MARKERS[s] for s in TENANTS if s != slug]
        api = Client(base, tokens[slug])
        html = Client(base)
        html.login(f"kansli@{slug}.load", PASSWORD)
        rng = random.Random(n)
        while time.monotonic() < stop:
            roll = rng.random()
            started = time.perf_counter()
            if roll < 0.25:
                name = f"{MARKERS[slug]} {uuid.uuid4().hex[:8]}"
                status, _, body = api.request(f"/api/v1/{slug}/insatser", method="POST", body={
                    "name": name, "owner": "Försäkringskassan", "kind": "individ", "start": "2024-01-01",
                    "end": "2025-12-31", "grants": {"2024": 100_000}})
                if status == 201:
                    with lock:
                        stats["written"][slug].append(json.loads(body)["id"])
            elif roll < 0.5:
                status, _, body = api.request(f"/api/v1/{slug}/insatser")
            elif roll < 0.75:
                status, _, body = html.request(f"/t/{slug}/insatser/?ar=2024")
            else:
                status, _, body = html.request(f"/t/{slug}/analys/?ar=2024")
            elapsed = (time.perf_counter() - started) * 1000
            text = body.decode("utf-8", "replace")
            with lock:
                stats["requests"] += 1
                stats["times"].append(elapsed)
                if status >= 500:
                    stats["server_errors"].append(status)
                if any(marker in text for marker in others):
                    stats["leaks"].append(slug)

    with ThreadPoolExecutor(max_workers=USERS) as pool:
        list(pool.map(user, range(USERS)))
    lost = 0
    for slug in TENANTS:
        _, _, body = Client(base, tokens[slug]).request(f"/api/v1/{slug}/insatser")
        present = {row["id"] for row in json.loads(body)}
        lost += len(set(stats["written"][slug]) - present)
    return {**stats, "lost": lost}


def main() -> int:
    os.environ.setdefault("BENCH_DATABASE", "finsam_load")
    import bench.__main__ as shared

    shared.DATABASE = os.environ["BENCH_DATABASE"]
    instance = Path(tempfile.mkdtemp(prefix="finsam-load-"))
    recreate_database()
    env = environment(instance)
    server = None
    try:
        tokens = prepare(env)
        port = free_port()
        server = start_gunicorn(env, port)
        result = run(f"http://127.0.0.1:{port}", tokens)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if os.environ.get("BENCH_KEEP") != "1":
            drop_database()
    writes = sum(len(v) for v in result["written"].values())
    emit("load", users=USERS, seconds=SECONDS, requests=result["requests"], writes=writes,
         server_errors=len(result["server_errors"]), lost_writes=result["lost"], leaks=len(result["leaks"]),
         p95_ms=round(p95(result["times"]), 1) if result["times"] else None)
    ok = not result["server_errors"] and not result["lost"] and not result["leaks"] and writes > 0
    if not ok:
        print("GRÄNS ÖVERSKRIDEN: 5xx, förlorade skrivningar eller läckor mellan förbund", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
