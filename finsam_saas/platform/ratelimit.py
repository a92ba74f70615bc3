"""Limits on guessing: failed logins are counted per address and e-mail, and per address.

The counts live in Redis when REDIS_URL is set (shared by every worker process) and in
memory otherwise, through the `limits` library's moving window.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Flask, current_app, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

# Five wrong passwords for one account from one address in a quarter of an hour, or
# thirty from one address in a minute, and further tries wait.
PER_ACCOUNT = parse("5/15 minutes")
PER_ADDRESS = parse("30/minute")


@dataclass(frozen=True)
class LoginLimiter:
    limiter: MovingWindowRateLimiter

    def _keys(self, email: str):
        address = request.remote_addr or "?"
        return ((PER_ACCOUNT, ("login", address, email.strip().lower())), (PER_ADDRESS, ("login", address)))

    def blocked(self, email: str) -> int | None:
        """Seconds to wait when a limit is reached, else None."""
        for item, key in self._keys(email):
            if not self.limiter.test(item, *key):
                reset = self.limiter.get_window_stats(item, *key).reset_time
                return max(1, int(reset - time.time()))
        return None

    def failed(self, email: str) -> None:
        for item, key in self._keys(email):
            self.limiter.hit(item, *key)


def init_app(app: Flask) -> None:
    uri = app.config.get("RATELIMIT_STORAGE_URI") or app.config.get("REDIS_URL") or "memory://"
    app.extensions["login_limiter"] = LoginLimiter(MovingWindowRateLimiter(storage_from_string(uri)))


def login_limiter() -> LoginLimiter:
    return current_app.extensions["login_limiter"]
