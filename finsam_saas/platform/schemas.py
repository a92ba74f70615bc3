"""Loading JSON request bodies with marshmallow, errors named the way API.md wants them.

Every request schema derives from `Schema` here, which speaks Swedish: marshmallow's own
messages ("Not a valid date.", "Shorter than minimum length 1.", "Unknown field.") are replaced
once, for every field and validator of the schema, by SWEDISH_FIELD_MESSAGES and the validator
messages below; a message a schema writes itself is kept. A text field takes its maximum from
its column: `text_field(Meeting.place)` (platform/contract.max_length).

`load(schema, data)` is how a view reads its body: strings lose their bidi controls, control
characters and numbers beyond the database's integer are refused naming the field, and any
error is InvalidInput (400) with {"error": {"code": "invalid", "message", "fields": {path: …}}}.
"""
from __future__ import annotations

from marshmallow import Schema as MarshmallowSchema, ValidationError, fields, validate

from finsam_saas.platform.contract import character_message, forbidden_character, max_length, without_bidi
from finsam_saas.platform.rules import InvalidInput

# marshmallow's field messages (its English templates) in the language of the rest of the service.
SWEDISH_FIELD_MESSAGES = {
    "Missing data for required field.": "saknas",
    "Field may not be null.": "får inte vara null",
    "Invalid value.": "ogiltigt värde",
    "Not a valid boolean.": "ska vara true eller false",
    "Not a valid date.": "ska skrivas ÅÅÅÅ-MM-DD",
    '"{input}" cannot be formatted as a date.': "ska skrivas ÅÅÅÅ-MM-DD",
    "Not a valid {obj_type}.": "ogiltig tidsangivelse",
    "Not a valid {awareness} {obj_type}.": "ogiltig tidsangivelse",
    '"{input}" cannot be formatted as a {obj_type}.': "ogiltig tidsangivelse",
    "Special numeric values (nan or infinity) are not permitted.": "ska vara ett ändligt tal",
    "Not a valid email address.": "ogiltig e-postadress",
    "Must be one of: {choices}.": "ska vara en av: {choices}",
    "Not a valid integer.": "inte ett heltal",
    "Not a valid number.": "inte ett tal",
    "Number too large.": "för stort tal",
    "Not a valid list.": "ska vara en lista",
    "Not a valid mapping type.": "ska vara ett objekt",
    "Invalid type.": "ska vara ett objekt",
    "Invalid input type.": "ska vara ett objekt",
    "Not a valid string.": "ska vara text",
    "Not a valid utf-8 string.": "ska vara text (UTF-8)",
    "Not a valid period of time.": "ogiltig tidsperiod",
    "{input!r} cannot be formatted as a timedelta.": "ogiltig tidsperiod",
    "Not a valid tuple.": "ska vara en lista",
    "Not a valid URL.": "ogiltig webbadress",
    "Not a valid UUID.": "ogiltigt UUID",
    "Unknown field.": "okänd nyckel",
}
_TIME_MESSAGES = {fields.Time: "ska skrivas TT:MM", fields.DateTime: "ska skrivas ÅÅÅÅ-MM-DDTTT:MM"}

# Length counts characters of text and entries of a list or mapping.
_LENGTH_MESSAGES = {
    "text": {"message_min": "minst {min} tecken", "message_max": "högst {max} tecken",
             "message_all": "{min}–{max} tecken", "message_equal": "exakt {equal} tecken"},
    "items": {"message_min": "minst {min} st.", "message_max": "högst {max} st.",
              "message_all": "{min}–{max} st.", "message_equal": "exakt {equal} st."},
}
_VALIDATOR_MESSAGES = {
    validate.OneOf: "ska vara en av: {choices}",
    validate.ContainsOnly: "får bara innehålla: {choices}",
    validate.NoneOf: "otillåtet värde",
    validate.ContainsNoneOf: "får inte innehålla: {values}",
    validate.Regexp: "har fel form",
    validate.Email: "ogiltig e-postadress",
    validate.URL: "ogiltig webbadress",
    validate.Equal: "ska vara {other}",
    validate.Predicate: "ogiltigt värde",
}


def _swedish_range(validator: validate.Range) -> None:
    low = "minst" if validator.min_inclusive else "större än"
    high = "högst" if validator.max_inclusive else "mindre än"
    validator.message_min = f"{low} {{min}}"
    validator.message_max = f"{high} {{max}}"
    validator.message_all = "{min}–{max}" if validator.min_inclusive and validator.max_inclusive \
        else f"{low} {{min}} och {high} {{max}}"


def _swedish_validator(validator, field) -> None:
    if getattr(validator, "error", None) not in (None, getattr(type(validator), "default_message", None)):
        return  # the schema wrote its own message
    if isinstance(validator, validate.And):
        for inner in validator.validators:
            _swedish_validator(inner, field)
    elif isinstance(validator, validate.Length):
        kind = "text" if isinstance(field, fields.String) else "items"
        for name, message in _LENGTH_MESSAGES[kind].items():
            setattr(validator, name, message)
    elif isinstance(validator, validate.Range):
        _swedish_range(validator)
    else:
        for cls in type(validator).__mro__:
            if cls in _VALIDATOR_MESSAGES:
                validator.error = _VALIDATOR_MESSAGES[cls]
                break


def _swedish_field(field) -> None:
    """Swedish in place of marshmallow's English on this (per schema instance, copied) field."""
    for key, message in field.error_messages.items():
        if message in SWEDISH_FIELD_MESSAGES:
            field.error_messages[key] = SWEDISH_FIELD_MESSAGES[message]
    if isinstance(field, (fields.Time, fields.DateTime)) and not isinstance(field, fields.Date):
        # "Not a valid {obj_type}." says what to write: a time of day or a point in time.
        message = _TIME_MESSAGES[fields.Time if isinstance(field, fields.Time) else fields.DateTime]
        for key in ("invalid", "format"):
            if field.error_messages.get(key) == "ogiltig tidsangivelse":
                field.error_messages[key] = message
    for validator in field.validators:
        _swedish_validator(validator, field)
    inner = [getattr(field, "inner", None), getattr(field, "key_field", None), getattr(field, "value_field", None),
             *(getattr(field, "tuple_fields", None) or ())]
    for each in inner:
        if each is not None:
            _swedish_field(each)


class Schema(MarshmallowSchema):
    """The base of every request schema: Swedish messages (SWEDISH_FIELD_MESSAGES) for its own
    errors, its fields' and their validators'. Unknown keys are refused, as marshmallow does."""

    error_messages = {"unknown": "okänd nyckel", "type": "ska vara ett objekt"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _swedish_field(field)


def text_field(column, *, least: int = 0, **options) -> fields.String:
    """A text field that holds what `column` holds (contract.max_length), at least `least` characters:
    `place = text_field(Meeting.place, load_default="")`; a refused length says "högst 300 tecken"."""
    limit = max_length(column)
    validators = list(options.pop("validate", None) or [])
    if limit is not None or least:
        validators.insert(0, validate.Length(min=least or None, max=limit))
    return fields.String(validate=validators, **options)


def error_paths(messages, prefix: str = "") -> list[tuple[str, str]]:
    """marshmallow's nested errors as (key path, message) pairs: ("bodies[0].seats[2].seat", "saknas")."""
    found = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif key == "_schema":
                path = prefix or key
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            found.extend(error_paths(value, path))
    elif isinstance(messages, list):
        for message in messages:
            found.extend(error_paths(message, prefix))
    else:
        # A schema not derived from Schema above (none should be) still answers in Swedish.
        found.append((prefix, SWEDISH_FIELD_MESSAGES.get(str(messages), str(messages))))
    return found


def flatten_errors(messages) -> dict:
    """marshmallow's nested errors as {"items[0].kind": "…"}, a key's messages joined."""
    flat: dict[str, str] = {}
    for path, message in error_paths(messages):
        flat[path] = f"{flat[path]} {message}" if path in flat else message
    return flat


# The database's integer: no amount, count or id of a förbund comes near it, so a larger
# number is a mistake, answered as one rather than overflowing a column.
LARGEST = 2**31 - 1


def unstorable(text: str) -> bool:
    """NUL and lone surrogates: no database text column takes them, and no person types them."""
    return "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text)


def _path(prefix: str, key) -> str:
    return f"{prefix}[{key}]" if isinstance(key, int) else (f"{prefix}.{key}" if prefix else str(key))


def _refuse(path: str, problem: str):
    raise InvalidInput(f"Ogiltiga uppgifter: {path or 'body'}: {problem}", {path or "body": problem})


def clean_body(value, path: str = ""):
    """The JSON body as the schemas see it: strings (and keys) without bidi controls. Raises
    InvalidInput naming the path of a string with a control character (not tab, newline, CR)
    or a lone surrogate, or of a number beyond ±LARGEST (or NaN)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        code = forbidden_character(value)
        if code:
            _refuse(path, character_message(code))
        return without_bidi(value)
    if isinstance(value, int):
        if abs(value) > LARGEST:
            _refuse(path, f"för stort tal (högst {LARGEST})")
        return value
    if isinstance(value, float):
        if value != value or abs(value) > LARGEST:  # NaN, or beyond
            _refuse(path, f"för stort tal (högst {LARGEST})")
        return value
    if isinstance(value, list):
        return [clean_body(item, _path(path, index)) for index, item in enumerate(value)]
    if isinstance(value, dict):
        cleaned = {}
        for key, item in value.items():
            here = _path(path, key)
            if isinstance(key, str) and forbidden_character(key):
                _refuse(here, character_message(forbidden_character(key)))
            cleaned[without_bidi(key) if isinstance(key, str) else key] = clean_body(item, here)
        return cleaned
    return value


def load(schema: MarshmallowSchema, data) -> dict:
    """The body `data` loaded by `schema` (clean_body first). Raises InvalidInput (400) naming
    every refused field: {"items[0].title": "1–300 tecken", "zz": "okänd nyckel"}."""
    if not isinstance(data, dict):
        raise InvalidInput("Begäran ska vara ett JSON-objekt.", {"body": "inte ett JSON-objekt"})
    data = clean_body(data)
    try:
        return schema.load(data)
    except ValidationError as error:
        fields_ = flatten_errors(error.messages)
        raise InvalidInput("Ogiltiga uppgifter: " + "; ".join(f"{k}: {v}" for k, v in fields_.items()), fields_)
