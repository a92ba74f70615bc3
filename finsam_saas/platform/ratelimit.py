"""Limits on guessing: failed logins counted per account and per address, separately.

- An account that failed five times from one address waits there (even with the right password);
  one that failed fifty times from anywhere waits everywhere (guessing spread over many addresses).
- An address that failed thirty times in a minute gets its wrong passwords refused with a wait, and
  so are the accounts that failed from it; the right password of an account that has not failed
  itself still logs in (an office behind one address is not locked out by one guesser).
- Wrong codes of the second factor are counted per account: five, and the login starts over.

Unknown e-mail addresses count like known ones, so the answers never tell whether one exists.
The counts live in Redis when REDIS_URL is set (shared by every worker process) and in memory
otherwise, through the `limits` library's moving window. The client's address is the proxy's unless
PROXY_COUNT says how many proxies to trust for X-Forwarded-For (werkzeug's ProxyFix).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.middleware.proxy_fix import ProxyFix

PER_ACCOUNT_AND_ADDRESS = parse("5/15 minutes")
PER_ACCOUNT = parse("50/hour")
PER_ADDRESS = parse("30/minute")
PER_SECOND_FACTOR = parse("5/15 minutes")


def _account(email: str) -> str:
    return (email or "").strip().lower()


def _address() -> str:
    return request.remote_addr or "?"


@dataclass(frozen=True)
class LoginLimiter:
    """The login limits of one app (`login_limiter()`); every method reads the request's address."""

    limiter: MovingWindowRateLimiter

    def _wait(self, item: RateLimitItem, *key: str) -> int | None:
        if self.limiter.test(item, *key):
            return None
        reset = self.limiter.get_window_stats(item, *key).reset_time
        return max(1, int(reset - time.time()))

    def _count(self, item: RateLimitItem, *key: str) -> int:
        return item.amount - self.limiter.get_window_stats(item, *key).remaining

    def account_wait(self, email: str) -> int | None:
        """Seconds the account must wait before any try from here (right password or not), or None."""
        account = _account(email)
        return (self._wait(PER_ACCOUNT_AND_ADDRESS, "login", _address(), account)
                or self._wait(PER_ACCOUNT, "login-account", account))

    def address_wait(self) -> int | None:
        """Seconds this address waits before its wrong passwords are answered again, or None."""
        return self._wait(PER_ADDRESS, "login", _address())

    def failed_here(self, email: str) -> bool:
        """Has the account a failed login from this address within the window?"""
        return self._count(PER_ACCOUNT_AND_ADDRESS, "login", _address(), _account(email)) > 0

    def address_refusal(self, email: str, password_ok: bool) -> int | None:
        """Seconds to wait instead of an answer, or None to go on with `password_ok`: the address's
        limit refuses a wrong password, or the right one of an account that failed from this address
        itself, never the right password of an account that has not failed. Ask before `failed`."""
        if password_ok and not self.failed_here(email):
            return None
        return self.address_wait()

    def failed(self, email: str) -> None:
        """Count a wrong password (or an unknown address) for the account and for the address."""
        account = _account(email)
        self.limiter.hit(PER_ACCOUNT_AND_ADDRESS, "login", _address(), account)
        self.limiter.hit(PER_ACCOUNT, "login-account", account)
        self.limiter.hit(PER_ADDRESS, "login", _address())

    def second_factor_wait(self, user_id: int) -> int | None:
        """Seconds before the account may try another code of its second factor, or None."""
        return self._wait(PER_SECOND_FACTOR, "mfa", str(user_id))

    def second_factor_failed(self, user_id: int) -> None:
        """Count a wrong code of the second factor."""
        self.limiter.hit(PER_SECOND_FACTOR, "mfa", str(user_id))


def init_app(app: Flask) -> None:
    """Give the app its login limiter, and trust PROXY_COUNT proxies for the client's address."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or app.config.get("REDIS_URL") or "memory://"
    app.extensions["login_limiter"] = LoginLimiter(MovingWindowRateLimiter(storage_from_string(uri)))
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def login_limiter() -> LoginLimiter:
    """The current app's LoginLimiter."""
    return current_app.extensions["login_limiter"]
