"""Error pages in Swedish, and the API's error format (API.md)."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException

from finsam_saas.extensions import db
from finsam_saas.platform.files import DamagedFile
from finsam_saas.platform.rules import DomainError
from finsam_saas.platform.web import api_error

MESSAGES = {
    400: ("Felaktig begäran", "Uppgifterna kunde inte tas emot."),
    401: ("Inloggning krävs", "Du behöver logga in."),
    403: ("Behörighet saknas", "Din roll i organisationen får inte göra detta."),
    404: ("Sidan finns inte", "Sidan finns inte, eller så har du inte tillgång till den."),
    405: ("Metoden stöds inte", "Adressen tar inte emot den här sortens begäran."),
    409: ("Ändringen är inte tillåten", "En regel hindrar ändringen."),
    413: ("Filen är för stor", "Filen är större än vad som tas emot."),
    503: ("Tjänsten är tillfälligt nere", "Databasen svarar inte just nu. Inget har sparats. Försök igen om en stund."),
    500: ("Något gick fel", "Ett oväntat fel uppstod. Inget har sparats. Försök igen, eller kontakta supporten."),
}
API_CODES = {400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found",
             405: "method_not_allowed", 409: "conflict", 413: "too_large", 500: "server_error",
             503: "unavailable"}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, message: str | None = None):
    title, default = MESSAGES.get(status, MESSAGES[500])
    if _wants_json():
        return api_error(status, API_CODES.get(status, "error"), message or default)
    return render_template("error.html", status=status, title=title, message=message or default), status


def register(app) -> None:
    from finsam_saas.platform import contract

    # The input contract (platform/contract.py): clean form text, bounded JSON bodies, and every
    # row's text checked against its column before a flush, whichever path wrote it.
    contract.init_app(app)

    @app.errorhandler(DomainError)
    def _domain(error):
        db.session.rollback()
        if _wants_json():
            return api_error(error.status, error.code, error.message, error.fields)
        title, _ = MESSAGES[error.status]
        return render_template("error.html", status=error.status, title=title, message=error.message,
                               fields=error.fields), error.status

    @app.errorhandler(DamagedFile)
    def _damaged(error):
        # Never served: the stored original no longer is what was stored (logged where it was read).
        db.session.rollback()
        message = "Filen är skadad: den stämmer inte längre med kontrollsumman från när den sparades, och visas därför inte. "
        message += ("Kansliet ser vilka filer som är skadade under Arkivkontroll och kan återställa dem från "
                    "säkerhetskopian." if current_user.is_authenticated else
                    "Kontakta förbundets kansli för att få handlingen.")
        if _wants_json():
            return api_error(500, "damaged_file", message)
        return render_template("error.html", status=500, title="Filen är skadad", message=message), 500

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_error(400, "Formuläret hade gått ut eller saknade säkerhetskod (CSRF). Ladda om sidan och försök igen.")

    @app.errorhandler(HTTPException)
    def _http(error):
        message = error.description if error.description and error.code in (400, 409) else None
        return render_error(error.code or 500, message)

    @app.errorhandler(DataError)
    def _unfit_value(error):
        # A value the database will not hold (too long for its column, out of range) that
        # no check caught earlier: the input's fault, so 400, and nothing is kept.
        db.session.rollback()
        app.logger.warning("Värde som databasen inte tar emot: %s", error.orig)
        return render_error(400, "Ett värde är för långt eller för stort för att sparas. Inget har sparats.")

    @app.errorhandler(OperationalError)
    def _database_away(error):
        # PostgreSQL restarting or unreachable: say so, and let the pool reconnect on the next request.
        db.session.rollback()
        app.logger.error("Databasen nås inte: %s", error.orig)
        response = app.make_response(render_error(503))
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def _unexpected(error):
        if app.testing:
            raise error
        db.session.rollback()
        app.logger.exception("Oväntat fel")
        return render_error(500)
