"""Schemathesis against /api/v1/openapi.json: whatever it sends, the API never answers 5xx.

Run as a tenant's admin on its own tenant, so the requests get past the walls into the
handlers, where bad input must end in 400/404/409, never a crash.
"""
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from support import TENANT_A, make_token


def test_the_api_never_answers_5xx(any_app):
    app = any_app
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash must come back as the 500 a client would see
    bearer = {"Authorization": f"Bearer {make_token(app, 'admin.a@test.se')}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def no_server_error(case):
            if "tenant" in (case.path_parameters or {}):
                case.path_parameters["tenant"] = TENANT_A
            case.call_and_validate(headers=bearer, checks=[not_a_server_error])

        no_server_error()
