"""Wall 1: the ORM scopes every query on tenant-owned tables to the current tenant."""
import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from finsam_saas.extensions import db
from finsam_saas.organisation.models import Body, Member, Seat
from finsam_saas.platform.models import Tenant
from finsam_saas.platform.tenancy import TenantMismatch, TenantNotSet, tenant_context

from support import TENANT_A, TENANT_B, in_tenant


def _tenant_ids(app):
    with app.app_context():
        ids = {t.slug: t.id for t in db.session.scalars(select(Tenant))}
        db.session.remove()
    return ids[TENANT_A], ids[TENANT_B]


def _add_marked_body(app, slug, marker):
    with in_tenant(app, slug):
        body = Body(slug=marker.lower(), name=marker, kind="annat")
        db.session.add(body)
        db.session.commit()
        return body.id


def test_query_without_tenant_is_refused(any_app):
    with any_app.app_context():
        with pytest.raises(TenantNotSet):
            db.session.scalars(select(Member)).all()
        with pytest.raises(TenantNotSet):
            db.session.scalar(select(func.count()).select_from(Member))
        with pytest.raises(TenantNotSet):
            db.session.get(Member, 1)


def test_write_without_tenant_is_refused(any_app):
    with any_app.app_context():
        db.session.add(Body(slug="x", name="X", kind="annat"))
        with pytest.raises(TenantNotSet):
            db.session.flush()
        db.session.rollback()


def test_select_count_and_get_are_scoped(any_app):
    id_b = _add_marked_body(any_app, TENANT_B, "MARKÖR-B")
    with in_tenant(any_app, TENANT_A):
        names = db.session.scalars(select(Body.name)).all()
        assert "MARKÖR-B" not in names and names
        assert db.session.scalar(select(func.count()).select_from(Body).where(Body.name == "MARKÖR-B")) == 0
        assert db.session.get(Body, id_b) is None
        assert db.session.get(Body, (_tenant_ids(any_app)[1], id_b)) is None


def test_joins_and_relationship_loads_are_scoped(any_app):
    _add_marked_body(any_app, TENANT_B, "MARKÖR-B")
    with in_tenant(any_app, TENANT_A) as tenant:
        rows = db.session.execute(select(Seat, Body).join(Body, Body.id == Seat.body_id)).all()
        assert rows and all(seat.tenant_id == tenant.id and body.tenant_id == tenant.id for seat, body in rows)
        bodies = db.session.scalars(select(Body).options(selectinload(Body.seats))).all()
        assert all(s.tenant_id == tenant.id for b in bodies for s in b.seats)
        seats = db.session.scalars(select(Seat).options(joinedload(Seat.appointed_by))).all()
        assert all(s.appointed_by is None or s.appointed_by.tenant_id == tenant.id for s in seats)
        # A join on id alone (no tenant_id) still cannot reach the other tenant's rows.
        leaked = db.session.scalars(select(Body.name).join(Seat, Seat.body_id == Body.id)).all()
        assert "MARKÖR-B" not in leaked


def test_bulk_update_and_delete_are_scoped(any_app):
    _add_marked_body(any_app, TENANT_B, "MARKÖR-B")
    with in_tenant(any_app, TENANT_A):
        db.session.execute(update(Body).values(name="ÄNDRAD"))
        db.session.execute(delete(Seat))
        db.session.commit()
    with in_tenant(any_app, TENANT_B):
        names = db.session.scalars(select(Body.name)).all()
        assert "MARKÖR-B" in names and "ÄNDRAD" not in names
        assert db.session.scalar(select(func.count()).select_from(Seat)) > 0


def test_reused_session_after_tenant_switch_forgets_the_old_tenant(any_app):
    id_a = _add_marked_body(any_app, TENANT_A, "MARKÖR-A")
    ids = _tenant_ids(any_app)
    with any_app.app_context():
        with tenant_context(ids[0]):
            body = db.session.get(Body, id_a)
            assert body.name == "MARKÖR-A"
        with tenant_context(ids[1]):
            assert db.session.get(Body, id_a) is None
            assert body not in db.session
            assert "MARKÖR-A" not in db.session.scalars(select(Body.name)).all()


def test_row_of_another_tenant_is_refused_at_flush(any_app):
    ids = _tenant_ids(any_app)
    with in_tenant(any_app, TENANT_A):
        db.session.add(Body(tenant_id=ids[1], slug="fel", name="Fel", kind="annat"))
        with pytest.raises(TenantMismatch):
            db.session.flush()
        db.session.rollback()


def test_new_rows_are_stamped_with_the_current_tenant(any_app):
    ids = _tenant_ids(any_app)
    with in_tenant(any_app, TENANT_B):
        body = Body(slug="ny", name="Nytt organ", kind="annat")
        db.session.add(body)
        db.session.commit()
        assert body.tenant_id == ids[1]


def test_switching_tenant_forgets_objects_whose_relations_cascade(any_app):
    """A body loaded with its seats: forgetting the body takes the seats with it, and the switch still works."""
    a, b = _tenant_ids(any_app)
    with any_app.app_context():
        with tenant_context(a):
            bodies = db.session.scalars(select(Body).options(selectinload(Body.seats))).all()
            assert bodies and any(body.seats for body in bodies)
        with tenant_context(b):
            names = db.session.scalars(select(Body.name)).all()
            assert names
            assert not any(isinstance(o, (Body, Seat)) and o.tenant_id == a for o in db.session.identity_map.values())
        db.session.remove()
