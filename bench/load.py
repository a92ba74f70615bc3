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

from bench.__main__ import (Client, drop_database, emit, environment, gunicorn, kansli_token, owner_app, p95,
                            recreate_database)

USERS = 50
SECONDS = min(60, int(os.environ.get("LOAD_SECONDS", 30)))
TENANTS = ("umearegionen", "skelleftea-norsjo", "uppsala-lan")
MARKERS = {slug: f"MARKÖR-{slug.upper()}" for slug in TENANTS}
PASSWORD = "load-losen-2026"
DATABASE = os.environ.get("LOAD_DATABASE", "finsam_load")


def prepare(env: dict) -> dict[str, str]:
    with owner_app(env):
        return {slug: kansli_token(slug, f"kansli@{slug}.load", PASSWORD) for slug in TENANTS}


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
    instance = Path(tempfile.mkdtemp(prefix="finsam-load-"))
    recreate_database(DATABASE)
    env = environment(instance, DATABASE)
    try:
        tokens = prepare(env)
        with gunicorn(env) as base:
            result = run(base, tokens)
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            drop_database(DATABASE)
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
