"""Loading JSON request bodies with marshmallow, errors named the way API.md wants them."""
from marshmallow import Schema, ValidationError

from finsam_saas.platform.rules import InvalidInput


def flatten_errors(messages, prefix="") -> dict:
    """marshmallow's nested errors as {"items[0].kind": "…"}."""
    flat = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}[{key}]" if isinstance(key, int) else (f"{prefix}.{key}" if prefix else str(key))
            flat.update(flatten_errors(value, path))
    elif isinstance(messages, list) and messages and not isinstance(messages[0], (dict, list)):
        flat[prefix] = " ".join(map(str, messages))
    elif isinstance(messages, list):
        for message in messages:
            flat.update(flatten_errors(message, prefix))
    else:
        flat[prefix] = str(messages)
    return flat


# The database's integer: no amount, count or id of a förbund comes near it, so a larger
# number is a mistake, answered as one rather than overflowing a column.
LARGEST = 2**31 - 1


def unstorable(text: str) -> bool:
    """NUL and lone surrogates: no database text column takes them, and no person types them."""
    return "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text)


def _unacceptable(value, path: str = "") -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return path if unstorable(value) else None
    if isinstance(value, int):
        return path if abs(value) > LARGEST else None
    if isinstance(value, float):
        return path if value != value or abs(value) > LARGEST else None  # NaN, or beyond
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _unacceptable(item, f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else str(key)))
        if found:
            return found
    return None


def load(schema: Schema, data) -> dict:
    if not isinstance(data, dict):
        raise InvalidInput("Begäran ska vara ett JSON-objekt.", {"body": "inte ett JSON-objekt"})
    field = _unacceptable(data)
    if field:
        raise InvalidInput(f"{field}: för stort tal (högst {LARGEST}) eller ett tecken som inte kan sparas.",
                           {field: "otillåtet värde"})
    try:
        return schema.load(data)
    except ValidationError as error:
        fields_ = flatten_errors(error.messages)
        raise InvalidInput("Ogiltiga uppgifter: " + "; ".join(f"{k}: {v}" for k, v in fields_.items()), fields_)
