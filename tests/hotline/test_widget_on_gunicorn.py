"""The widget on the hotline exactly as `make run` serves it: gunicorn with two
workers (started by the same ``bot.stack`` code), in front of the real Rasa and
action server. A person opens the demo page, asks, gets the answer in their
language, and leaves with quick exit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Page, expect  # skips without Chromium
from conftest import hotline_on_gunicorn
from test_webchat_bot import response_text
from test_widget_browser import EXIT_URL, RIGHTS, ask, bot_texts, open_chat, stored

from bot.stack import Stack

pytest_plugins = ["browser"]


@pytest.fixture
def served_line(bot_stack: Stack, tmp_path: Path) -> Iterator[str]:
    """gunicorn serving the hotline on a free port, with its own database."""
    with hotline_on_gunicorn(bot_stack, tmp_path) as url:
        yield url


def test_the_widget_on_the_stack_make_run_starts(page: Page, served_line: str) -> None:
    page.context.route(
        f"{EXIT_URL}**",
        lambda route: route.fulfill(body="<title>W</title>", content_type="text/html"),
    )
    open_chat(page, f"{served_line}/?lang=pt")
    ask(page, RIGHTS["pt"])
    assert response_text("utter_rights", "pt") in bot_texts(page)
    assert stored(page)["session"] is not None

    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)
    page.goto(f"{served_line}/")
    assert stored(page) == {"session": None, "local": 0, "cookies": ""}
    expect(page.locator("#aliada-chat")).to_have_count(1)
