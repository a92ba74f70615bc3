"""The two ways a domain rule says no, shared by views, API, jobs and CLI.

`InvalidInput` (400): the input itself is wrong; `fields` names what and why.
`RuleViolation` (409): the input is well-formed but a rule of the domain forbids
it; `code` names the rule (API.md: `justerad`, `exceeds_grant`, …).
"""
from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, message: str, *, code: str = "invalid", fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or {}


class InvalidInput(DomainError):
    status = 400

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message, code="invalid", fields=fields)


class RuleViolation(DomainError):
    status = 409

    def __init__(self, code: str, message: str, fields: dict | None = None):
        super().__init__(message, code=code, fields=fields)
