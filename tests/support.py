"""Constants and helpers shared by the tests (the fixtures are in conftest.py)."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "losenord-123"
PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("TEST_PG_PORT", "5432")
PG_SUPERUSER = os.environ.get("TEST_PG_USER", "postgres")
REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")

# email -> [(tenant, role)]
USERS = {
    "kansli.a@test.se": [("umearegionen", "kansli")],
    "kansli.b@test.se": [("skelleftea-norsjo", "kansli")],
    "admin.a@test.se": [("umearegionen", "admin")],
    "revisor.a@test.se": [("umearegionen", "revisor")],
    "lasare.a@test.se": [("umearegionen", "lasare")],
    "ledamot.a@test.se": [("umearegionen", "ledamot")],
    "flera@test.se": [("umearegionen", "kansli"), ("skelleftea-norsjo", "kansli")],
    "sekreterare.nns@test.se": [("nns", "kansli")],
    "valberedning.nns@test.se": [("nns", "valberedning")],
}
NNS = "nns"
UMEA_MEMBER, SKELLEFTEA_MEMBER = "Samordningsförbundet Umeåregionen", "Samordningsförbundet Skellefteå–Norsjö"
TENANT_A, TENANT_B = "umearegionen", "skelleftea-norsjo"


def app_config(database_url: str, instance: Path, **extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "WTF_CSRF_ENABLED": False,
        "REDIS_URL": None,
        "RQ_QUEUE": f"finsam-test-{uuid.uuid4().hex[:8]}",  # runs side by side never share a queue
        "FILES_DIR": instance / "files",
        "OUTBOX_DIR": instance / "outbox",
        "TENANTS_DIR": Path(os.environ.get("TEST_TENANTS_DIR", PROJECT / "tenants")),
    }
    config.update(extra)
    return config



@contextmanager
def in_tenant(app, slug: str):
    """App context with the tenant of `slug` current, as a request or job has."""
    from finsam_saas.extensions import db
    from finsam_saas.platform.models import Tenant
    from finsam_saas.platform.tenancy import tenant_context
    from sqlalchemy import select

    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
        with tenant_context(tenant.id):
            yield tenant
        db.session.remove()


def add_user(app, email: str, slug: str, role: str, name: str = "") -> None:
    """A user with the test password and one membership (`role` in the tenant `slug`)."""
    from finsam_saas.extensions import db
    from finsam_saas.platform.models import Membership, Tenant, User
    from sqlalchemy import select

    with app.app_context():
        user = User(email=email, name=name or email.split("@")[0])
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.flush()
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
        db.session.add(Membership(user_id=user.id, tenant_id=tenant.id, role=role))
        db.session.commit()


def login(client, email: str, password: str = PASSWORD):
    return client.post("/logga-in", data={"email": email, "password": password})


def make_token(app, email: str) -> str:
    from finsam_saas.extensions import db
    from finsam_saas.platform.auth import issue_token
    from finsam_saas.platform.models import User
    from sqlalchemy import select

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        token = issue_token(user, "test")
        db.session.commit()
        db.session.remove()
    return token


class ApiClient:
    """Calls /api/v1/<tenant>/… with a fresh bearer token: `api.get("/meetings")`."""

    def __init__(self, app, email: str = "kansli.a@test.se", tenant: str = TENANT_A):
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {make_token(app, email)}"}
        self.prefix = f"/api/v1/{tenant}"

    def __getattr__(self, method):
        def call(path, **kwargs):
            return getattr(self.client, method)(self.prefix + path, headers=self.headers, **kwargs)
        return call


@contextmanager
def serving(app):
    """The app on a real threaded HTTP server on loopback; yields its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@contextmanager
def counted_queries(app):
    """Count the SQL statements the app sends while the block runs: yields a list that fills up."""
    from sqlalchemy import event

    from finsam_saas.extensions import db

    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def board_of(body, marker: str = "", at_least: int = 3) -> list[str]:
    """The body's ordinarie ledamöter in the register, filled up with named ones where it has fewer
    (Skellefteå–Norsjö's file names one): the attendance a protokoll can be started with."""
    from finsam_saas.organisation import services as organisation

    board = [s.person for s in body.seats if s.seat == "ordinarie" and s.active]
    for n in range(len(board), at_least):
        board.append(organisation.add_seat(body, person=f"Ledamot {n + 1} {marker}".strip(), seat="ordinarie",
                                           appointed_by=None, email=None, phone=None, role=None, substitute_order=None,
                                           term_start=None, term_end=None).person)
    return board


def pdf_file(pages: int = 1) -> bytes:
    """A real PDF of `pages` blank A4 pages (a bilaga must be one that pypdf opens)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
