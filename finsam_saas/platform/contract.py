"""The input contract: what text and what request bodies the service takes, in one place.

- **Lengths come from the columns.** A `String(n)` column holds at most n characters; a `Text`
  column that people fill declares its maximum once, as `info={"max_length": n}` on the column.
  `max_length(Model.column)` reads it for the marshmallow schemas (platform/schemas.text) and the
  form helpers (platform/formdata.text), and `check_row_text`, run before every flush, holds every
  path to the same bound (API, forms, imports, jobs, CLI), on SQLite as on PostgreSQL (SQLite would
  otherwise store any length, PostgreSQL refuse with an error naming no field).
- **Characters.** Bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C) are removed from
  text on input: a U+202E in a title would reverse the rest of its line on every page and PDF. NUL
  cannot be stored by PostgreSQL, and no person types it or the other C0 control characters: the
  API refuses them naming the field; a form has the others (not tab, newline, CR) removed and NUL
  refused.
- **Request bodies.** A JSON body is at most MAX_JSON_BYTES (413) and nested at most
  MAX_JSON_DEPTH deep (400): Python's JSON parser would otherwise end a 100 000-deep body in a
  RecursionError (500). Uploads keep their own bound (MAX_CONTENT_LENGTH, config.py).

Errors are `InvalidInput` (400) whose `fields` name the field: {"place": "högst 300 tecken"}.
"""
from __future__ import annotations

import re
from itertools import accumulate

from flask import Request, request
from sqlalchemy import String, event, inspect as sa_inspect
from werkzeug.datastructures import ImmutableMultiDict

from finsam_saas.platform.rules import InvalidInput

# --- characters ------------------------------------------------------------------------------

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_WITHOUT_BIDI = {ord(ch): None for ch in BIDI_CONTROLS}
# C0 controls and DEL, except tab, newline and carriage return (a textarea posts CRLF).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def without_bidi(text: str) -> str:
    """`text` with every bidi control character removed ("a\u202eb" → "ab")."""
    return text.translate(_WITHOUT_BIDI) if text else text


def forbidden_character(text: str) -> str | None:
    """The first character no text column should hold, as "U+0000", or None.

    NUL and the other C0 controls (not tab, newline, CR), DEL, and lone surrogates (which no
    UTF-8 database text can hold)."""
    found = _CONTROL.search(text) or _SURROGATE.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def character_message(code: str) -> str:
    return f"innehåller ett styrtecken som inte kan sparas ({code})"


def clean_form_value(text: str) -> str:
    """A posted form value as it is kept: bidi controls and C0 controls removed, except tab,
    newline, CR and NUL (NUL is refused, with a message, by the request hook in create_app)."""
    text = without_bidi(text)
    return _CONTROL.sub(lambda m: m.group() if m.group() == "\x00" else "", text)


# --- lengths ---------------------------------------------------------------------------------

def _column(column):
    """A Column from a Column or a mapped attribute (Meeting.place)."""
    if hasattr(column, "property") and hasattr(column.property, "columns"):
        return column.property.columns[0]
    return column


def max_length(column) -> int | None:
    """The most characters the column holds: `info["max_length"]`, else String(n)'s n, else None.

    >>> max_length(Meeting.place)  # String(300)
    300"""
    column = _column(column)
    declared = column.info.get("max_length")
    if declared is not None:
        return declared
    return getattr(column.type, "length", None) if isinstance(column.type, String) else None


def length_message(limit: int) -> str:
    return f"högst {limit} tecken"


# Swedish names of the columns people fill, for the sentence that names the field; a column may
# give its own as info["label"]. Anything else is named by its key.
LABELS = {
    "name": "namnet", "title": "rubriken", "place": "platsen", "theme": "temat", "applicant": "sökanden",
    "owner": "insatsägaren", "partners": "samverkansparterna", "target_group": "målgruppen",
    "method": "metoden", "styrgrupp": "styrgruppen", "focus": "inriktningen", "description": "beskrivningen",
    "proposal": "förslaget", "presenter": "föredraganden", "text": "texten", "decision": "beslutet",
    "goals": "målen", "comment": "kommentaren", "deviations": "avvikelserna", "diarienummer": "diarienumret",
    "cancel_reason": "skälet", "reason": "skälet", "email": "e-postadressen", "phone": "telefonnumret",
    "motivation": "motiveringen", "response": "svaret", "candidate": "kandidaten", "holder": "innehavaren",
    "chair": "ordföranden", "secretary": "sekreteraren", "assignee": "den ansvarige", "note": "anteckningen",
    "follow_up": "uppföljningen", "recommendation": "rekommendationen", "status_note": "kommentaren",
    "counterparty": "motparten", "control": "kontrollen", "process": "processen", "person": "personen",
    "signed_by": "undertecknaren", "option": "alternativet", "anslag_places": "anslagsplatserna",
    "proposal_text": "förslagstexten", "addressed_to": "mottagaren", "member": "medlemmen",
}


def label_of(column, key: str) -> str:
    return _column(column).info.get("label") or LABELS.get(key) or f"fältet \"{key}\""


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


def too_long(field: str, label: str, limit: int, length: int) -> InvalidInput:
    sentence = label[:1].upper() + label[1:]
    return InvalidInput(f"{sentence} får vara högst {_thousands(limit)} tecken, inte {_thousands(length)}.",
                        {field: length_message(limit)})


def check_text(value: str, *, field: str, label: str, limit: int | None) -> str:
    """`value` if it fits; raises InvalidInput naming `field` if it is longer than `limit` or holds
    a character no column holds (forbidden_character)."""
    code = forbidden_character(value)
    if code:
        sentence = label[:1].upper() + label[1:]
        raise InvalidInput(f"{sentence} {character_message(code)}.", {field: character_message(code)})
    if limit is not None and len(value) > limit:
        raise too_long(field, label, limit, len(value))
    return value


# --- every flush -----------------------------------------------------------------------------

_TEXT_COLUMNS: dict[type, list[tuple[str, int | None, str]]] = {}


def _text_columns(cls) -> list[tuple[str, int | None, str]]:
    """(attribute key, max length, label) of the model's text columns, worked out once per model."""
    found = _TEXT_COLUMNS.get(cls)
    if found is None:
        found = []
        for attribute in sa_inspect(cls).column_attrs:
            column = attribute.columns[0]
            if isinstance(column.type, String):
                found.append((attribute.key, max_length(column), label_of(column, attribute.key)))
        _TEXT_COLUMNS[cls] = found
    return found


def check_row_text(obj, changed_only: bool) -> None:
    """Raise InvalidInput naming the first text attribute of `obj` that its column cannot hold:
    longer than max_length, or with NUL or a lone surrogate. Other control characters are not
    looked for here: text the service writes itself (a job's error) may quote them."""
    state = sa_inspect(obj)
    for key, limit, label in _text_columns(type(obj)):
        if changed_only:
            added = state.attrs[key].history.added
            if not added:
                continue
            value = added[0]
        else:
            value = state.dict.get(key)
        if not isinstance(value, str):
            continue
        if "\x00" in value or _SURROGATE.search(value):
            code = "U+0000" if "\x00" in value else f"U+{ord(_SURROGATE.search(value).group()):04X}"
            sentence = label[:1].upper() + label[1:]
            raise InvalidInput(f"{sentence} {character_message(code)}.", {key: character_message(code)})
        if limit is not None and len(value) > limit:
            raise too_long(key, label, limit, len(value))


def _check_flush(session, flush_context, instances) -> None:
    for obj in session.new:
        check_row_text(obj, changed_only=False)
    for obj in session.dirty:
        check_row_text(obj, changed_only=True)


_installed = False


def install() -> None:
    """Check the text of every row before it is flushed (once per process)."""
    global _installed
    if not _installed:
        from finsam_saas.platform.session import TenantSession

        event.listen(TenantSession, "before_flush", _check_flush)
        _installed = True


# --- request bodies --------------------------------------------------------------------------

MAX_JSON_BYTES = 1024 * 1024  # no request of the API comes near; MAX_JSON_BYTES in config overrides
MAX_JSON_DEPTH = 32  # the deepest body of the API is four levels

_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


def json_depth(raw: bytes) -> int:
    """How deep the JSON text `raw` nests arrays and objects, counted without parsing it (so
    without recursion): brackets inside strings do not count."""
    brackets = _NOT_BRACKET.sub(b"", _JSON_STRING.sub(b"", raw))
    return max(accumulate(1 if b in b"[{" else -1 for b in brackets), default=0)


def check_json_body():
    """Before a request with a JSON body is handled: a 413 answer if it is too large; raises
    InvalidInput (400, field "body") if it nests too deep. None when the body may be read."""
    from flask import current_app

    from finsam_saas.platform.errors import render_error

    if not request.is_json:
        return None
    limit = current_app.config.get("MAX_JSON_BYTES", MAX_JSON_BYTES)
    if request.content_length is not None and request.content_length > limit:
        return render_error(413, f"Begäran är för stor: en JSON-begäran får vara högst {_thousands(limit)} byte.")
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        return render_error(413, f"Begäran är för stor: en JSON-begäran får vara högst {_thousands(limit)} byte.")
    depth_limit = current_app.config.get("MAX_JSON_DEPTH", MAX_JSON_DEPTH)
    if json_depth(raw) > depth_limit:
        raise InvalidInput(f"Begäran är för djupt nästlad: JSON med högst {depth_limit} nivåer tas emot.",
                           {"body": f"högst {depth_limit} nivåer"})
    return None


class CleanFormData(ImmutableMultiDict):
    """Posted form fields and query parameters as the service keeps them (clean_form_value), so
    that every view reading request.form gets clean text; passwords are taken as typed."""

    def __init__(self, mapping=None):
        if mapping is not None and not isinstance(mapping, dict):
            mapping = [(key, value if not isinstance(value, str) or "password" in key else clean_form_value(value))
                       for key, value in mapping]
        super().__init__(mapping)


class ContractRequest(Request):
    parameter_storage_class = CleanFormData


def init_app(app) -> None:
    """The request's clean form data, the JSON bounds before every view, the flush check."""
    install()
    app.request_class = ContractRequest
    app.before_request(check_json_body)
