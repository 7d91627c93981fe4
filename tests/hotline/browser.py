"""Browser fixtures: the hotline served live on ``http://localhost:<port>``
(werkzeug in a thread, a fresh SQLite per test) and Debian's headless Chromium
driven by Playwright. Test modules load them with ``pytest_plugins``.

Without Chromium or the ``playwright`` package the tests are skipped, unless
ALIADA_REQUIRE_SERVICES=1 (then they fail).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REQUIRE_SERVICES, make_app
from fake_twilio import FakeTwilio
from flask import Flask

from tools.live import CHROMIUM, launch_chromium, serving

SCREENSHOTS = Path(__file__).resolve().parents[2] / ".artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


def _unavailable() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (the hotline's browser extra)"
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


UNAVAILABLE = _unavailable()
if UNAVAILABLE and REQUIRE_SERVICES:
    pytest.fail(f"ALIADA_REQUIRE_SERVICES=1 but {UNAVAILABLE}", pytrace=False)
if UNAVAILABLE:
    pytest.skip(UNAVAILABLE, allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

__all__ = ["Page", "expect", "screenshot"]  # what test modules import


@pytest.fixture
def live_app(tmp_path: Path, fake_twilio: FakeTwilio) -> Flask:
    """The test app, sending SMS and WhatsApp replies through the stand-in
    Twilio. Its session cookie stays Secure: Chromium accepts Secure cookies
    from http://localhost, a secure context."""
    return make_app(
        tmp_path,
        TWILIO_ACCOUNT_SID="AC" + "1" * 32,
        TWILIO_PHONE_NUMBER="+15550100",
        TWILIO_WHATSAPP_NUMBER="+15550101",
        TWILIO_API_URL=fake_twilio.url,
        TWILIO_API_TIMEOUT_SECONDS=2.0,
    )


@pytest.fixture
def live_url(live_app: Flask) -> Iterator[str]:
    with serving(live_app) as base:
        yield base


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def _page(chromium: Browser, viewport: dict[str, int]) -> Iterator[Page]:
    context = chromium.new_context(viewport=viewport)  # type: ignore[arg-type]
    yield context.new_page()
    context.close()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A fresh browser profile (no cookies) at laptop size."""
    yield from _page(chromium, DESKTOP)


@pytest.fixture
def phone_page(chromium: Browser) -> Iterator[Page]:
    """A fresh browser profile 360 px wide, a small phone."""
    yield from _page(chromium, PHONE)


def screenshot(page: Page, name: str) -> None:
    """A test artifact: ``.artifacts/screenshots/<name>.png`` (whole page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("load")  # styled, not mid-navigation
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
