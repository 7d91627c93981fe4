"""The catalogs carry every text, in every core language, with intact placeholders."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.catalogs import LOCALES_DIR, review_status
from bot.i18n_extract import extract_domain_responses
from bot.languages import CORE_LANGUAGES, EXTRA_LANGUAGES, SUPPORTED_LANGUAGES

DOMAIN_DIR = Path(__file__).resolve().parents[2] / "bot" / "domain"
PLACEHOLDER = re.compile(r"{[^{}]*}")
SMS_LIMIT = 320


def domain_texts() -> set[tuple[str, str]]:
    texts = set()
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        with path.open("rb") as handle:
            for _, _, (context, text), _ in extract_domain_responses(
                handle, [], [], {}
            ):
                texts.add((context, text))
    return texts


def catalog(language: str) -> Catalog:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


def test_template_is_up_to_date_with_the_domain() -> None:
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    in_template = {(m.context, m.id) for m in template if m.id}
    missing = domain_texts() - in_template
    assert not missing, f"run `make translations`; not in messages.pot: {missing}"


@pytest.mark.parametrize("language", [c for c in CORE_LANGUAGES if c != "en"])
def test_every_response_is_translated_in_core_languages(language: str) -> None:
    messages = catalog(language)
    untranslated = [
        (context, text)
        for context, text in domain_texts()
        if not (entry := messages.get(text, context=context))
        or not entry.string
        or entry.fuzzy
    ]
    assert not untranslated, untranslated


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_placeholders_and_length_survive_translation(language: str) -> None:
    for entry in catalog(language):
        if not entry.id or not entry.string:
            continue
        assert sorted(PLACEHOLDER.findall(entry.string)) == sorted(
            PLACEHOLDER.findall(entry.id)
        ), (language, entry.context)
        assert len(entry.string) <= SMS_LIMIT, (language, entry.context)


def test_source_texts_fit_an_sms() -> None:
    too_long = [c for c, text in domain_texts() if len(text) > SMS_LIMIT]
    assert not too_long


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_each_catalog_states_its_review_status(language: str) -> None:
    status = review_status(language)
    assert status, f"{language}: add '# Review-Status: ...' to the header comment"
    assert status.split()[0] in {"source", "draft", "reviewed"}


def test_extra_languages_are_not_claimed_reviewed_without_a_reviewer() -> None:
    for language in EXTRA_LANGUAGES:
        status = review_status(language) or ""
        assert not status.startswith("reviewed") or "," in status


def test_extractor_reads_texts_buttons_and_channel_notes() -> None:
    domain = (
        b"responses:\n  utter_a:\n    - text: Hi\n      channel: voice\n"
        b"      buttons:\n        - title: Yes\n          payload: /affirm\n"
    )
    found = list(extract_domain_responses(io.BytesIO(domain), [], [], {}))
    assert [(m[2], m[3]) for m in found] == [
        (("utter_a", "Hi"), ["Spoken or shown on: voice"]),
        (("utter_a", "Yes"), ["Button title", "Spoken or shown on: voice"]),
    ]
