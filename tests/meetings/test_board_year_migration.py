"""Migration 0017 on data made before it: existing agendas get their three parts (the leading
formalities open, the trailing ones close), and who received a kallelse stays recorded."""
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import text

from finsam_saas import create_app
from finsam_saas.extensions import db

from support import PROJECT, app_config

ITEMS = [("Mötets öppnande", "formalia"), ("Val av justerare", "formalia"), ("Budget", "beslut"),
         ("Lägesrapport", "information"), ("Övriga frågor", "formalia"), ("Mötets avslutande", "formalia")]


def _old_data(connection) -> None:
    connection.execute(text("INSERT INTO tenants (id, slug, name, short_name, kind, settings) "
                            "VALUES (1, 't', 'T', 'T', 'forbund', '{}')"))
    connection.execute(text("INSERT INTO bodies (tenant_id, id, slug, name, kind, ordinarie_seats, position, active) "
                            "VALUES (1, 1, 'styrelse', 'Styrelse', 'styrelse', 5, 0, true)"))
    connection.execute(text("INSERT INTO meetings (tenant_id, id, body_id, date, place, theme) "
                            "VALUES (1, 1, 1, '2020-11-27', '', '')"))
    for number, (title, kind) in enumerate(ITEMS, start=1):
        connection.execute(text(
            "INSERT INTO agenda_items (tenant_id, id, meeting_id, number, title, kind, presenter, description, proposal, "
            "standing, confidential) VALUES (1, :id, 1, :n, :t, :k, '', '', '', false, false)"),
            {"id": number, "n": number, "t": title, "k": kind})
    connection.execute(text(
        "INSERT INTO notice_deliveries (tenant_id, id, meeting_id, recipient, email, files, message_id, sent_at) "
        "VALUES (1, 1, 1, 'Peter Vigren', 'Peter.Vigren@umea.se', '[\"kallelse.pdf\"]', '<m@x>', '2020-11-23 08:00:00')"))


def _check(connection) -> None:
    rows = connection.execute(text("SELECT title, placement FROM agenda_items ORDER BY number")).all()
    assert [r.placement for r in rows] == ["open", "open", "main", "main", "close", "close"]
    delivery = connection.execute(text("SELECT batch, address, recipient, state FROM deliveries")).one()
    assert tuple(delivery) == ("meeting:1:kallelse", "peter.vigren@umea.se", "Peter Vigren", "sent")


def _migrate(app, postgres: bool) -> None:
    with app.app_context():
        flask_migrate.upgrade(directory=str(PROJECT / "migrations"), revision="0016")
        engine = db.engine if not postgres else db.create_engine(app.config["MIGRATION_DATABASE_URL"])
        with engine.begin() as connection:
            _old_data(connection)
        flask_migrate.upgrade(directory=str(PROJECT / "migrations"))
        with engine.connect() as connection:
            _check(connection)
        db.session.remove()
        for made in {engine, db.engine}:
            made.dispose()


def test_migration_on_sqlite(tmp_path: Path):
    _migrate(create_app(app_config(f"sqlite:///{tmp_path / 'old.db'}", tmp_path)), postgres=False)


@pytest.mark.postgres
def test_migration_on_postgresql(postgres, tmp_path: Path):
    name = postgres.empty_database()
    try:
        _migrate(create_app(postgres.config(name)), postgres=True)
    finally:
        postgres.drop_database(name)
