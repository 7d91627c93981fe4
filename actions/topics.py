"""Answer a topic with the numbers of the country the person is in.

Which services answer which topic is data here, not code in each action: the
topic's own information text has already been said by the rule that opened the
country form; this action adds the lines to call.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.directory import CountryDirectory, ServiceEntry
from actions.directory.emergency import common_emergency_numbers
from actions.directory.loader import default_directory
from actions.directory.rights import country_facts
from actions.geo import resolve_country
from actions.languages import current_language
from actions.signals import signal_country, signal_emergency_number
from bot.catalogs import Text, translate
from bot.country_names import country_name, is_country_code

# For each topic, the kinds of service to give, most useful first. The
# anti-trafficking line closes most lists because it can route any need.
SERVICES_BY_TOPIC: dict[str, tuple[str, ...]] = {
    "shelter": ("shelter_intake", "trafficking_hotline", "womens_violence"),
    "hotline": ("trafficking_hotline", "emergency"),
    "consulate": ("trafficking_hotline",),
    "legal_aid": ("legal_aid", "trafficking_hotline"),
    "health": ("health", "emergency"),
    "immigration": ("legal_aid", "trafficking_hotline"),
    "work_rights": ("labour_inspection", "trafficking_hotline"),
    "report_case": ("trafficking_hotline", "emergency"),
    "return_home": ("trafficking_hotline",),
    "emergency": ("emergency", "trafficking_hotline"),
    "situation": ("trafficking_hotline", "emergency"),
}
# Each topic's own text, said before its numbers (the rules say the first
# topic's; a second topic's and a follow-up's are said from here).
INFO_BY_TOPIC: dict[str, str] = {
    "shelter": "utter_shelter_info",
    "hotline": "utter_hotline_info",
    "consulate": "utter_consulate_info",
    "legal_aid": "utter_legal_aid_info",
    "health": "utter_health_info",
    "immigration": "utter_immigration_info",
    "work_rights": "utter_work_rights_info",
    "report_case": "utter_report_info",
    "return_home": "utter_return_home_info",
    "situation": "utter_situation_what_now",
}
# Kinds a country may lack; without them a topic has no line of its own.
OPTIONAL_KINDS = {"legal_aid", "health", "labour_inspection", "shelter_intake"}
# Every country has both (the schema requires them). When a topic has no line of
# its own there, both answer it: the anti-trafficking line is the usual way into
# a shelter, a lawyer or a consulate, and the emergency number is for danger.
FALLBACK_KINDS = ("trafficking_hotline", "emergency")
# What the person is told of a line beside its name: who answers (the police,
# a ministry, an organisation), and only what its source says: free,
# confidential, day and night.
OPERATOR_WORDS = {
    "police": Text("service_detail", "police"),
    "government": Text("service_detail", "government"),
    "prosecutor": Text("service_detail", "public prosecutor"),
    "ngo": Text("service_detail", "an organisation, not the police"),
    "international": Text("service_detail", "international organisation"),
}
FREE = Text("service_detail", "free")
CONFIDENTIAL = Text("service_detail", "confidential")
NO_NAME_NEEDED = Text("service_detail", "no name needed")
DAY_AND_NIGHT = Text("service_detail", "day and night")
NOT_CONFIRMED = Text("service_detail", "not confirmed recently")


def line_details(
    entry: ServiceEntry, language: str, alone: bool = False, country: str = ""
) -> str:
    """The words after a line's name, e.g. " (police, free, day and night)",
    or "" when nothing is known. A line said ``alone`` (the emergency number
    in a danger answer, with no footnote around it) names its ``country`` and
    says itself when it is not confirmed."""
    words = [country_name(country, language)] if country else []
    if entry.operator in OPERATOR_WORDS:
        words.append(OPERATOR_WORDS[entry.operator](language))
    if entry.free:
        words.append(FREE(language))
    if entry.confidential:
        words.append(CONFIDENTIAL(language))
    if entry.anonymous:
        words.append(NO_NAME_NEEDED(language))
    if entry.around_the_clock:
        words.append(DAY_AND_NIGHT(language))
    if alone and not entry.is_current():
        words.append(NOT_CONFIRMED(language))
    return f" ({', '.join(words)})" if words else ""


def unchecked_mark(entry: ServiceEntry) -> str:
    return "" if entry.is_current() else " *"


class LineWriter:
    """Utters service lines, once each, then what the person should know of
    them: that some were not checked recently (and what to call instead), and
    that police lines may ask about papers."""

    def __init__(
        self,
        dispatcher: CollectingDispatcher,
        language: str,
        country: CountryDirectory | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.language = language
        # The country whose checked numbers stand in for an unchecked one.
        self.country = country
        self.given: set[str] = set()
        self.any_unchecked = False
        self.police_caution = False

    def entry(self, response: str, entry: ServiceEntry) -> None:
        if entry.main_number in self.given:
            return
        self.given.add(entry.main_number)
        self.any_unchecked |= not entry.is_current()
        self.police_caution |= bool(entry.immigration_caution)
        if response == "utter_service_emergency":
            signal_emergency_number(self.dispatcher)
        self.dispatcher.utter_message(
            response=response,
            name=entry.name,
            phone=entry.main_number,
            details=line_details(entry, self.language),
            mark=unchecked_mark(entry),
        )
        if entry.phone and entry.sms:
            self.dispatcher.utter_message(
                response="utter_service_sms", number=entry.sms
            )
        if entry.whatsapp and entry.whatsapp != entry.main_number:
            self.dispatcher.utter_message(
                response="utter_service_whatsapp", number=entry.whatsapp
            )

    def alternative(self) -> str | None:
        """A checked number of the country to call when a marked one fails."""
        if self.country is None:
            return None
        for kind in ("emergency", "trafficking_hotline"):
            for entry in self.country.entries(kind):
                if entry.is_current():
                    return entry.main_number
        return None

    def finish(self) -> None:
        if self.any_unchecked:
            phone = self.alternative()
            if phone:
                self.dispatcher.utter_message(
                    response="utter_service_unchecked", phone=phone
                )
            else:
                self.dispatcher.utter_message(
                    response="utter_service_unchecked_no_alternative"
                )
        if self.police_caution:
            self.dispatcher.utter_message(response="utter_service_police_caution")


def give_consular_lines(
    dispatcher: CollectingDispatcher,
    writer: LineWriter,
    lines: list[ServiceEntry],
    topic: str | None,
    local: bool = False,
) -> None:
    """The person's own country's help (its consulate here, or its line for
    nationals abroad), with the caution about one's own authorities unless
    the consulate's own text, said before, gave it."""
    response = "utter_service_consulate" if local else "utter_service_consulate_abroad"
    for entry in lines:
        writer.entry(response, entry)
    if lines and topic != "consulate":
        dispatcher.utter_message(response="utter_consulate_caution")


def give_consulate(
    dispatcher: CollectingDispatcher,
    writer: LineWriter,
    tracker: Tracker,
    country: CountryDirectory,
    topic: str,
) -> bool:
    """Utter the person's consular help; False when the consulate was asked for
    and there is none to give."""
    language = current_language(tracker)
    nationality = resolve_country(tracker.get_slot("nationality"))
    lines = default_directory().consular_help(nationality, country.country)
    local = bool(country.consulates.get(nationality or ""))
    give_consular_lines(dispatcher, writer, lines, topic, local)
    if lines or topic != "consulate":
        return True
    if nationality is None:
        dispatcher.utter_message(response="utter_no_consulate_unknown_nationality")
    else:
        dispatcher.utter_message(
            response="utter_no_consulate",
            nationality_name=country_name(nationality, language),
            country_name=country_name(country.country, language),
        )
    return False


def say_no_directory(
    dispatcher: CollectingDispatcher, tracker: Tracker, code: str
) -> None:
    """What the line can tell in a country it has no numbers for: that it has
    none (and to call the local emergency number, or a person from our team),
    and, when we know where the person is from, that their own consulate
    there can help, though we have no number for it."""
    language = current_language(tracker)
    dispatcher.utter_message(
        response="utter_no_directory_country",
        country_name=country_name(code, language),
    )
    nationality = resolve_country(tracker.get_slot("nationality"))
    if not nationality or nationality == code:
        return
    lines = default_directory().consular_help(nationality, code)
    if not lines:
        dispatcher.utter_message(
            response="utter_no_directory_consulate",
            nationality_name=country_name(nationality, language),
            country_name=country_name(code, language),
        )
        return
    writer = LineWriter(dispatcher, language)
    give_consular_lines(dispatcher, writer, lines, tracker.get_slot("topic"))
    writer.finish()


def give_topic_lines(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    country: CountryDirectory,
    topic: str,
    writer: LineWriter | None = None,
) -> None:
    """Utter the lines that answer a topic in one country.

    Something is always given: when the topic has no line of its own there, the
    person is told so and gets the country's anti-trafficking line and its
    emergency number, which every country in the directory has. A writer
    shared by two topics gives each number once.
    """
    own_writer = writer is None
    writer = writer or LineWriter(dispatcher, current_language(tracker), country)
    has_own_line = True
    if topic in ("consulate", "return_home"):
        has_own_line = give_consulate(dispatcher, writer, tracker, country, topic)
    kinds = SERVICES_BY_TOPIC[topic]
    if any(k in OPTIONAL_KINDS and not country.entries(k) for k in kinds):
        # For a second topic the lines already given are the ones to call.
        if not writer.given:
            dispatcher.utter_message(
                response="utter_no_service_kind",
                country_name=country_name(country.country, current_language(tracker)),
            )
        has_own_line = False
    if not has_own_line:
        kinds = (*kinds, *(k for k in FALLBACK_KINDS if k not in kinds))
    if tracker.get_slot("sa_under_18") == "yes":
        kinds = ("child_helpline", *kinds)
    for kind in kinds:
        for entry in country.entries(kind):
            writer.entry(f"utter_service_{kind}", entry)
    if own_writer:
        writer.finish()


def tell_country_facts(
    dispatcher: CollectingDispatcher, tracker: Tracker, country: str, topic: str
) -> None:
    """What this country's own rules say on the topic, where an official page
    backs it (``directory/rights.yml``)."""
    language = current_language(tracker)
    for fact in country_facts(country, topic):
        dispatcher.utter_message(
            response="utter_country_fact",
            fact=translate("rights_fact", fact.fact, language),
        )


class ActionCountryFacts(Action):
    """After the general rights answer: the country's own facts, when the
    country is known."""

    def name(self) -> str:
        return "action_country_facts"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        code = resolve_country(tracker.get_slot("country"))
        if code:
            tell_country_facts(dispatcher, tracker, code, "rights")
        return []


class ActionAnswerTopic(Action):
    """Gives the local numbers for the topic the country form was opened for,
    then a second topic the same message asked about (its text and numbers);
    after a situation, the offer of a person."""

    def name(self) -> str:
        return "action_answer_topic"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        slot = tracker.get_slot("country")
        code = resolve_country(slot)
        topic = tracker.get_slot("topic") or "hotline"
        if code is None:
            dispatcher.utter_message(
                response="utter_country_not_understood",
                numbers=common_emergency_numbers(current_language(tracker)),
            )
            return [SlotSet("country", None)]
        # A conversation from before countries were resolved may still hold a
        # word here; it is mended as it is read.
        events: list[EventType] = [] if code == slot else [SlotSet("country", code)]
        country = default_directory().get(code)
        if country is None:
            say_no_directory(dispatcher, tracker, code)
        else:
            self.answer(dispatcher, tracker, country, topic)
            events.append(SlotSet("second_topic", None))
        # Where the person is, for the hotline's own texts (after what the
        # person reads).
        signal_country(dispatcher, code)
        return events

    @staticmethod
    def answer(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        country: CountryDirectory,
        topic: str,
    ) -> None:
        writer = LineWriter(dispatcher, current_language(tracker), country)
        give_topic_lines(dispatcher, tracker, country, topic, writer)
        second = tracker.get_slot("second_topic")
        if second and second != topic:
            dispatcher.utter_message(response=INFO_BY_TOPIC[second])
            give_topic_lines(dispatcher, tracker, country, second, writer)
        writer.finish()
        tell_country_facts(dispatcher, tracker, country.country, topic)
        if topic == "situation":
            dispatcher.utter_message(response="utter_person_if_wanted")


def country_hint(tracker: Tracker) -> str | None:
    """Where the hotline thinks the person is (their phone number's country),
    before they said: enough to give an emergency number, named, never to
    fill the country slot."""
    metadata = tracker.latest_message.get("metadata") or {}
    hint = metadata.get("country_hint")
    return hint if is_country_code(hint) else None


def utter_emergency_number(
    dispatcher: CollectingDispatcher, tracker: Tracker, response: str
) -> None:
    """``<response>_local`` with the country's emergency number (and what its
    entry says of it) when we know the country, else ``<response>_generic``
    with the numbers of the countries we cover."""
    code = resolve_country(tracker.get_slot("country"))
    country = default_directory().get(code or country_hint(tracker))
    language = current_language(tracker)
    if country is not None:
        entry = country.emergency_entry()
        dispatcher.utter_message(
            response=f"{response}_local",
            phone=entry.main_number,
            details=line_details(entry, language, alone=True, country=country.country),
        )
    else:
        dispatcher.utter_message(
            response=f"{response}_generic",
            numbers=common_emergency_numbers(language),
        )
    if code:
        signal_country(dispatcher, code)
    signal_emergency_number(dispatcher)
