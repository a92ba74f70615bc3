"""How a request's transaction ends: one that only read is committed (the driver keeps its
prepared statements), anything that wrote and was not committed by the handler is rolled back."""
from flask import abort
from sqlalchemy import func, select, text

from finsam_saas.extensions import db
from finsam_saas.organisation.models import Member
from finsam_saas.platform.models import Tenant
from finsam_saas.platform.tenancy import tenant_context
from tests.support import TENANT_A, in_tenant


def _routes(app):
    """Three handlers of the shapes that matter: reads, writes and fails, changes and fails."""
    def tenant_a():
        return db.session.scalar(select(Tenant.id).where(Tenant.slug == TENANT_A))

    @app.get("/_test/read")
    def read():
        with tenant_context(tenant_a()):
            return {"members": db.session.scalar(select(func.count()).select_from(Member))}

    @app.post("/_test/flush-then-fail")
    def flush_then_fail():
        with tenant_context(tenant_a()):
            db.session.add(Member(name="Halvskriven kommun", kind="kommun"))
            db.session.flush()
            abort(409)

    @app.post("/_test/change-then-fail")
    def change_then_fail():
        with tenant_context(tenant_a()):
            member = db.session.scalars(select(Member).order_by(Member.id)).first()
            member.name = "Ändrad men aldrig sparad"
            abort(409)


def _names(app) -> set[str]:
    with in_tenant(app, TENANT_A):
        return set(db.session.scalars(select(Member.name)))


def test_a_failed_request_that_wrote_leaves_nothing_behind(any_app):
    _routes(any_app)
    before = _names(any_app)
    client = any_app.test_client()
    assert client.post("/_test/flush-then-fail").status_code == 409
    assert client.post("/_test/change-then-fail").status_code == 409
    assert _names(any_app) == before
    assert client.get("/_test/read").get_json() == {"members": len(before)}


def test_reading_requests_keep_the_prepared_statements(pg_app):
    # psycopg prepares a statement at its fifth execution on a connection and forgets them all at
    # a ROLLBACK: were reading requests rolled back, nothing would ever stay prepared.
    _routes(pg_app)
    client = pg_app.test_client()
    for _ in range(8):
        assert client.get("/_test/read").status_code == 200
    with pg_app.app_context():
        prepared = db.session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
    assert any("members" in statement for statement in prepared), prepared
    assert client.post("/_test/flush-then-fail").status_code == 409  # rolled back: prepared ones forgotten
    with pg_app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements")) == 0
