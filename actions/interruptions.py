"""What makes a form let go: danger, asking for a person, deleting, a call for help;
and the country question also lets go of a situation told or a follow-up
without a topic ("what can I do?"), which the self-assessment's yes/no questions
keep as answers.

A form that waits for an answer (the country, a self-assessment question) must
not swallow these: "borra mis datos" is not a country and "quiero hablar con una
persona" is not a yes or a no. The form's validation gives nothing for such a
message, Rasa rejects the form, and the rules in ``bot/data/rules.yml`` conditioned
on the active form run the right flow (and let the form go, or, for danger while
the country is asked, come back to it).
"""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.answers import is_bare_answer
from actions.signals import latest_intent, split_at_latest_message

ACTION_LISTEN = "action_listen"
# Danger always wins; the others win unless the whole message is an answer (a
# bare "no" the classifier took for something else stays an answer).
DANGER_INTENT = "emergency"
INTERRUPTING_INTENTS = frozenset(
    {DANGER_INTENT, "request_human", "delete_data", "ask_help"}
)
COUNTRY_QUESTION_INTERRUPTIONS = frozenset({"describe_situation", "ask_what_now"})


def interrupts(tracker: Tracker, also: frozenset[str] = frozenset()) -> bool:
    """The latest message asks for something no form may swallow (nor these
    ``also`` intents, for a form that has rules for them)."""
    intent = latest_intent(tracker)
    if intent not in INTERRUPTING_INTENTS | also:
        return False
    if intent == DANGER_INTENT:
        return True
    return not is_bare_answer(tracker.latest_message.get("text") or "")


def replying_to(tracker: Tracker, form: str) -> bool:
    """The form reads the person's latest message now, rather than coming back
    to it after a rule answered that message (the emergency answer, say)."""
    _before, after = split_at_latest_message(tracker)
    return all(
        event.get("name") in (ACTION_LISTEN, form)
        for event in after
        if event.get("event") == "action"
    )
