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


def load(schema: Schema, data) -> dict:
    if not isinstance(data, dict):
        raise InvalidInput("Begäran ska vara ett JSON-objekt.", {"body": "inte ett JSON-objekt"})
    try:
        return schema.load(data)
    except ValidationError as error:
        fields_ = flatten_errors(error.messages)
        raise InvalidInput("Ogiltiga uppgifter: " + "; ".join(f"{k}: {v}" for k, v in fields_.items()), fields_)
