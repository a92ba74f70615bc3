"""`make faults`: PostgreSQL restarted under load, and Redis gone, against gunicorn.

A private PostgreSQL cluster and a private Redis are started on free loopback ports, so
nothing else on the machine is touched. Passes when, while PostgreSQL restarts, requests
fail cleanly (an error answer, never a hang) and the app answers normally again within
RECOVERY_SECONDS without being restarted; and when, with Redis stopped, pages still
answer and a job reports that the queue is away. (A worker killed mid-job is proven by
tests/platform/test_jobs.py, which `make faults` runs too.)
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.__main__ import PROJECT, Client, emit, free_port, gunicorn, kansli_token, owner_app

ORIGINAL_ENV = dict(os.environ)  # for the tests run at the end, untouched by the private servers' settings
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
RECOVERY_SECONDS = 15
failures: list[str] = []


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Cluster:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="finsam-faults-pg-"))
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(self.dir / "data"), "-A", "trust", "-U",
                                     "postgres", "--no-sync"]), check=True, capture_output=True)

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-l",
                                     str(self.dir / "log"), "-o", f"-p {self.port} -k {self.dir}", "-w", *args]),
                       check=True, capture_output=True)

    def url(self, user: str = "postgres") -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/postgres"

    def remove(self) -> None:
        try:
            self.pg_ctl("stop", "-m", "immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def _prepare(env: dict) -> str:
    with owner_app(env):
        return kansli_token("umearegionen", "kansli@faults.test")


def postgres_restart(base: str, token: str, cluster: Cluster) -> None:
    client = Client(base, token)
    results: list[tuple[float, int, float]] = []
    stop = threading.Event()

    def hammer():
        while not stop.is_set():
            started = time.monotonic()
            status, _, _ = client.request("/api/v1/umearegionen/meetings")
            results.append((started, status, time.monotonic() - started))
            time.sleep(0.02)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    restart_at = time.monotonic()
    cluster.pg_ctl("restart", "-m", "fast")
    back_at = time.monotonic()
    time.sleep(RECOVERY_SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    during = [r for r in results if restart_at <= r[0] <= back_at + 1]
    after = [r for r in results if r[0] > back_at + RECOVERY_SECONDS / 2]
    errors = sorted({s for _, s, _ in results if s != 200})
    slowest = max(d for _, _, d in results)
    emit("fault_postgres_restart", requests=len(results), errors_seen=errors, requests_during_restart=len(during),
         ok_after=sum(1 for r in after if r[1] == 200), requests_after=len(after), slowest_seconds=round(slowest, 2))
    if not after or any(s != 200 for _, s, _ in after):
        failures.append("appen kom inte tillbaka efter omstarten av PostgreSQL")
    if any(s not in (200, 503) for s in errors) or slowest > 30:
        failures.append(f"fel som inte var rena: {errors}, längsta svar {slowest:.1f} s")


def redis_down(base: str, token: str, redis: subprocess.Popen) -> None:
    redis.terminate()
    redis.wait(timeout=10)
    status, _, _ = Client(base, token).request("/api/v1/umearegionen/meetings")
    emit("fault_redis_down", meetings_api=status)
    if status != 200:
        failures.append(f"med Redis borta svarade API:t {status}")


def main() -> int:
    cluster = Cluster()
    cluster.pg_ctl("start")
    redis_port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL)
    instance = Path(tempfile.mkdtemp(prefix="finsam-faults-"))
    env = {**os.environ, "DATABASE_URL": cluster.url("finsam_app"), "MIGRATION_DATABASE_URL": cluster.url(),
           "APP_DB_ROLE": "finsam_app", "FINSAM_INSTANCE_DIR": str(instance), "SECRET_KEY": "faults",
           "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}
    try:
        token = _prepare(env)
        with gunicorn(env) as base:
            postgres_restart(base, token, cluster)
            redis_down(base, token, redis)
    finally:
        if redis.poll() is None:
            redis.terminate()
        cluster.remove()
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "tests/platform/test_jobs.py", "-k", "killed_mid_job or redis_down"], cwd=PROJECT,
                           env=ORIGINAL_ENV)
    if tests.returncode != 0:
        failures.append("testerna för avbruten arbetsprocess och borta Redis misslyckades")
    for failure in failures:
        print(f"GRÄNS ÖVERSKRIDEN: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
