"""`make backup` and `make restore-check`.

backup: pg_dump of the database in DATABASE_URL (or MIGRATION_DATABASE_URL, the owner)
to backups/finsam-<time>.dump, in pg_dump's custom format.

restore-check: builds a database with the demo data, dumps it, restores the dump into a
fresh database, and compares every table: the number of rows and a hash over all of
them. Exits 1 when anything differs.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import psycopg

from bench.__main__ import ADMIN, PROJECT, _url, drop_database, emit, recreate_database

SOURCE, COPY = "finsam_backup_source", "finsam_backup_copy"


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def dump(url: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), _plain(url)], check=True)


def restore(source: Path, url: str) -> None:
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", _plain(url), str(source)], check=True)


def fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Rows and a SHA-256 over every row of every table, in a fixed order."""
    found = {}
    with psycopg.connect(_plain(url)) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        for table in tables:
            rows = conn.execute(f'SELECT t::text FROM "{table}" t ORDER BY 1').fetchall()
            digest = hashlib.sha256("\n".join(r[0] for r in rows).encode()).hexdigest()
            found[table] = (len(rows), digest)
    return found


def _fresh(name: str) -> str:
    recreate_database(name)
    owner = ADMIN.split("//", 1)[1].split("@", 1)[0] or "postgres"
    return _url(owner, name)


def restore_check() -> int:
    source_url, copy_url = _fresh(SOURCE), _fresh(COPY)
    instance = Path(tempfile.mkdtemp(prefix="finsam-backup-"))
    env = {**os.environ, "DATABASE_URL": source_url, "MIGRATION_DATABASE_URL": source_url,
           "FINSAM_INSTANCE_DIR": str(instance), "APP_DB_ROLE": "finsam_backup_app"}
    flask = [sys.executable, "-m", "flask", "--app", "finsam_saas"]
    try:
        for command in (["db", "upgrade"], ["tenants", "sync"], ["demo"]):
            subprocess.run(flask + command, env=env, cwd=PROJECT, check=True, capture_output=True)
        archive = instance / "finsam.dump"
        dump(source_url, archive)
        restore(archive, copy_url)
        before, after = fingerprint(source_url), fingerprint(copy_url)
    finally:
        drop_database(SOURCE)
        drop_database(COPY)
    differing = sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))
    emit("restore_check", tables=len(before), rows=sum(n for n, _ in before.values()), differing=differing)
    return 1 if differing or not before else 0


def backup() -> int:
    url = os.environ.get("MIGRATION_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        print("Sätt DATABASE_URL (eller MIGRATION_DATABASE_URL) till PostgreSQL-databasen som ska säkerhetskopieras.",
              file=sys.stderr)
        return 2
    target = PROJECT / "backups" / f"finsam-{datetime.now():%Y%m%d-%H%M%S}.dump"
    dump(url, target)
    emit("backup", file=str(target), bytes=target.stat().st_size)
    return 0


if __name__ == "__main__":
    sys.exit(restore_check() if sys.argv[1:] == ["restore-check"] else backup())
