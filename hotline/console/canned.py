"""Ready-made replies an operator can send; the person reads them in their
language from the catalogs (``locales/``), like every other text they get."""

from __future__ import annotations

from hotline.texts import Text

CANNED_REPLIES = (
    Text(
        "console_canned_greeting",
        "A person from our team is here. How can I help you?",
    ),
    Text("console_canned_safe_now", "Are you safe right now?"),
    Text("console_canned_which_country", "Can you tell me which country you are in?"),
    Text(
        "console_canned_stay",
        "I will stay with you. Write whenever you can.",
    ),
    Text(
        "console_canned_closing",
        "Thank you for writing. I am closing this conversation now; you can write "
        "again at any time.",
    ),
    Text(
        "console_canned_delete_traces",
        "If someone else may read this phone, delete this conversation from it, "
        "and the call log if you called us.",
    ),
)
BY_CONTEXT = {text.context: text for text in CANNED_REPLIES}


def choices(language: str) -> list[tuple[str, str]]:
    """(context, label) pairs: the text as the person will read it, and the
    English source beside it when they differ."""
    options = []
    for text in CANNED_REPLIES:
        rendered = text(language)
        label = rendered if rendered == text.source else f"{rendered} — {text.source}"
        options.append((text.context, label))
    return options
