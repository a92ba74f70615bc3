"""Blueprints that are safe by default.

Every page under /t/<tenant>/ and every endpoint under /api/v1/<tenant>/ comes
from `tenant_blueprint` or `api_blueprint`: before any handler runs, the tenant
is resolved from the URL, the caller's membership is checked (404 when there is
none, as if the tenant did not exist), and the tenant and actor are put in
context for the ORM wall. Handlers never look at the slug themselves.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.platform.models import Tenant
from finsam_saas.platform.tenancy import Actor, set_actor, set_tenant, tenant_context


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    action: str  # the permission that shows it
    tenant_kinds: tuple[str, ...] = ()  # shown only in tenants of these kinds; all when empty

    def shown_in(self, tenant) -> bool:
        return not self.tenant_kinds or tenant.kind in self.tenant_kinds


# Modules add their navigation here: (module label, [NavItem]).
NAVIGATION: list[tuple[str, list[NavItem]]] = []


def register_navigation(module_label: str, items: list[NavItem]) -> None:
    NAVIGATION.append((module_label, items))


# Modules that let people in who hold no membership of a tenant (NNS admits the
# kansli of its member förbund): fn(tenant, user) -> a membership-like object or None.
GUEST_ADMISSIONS: list = []


def register_guest_admission(admit) -> None:
    GUEST_ADMISSIONS.append(admit)


# Where a user lands after login when a module knows better than the tenant list:
# fn(user) -> URL or None.
LANDINGS: list = []


def register_landing(landing) -> None:
    LANDINGS.append(landing)


# A tenant's start page for someone admitted without the tenant's own pages (an ombud or invited
# contact in NNS): fn() -> URL of the page that is theirs, or None.
GUEST_STARTS: list = []


def register_guest_start(start) -> None:
    GUEST_STARTS.append(start)


def guest_start() -> str | None:
    return next((url for start in GUEST_STARTS if (url := start()) is not None), None)


@dataclass(frozen=True)
class StartItem:
    """Something the start page shows a user: a coming meeting (`kind="meeting"`) or a thing
    waiting for them (`"todo"`, or `"late"` when a deadline has passed), as a link."""

    text: str
    url: str
    kind: str = "todo"
    order: tuple = ()


# Modules add what waits for a member on the tenant's start page: fn(user, membership) -> [StartItem].
START_ITEMS: list = []


def register_start_items(provider) -> None:
    START_ITEMS.append(provider)


def start_items(user, membership) -> list[StartItem]:
    return [item for provider in START_ITEMS for item in provider(user, membership)]


# Boxes a module adds to a tenant's start page, above its lists (NNS: the medlemsmöten where one
# is ombud, with the way to the vote): fn(user, membership) -> rendered HTML (Markup) or None.
START_PANELS: list = []


def register_start_panel(panel) -> None:
    START_PANELS.append(panel)


def start_panels(user, membership) -> list:
    return [html for panel in START_PANELS if (html := panel(user, membership))]


def _pull_tenant(endpoint, values):
    g.tenant_slug = values.pop("tenant", None) if values else None


def _push_tenant(endpoint, values):
    if "tenant" not in values and g.get("tenant") is not None:
        values["tenant"] = g.tenant.slug


def _enter_tenant(user) -> None:
    # The user's memberships come loaded with their tenants: a member costs no query here.
    membership = next((m for m in user.memberships if m.tenant.slug == g.tenant_slug), None) if user else None
    tenant = membership.tenant if membership else db.session.scalar(select(Tenant).where(Tenant.slug == g.tenant_slug))
    if membership is None and tenant is not None and user is not None:
        with tenant_context(tenant.id):
            membership = next(filter(None, (admit(tenant, user) for admit in GUEST_ADMISSIONS)), None)
    if membership is None:
        abort(404)
    g.tenant, g.membership = tenant, membership
    g._tenant_token = set_tenant(tenant.id)
    g._actor_token = set_actor(Actor(user.id, user.email))


def _html_membership_required():
    if not current_user.is_authenticated:
        return redirect(url_for("platform.login", next=request.full_path))
    _enter_tenant(current_user)
    from finsam_saas.platform.mfa import gate  # a tenant requiring a second factor sends its admins to set it up

    return gate(current_user, g.membership)


def tenant_blueprint(name: str, import_name: str, url_prefix: str = "") -> Blueprint:
    blueprint = Blueprint(name, import_name, url_prefix=f"/t/<tenant>{url_prefix}")
    blueprint.url_value_preprocessor(_pull_tenant)
    blueprint.url_defaults(_push_tenant)
    blueprint.before_request(_html_membership_required)
    return blueprint


def _fix_tenant(slug: str):
    def pull(endpoint, values):
        g.tenant_slug = slug
    return pull


def fixed_tenant_blueprint(name: str, import_name: str, slug: str, url_prefix: str = "") -> Blueprint:
    """Pages of one named tenant (NNS's own functions), safe by default like tenant_blueprint."""
    blueprint = Blueprint(name, import_name, url_prefix=f"/t/{slug}{url_prefix}")
    blueprint.url_value_preprocessor(_fix_tenant(slug))
    blueprint.before_request(_html_membership_required)
    return blueprint


def public_tenant_blueprint(name: str, import_name: str, url_prefix: str = "") -> Blueprint:
    """Pages of a tenant that anyone may read (the anslagstavla): tenant in context, no login."""
    blueprint = Blueprint(name, import_name, url_prefix=f"/t/<tenant>{url_prefix}")
    blueprint.url_value_preprocessor(_pull_tenant)
    blueprint.url_defaults(_push_tenant)

    @blueprint.before_request
    def _enter_public_tenant():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == g.tenant_slug))
        if tenant is None:
            abort(404)
        g.tenant, g.membership = tenant, None
        g._tenant_token = set_tenant(tenant.id)

    return blueprint


def bearer_user():
    """The user of the request's bearer token, or None."""
    from finsam_saas.platform.auth import user_for_token

    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return user_for_token(token.strip())


def api_error(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def _api_user_required():
    user = bearer_user()
    if user is None:
        return api_error(401, "unauthorized", "En giltig API-nyckel krävs (Authorization: Bearer …).")
    g.api_user = user
    g._actor_token = set_actor(Actor(user.id, user.email))
    return None


def _api_membership_required():
    refused = _api_user_required()
    if refused is not None:
        return refused
    _enter_tenant(g.api_user)
    return None


def api_blueprint(name: str, import_name: str, tenant: bool = True, slug: str | None = None) -> Blueprint:
    """The API of every tenant (/api/v1/<tenant>), of one named tenant (slug), or of none."""
    prefix = f"/api/v1/{slug}" if slug else "/api/v1/<tenant>" if tenant else "/api/v1"
    blueprint = Blueprint(name, import_name, url_prefix=prefix)
    if slug:
        blueprint.url_value_preprocessor(_fix_tenant(slug))
        blueprint.before_request(_api_membership_required)
    elif tenant:
        blueprint.url_value_preprocessor(_pull_tenant)
        blueprint.url_defaults(_push_tenant)
        blueprint.before_request(_api_membership_required)
    else:
        blueprint.before_request(_api_user_required)
    return blueprint


def get_or_404(model, object_id: int, *options):
    """A tenant-owned object of the current tenant, or 404; options load what the page shows with it."""
    obj = db.session.get(model, object_id, options=options)
    if obj is None:
        abort(404)
    return obj


def confirm_page(**confirm):
    """The page that says what an irreversible step will do before it does (templates/confirm.html
    names the keys: title, lead, lines, action, button, back, fields, hidden, people, blocked)."""
    return render_template("confirm.html", confirm=confirm, form=request.form if request.method == "POST" else {},
                           errors={})
