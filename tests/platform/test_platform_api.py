"""The fixed platform part of the API (API.md) and the OpenAPI document."""
from support import TENANT_A, TENANT_B, make_token


def _get(app, path, email="kansli.a@test.se"):
    token = make_token(app, email)
    return app.test_client().get(path, headers={"Authorization": f"Bearer {token}"})


def test_members_of_a_forbund(app):
    answer = _get(app, f"/api/v1/{TENANT_A}/members")
    assert answer.status_code == 200
    members = {m["name"]: m["kind"] for m in answer.json}
    assert members["Försäkringskassan"] == "state"
    assert members["Region Västerbotten"] == "region"
    assert members["Umeå kommun"] == "kommun"
    assert all(set(m) >= {"id", "name", "kind"} for m in answer.json)


def test_members_of_nns_are_forbund(app):
    from finsam_saas.extensions import db
    from finsam_saas.platform.models import Membership, Tenant, User
    from finsam_saas.platform.tenancy import tenant_context
    from sqlalchemy import select

    with app.app_context():
        nns = db.session.scalar(select(Tenant).where(Tenant.slug == "nns"))
        user = db.session.scalar(select(User).where(User.email == "kansli.a@test.se"))
        with tenant_context(nns.id):
            db.session.add(Membership(user_id=user.id, tenant_id=nns.id, role="lasare"))
            db.session.commit()
    answer = _get(app, "/api/v1/nns/members")
    assert answer.status_code == 200
    assert answer.json and {m["kind"] for m in answer.json} == {"forbund"}
    assert any("Umeåregionen" in m["name"] for m in answer.json)


def test_members_of_another_tenant_is_404_in_the_api_error_format(app):
    answer = _get(app, f"/api/v1/{TENANT_B}/members")
    assert answer.status_code == 404
    assert answer.json["error"]["code"] == "not_found"


def test_openapi_lists_every_api_route(app):
    spec = app.test_client().get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = spec.json["paths"]
    assert "/api/v1/me" in paths and "/api/v1/{tenant}/members" in paths
    api_rules = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1")}
    assert len(paths) == len(api_rules)
    assert spec.json["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
