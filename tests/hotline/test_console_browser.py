"""The operator console in a real browser (headless Chromium on a live server):
login with password and TOTP, the queue, claim, replies, close, live updates
without reloading, keyboard-only use, a 360 px phone, and HTML shown as text.
Screenshots go to ``.artifacts/screenshots/``."""

from __future__ import annotations

from browser import Page, expect, screenshot  # skips without Chromium
from fake_twilio import FakeTwilio
from flask import Flask
from sqlalchemy import select

from bot.catalogs import translate
from hotline import handoff
from hotline.console import canned
from hotline.extensions import db
from hotline.models import Channel, Conversation, Message, MessageStatus
from hotline.privacy import pseudonym
from tools.live import hand_off, log_in, new_operator

pytest_plugins = ["browser"]


PHONE_NUMBER = "+15005550006"
LIVE = 10_000  # ms: several of the page's poll periods
# The console speaks the operators' first language (es); English until translated.
WITH_OPERATOR = translate("console", "with an operator", "en")  # operators read English
GONE = translate(
    "console",
    "This conversation is no longer open to you: it was closed, handed on or "
    "deleted. Nothing more of it is shown.",
    "en",
)
HORIZONTAL_SCROLL = (
    "document.documentElement.scrollWidth > document.documentElement.clientWidth"
)


def stored(public_id: str) -> Conversation:
    return db.session.scalars(
        select(Conversation).where(Conversation.public_id == public_id)
    ).one()


def pseudonym_of(app: Flask, public_id: str) -> str:
    with app.app_context():
        return pseudonym(stored(public_id).key)


def person_writes(app: Flask, public_id: str, text: str) -> None:
    """A message that reached the console (as ``conversations.handle`` keeps it)."""
    with app.app_context():
        db.session.add(
            Message(
                conversation=stored(public_id),
                direction="in",
                text=text,
                status=MessageStatus.FOR_PERSON,
            )
        )
        db.session.commit()


def row(page: Page, public_id: str):
    return page.locator(f'tr[data-conversation="{public_id}"]')


def claim(page: Page, base: str, public_id: str) -> None:
    page.goto(f"{base}/console/c/{public_id}")
    page.get_by_role("button", name="Claim this conversation").click()
    expect(page.locator("#state")).to_have_text(WITH_OPERATOR)


def test_login_queue_claim_reply_close_and_live_queue(
    live_app: Flask, live_url: str, page: Page, fake_twilio: FakeTwilio
) -> None:
    account = new_operator(live_app, "ana")
    sms = hand_off(live_app, Channel.SMS, PHONE_NUMBER, "es", "urgent")
    person_writes(live_app, sms, "Necesito ayuda, por favor")

    page.goto(f"{live_url}/console/")
    expect(page).to_have_url(f"{live_url}/console/login")
    screenshot(page, "login")
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Next: code").click()
    screenshot(page, "login-code")
    page.get_by_label("6-digit code").fill(account.totp.now())
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_url}/console/")

    expect(row(page, sms)).to_contain_text(pseudonym_of(live_app, sms))
    expect(row(page, sms)).to_contain_text("urgent")
    digits = PHONE_NUMBER.removeprefix("+")
    assert digits not in page.content()
    screenshot(page, "queue")

    row(page, sms).get_by_role("link").click()
    page.get_by_role("button", name="Claim this conversation").click()
    expect(page.get_by_text("This conversation is yours now.")).to_be_visible()
    expect(page.locator("#state")).to_have_text(WITH_OPERATOR)
    assert digits not in page.content()

    page.get_by_label("Ready-made reply").select_option("console_canned_safe_now")
    page.get_by_role("button", name="Send ready-made reply").click()
    with live_app.app_context():
        in_spanish = canned.BY_CONTEXT["console_canned_safe_now"]("es")
    operator_lines = page.locator("#transcript .entry-operator .text")
    expect(operator_lines.last).to_have_text(in_spanish)
    free_text = "Estoy aquí contigo. ¿Dónde estás?"
    page.get_by_label("Your reply").fill(free_text)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(operator_lines).to_have_text([in_spanish, free_text])
    statuses = page.locator("#transcript .entry-operator .status")
    expect(statuses).to_have_text(["sent", "sent"])
    sent = [(sms["form"]["To"], sms["form"]["Body"]) for sms in fake_twilio.received]
    assert sent == [(PHONE_NUMBER, in_spanish), (PHONE_NUMBER, free_text)]
    screenshot(page, "conversation")

    page.get_by_role("button", name="Close conversation").click()
    expect(page.get_by_text("Conversation closed.")).to_be_visible()
    expect(page.get_by_text("Nobody is waiting.")).to_be_visible()
    page.evaluate("window.sameDocument = true")
    webchat = hand_off(live_app, Channel.WEBCHAT, "session-2", "en", "high")
    expect(row(page, webchat)).to_be_visible(timeout=LIVE)
    expect(row(page, webchat)).to_contain_text(pseudonym_of(live_app, webchat))
    assert page.evaluate("window.sameDocument") is True, "the page was reloaded"


def tab_to(page: Page, is_target: str, limit: int = 25) -> None:
    """Press Tab until the focused element passes the JS test ``is_target``
    (called with the element)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"({is_target})(document.activeElement)"):
            return
    raise AssertionError(f"{limit} Tabs never reached {is_target}")


def test_log_in_and_claim_with_the_keyboard_only(
    live_app: Flask, live_url: str, page: Page
) -> None:
    account = new_operator(live_app, "bea")
    waiting = hand_off(live_app, Channel.WEBCHAT, "session-k", "es")
    name = pseudonym_of(live_app, waiting)

    page.goto(f"{live_url}/console/login")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(account.username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(account.password)
    page.keyboard.press("Enter")
    expect(page.get_by_label("6-digit code")).to_be_focused()
    page.keyboard.type(account.totp.now())
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_url}/console/")

    tab_to(page, f"e => e.tagName === 'A' && e.textContent.trim() === '{name}'")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused link shows no focus ring"
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_url}/console/c/{waiting}")
    tab_to(page, "e => e.textContent.trim() === 'Claim this conversation'")
    page.keyboard.press("Enter")
    expect(page.get_by_text("This conversation is yours now.")).to_be_visible()
    expect(page.locator("#state")).to_have_text(WITH_OPERATOR)


def assert_no_horizontal_scroll(page: Page) -> None:
    """Measured once the page has loaded: before its stylesheet applies, the
    unstyled page is as wide as its longest word."""
    page.wait_for_load_state("load")
    assert not page.evaluate(HORIZONTAL_SCROLL), "the page scrolls sideways"


def test_pages_fit_a_360_px_phone(
    live_app: Flask, live_url: str, phone_page: Page
) -> None:
    account = new_operator(live_app, "carla", languages="en,es,pt")
    conversation = hand_off(live_app, Channel.WHATSAPP, PHONE_NUMBER, "pt", "high")
    person_writes(live_app, conversation, "preciso-de-ajuda-" * 20)
    hand_off(live_app, Channel.VOICE, "+15005550007", "qu", "urgent")

    phone_page.goto(f"{live_url}/console/login")
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "login-360")
    log_in(phone_page, live_url, account)
    expect(row(phone_page, conversation)).to_be_visible()
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "queue-360")
    claim(phone_page, live_url, conversation)
    phone_page.get_by_label("Your reply").fill("Olá, estou aqui.")
    phone_page.get_by_role("button", name="Send", exact=True).click()
    expect(phone_page.locator("#transcript .entry-operator")).to_have_count(1)
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "conversation-360")


INJECTED = (
    '<script>window.injected = "script"</script>'
    '<img src="x" onerror="window.injected = \'img\'">'
)


def test_html_in_messages_and_names_is_shown_as_text(
    live_app: Flask, live_url: str, page: Page
) -> None:
    """Escaped when the page is rendered and when polling adds a message (the
    page's Content-Security-Policy would block inline script as well: the
    literal text and the absent elements are what show the escaping)."""
    account = new_operator(live_app, "dora", display_name=f"Dora {INJECTED}")
    conversation = hand_off(live_app, Channel.WEBCHAT, "session-x", "es")
    person_writes(live_app, conversation, f"hola {INJECTED}")

    log_in(page, live_url, account)
    expect(page.get_by_role("button", name=f"Log out Dora {INJECTED}")).to_be_visible()
    claim(page, live_url, conversation)
    person_lines = page.locator("#transcript .entry-person .text")
    expect(person_lines).to_have_text([f"hola {INJECTED}"])
    person_writes(live_app, conversation, f"otra vez {INJECTED}")
    expect(person_lines).to_have_text(
        [f"hola {INJECTED}", f"otra vez {INJECTED}"], timeout=LIVE
    )
    expect(page.locator("main script, main img, header img")).to_have_count(0)
    assert page.evaluate("typeof window.injected") == "undefined"


def test_a_conversation_closed_elsewhere_leaves_the_open_page(
    live_app: Flask, live_url: str, page: Page
) -> None:
    """Closed by someone else (a supervisor, the line) while the operator has
    it open: the page's next poll is refused, and the transcript goes."""
    account = new_operator(live_app, "eva")
    conversation = hand_off(live_app, Channel.WEBCHAT, "session-c", "es")
    person_writes(live_app, conversation, "hola, sigo aquí")
    log_in(page, live_url, account)
    claim(page, live_url, conversation)
    expect(page.locator("#transcript .entry-person")).to_have_count(1)
    with live_app.app_context():
        handoff.close(stored(conversation), None)
    expect(page.get_by_role("alert")).to_have_text(GONE, timeout=LIVE)
    expect(page.locator("#transcript")).to_have_count(0)
    assert "sigo aquí" not in page.content()
