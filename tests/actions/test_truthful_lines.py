"""What the person is told of each line is what its source says: who answers,
free or confidential only where the entry says so, a caution for the police,
and the country's own rules only where an official page backs them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from actions.directory.loader import default_directory, load_directory
from actions.directory.report import README_END, README_START, status_table
from actions.directory.rights import RIGHTS_PATH, all_facts, country_facts
from actions.emergency import ActionEmergency
from actions.topics import ActionAnswerTopic, ActionCountryFacts, line_details
from bot.catalogs import translate
from tests.conftest import ROOT, Conversation, responses


def spoken_lines(dispatcher: Any) -> list[dict]:
    return [m for m in dispatcher.messages if "details" in m]


@pytest.mark.parametrize("code", sorted(default_directory().countries))
async def test_each_line_says_only_what_its_entry_says(
    code: str, conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(slots={"country": code, "topic": "hotline"})
    await ActionAnswerTopic().run(dispatcher, tracker, domain_dict)
    country = default_directory().get(code)
    entries = [e for kind in country.services.values() for e in kind]
    for line in spoken_lines(dispatcher):
        details = line["details"]
        said = (
            "free" in details,
            "confidential" in details,
            "police" in details.replace("not the police", ""),
        )
        assert any(
            said == (bool(e.free), bool(e.confidential), e.operator == "police")
            for e in entries
            if e.main_number == line["phone"]
        ), (line["name"], details)


def test_an_organisations_line_says_it_is_not_the_police() -> None:
    hotline = default_directory().get("US").entries("trafficking_hotline")[0]
    assert hotline.operator == "ngo"
    assert "not the police" in line_details(hotline, "en")
    not_the_police = translate(
        "service_detail", "an organisation, not the police", "es"
    )
    assert not_the_police != "an organisation, not the police"
    assert not_the_police in line_details(hotline, "es")


async def test_police_lines_come_with_a_caution_about_papers(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    """Chile's anti-trafficking reports go to the PDI, also its migration police."""
    pdi = default_directory().get("CL").entries("trafficking_hotline")[0]
    assert pdi.immigration_caution
    tracker = conversation.tracker(slots={"country": "CL", "topic": "report_case"})
    await ActionAnswerTopic().run(dispatcher, tracker, domain_dict)
    assert "utter_service_police_caution" in responses(dispatcher)


async def test_no_caution_where_no_police_line_is_given(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(slots={"country": "CA", "topic": "shelter"})
    await ActionAnswerTopic().run(dispatcher, tracker, domain_dict)
    given = {m["phone"] for m in spoken_lines(dispatcher)}
    entries = [
        e
        for entries in default_directory().get("CA").services.values()
        for e in entries
        if e.main_number in given
    ]
    assert not any(e.immigration_caution for e in entries)
    assert "utter_service_police_caution" not in responses(dispatcher)


async def test_a_womens_line_is_called_what_it_is(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(slots={"country": "PE", "topic": "shelter"})
    await ActionAnswerTopic().run(dispatcher, tracker, domain_dict)
    said = responses(dispatcher)
    assert "utter_service_womens_violence" in said
    assert "utter_service_shelter_intake" not in said


async def test_country_rules_are_told_where_an_official_page_backs_them(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        slots={"country": "US", "topic": "immigration", "language": "es"}
    )
    await ActionAnswerTopic().run(dispatcher, tracker, domain_dict)
    facts = [m["fact"] for m in dispatcher.messages if "fact" in m]
    expected = country_facts("US", "immigration")
    assert expected and len(facts) == len(expected)
    assert facts[0] == translate("rights_fact", expected[0].fact, "es")


async def test_rules_from_unofficial_copies_are_not_told(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    """Mexico's facts rest on copies of its law on private sites: kept for a
    maintainer to confirm, not told to the person."""
    assert [f for f in all_facts() if f.country == "MX"]
    tracker = conversation.tracker(slots={"country": "MX", "topic": "immigration"})
    await ActionAnswerTopic().run(dispatcher, tracker, domain_dict)
    assert not [m for m in dispatcher.messages if "fact" in m]


async def test_rights_answer_adds_the_countrys_rules_when_known(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(slots={"country": "Canadá"})
    await ActionCountryFacts().run(dispatcher, tracker, domain_dict)
    assert len(responses(dispatcher)) == len(country_facts("CA", "rights")) > 0
    dispatcher.messages.clear()
    await ActionCountryFacts().run(
        dispatcher, conversation.tracker(slots={}), domain_dict
    )
    assert responses(dispatcher) == []


def test_every_country_fact_has_its_source_and_date() -> None:
    today = dt.date.today()
    for fact in all_facts():
        assert fact.source.startswith(("https://", "http://")), fact.fact
        assert dt.date.fromisoformat(fact.checked) <= today, fact.fact
        assert len(fact.fact) <= 240, fact.fact


def test_a_fact_read_over_a_year_ago_is_no_longer_told() -> None:
    fact = next(f for f in all_facts() if f.is_shown())
    read = dt.date.fromisoformat(fact.checked)
    assert not fact.is_shown(read + dt.timedelta(days=366))


RIGHTS_ANSWERS = (
    "utter_rights",
    "utter_rights_protection",
    "utter_rights_children",
    "utter_shelter_info",
    "utter_consulate_info",
    "utter_legal_aid_info",
    "utter_health_info",
    "utter_immigration_info",
    "utter_return_home_info",
    "utter_report_info",
)


def test_every_rights_answer_is_traced_to_the_texts_it_rests_on() -> None:
    record = yaml.safe_load(RIGHTS_PATH.read_text(encoding="utf-8"))
    items = record["fallback"]
    numbers = [str(item["number"]) for item in items]
    for answer in RIGHTS_ANSWERS:
        references = record["answers"][answer]
        assert references, answer
        for reference in references:
            assert any(
                reference == n or reference.endswith(f" {n}") for n in numbers
            ), (answer, reference)
    for item in items:
        assert item["source"].startswith(("https://", "http://")), item
        assert item["quote"], item


def test_rights_answers_no_longer_promise_what_depends_on_the_country(
    domain_dict: dict,
) -> None:
    """The promises a reviewer found, stated as guarantees, are gone."""
    texts = " ".join(
        v["text"]
        for name in RIGHTS_ANSWERS
        for v in domain_dict["responses"][name]
        if "text" in v
    )
    for promise in (
        "You have the right to free legal help",
        "even without papers",
        "even if you do not want to talk to the police",
        "the authorities must tell you",
        "You can go home safely",
        "you do not have to give your name",
    ):
        assert promise not in texts
    assert "asylum" in domain_dict["responses"]["utter_return_home_info"][0]["text"]
    assert (
        "may not be safe" in domain_dict["responses"]["utter_consulate_info"][0]["text"]
    )


def test_readme_shows_the_directorys_verification_status_as_it_is() -> None:
    """README's table is the report's (``make directory-report --readme``):
    when an entry turns stale or is confirmed, README must say so."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split(README_START)[1].split(README_END)[0].strip()
    assert shown == status_table(load_directory(), dt.date.today())
    for code in default_directory().countries:
        assert f"| {code} |" in shown, code


async def test_a_whatsapp_only_line_is_given_once(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    """A line reached only by WhatsApp is named with its number, and the
    number is not repeated as "WhatsApp: ..." under it."""
    country = default_directory().get("MX")
    whatsapp_only = [
        e
        for entries in country.services.values()
        for e in entries
        if e.whatsapp and not e.phone
    ]
    assert whatsapp_only
    tracker = conversation.tracker(slots={"country": "MX", "topic": "hotline"})
    await ActionAnswerTopic().run(dispatcher, tracker, domain_dict)
    numbers = [m.get("phone") or m.get("number") for m in dispatcher.messages]
    for entry in whatsapp_only:
        assert numbers.count(entry.whatsapp) == 1


async def test_a_danger_answer_uses_the_callers_country_until_the_person_says(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    """The hotline tells the bot the country of the person's number; a danger
    answer gives that country's emergency number, naming the country (a
    visitor keeps their number), and the country slot stays unset."""
    brazil = default_directory().get("BR").emergency_entry()
    tracker = conversation.tracker(
        "socorro ele esta me batendo",
        intent="emergency",
        metadata={"country_hint": "BR", "channel": "voice"},
    )
    events = await ActionEmergency().run(dispatcher, tracker, domain_dict)
    answer = dispatcher.messages[0]
    assert answer["response"] == "utter_emergency_local"
    assert answer["phone"] == brazil.main_number
    # In Portuguese: with no language read, the number's country's language.
    assert answer["details"].startswith(" (Brasil")
    assert not [e for e in events if e.get("name") == "country"]
    # What the person said wins over their number's country.
    dispatcher.messages.clear()
    tracker = conversation.tracker(
        "socorro",
        intent="emergency",
        slots={"country": "PE"},
        metadata={"country_hint": "BR"},
    )
    await ActionEmergency().run(dispatcher, tracker, domain_dict)
    peru = default_directory().get("PE").emergency_entry()
    assert dispatcher.messages[0]["phone"] == peru.main_number
