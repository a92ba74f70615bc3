"""Reading posted form fields into Python values, with Swedish errors that name the field,
and the ways a form's handler ends: act (commit, or undo and say why), a job's page, an import.

Used by the modules' page handlers; each raises InvalidInput, which the handler
turns into a flash message and a redirect back (nothing is saved).

Posted text arrives clean (platform/contract.CleanFormData: no bidi or control characters but
tab and newline); `text(name, column)` also holds it to its column's length, as every flush does
for whatever a handler writes (contract.check_row_text).
"""
from __future__ import annotations

import re
from datetime import date, time
from urllib.parse import urlsplit

from flask import abort, flash, g, redirect, request, url_for

from finsam_saas.extensions import db
from finsam_saas.platform import contract
from finsam_saas.platform.forms import EmptyForm
from finsam_saas.platform.jobs import enqueue_for_tenant
from finsam_saas.platform.models import Job
from finsam_saas.platform.rules import DomainError, InvalidInput


def require_csrf() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400, "Formuläret saknade säkerhetskod (CSRF). Ladda om sidan och försök igen.")


def _sentence(label: str) -> str:
    """The label at the start of a sentence: "från § för Mikael Broman" → "Från § för Mikael Broman"."""
    return label[:1].upper() + label[1:]


def text(name: str, column=None, label: str | None = None) -> str:
    """The posted field `name`, stripped ("" when absent). With `column` (Meeting.place) it must fit
    the column (contract.max_length): InvalidInput naming the field (as `label`) otherwise."""
    value = (request.form.get(name) or "").strip()
    if column is not None:
        contract.check_text(value, field=name, label=label or contract.label_of(column, name),
                            limit=contract.max_length(column))
    return value


def lines(name: str, column=None, label: str | None = None) -> list[str]:
    """The posted field's non-empty lines, stripped; with `column`, each must fit it (as text())."""
    found = [line.strip() for line in (request.form.get(name) or "").splitlines() if line.strip()]
    if column is not None:
        for line in found:
            contract.check_text(line, field=name, label=label or contract.label_of(column, name),
                                limit=contract.max_length(column))
    return found


def date_field(name: str, label: str, required: bool = True) -> date | None:
    value = text(name)
    if not value:
        if required:
            raise InvalidInput(f"Ange {label}.", {name: "saknas"})
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{_sentence(label)} ska skrivas ÅÅÅÅ-MM-DD, inte \"{value}\".", {name: "ogiltigt datum"})


TIME = re.compile(r"^(\d{1,2})(?:[.:](\d{2})|(\d{2}))?$")


def time_field(name: str, label: str) -> time | None:
    """A time of day as people type it: 08.30, 8.30, 08:30, 0830 or 8."""
    value = text(name)
    if not value:
        return None
    match = TIME.match(value)
    hour, minute = (int(match[1]), int(match[2] or match[3] or 0)) if match else (99, 99)
    if hour > 23 or minute > 59:
        raise InvalidInput(f"{_sentence(label)} ska skrivas som 08.30, inte \"{value}\".", {name: "ogiltig tid"})
    return time(hour, minute)


# No figure of a förbund comes near a thousand billion kronor; beyond it a number is a typing slip
# (and past 2^63 neither database can store it).
LARGEST = 999_999_999_999


def int_field(name: str, label: str, required: bool = True, allow_negative: bool = False) -> int | None:
    """An integer of at most twelve digits; spaces between thousands ("1 285 000") are accepted.
    Raises InvalidInput naming the field."""
    value = text(name).replace(" ", "").replace("\u00a0", "")
    if not value:
        if required:
            raise InvalidInput(f"Ange {label}.", {name: "saknas"})
        return None
    try:
        number = int(value)
    except ValueError:
        raise InvalidInput(f"{_sentence(label)} ska vara ett heltal, inte \"{value}\".", {name: "inte ett heltal"})
    if number < 0 and not allow_negative:
        raise InvalidInput(f"{_sentence(label)} kan inte vara negativt.", {name: "negativt"})
    if abs(number) > LARGEST:
        raise InvalidInput(f"{_sentence(label)} är för stort: högst 999 999 999 999.", {name: "för stort"})
    return number


def undo(error: DomainError) -> None:
    """Undo what the request began and say why (the page shown next carries the message)."""
    db.session.rollback()
    flash(error.message, "error")


def back_with_error(error: DomainError, endpoint: str, **values):
    """Undo what the request began, say why, and go back to the page."""
    undo(error)
    return redirect(url_for(endpoint, **values))


def act(success: str, endpoint: str, action, *, then=None, **values):
    """Run a form's action: commit and say so, or undo, say why, and go back to the page.

    `then(result)` gives the page to go to after success instead (the object just made)."""
    require_csrf()
    try:
        result = action()
        db.session.commit()
    except DomainError as error:
        return back_with_error(error, endpoint, **values)
    flash(success, "success")
    return redirect(then(result) if then else url_for(endpoint, **values))


def job_page(func, *, title: str, back: str | None = None, **kwargs):
    """Start a job for the current tenant and go to its page, where its progress shows, with a way
    back (`back`, or the page the job was started from)."""
    # The title often quotes what the user named (a round's title): cut to what the column holds.
    job = enqueue_for_tenant(func, title=title[:contract.max_length(Job.title)], **kwargs)
    if back is None and request.referrer:
        came = urlsplit(request.referrer)
        back = came.path + (f"?{came.query}" if came.query else "") if came.netloc == request.host else None
    return redirect(url_for("tenant.job", job_id=job.id, tillbaka=back))


def import_job(func, *, title: str, back: str, back_values: dict | None = None, **job_kwargs):
    """An uploaded CSV or XLSX file, kept in the tenant's files and read by a job (the whole file or
    nothing): `func(job, path=…, filename=…, **job_kwargs)`, its title "<title> från <file>".

    Before anything is stored the file must be there, be named .csv or .xlsx and be at most
    IMPORT_MAX_BYTES (platform/tables.py); otherwise the form's page `back` (with `back_values`)
    says why. The name is made safe (platform/files.safe_filename) before it is stored or shown;
    the job bounds rows, columns and cells while it reads."""
    from finsam_saas.platform.files import safe_filename, store_upload
    from finsam_saas.platform.tables import check_import_size, import_limit

    require_csrf()
    values = back_values or {}
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return back_with_error(InvalidInput("Välj en CSV- eller XLSX-fil.", {"file": "saknas"}), back, **values)
    name = safe_filename(upload.filename)
    if not name.lower().endswith((".csv", ".xlsx")):
        return back_with_error(InvalidInput(f"\"{name}\" är varken CSV eller XLSX.", {"file": "fel filtyp"}), back, **values)
    try:
        content = upload.read(import_limit("IMPORT_MAX_BYTES") + 1)  # a byte past the bound tells a larger file
        check_import_size(content, name)
    except InvalidInput as error:
        return back_with_error(error, back, **values)
    relative = store_upload(g.tenant.slug, "imports", content, name)
    return job_page(func, title=f"{title} från {name}"[:200], back=url_for(back, **values) if back_values else None,
                    path=relative, filename=name, **job_kwargs)

