"""The OpenAPI document of /api/v1, made from the routes themselves.

Every API route appears with its path parameters and methods, its summary from
the view's docstring, and the error format of API.md. A view may add details
(a request body schema, responses) with the `documented` decorator.
"""
from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

_PARAM = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")
_TYPES = {"int": "integer", "float": "number"}

ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object"},
            },
            "required": ["code", "message"],
        }
    },
}


def documented(**operation):
    """Attach OpenAPI details to a view: requestBody=SchemaClass, responses={...}."""
    def decorator(view):
        view.__openapi__ = operation
        return view
    return decorator


def _operation(view, method: str, params: list[dict], public: bool) -> dict:
    doc = (view.__doc__ or "").strip()
    details = dict(getattr(view, "__openapi__", {}))
    request_schema = details.pop("requestBody", None)
    operation = {
        "summary": doc.splitlines()[0] if doc else view.__name__.replace("_", " "),
        "operationId": f"{method}_{view.__module__.split('.')[-2]}_{view.__name__}",
        "parameters": params,
        "responses": {
            "200": {"description": "OK"},
            "400": {"$ref": "#/components/responses/Error"},
            "401": {"$ref": "#/components/responses/Error"},
            "403": {"$ref": "#/components/responses/Error"},
            "404": {"$ref": "#/components/responses/Error"},
            "409": {"$ref": "#/components/responses/Error"},
        },
    }
    if public:
        operation["security"] = []
    if request_schema is not None and method in ("post", "put", "patch"):
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": request_schema}}}
    operation["responses"].update(details.pop("responses", {}))
    operation.update(details)
    return operation


def build_spec(app) -> dict:
    spec = APISpec(
        title="finsam_saas API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Samordningsförbundens styrelsearbete. Se API.md för den fasta delen."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", ERROR)
    spec.components.response("Error", {"description": "Fel", "content": {"application/json": {"schema": "Error"}}})
    spec.options["security"] = [{"bearer": []}]
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1"):
            continue
        view = app.view_functions[rule.endpoint]
        path = _PARAM.sub(lambda m: "{" + m.group("name") + "}", rule.rule)
        params = [
            {"name": m.group("name"), "in": "path", "required": True,
             "schema": {"type": _TYPES.get(m.group("converter") or "", "string")}}
            for m in _PARAM.finditer(rule.rule)
        ]
        public = rule.endpoint.startswith("api_public.")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(view, method.lower(), params, public)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    result = spec.to_dict()
    result["security"] = [{"bearer": []}]
    return result
