"""The chat widget in headless Chromium, on a live hotline in front of the real
Rasa and action server: each core language picked and answered in it, quick
exit without a trace, operator replies, keyboard-only use, roles and labels,
contrast, a 320 px phone with large text, network drops without lost or doubled
messages, a busy line (429) and an ended session without a lost message,
deleting a conversation, and the snippet pasted into a plain page on another
site. Screenshots go to ``.artifacts/screenshots/``."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import Page, expect, screenshot  # skips without Chromium
from conftest import fall_silent, make_app, numbers_for
from flask import Flask
from playwright.sync_api import Browser, Route
from sqlalchemy import select
from test_handoff_flow import take_over
from test_rasa_trackers import senders_in
from test_webchat_bot import response_text

from bot.catalogs import translate
from bot.stack import Stack
from hotline.extensions import db
from hotline.models import Channel, Conversation, Message
from hotline.webchat.labels import widget_labels
from tools.live import log_in, new_operator, serving

pytest_plugins = ["browser"]

WCAG_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}

EXIT_URL = "https://www.wikipedia.org/"  # the demo page's quick-exit destination
# What an open console says when the conversation leaves it (deleted, closed,
# handed on: the console does not tell which).
CONVERSATION_GONE = (
    "This conversation is no longer open to you: it was closed, handed on or "
    "deleted. Nothing more of it is shown."
)
STORE = "aliada-chat"  # the widget's sessionStorage key
RIGHTS = {
    "en": "what are my rights here",
    "es": "cuales son mis derechos",
    "pt": "quais sao os meus direitos",
    "fr": "quels sont mes droits",
}
READABLE = (".launcher", ".exit", ".send", "h2", ".intro", ".link", "textarea")
READABLE += (".message.you p", ".message.bot p", "select")
# Contrast of text against the nearest opaque background behind it (WCAG 2).
CONTRAST = """(element) => {
  const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const linear = (v) =>
    (v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  const lum = ([r, g, b]) =>
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  let node = element, background = [255, 255, 255];
  while (node) {
    const color = rgb(getComputedStyle(node).backgroundColor);
    if (color.length < 4 || color[3] === 1) { background = color; break; }
    node = node.parentElement || node.getRootNode().host;
  }
  const a = lum(rgb(getComputedStyle(element).color));
  const b = lum(background);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def labels(language: str) -> dict[str, str]:
    return widget_labels(language, numbers_for(language, None))


@pytest.fixture
def chat_app(tmp_path: Path, bot_stack: Stack) -> Flask:
    return make_app(
        tmp_path,
        RASA_URL=bot_stack.config.rasa_url,
        TRACKER_STORE_URL=bot_stack.config.tracker_store_url,
    )


@pytest.fixture
def chat_url(chat_app: Flask) -> Iterator[str]:
    with serving(chat_app) as base:
        yield base


@pytest.fixture
def neutral_site(page: Page) -> None:
    """The quick-exit destination, answered locally (there is no internet)."""
    page.context.route(
        f"{EXIT_URL}**",
        lambda route: route.fulfill(
            body="<title>Wikipedia</title>", content_type="text/html"
        ),
    )


def open_chat(page: Page, url: str) -> None:
    page.goto(url)
    page.locator("#aliada-chat[data-ready]").wait_for(state="attached")
    page.locator(".launcher").click()
    expect(page.locator("#aliada-panel")).to_be_visible()


def ask(page: Page, text: str) -> None:
    """Write and send, then wait until the line has answered it."""
    page.locator("#aliada-input").fill(text)
    page.locator("#aliada-input").press("Enter")
    expect(page.locator(".message.you").last).to_contain_text(text)
    expect(page.locator(".message.you .pending")).to_have_count(0, timeout=20_000)


def bot_texts(page: Page) -> list[str]:
    return [text.strip() for text in page.locator(".message.bot p").all_text_contents()]


def focused(page: Page) -> str:
    """The focused element inside the widget, as ``tag.class#id``."""
    return page.evaluate(
        """() => {
          const host = document.getElementById('aliada-chat');
          const active = host.shadowRoot.activeElement;
          if (!active) return '';
          return `${active.tagName.toLowerCase()}.${active.className}#${active.id}`;
        }"""
    )


def incoming(app: Flask, text: str) -> list[Message]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Message).where(Message.direction == "in", Message.text == text)
            )
        )


def stored(page: Page) -> dict[str, object]:
    return page.evaluate(
        f"""() => ({{
          session: sessionStorage.getItem('{STORE}'),
          local: localStorage.length,
          cookies: document.cookie,
        }})"""
    )


@pytest.mark.parametrize("language", ["en", "es", "pt", "fr"])
def test_each_core_language_is_picked_and_the_answer_comes_in_it(
    page: Page, chat_url: str, language: str
) -> None:
    start = "es" if language == "en" else "en"
    open_chat(page, f"{chat_url}/?lang={start}")
    expect(page.locator(".send")).to_have_text(labels(start)["send"])

    page.get_by_label(labels(start)["language"]).select_option(language)
    shown = labels(language)
    expect(page.locator(".send")).to_have_text(shown["send"])
    expect(page.get_by_role("dialog", name=shown["title"])).to_be_visible()
    expect(page.locator(".intro")).to_have_text(shown["welcome"])

    ask(page, RIGHTS[language])
    assert response_text("utter_rights", language) in bot_texts(page)
    expect(page.locator("#aliada-language")).to_have_value(language)
    if language in ("es", "en"):
        screenshot(page, f"widget-{language}")


def test_the_widget_follows_the_language_the_bot_detects(
    page: Page, chat_url: str
) -> None:
    open_chat(page, f"{chat_url}/?lang=en")
    ask(page, "hello")
    ask(page, "quiero hablar en español")
    expect(page.locator("#aliada-language")).to_have_value("es")
    expect(page.locator(".send")).to_have_text(labels("es")["send"])
    expect(page.locator("#aliada-panel")).to_have_attribute(
        "aria-labelledby", "aliada-title"
    )
    assert page.locator(".root").get_attribute("lang") == "es"


def test_quick_exit_replaces_the_page_and_leaves_no_trace(
    page: Page, chat_url: str, neutral_site: None
) -> None:
    open_chat(page, f"{chat_url}/?lang=en")
    ask(page, RIGHTS["en"])
    assert stored(page)["session"] is not None

    page.get_by_role("button", name=labels("en")["exit"]).click()
    page.wait_for_url(EXIT_URL)
    # The chat page is gone from this tab's history: back leads to what was before.
    page.go_back()
    assert page.url == "about:blank"
    page.goto(f"{chat_url}/?lang=en")
    page.locator("#aliada-chat[data-ready]").wait_for(state="attached")
    assert stored(page) == {"session": None, "local": 0, "cookies": ""}
    assert page.context.cookies() == []
    page.locator(".launcher").click()
    expect(page.locator(".message")).to_have_count(0)
    expect(page.locator(".note")).to_have_count(0)  # not "your conversation goes on"


def test_escape_twice_is_a_quick_exit(
    page: Page, chat_url: str, neutral_site: None
) -> None:
    open_chat(page, f"{chat_url}/?lang=fr")
    ask(page, RIGHTS["fr"])
    page.keyboard.press("Escape")
    expect(page.get_by_role("status")).to_have_text(labels("fr")["exit_again"])
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)
    page.go_back()
    assert page.url == "about:blank"


def test_a_reload_keeps_the_conversation_but_not_the_transcript(
    page: Page, chat_app: Flask, chat_url: str
) -> None:
    open_chat(page, f"{chat_url}/?lang=en")
    ask(page, "i want to talk to a real person")
    page.reload()
    page.locator("#aliada-chat[data-ready]").wait_for(state="attached")
    page.locator(".launcher").click()
    expect(page.locator(".note")).to_have_text(labels("en")["continued"])
    expect(page.locator(".message")).to_have_count(0)
    ask(page, "are you there?")
    with chat_app.app_context():
        assert len(db.session.scalars(select(Conversation)).all()) == 1


def test_an_operators_reply_appears_once_while_the_chat_is_open(
    page: Page, chat_app: Flask, chat_url: str
) -> None:
    open_chat(page, f"{chat_url}/?lang=en")
    ask(page, "i want to talk to a real person")
    assert response_text("utter_handoff", "en") in bot_texts(page)
    with chat_app.app_context():
        conversation = db.session.scalars(
            select(Conversation).where(Conversation.channel == Channel.WEBCHAT)
        ).one()
    ana = take_over(chat_app, conversation)
    ana.post(
        f"/console/c/{conversation.public_id}/reply",
        {"text": "Hi, I am Ana. Are you safe?"},
    )

    reply = page.locator(".message.operator")
    expect(reply).to_contain_text("Hi, I am Ana. Are you safe?")
    expect(reply.locator(".speaker")).to_have_text(labels("en")["operator"] + ": ")
    for _ in range(2):  # later polls do not show it again
        with page.expect_response("**/webchat/api/v1/replies"):
            pass
    expect(reply).to_have_count(1)
    screenshot(page, "widget-operator-reply")


def test_an_operators_reply_to_a_closed_chat_is_flagged_on_the_button(
    page: Page, chat_app: Flask, chat_url: str
) -> None:
    open_chat(page, f"{chat_url}/?lang=en")
    ask(page, "i want to talk to a real person")
    page.get_by_role("button", name=labels("en")["close"]).click()
    with chat_app.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
    ana = take_over(chat_app, conversation)
    ana.post(
        f"/console/c/{conversation.public_id}/reply", {"text": "Hello, this is Ana."}
    )
    expect(page.locator(".launcher .dot")).to_be_visible(timeout=30_000)
    page.locator(".launcher").click()
    expect(page.locator(".message.operator")).to_contain_text("Hello, this is Ana.")
    expect(page.locator(".launcher .dot")).to_be_hidden()


def test_keyboard_only(page: Page, chat_url: str) -> None:
    page.goto(f"{chat_url}/?lang=en")
    page.locator("#aliada-chat[data-ready]").wait_for(state="attached")
    shown = labels("en")
    page.keyboard.press("Tab")
    assert focused(page).startswith("button.exit")
    page.keyboard.press("Tab")
    assert focused(page).startswith("button.launcher")
    page.keyboard.press("Enter")
    assert focused(page) == "textarea.#aliada-input"

    page.keyboard.type(RIGHTS["en"])
    page.keyboard.press("Enter")
    expect(page.locator(".message.you .pending")).to_have_count(0, timeout=20_000)
    assert response_text("utter_rights", "en") in bot_texts(page)
    assert focused(page) == "textarea.#aliada-input"

    for _ in range(30):  # back through the panel to its close button
        page.keyboard.press("Shift+Tab")
        if focused(page).startswith("button.close"):
            break
    assert focused(page).startswith("button.close")
    page.keyboard.press("Enter")
    expect(page.locator("#aliada-panel")).to_be_hidden()
    assert focused(page).startswith("button.launcher")
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name=shown["title"])).to_be_visible()


def test_roles_labels_and_contrast(page: Page, chat_url: str) -> None:
    open_chat(page, f"{chat_url}/?lang=es")
    shown = labels("es")
    ask(page, "hola")
    dialog = page.get_by_role("dialog", name=shown["title"])
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("log")).to_have_count(1)
    expect(page.get_by_label(shown["message"])).to_have_attribute("id", "aliada-input")
    expect(page.get_by_label(shown["language"])).to_have_attribute(
        "id", "aliada-language"
    )
    for name in ("close", "exit", "delete", "send"):
        expect(
            dialog.get_by_role("button", name=shown[name], exact=True)
        ).to_be_visible()
    options = page.locator("#aliada-language option")
    assert options.evaluate_all("(os) => os.every((o) => o.lang === o.value)")
    assert options.all_text_contents()[:4] == [
        "English",
        "Español",
        "Português",
        "Français",
    ]
    # Every button has a name a screen reader can say.
    assert page.locator("#aliada-chat").evaluate(
        """(host) => [...host.shadowRoot.querySelectorAll('button')].every(
             (b) => (b.getAttribute('aria-label') || b.textContent).trim())"""
    )
    # Pasted twice by mistake, it is still one widget.
    page.add_script_tag(url=f"{chat_url}/webchat/widget.js")
    expect(page.locator("#aliada-chat")).to_have_count(1)
    # A printed page does not carry the conversation.
    page.emulate_media(media="print")
    expect(dialog).to_be_hidden()
    page.emulate_media(media="screen")
    for selector in READABLE:
        for element in page.locator(f"#aliada-chat {selector}").all():
            if element.is_visible():
                assert element.evaluate(CONTRAST) >= 4.5, selector


def test_axe_finds_no_wcag_violations_closed_open_and_in_conversation(
    chromium: Browser, chat_url: str
) -> None:
    """axe-core (bundled with axe-playwright-python, run offline) on the WCAG 2.x
    A and AA rules, through the widget's shadow root. The page's policy is
    bypassed only so axe itself can run."""
    context = chromium.new_context(bypass_csp=True)
    page = context.new_page()
    axe = Axe()
    try:
        page.goto(f"{chat_url}/?lang=es")
        page.locator("#aliada-chat[data-ready]").wait_for(state="attached")
        audits = {"closed": axe.run(page, options=WCAG_AA)}
        page.locator(".launcher").click()
        audits["open"] = axe.run(page, options=WCAG_AA)
        ask(page, "hola")
        page.get_by_role("button", name=labels("es")["delete"]).click()
        audits["conversation"] = axe.run(page, options=WCAG_AA)
        for state, audit in audits.items():
            assert audit.violations_count == 0, (state, audit.generate_report())
    finally:
        context.close()


def test_a_320_px_phone_with_large_text(chromium: Browser, chat_url: str) -> None:
    context = chromium.new_context(
        viewport={"width": 320, "height": 640}, bypass_csp=True
    )
    page = context.new_page()
    try:
        open_chat(page, f"{chat_url}/?lang=pt")
        ask(page, RIGHTS["pt"])
        screenshot(page, "widget-320px")
        page.add_style_tag(content="html { font-size: 200% }")  # the reader's own size
        panel = page.locator("#aliada-panel")
        box = panel.bounding_box()
        assert box is not None and box["width"] == 320
        assert panel.evaluate("(p) => p.scrollWidth <= p.clientWidth")
        for name in ("exit", "send", "close"):
            button = panel.get_by_role("button", name=labels("pt")[name], exact=True)
            edge = button.bounding_box()
            assert (
                edge is not None and edge["x"] >= 0 and edge["x"] + edge["width"] <= 320
            )
        screenshot(page, "widget-320px-large-text")
    finally:
        context.close()


def test_without_constructed_stylesheets_the_styles_pass_a_strict_policy(
    page: Page, chat_url: str
) -> None:
    """Older Safari lacks constructed stylesheets: the widget writes a <style>,
    which the demo page's Content-Security-Policy allows by its hash alone."""
    page.add_init_script(
        "delete CSSStyleSheet.prototype.replaceSync;"
        "window.violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " (event) => window.violations.push(event.violatedDirective));"
    )
    page.goto(f"{chat_url}/?lang=en")
    page.locator("#aliada-chat[data-ready]").wait_for(state="attached")
    launcher = page.locator(".launcher")
    assert launcher.evaluate("(b) => getComputedStyle(b).backgroundColor") == (
        "rgb(31, 95, 139)"  # the default colour, #1f5f8b: styled
    )
    assert page.evaluate("window.violations") == []


def test_a_network_drop_loses_and_doubles_nothing(
    page: Page, chat_app: Flask, chat_url: str
) -> None:
    open_chat(page, f"{chat_url}/?lang=en")
    ask(page, "hello")
    page.context.set_offline(True)
    page.locator("#aliada-input").fill(RIGHTS["en"])
    page.locator("#aliada-input").press("Enter")
    notice = page.get_by_role("alert")
    expect(notice).to_have_text(labels("en")["unreachable"], timeout=10_000)
    expect(notice.get_by_role("link", name="+1 555 0100")).to_have_attribute(
        "href", "tel:+15550100"
    )
    page.context.set_offline(False)
    expect(page.locator(".message.you .pending")).to_have_count(0, timeout=20_000)
    expect(notice).to_be_empty()
    assert bot_texts(page).count(response_text("utter_rights", "en")) == 1
    assert len(incoming(chat_app, RIGHTS["en"])) == 1


def test_an_answer_lost_on_the_way_back_is_given_again_not_asked_twice(
    page: Page, chat_app: Flask, chat_url: str
) -> None:
    dropped: list[str] = []

    def drop_the_first_answer(route: Route) -> None:
        if dropped:
            route.continue_()
            return
        route.fetch()  # the hotline gets the message and answers it...
        dropped.append(route.request.url)
        route.abort("connectionreset")  # ...but the answer never arrives

    open_chat(page, f"{chat_url}/?lang=en")
    page.route("**/webchat/api/v1/messages", drop_the_first_answer)
    ask(page, RIGHTS["en"])
    assert dropped
    assert bot_texts(page).count(response_text("utter_rights", "en")) == 1
    assert len(incoming(chat_app, RIGHTS["en"])) == 1


def test_deleting_the_conversation_reaches_the_line(
    page: Page, chat_app: Flask, chat_url: str
) -> None:
    open_chat(page, f"{chat_url}/?lang=es")
    shown = labels("es")
    ask(page, RIGHTS["es"])
    with chat_app.app_context():
        rasa_knew_it_as = db.session.scalars(select(Conversation.rasa_sender)).one()
    trackers = chat_app.config["TRACKER_STORE_URL"]
    assert rasa_knew_it_as in senders_in(trackers)
    page.get_by_role("button", name=shown["delete"]).click()
    question = page.get_by_role("group", name=shown["delete_question"])
    expect(question).to_be_visible()
    question.get_by_role("button", name=shown["delete_no"]).click()
    expect(question).to_be_hidden()
    expect(page.locator(".message")).not_to_have_count(0)

    page.get_by_role("button", name=shown["delete"]).click()
    with page.expect_response("**/webchat/api/v1/sessions") as deleted:
        question.get_by_role("button", name=shown["delete_yes"]).click()
    assert deleted.value.status == 204
    expect(page.locator(".note")).to_have_text(shown["deleted"])
    expect(page.locator(".message")).to_have_count(0)
    assert stored(page)["session"] is None
    with chat_app.app_context():
        assert db.session.scalars(select(Conversation)).all() == []
    assert rasa_knew_it_as not in senders_in(trackers)  # Rasa's copy went too


def test_an_operator_watching_a_deleted_conversation_is_told_and_sees_nothing(
    chromium: Browser, page: Page, chat_app: Flask, chat_url: str
) -> None:
    open_chat(page, f"{chat_url}/?lang=en")
    ask(page, "i want to talk to a real person")
    with chat_app.app_context():
        public_id = db.session.scalars(select(Conversation.public_id)).one()
    console = chromium.new_context().new_page()
    try:
        log_in(console, chat_url, new_operator(chat_app, "dora"))
        console.goto(f"{chat_url}/console/c/{public_id}")
        expect(console.locator("#transcript")).to_contain_text("real person")

        page.get_by_role("button", name=labels("en")["delete"]).click()
        page.get_by_role("button", name=labels("en")["delete_yes"], exact=True).click()
        expect(console.get_by_role("alert")).to_have_text(
            translate("console", CONVERSATION_GONE, "en")
        )
        expect(console.locator("#transcript")).to_have_count(0)
        expect(console.get_by_text("real person")).to_have_count(0)
    finally:
        console.context.close()


class PlainSite:
    """Another web site (its own origin) with the snippet pasted into a page."""

    def __init__(self, snippet: str) -> None:
        page = f"<!doctype html><html lang='pt'><title>ONG</title><p>ONG</p>{snippet}"
        body = page.encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def partner_sites(chat_app: Flask, chat_url: str) -> Iterator[tuple[str, str]]:
    """Two partner pages with the snippet: one on an origin the line allows
    (``WEBCHAT_ALLOWED_ORIGINS``), one on an origin it does not."""
    snippet = (
        f'<script src="{chat_url}/webchat/widget.js" data-color="#ffd54f" '
        f'data-exit-url="{EXIT_URL}" defer></script>'
    )
    allowed, other = PlainSite(snippet), PlainSite(snippet)
    chat_app.config["WEBCHAT_ALLOWED_ORIGINS"] = [allowed.url]
    yield allowed.url, other.url
    allowed.close()
    other.close()


def test_the_snippet_on_a_partners_plain_page(
    page: Page, partner_sites: tuple[str, str], neutral_site: None
) -> None:
    allowed, _ = partner_sites
    open_chat(page, allowed)  # the page says lang='pt'
    shown = labels("pt")
    expect(page.locator(".send")).to_have_text(shown["send"])
    ask(page, RIGHTS["pt"])
    assert response_text("utter_rights", "pt") in bot_texts(page)
    # A light partner colour gets dark text on it, still readable.
    assert page.locator("#aliada-chat h2").evaluate(CONTRAST) >= 4.5
    assert page.locator("#aliada-chat .send").evaluate(CONTRAST) >= 4.5
    screenshot(page, "widget-partner-page")
    page.get_by_role("button", name=shown["exit"]).click()
    page.wait_for_url(EXIT_URL)
    page.goto(allowed)
    assert stored(page) == {"session": None, "local": 0, "cookies": ""}


def test_a_page_the_line_does_not_allow_gets_the_hotline_number(
    page: Page, partner_sites: tuple[str, str]
) -> None:
    _, other = partner_sites
    open_chat(page, other)
    page.locator("#aliada-input").fill("hola")
    page.locator("#aliada-input").press("Enter")
    expect(page.get_by_role("alert")).to_have_text(labels("pt")["refused"])
    expect(page.locator(".message.you .pending")).to_have_text(labels("pt")["not_sent"])


# --- when the line refuses for now: busy (429), session ended (410, 404) ---


def spend_the_allowance(app: Flask, count: int) -> None:
    """Requests from the same address as the browser (a delete of nothing
    counts as a message, and changes nothing)."""
    client = app.test_client()
    for _ in range(count):
        client.delete("/webchat/api/v1/sessions", json={"session_id": "D" * 43})


def test_a_busy_line_keeps_the_message_and_sends_it_when_there_is_room(
    page: Page, chat_app: Flask, chat_url: str
) -> None:
    open_chat(page, f"{chat_url}/?lang=en")
    ask(page, "hello")
    chat_app.config["WEBCHAT_MESSAGES_PER_CLIENT"] = "2 per 15 seconds"
    spend_the_allowance(chat_app, 2)

    refused: list[int] = []
    page.on(
        "response",
        lambda response: response.status == 429 and refused.append(response.status),
    )
    page.locator("#aliada-input").fill(RIGHTS["en"])
    page.locator("#aliada-input").press("Enter")
    notice = page.get_by_role("alert")
    expect(notice).to_have_text(labels("en")["busy"])
    expect(page.locator(".message.you").last).to_contain_text(RIGHTS["en"])
    expect(page.locator(".message.you .not_sent")).to_have_count(0)

    # Sent again once the line has room, after the wait it asked for.
    expect(page.locator(".message.you .pending")).to_have_count(0, timeout=45_000)
    expect(notice).to_be_empty()
    assert refused
    assert bot_texts(page).count(response_text("utter_rights", "en")) == 1
    assert len(incoming(chat_app, RIGHTS["en"])) == 1


def test_after_a_long_pause_a_new_conversation_starts_and_the_person_is_told(
    page: Page, chat_app: Flask, chat_url: str
) -> None:
    open_chat(page, f"{chat_url}/?lang=en")
    ask(page, "hello")
    saved = json.loads(page.evaluate(f"() => sessionStorage.getItem('{STORE}')"))
    fall_silent(chat_app, saved["id"])

    ask(page, RIGHTS["en"])

    expect(page.locator(".note")).to_have_text(labels("en")["ended"])
    assert bot_texts(page).count(response_text("utter_rights", "en")) == 1
    [kept] = incoming(chat_app, RIGHTS["en"])
    now = json.loads(page.evaluate(f"() => sessionStorage.getItem('{STORE}')"))
    assert now["id"] != saved["id"]
    with chat_app.app_context():
        assert len(db.session.scalars(select(Conversation)).all()) == 2
        assert db.session.get(Conversation, kept.conversation_id).language == "en"


def test_a_session_the_line_never_issued_gives_way_to_a_new_one(
    page: Page, chat_app: Flask, chat_url: str
) -> None:
    """A tab that kept a session from before an upgrade, or a made-up one."""
    page.goto(f"{chat_url}/?lang=en")
    # Once the widget is ready: before that, it still writes its own (none).
    page.locator("#aliada-chat[data-ready]").wait_for(state="attached")
    page.evaluate(
        f"""() => sessionStorage.setItem('{STORE}', JSON.stringify(
              {{id: '{"S" * 43}', after: 0, language: 'en', at: Date.now()}}))"""
    )
    open_chat(page, f"{chat_url}/?lang=en")
    expect(page.locator(".note").last).to_have_text(labels("en")["ended"])
    ask(page, RIGHTS["en"])
    assert bot_texts(page).count(response_text("utter_rights", "en")) == 1
