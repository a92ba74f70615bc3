"""finsam_saas: board work for samordningsförbund and NNS."""
from __future__ import annotations

from flask import Flask, g, request

from finsam_saas.config import INSTANCE_DIR, PROJECT_DIR, Config, secret_key_for


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_DIR / "templates"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(Config())
    if config:
        app.config.update(config)
    app.config["SECRET_KEY"] = secret_key_for(app.config, app.instance_path)  # refuses a public or missing key
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database lives here
    app.json.sort_keys = False  # answers keep the order they are written in, and cost no sorting
    register_converters(app)
    register_operations(app)
    register_extensions(app)
    register_blueprints(app)
    register_request_context(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_converters(app: Flask) -> None:
    from werkzeug.routing import IntegerConverter

    class DatabaseInteger(IntegerConverter):
        """An id or year in a URL: larger than a database integer is no object of ours (404)."""

        def __init__(self, map, **kwargs):
            kwargs.setdefault("max", 2**31 - 1)
            super().__init__(map, **kwargs)

    app.url_map.converters["int"] = DatabaseInteger


def register_operations(app: Flask) -> None:
    # First: the request id is set before any other hook logs, and the engine options it sets
    # (no statement parameters in errors) are in place before the database is opened.
    from finsam_saas.platform import observability

    observability.init_app(app)  # JSON logs, /healthz, /readyz, /metrics, Sentry


def register_extensions(app: Flask) -> None:
    from finsam_saas.extensions import csrf, db, login_manager, migrate
    from finsam_saas.platform import audit, auth, formatting, ratelimit  # noqa: F401  (audit registers its listener)
    from finsam_saas.platform.session import end_reading_transaction

    db.init_app(app)

    # Registered after db.init_app, so it runs before Flask-SQLAlchemy removes the session
    # (teardowns run in reverse order).
    @app.teardown_appcontext
    def _end_reading_transaction(exc=None):
        if db.session.registry.has():  # a context that never touched the database has no session
            end_reading_transaction(db.session(), failed=exc is not None)

    migrate.init_app(app, db, directory=str(PROJECT_DIR / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "platform.login"
    login_manager.login_message = "Logga in för att se sidan."
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    ratelimit.init_app(app)  # and ProxyFix for PROXY_COUNT proxies
    auth.init_app(app)  # Cache-Control: no-store behind login
    formatting.register_filters(app)


def register_blueprints(app: Flask) -> None:
    from finsam_saas.extensions import csrf
    # Modules add their menus when their views are imported: this order is the menu's order.
    from finsam_saas.meetings import (  # noqa: F401  (locks and start register their listeners)
        api as meetings_api, locks, public as meetings_public, start as meetings_start, views as meetings_views,
    )
    from finsam_saas.insatser import api as insatser_api, start as insatser_start, views as insatser_views  # noqa: F401
    from finsam_saas.economy import api as economy_api, views as economy_views
    from finsam_saas.analysis import api as analysis_api, views as analysis_views
    from finsam_saas.organisation import api as organisation_api, views as organisation_views
    from finsam_saas.nns import api as nns_api, participation as nns_participation, views as nns_views
    from finsam_saas.platform import api as platform_api, views as platform_views

    for blueprint in (platform_views.blueprint, platform_views.tenant_pages, organisation_views.blueprint,
                      meetings_views.blueprint, meetings_public.blueprint, insatser_views.blueprint,
                      economy_views.blueprint, analysis_views.blueprint, nns_views.blueprint,
                      nns_participation.blueprint):
        app.register_blueprint(blueprint)
    for blueprint in (platform_api.public_api, platform_api.blueprint, platform_api.tenant_api,
                      organisation_api.blueprint, meetings_api.blueprint, insatser_api.blueprint,
                      economy_api.blueprint, analysis_api.blueprint, nns_api.blueprint):
        csrf.exempt(blueprint)  # the API takes bearer tokens only, never the session cookie
        app.register_blueprint(blueprint)


def register_request_context(app: Flask) -> None:
    from flask import abort, url_for

    from finsam_saas.platform.schemas import unstorable
    from finsam_saas.platform.tenancy import reset_actor, reset_tenant
    from finsam_saas.platform.web import NAVIGATION
    from finsam_saas.platform.auth import can

    @app.teardown_request
    def _leave_tenant(exc=None):
        # Context variables outlive a request on a reused worker thread.
        token = g.pop("_actor_token", None)
        if token is not None:
            reset_actor(token)
        token = g.pop("_tenant_token", None)
        if token is not None:
            reset_tenant(token)

    @app.before_request
    def _refuse_unstorable_text():
        for values in (request.args, request.form):
            bad = next((name for name, value in values.items(multi=True) if unstorable(value)), None)
            if bad is not None:
                abort(400, f"Fältet \"{bad[:60]}\" innehåller ett tecken som inte kan sparas (NUL eller ett ensamt "
                           "surrogattecken). Ta bort det och skicka igen.")

    # The menu depends only on the tenant and the role: built once per pair, not on every page.
    menus: dict[tuple[str, str], list] = {}

    def main_nav() -> list:
        key = (g.tenant.slug, g.membership.role)
        if key not in menus:
            menu = [("", [("Start", "tenant.start", url_for("tenant.start"))])] if can("tenant.view") else []
            for module_label, items in NAVIGATION:
                entries = [(item.label, item.endpoint, url_for(item.endpoint)) for item in items
                           if item.shown_in(g.tenant) and can(item.action)]
                if entries:
                    menu.append((module_label, entries))
            menus[key] = menu
        return menus[key]

    @app.context_processor
    def _shell():
        return {"navigation": NAVIGATION, "can": can, "main_nav": main_nav}

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("HSTS"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
        )
        return response


def register_errorhandlers(app: Flask) -> None:
    from finsam_saas.platform.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from finsam_saas.cli import register

    register(app)
