"""Every text the chat widget shows, as catalog entries (context ``webchat``).

The widget has no texts of its own: it loads these, rendered in one language
with the line's numbers filled in, from ``GET /webchat/i18n/<language>.json``.
Keys are the widget's names for its places; sources are the English text.
"""

from __future__ import annotations

from hotline.texts import Text

CONTEXT = "webchat"  # written out in each Text(): pybabel reads literals only

# The line refused a request for now (too many at once): the widget keeps the
# message and sends it again after the wait the line asked for. The API's 429
# answer carries the same text.
BUSY = Text(
    "webchat",
    "Many people are writing to the line right now. Your message is kept here "
    "and will be sent in a moment. In danger, call %(emergency)s.",
)

WIDGET_LABELS: dict[str, Text] = {
    "open": Text("webchat", "Chat with us"),
    "title": Text("webchat", "Aliada: confidential help"),
    "close": Text("webchat", "Close the chat"),
    "welcome": Text(
        "webchat",
        "Hello. Write your question in your own words and language. You do not "
        "have to give your name. In danger, call %(emergency)s.",
    ),
    "continued": Text(
        "webchat",
        "Your conversation goes on. Earlier messages are not kept on this device.",
    ),
    "language": Text("webchat", "Language"),
    "message": Text("webchat", "Your message"),
    "placeholder": Text("webchat", "Write here"),
    "send": Text("webchat", "Send"),
    "you": Text("webchat", "You"),
    "bot": Text("webchat", "Aliada"),
    "operator": Text("webchat", "A person from the team"),
    "typing": Text("webchat", "Aliada is writing…"),
    "sending": Text("webchat", "Sending…"),
    "not_sent": Text("webchat", "Not sent."),
    "suggestions": Text("webchat", "Suggested answers"),
    "new_message": Text("webchat", "You have a new message"),
    "exit": Text("webchat", "Quick exit"),
    "exit_hint": Text(
        "webchat", "Leave this page at once. You can also press Esc twice."
    ),
    "exit_again": Text("webchat", "Press Esc again to leave this page."),
    "delete": Text("webchat", "Delete this conversation"),
    "delete_question": Text(
        "webchat",
        "Delete this conversation? It is erased from this page and from our line.",
    ),
    "delete_yes": Text("webchat", "Delete"),
    "delete_no": Text("webchat", "Keep it"),
    "deleted": Text("webchat", "The conversation was deleted."),
    "delete_failed": Text(
        "webchat",
        "We could not delete the conversation. Check your connection and try again.",
    ),
    "reconnecting": Text("webchat", "The connection was lost. Trying again…"),
    "unreachable": Text(
        "webchat",
        "We cannot reach the line right now. Your messages will be sent when the "
        "connection is back. You can call the hotline: %(hotline)s. In danger, "
        "call %(emergency)s.",
    ),
    "reconnected": Text("webchat", "Connected again."),
    "busy": BUSY,
    "ended": Text(
        "webchat",
        "Your previous conversation ended after a long pause. What you write "
        "now starts a new conversation.",
    ),
    "too_long": Text("webchat", "This message is too long. Please write it shorter."),
    "refused": Text(
        "webchat",
        "This chat cannot be used on this page. Please call the hotline: "
        "%(hotline)s. In danger, call %(emergency)s.",
    ),
    "failed": Text(
        "webchat",
        "Something went wrong and your message was not sent. Please try again, or "
        "call the hotline: %(hotline)s.",
    ),
}

# The demo page at ``/``: a neutral page that shows the widget.
DEMO_TITLE = Text("webchat", "Aliada chat: demo page")
DEMO_INTRO = Text(
    "webchat",
    "This page shows the Aliada chat as it appears on a partner's web site. Open "
    "it with the button at the bottom of the page.",
)
DEMO_SNIPPET = Text(
    "webchat", "To add the chat to a page, paste this line before </body>:"
)


def widget_labels(language: str, numbers: dict[str, str]) -> dict[str, str]:
    """All the widget's texts in one language, with the numbers filled in."""
    return {
        key: text(language, **numbers) if "%(" in text.source else text(language)
        for key, text in WIDGET_LABELS.items()
    }
