"""What a partner's page loads for the chat: the widget script (small, public,
with the line's languages in it), its texts per language from the catalogs,
and the demo page at ``/``. The widget in a browser: test_widget_browser.py."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from conftest import numbers_for
from flask.testing import FlaskClient

from bot.catalogs import translate
from bot.languages import SUPPORTED_LANGUAGES
from hotline.webchat.labels import CONTEXT, WIDGET_LABELS
from hotline.webchat.widget import WIDGET_JS

SIZE_BUDGET_BYTES = 30 * 1024
OWN_NAMES = {"en": "English", "es": "Español", "pt": "Português", "fr": "Français"}


def widget(client: FlaskClient):
    response = client.get("/webchat/widget.js")
    assert response.status_code == 200
    return response


def test_the_script_is_small_public_and_knows_the_lines_languages(
    client: FlaskClient,
) -> None:
    response = widget(client)
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/javascript"
    assert len(response.data) < SIZE_BUDGET_BYTES
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response.headers
    settings = re.search(r"const SETTINGS = (\{.*?\});", body)
    assert settings is not None
    known = json.loads(settings.group(1))
    assert (known["languages"], known["fallback"]) == (list(SUPPORTED_LANGUAGES), "es")
    # A browser set to Cusco Quechua, Paraguayan Guarani or Central Aymara
    # sends codes of its own: the widget maps them to ours.
    assert {"quz": "qu", "gug": "gn", "hat": "ht", "ayr": "ay"}.items() <= known[
        "aliases"
    ].items()
    # A browser that has it gets "not modified", not the script again.
    again = client.get(
        "/webchat/widget.js", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_the_script_never_writes_cookies_or_local_storage() -> None:
    source = WIDGET_JS.read_text(encoding="utf-8")
    assert "document.cookie" not in source
    assert "localStorage" not in source
    assert "innerHTML" not in source  # texts from the line are never parsed as HTML


def test_every_text_the_widget_shows_is_a_catalog_label() -> None:
    source = WIDGET_JS.read_text(encoding="utf-8")
    used = set(re.findall(r'"data-l[-a-z]*": "(\w+)"', source))
    used |= set(re.findall(r'\d+: "(\w+)"', source))  # NOTICE_FOR_STATUS
    for arguments in re.findall(
        r"\b(?:label|note|announce|showNotice|setPending)\(([^()]*)\)", source
    ):
        used |= set(re.findall(r'"(\w+)"', re.sub(r'={2,3} "\w+"', "", arguments)))
    assert {"send", "exit", "delete", "unreachable", "welcome"} <= used
    assert used <= set(WIDGET_LABELS)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_texts_come_from_the_catalogs_with_the_numbers_filled_in(
    client: FlaskClient, language: str
) -> None:
    response = client.get(f"/webchat/i18n/{language}.json")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    texts = response.json
    assert texts["language"] == language
    assert set(texts["labels"]) == set(WIDGET_LABELS)
    for key, text in WIDGET_LABELS.items():
        shown = texts["labels"][key]
        assert shown == translate(CONTEXT, text.source, language) % (
            texts["numbers"] if "%(" in text.source else ()
        )
        assert "%(" not in shown
    assert "+1 555 0100" in texts["labels"]["unreachable"]
    assert "911" in texts["labels"]["unreachable"]
    # Nobody's country is known on a web page: every country's number.
    assert texts["numbers"] == numbers_for(language, None)
    names = {entry["code"]: entry["name"] for entry in texts["languages"]}
    assert list(names) == list(SUPPORTED_LANGUAGES)
    assert {code: names[code] for code in OWN_NAMES} == OWN_NAMES  # in their own names


def test_core_languages_are_translated(client: FlaskClient) -> None:
    english = client.get("/webchat/i18n/en.json").json["labels"]
    for language in ("es", "pt", "fr"):
        labels = client.get(f"/webchat/i18n/{language}.json").json["labels"]
        untranslated = [key for key in labels if labels[key] == english[key]]
        assert untranslated in ([], ["bot"]), language  # "Aliada" is a name


def test_unknown_language_is_not_found(client: FlaskClient) -> None:
    assert client.get("/webchat/i18n/de.json").status_code == 404
    assert client.get("/webchat/i18n/..%2Fmessages.json").status_code == 404


def test_demo_page_speaks_the_browsers_language_and_shows_the_snippet(
    client: FlaskClient,
) -> None:
    response = client.get("/", headers={"Accept-Language": "pt-BR,pt;q=0.9"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="pt">' in page
    assert translate(CONTEXT, "Aliada chat: demo page", "pt") in page
    assert '<script src="/webchat/widget.js"' in page
    assert "&lt;script src=&#34;http://localhost/webchat/widget.js&#34;" in page
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_demo_page_language_can_be_chosen_in_the_address(client: FlaskClient) -> None:
    page = client.get("/?lang=fr").get_data(as_text=True)
    assert '<html lang="fr">' in page
    unknown = client.get("/?lang=xx", headers={"Accept-Language": "es"})
    assert '<html lang="es">' in unknown.get_data(as_text=True)


def test_the_script_compresses_well_for_slow_phones(client: FlaskClient) -> None:
    raw = widget(client).data
    assert len(gzip.compress(raw)) < len(raw) / 2
