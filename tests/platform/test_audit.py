"""The audit log: every change, who and when, before and after, per tenant."""
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.organisation.models import Body
from finsam_saas.platform.models import AuditEntry
from finsam_saas.platform.tenancy import Actor, acting_as

from support import TENANT_A, TENANT_B, in_tenant, login


def test_create_update_delete_are_logged_with_actor_and_values(any_app):
    with in_tenant(any_app, TENANT_A) as tenant, acting_as(Actor(7, "kansli.a@test.se")):
        tenant_id = tenant.id
        body = Body(slug="au", name="Arbetsutskott X", kind="au")
        db.session.add(body)
        db.session.commit()
        body.name = "Arbetsutskott Y"
        db.session.commit()
        db.session.delete(body)
        db.session.commit()
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "Body", AuditEntry.object_id == str(body.id))
            .order_by(AuditEntry.id)
        ).all()
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert all(e.actor == "kansli.a@test.se" and e.actor_id == 7 and e.tenant_id == tenant_id for e in entries)
    assert entries[0].before is None and entries[0].after["name"] == "Arbetsutskott X"
    assert entries[1].before == {"name": "Arbetsutskott X"} and entries[1].after == {"name": "Arbetsutskott Y"}
    assert entries[2].before["name"] == "Arbetsutskott Y" and entries[2].after is None


def test_audit_entries_stay_in_their_tenant(any_app):
    with in_tenant(any_app, TENANT_B):
        db.session.add(Body(slug="hemligt", name="B-HEMLIGT ORGAN", kind="annat"))
        db.session.commit()
    client = any_app.test_client()
    login(client, "admin.a@test.se")
    page = client.get(f"/t/{TENANT_A}/logg").get_data(as_text=True)
    assert "B-HEMLIGT" not in page
    with in_tenant(any_app, TENANT_A):
        assert not db.session.scalars(select(AuditEntry).where(AuditEntry.after.is_not(None))).all() or all(
            "B-HEMLIGT" not in str(e.after) for e in db.session.scalars(select(AuditEntry)))


def test_membership_changes_are_logged_in_the_tenant(app):
    result = app.test_cli_runner().invoke(args=["users", "grant", "kansli.b@test.se", TENANT_A, "lasare"])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    login(client, "revisor.a@test.se")
    page = client.get(f"/t/{TENANT_A}/logg?typ=Membership").get_data(as_text=True)
    assert "Skapade Membership" in page and "lasare" in page and "cli: users grant" in page
