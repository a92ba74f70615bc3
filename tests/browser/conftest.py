"""A live server on loopback and Debian's chromium driven by Playwright.

The browser tests skip when chromium is missing, unless REQUIRE_BROWSER=1
(set by .ci/run, which installs it) makes that a failure.
"""
import os
import shutil

import pytest

from support import serving

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


@pytest.fixture
def live_server(app):
    app.config["WTF_CSRF_ENABLED"] = True  # the real forms, as a user meets them
    with serving(app) as url:
        yield url


@pytest.fixture
def chromium():
    """Debian's chromium, for a test that needs several people (contexts) at once."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but chromium is not at {CHROMIUM}")
        pytest.skip(f"chromium is not installed at {CHROMIUM}; set REQUIRE_BROWSER=1 to make this fail")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


def person(browser, *, width: int = 390, height: int = 844):
    """A new browser context (one person's cookies) with a page, at phone width unless told."""
    context = browser.new_context(locale="sv-SE", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


@pytest.fixture
def page(chromium):
    page = person(chromium)
    yield page
    page.context.close()
