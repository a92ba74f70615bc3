"""Joint projects in the API: what partners see (hours without a rate are null, ej värderade), the
owner's edits (all or nothing, fields named), 403 for a partner and 404 for a förbund outside."""
from datetime import date

from sqlalchemy import select

from finsam_saas.analysis import projects
from finsam_saas.analysis.models import Project
from finsam_saas.extensions import db
from finsam_saas.platform.models import Tenant

from support import TENANT_A, TENANT_B, ApiClient, add_user, in_tenant


def _project(app, *, rate=None) -> dict:
    """Skellefteå–Norsjö's project with Umeåregionen as partner; 0,5 hours logged by Umeåregionen."""
    with in_tenant(app, TENANT_B) as owner:
        umea = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT_A))
        project = projects.create_project(owner, name="Gemensam analys", start=date(2024, 1, 1), end=date(2025, 12, 31),
                                          budget=600_000, hour_value=rate)
        partner = projects.add_partner(project, name="", tenant=umea)
        projects.log_hours(project, partner, person="Analytiker", month=date(2024, 3, 1), hours=0.5, by="test")
        db.session.commit()
        return {"id": project.id, "umea": partner.id}


def _outsider_api(app) -> ApiClient:
    add_user(app, "kansli.c@test.se", "uppsala-lan", "kansli", "Uppsala")
    return ApiClient(app, "kansli.c@test.se", "uppsala-lan")


def test_partners_read_the_project_and_unrated_hours_are_null(any_app):
    made = _project(any_app)
    umea = ApiClient(any_app, "kansli.a@test.se", TENANT_A)
    listed = umea.get("/projects")
    assert listed.status_code == 200 and [p["name"] for p in listed.json] == ["Gemensam analys"]
    answer = umea.get(f"/projects/{made['id']}")
    assert answer.status_code == 200 and answer.json["hour_value"] is None and answer.json["is_owner"] is False
    row = next(r for r in answer.json["report"]["partners"] if r["partner_id"] == made["umea"])
    assert (row["hours"], row["hours_value"], row["hours_valued"], row["given"]) == (0.5, None, False, None)
    assert answer.json["report"]["totals"]["hours_value"] is None


def test_the_owner_patches_and_a_partner_gets_403(any_app):
    made = _project(any_app)
    owner = ApiClient(any_app, "kansli.b@test.se", TENANT_B)
    answer = owner.patch(f"/projects/{made['id']}", json={"hour_value": 1, "budget": 700_000})
    assert answer.status_code == 200 and answer.json["hour_value"] == 1 and answer.json["budget"] == 700_000
    row = next(r for r in answer.json["report"]["partners"] if r["partner_id"] == made["umea"])
    assert row["hours_value"] == 1  # 0,5 h × 1 kr, half up
    partner = ApiClient(any_app, "kansli.a@test.se", TENANT_A)
    refused = partner.patch(f"/projects/{made['id']}", json={"hour_value": 900})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "not_owner"
    # The owner sets Umeåregionen's pledge; Umeåregionen its own; neither for a project it is not in.
    assert owner.put(f"/projects/{made['id']}/pledges",
                     json={"partner_id": made["umea"], "year": 2024, "cash": 150_000, "in_kind": 0}).status_code == 200
    answer = partner.put(f"/projects/{made['id']}/pledges",
                         json={"partner_id": made["umea"], "year": 2025, "cash": 150_000, "in_kind": 10})
    pledges = next(p for p in answer.json["partners"] if p["id"] == made["umea"])["pledges"]
    assert pledges == [{"year": 2024, "cash": 150_000, "in_kind": 0}, {"year": 2025, "cash": 150_000, "in_kind": 10}]
    removed = owner.patch(f"/projects/{made['id']}", json={"hour_value": None})
    assert removed.json["hour_value"] is None


def test_a_wrong_patch_names_the_field_and_writes_nothing(any_app):
    made = _project(any_app, rate=500)
    owner = ApiClient(any_app, "kansli.b@test.se", TENANT_B)
    answer = owner.patch(f"/projects/{made['id']}", json={"name": "Nytt", "end": "2023-06-30", "hour_value": 0})
    assert answer.status_code == 400
    assert set(answer.json["error"]["fields"]) == {"end", "hour_value"}
    answer = owner.patch(f"/projects/{made['id']}", json={"name": "Nytt", "end": "2024-02-29"})
    assert answer.status_code == 409 and answer.json["error"]["code"] == "records_outside"
    assert "2024-03" in answer.json["error"]["message"]
    assert owner.patch(f"/projects/{made['id']}", json={"rate": 5}).status_code == 400
    with any_app.app_context():
        project = db.session.get(Project, made["id"])
        assert (project.name, project.end, project.rate) == ("Gemensam analys", date(2025, 12, 31), 500)


def test_a_forbund_outside_the_project_gets_404_and_sees_it_nowhere(any_app):
    made = _project(any_app)
    outsider = _outsider_api(any_app)
    assert outsider.get(f"/projects/{made['id']}").status_code == 404
    assert outsider.patch(f"/projects/{made['id']}", json={"name": "Intrång"}).status_code == 404
    assert outsider.put(f"/projects/{made['id']}/pledges",
                        json={"partner_id": made["umea"], "year": 2024, "cash": 1, "in_kind": 0}).status_code == 404
    assert outsider.get("/projects").json == []
    # A's token on B's URL: not a member there.
    assert ApiClient(any_app, "kansli.a@test.se", TENANT_B).get(f"/projects/{made['id']}").status_code == 404
    with any_app.app_context():
        assert db.session.get(Project, made["id"]).name == "Gemensam analys"
