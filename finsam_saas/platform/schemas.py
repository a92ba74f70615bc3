"""Loading JSON request bodies with marshmallow, errors named the way API.md wants them."""
from marshmallow import Schema, ValidationError

from finsam_saas.platform.rules import InvalidInput


# marshmallow's own messages in the language of the rest of the service.
SWEDISH_MESSAGES = {"Unknown field.": "okänd nyckel", "Missing data for required field.": "saknas",
                    "Field may not be null.": "får inte vara null", "Not a valid integer.": "inte ett heltal",
                    "Not a valid string.": "ska vara text", "Not a valid mapping type.": "ska vara ett objekt",
                    "Not a valid date.": "ska skrivas ÅÅÅÅ-MM-DD", "Not a valid boolean.": "ska vara true eller false"}


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
        found.append((prefix, SWEDISH_MESSAGES.get(str(messages), str(messages))))
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
