"""Every word the voice line itself says (bot answers come from Rasa's NLG).

English sources; translators add the other languages in ``locales/``. Numbers
are given as values so the catalogs never hold a deployment's phone numbers.
"""

from __future__ import annotations

from hotline.texts import Text

# Translators: one line of the language menu, said in YOUR language (the line
# says each option in its own language). Keep the name of your language.
MENU_OPTION = Text("hotline_voice_menu_option", "For English, press %(digit)s.")
# Said instead of MENU_OPTION while a language has no translation of it:
# the language's own name (e.g. "Runasimi") and its key.
MENU_OPTION_NAMED = Text("hotline_voice_menu_option_named", "%(name)s: %(digit)s.")
WELCOME = Text(
    "hotline_voice_welcome",
    "Welcome to Aliada, a confidential information line.",
)
ASK = Text(
    "hotline_voice_ask",
    "Say in a few words what you need, or press 1 for your rights, 2 for a safe "
    "place to stay, 3 for health, 4 for legal help, 5 for your consulate, "
    "or 9 to talk to a person.",
)
ASK_AGAIN = Text(
    "hotline_voice_ask_again",
    "Anything else? Say it in a few words, or press 9 to talk to a person.",
)
NOT_HEARD = Text("hotline_voice_not_heard", "Sorry, I did not get that.")
OFFER_PERSON = Text(
    "hotline_voice_offer_person",
    "To talk to a person, press 0 or say: person.",
)
# Translators: comma-separated words that, said alone, ask for a person.
PERSON_WORDS = Text(
    "hotline_voice_person_words", "person, operator, human, agent, someone"
)
CONNECTING = Text(
    "hotline_voice_connecting",
    "I am connecting you with a person from our team. Please stay on the line.",
)
NOBODY_FREE = Text(
    "hotline_voice_nobody_free",
    "Nobody from our team can take your call right now. If you are in danger, "
    "call %(emergency)s. You can also call the hotline at %(hotline)s.",
)
# --- keys only: languages no recogniser knows (ht, qu, gn, quc, ay) -------
# Translators: the call's menu for people who press keys (no speech). Keep the
# numbers: they are the same as in the written help menu ("Reply with a
# number"). 0 and 9 both bring a person.
DIGIT_MENU = Text(
    "hotline_voice_digit_menu",
    "To talk to a person, press 0. Or press: 1 your rights, 2 a safe place to "
    "stay, 3 health, 4 legal help, 5 your consulate, 6 pay and work problems, "
    "7 check your situation, 8 numbers to call, 9 a person.",
)
# Said instead of an answer's local numbers when the caller's number tells
# nothing of where they are: the emergency numbers of every country we cover.
COUNTRY_UNKNOWN = Text(
    "hotline_voice_country_unknown",
    "I do not know which country you are in. If you are in danger, call the "
    "emergency number there: %(emergency)s. To talk to a person, press 0.",
)
# Said after the languages of one page when more follow on the next page.
MENU_MORE = Text("hotline_voice_menu_more", "For more languages, press 9.")
# A language with no voice at all (no espeak-ng voice, ay) needs these two
# recorded (locales/<lang>/audio/<context>.wav) before its callers get the menu
# above; until then they reach a person at once.
MENU_PROMPTS = (WELCOME, DIGIT_MENU)
# Said only to callers who can speak: keys-only languages hear DIGIT_MENU.
SPEECH_ONLY = (ASK, ASK_AGAIN, OFFER_PERSON)

GOODBYE = Text(
    "hotline_voice_goodbye",
    "Thank you for calling. You can call again at any time: %(hotline)s. Goodbye.",
)

# --- waiting for a person (Twilio's call queue) ---------------------------
# Translators: said over and over while the caller waits in line.
HOLD = Text(
    "hotline_voice_hold",
    "Please stay on the line. A person from our team will answer. If you are in "
    "danger, hang up and call %(emergency)s.",
)
# Translators: said after HOLD; the number is the caller's place in line.
PLACE_IN_LINE = Text("hotline_voice_place_in_line", "You are number %(position)s.")
# Said after the team's "back on ..." message (outside opening hours), or when
# nobody could answer in time.
LEAVE_MESSAGE = Text(
    "hotline_voice_leave_message",
    "After the tone, say your message. A person from our team will listen to it. "
    "Hang up when you are done.",
)
MESSAGE_KEPT = Text(
    "hotline_voice_message_kept",
    "Thank you. Your message is kept for our team.",
)

# --- the operators' line (POST /twilio/voice/operator), said in English ---
OPERATOR_ASK_ID = Text(
    "hotline_voice_operator_ask_id",
    "Aliada team line. Enter your operator number, then the hash key.",
)
OPERATOR_ASK_CODE = Text(
    "hotline_voice_operator_ask_code",
    "Enter the 6-digit code your authenticator app shows now.",
)
OPERATOR_ASK_PIN = Text(
    "hotline_voice_operator_ask_pin",
    "Enter your phone PIN, then the hash key.",
)
OPERATOR_REFUSED = Text(
    "hotline_voice_operator_refused",
    "That operator number, code or PIN is not right. Goodbye.",
)
OPERATOR_CALLER_LOCKED = Text(
    "hotline_voice_operator_caller_locked",
    "Too many failed attempts from this phone. Try again in %(minutes)s minutes. "
    "Goodbye.",
)
OPERATOR_TOO_MANY_CALLS = Text(
    "hotline_voice_operator_too_many_calls",
    "Too many calls to this line from your number. Try again later. Goodbye.",
)
OPERATOR_NO_CALLS = Text(
    "hotline_voice_operator_no_calls",
    "Nobody is waiting on the phone in your languages. Goodbye.",
)
OPERATOR_CONNECTING = Text(
    "hotline_voice_operator_connecting",
    "Connecting you with a caller who speaks %(language_name)s.",
)
