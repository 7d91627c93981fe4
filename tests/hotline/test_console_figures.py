"""The supervisors' dashboard of the line's figures (``/console/figures``):
this week at a glance, every chart's table with small numbers withheld,
operators kept out, and the CSV and JSON downloads (suppressed, audited), on
SQLite and on the real PostgreSQL."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from conftest import make_app
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from test_console import Person
from test_postgres import fresh_database

from bot.catalogs import translate
from bot.languages import SUPPORTED_LANGUAGES
from hotline.extensions import db
from hotline.figures import publish, store
from hotline.figures.cells import RawCell, monday
from hotline.models import AuditEntry, Role
from tools import figures_sample as sample

THRESHOLD = 5
TODAY = datetime.now(UTC).date()
THIS_WEEK = monday(TODAY)
WITHHELD = "withheld"  # the console reads English in these tests
CHART_TABLES = (
    "by-channel",
    "by-language",
    "danger",
    "waits",
    "not-understood-topic",
    "not-understood-language",
)


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    if request.param == "sqlite":
        yield make_app(tmp_path)
        return
    with fresh_database("aliada_figures") as url:
        yield make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)


@pytest.fixture(scope="module")
def figures_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """One supervisor's browser for many generated requests (SQLite)."""
    app = make_app(tmp_path_factory.mktemp("figures"))
    add(app, this_week_cells())
    return supervisor(app).client


def add(app: Flask, cells: list[RawCell]) -> None:
    with app.app_context():
        store.add(cells)
        db.session.commit()


class Tables(HTMLParser):
    """Each ``<table id=...>`` of a page as rows of cell texts, and the text
    of each element with an id (``dd``s of this week's glance)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.texts: dict[str, str] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._id: str | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs).get("id")
        if tag == "table" and found:
            self._table = found
            self.tables[found] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif tag == "dd" and found:
            self._id, self._cell = found, []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._table and self._cell is not None:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "dd" and self._id and self._cell is not None:
            self.texts[self._id] = " ".join("".join(self._cell).split())
            self._id = self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def chart_data(page: str) -> dict:
    match = re.search(r'<div id="figures-data" hidden data-charts="([^"]*)">', page)
    assert match, "no chart data on the page"
    return json.loads(html.unescape(match.group(1)))


def supervisor(app: Flask, role: str = Role.SUPERVISOR) -> Person:
    return Person(app, f"sue-{role}", role).log_in()


def this_week_cells() -> list[RawCell]:
    """12 conversations by SMS in Spanish and 2 by web chat in Quechua."""
    return [
        RawCell(
            THIS_WEEK, "sms", "es", "shelter", "MX",
            conversations=12, messages=40, danger=6, handoffs=7,
            not_understood=5, waits={60: 4, 120: 3, 600: 2},
        ),
        RawCell(
            THIS_WEEK, "webchat", "qu", "health", "PE",
            conversations=2, messages=5, danger=1, handoffs=1,
            not_understood=2, waits={30: 1},
        ),
    ]  # fmt: skip


def test_a_supervisor_sees_this_week_at_a_glance_and_small_numbers_withheld(
    app: Flask,
) -> None:
    add(app, this_week_cells())
    page = supervisor(app).client.get("/console/figures")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    parsed = Tables(text)

    assert parsed.texts["glance-conversations"] == "14"
    assert parsed.texts["glance-danger"] == "7"
    assert parsed.texts["glance-handoffs"] == "8"
    # 10 waits: the 5th in the bucket up to a minute, the 9th up to 10.
    assert parsed.texts["glance-wait"] == "at most 1 min"
    assert parsed.texts["glance-not-understood"] == "7"
    assert "Numbers about fewer than 5 people are withheld" in text

    by_channel = parsed.tables["table-by-channel"]
    header, this_week = by_channel[0], by_channel[-1]
    assert header == ["Week starting", "SMS", "web chat"]
    # Web chat's 2 are withheld, and SMS's 12 too: the week's 14 would give 2 back.
    assert this_week == [THIS_WEEK.isoformat(), WITHHELD, WITHHELD]
    header, this_week = (parsed.tables["table-by-language"][i] for i in (0, -1))
    by_language = dict(zip(header, this_week, strict=True))
    assert by_language["Quechua (Southern) · Runasimi"] == WITHHELD
    danger = parsed.tables["table-danger"][-1]
    assert danger == [THIS_WEEK.isoformat(), "14", "7", "8"]
    # The weeks before this one had nobody: zero is about nobody.
    assert parsed.tables["table-danger"][1][1:] == ["0", "0", "0"]
    assert len(parsed.tables["table-danger"]) == 1 + 13  # 12 weeks and this one

    drawn = chart_data(text)
    channels = next(c for c in drawn["charts"] if c["id"] == "by-channel")
    assert [s["data"][-1] for s in channels["series"]] == [None, None]
    waits = next(c for c in drawn["charts"] if c["id"] == "waits")
    assert [s["data"][-1] for s in waits["series"]] == [1.0, 10.0, 5.0]
    assert parsed.tables["table-waits"][-1][1:] == [
        "at most 1 min",
        "at most 10 min",
        "5 min",
    ]


def published_counts(values: list) -> set:
    return {value for value in values if isinstance(value, int | float)}


def test_no_table_or_chart_shows_a_number_under_the_threshold(tmp_path: Path) -> None:
    """A quiet line (about 40 conversations a week over 13 weeks): most cells
    are small. Every count a table or chart shows is 0 or at least 5."""
    app = make_app(tmp_path)
    add(app, sample.sample(13, 40, seed=7, until=TODAY))
    text = supervisor(app).client.get("/console/figures").get_data(as_text=True)
    parsed = Tables(text)
    shown = 0
    for name in CHART_TABLES:
        if name == "waits":
            continue
        for row in parsed.tables[f"table-{name}"][1:]:
            for cell in row[1:]:
                assert cell == WITHHELD or cell == "0" or int(cell) >= THRESHOLD, (
                    name,
                    row,
                )
                shown += cell not in (WITHHELD, "0")
    assert shown > 20, "the data should publish some numbers"
    for chart in chart_data(text)["charts"]:
        if chart["id"] == "waits":
            continue
        for series in chart["series"]:
            for value in series["data"]:
                assert value is None or value == 0 or value >= THRESHOLD
    for name in ("table-oas-channels", "table-oas-languages"):
        for _label, total in parsed.tables[name][1:]:
            number = int(re.sub(r"\D", "", total.split("(")[0]) or 0)
            assert number == 0 or number >= THRESHOLD, (name, total)


def test_the_period_is_chosen_and_a_bad_one_is_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    sue = supervisor(app)
    since = THIS_WEEK - timedelta(weeks=3)
    page = sue.client.get(f"/console/figures?since={since}&until={TODAY}")
    weeks = Tables(page.get_data(as_text=True)).tables["table-danger"][1:]
    assert [row[0] for row in weeks] == [
        (since + timedelta(weeks=n)).isoformat() for n in range(4)
    ]
    too_long = sue.client.get(
        f"/console/figures?since={TODAY - timedelta(days=400)}&until={TODAY}"
    ).get_data(as_text=True)
    assert "Choose a period of at most a year" in too_long
    assert len(Tables(too_long).tables["table-danger"]) == 1 + 13
    backwards = sue.client.get(f"/console/figures?since={TODAY}&until={since}")
    assert "Choose a period of at most a year" in backwards.get_data(as_text=True)
    nonsense = sue.client.get("/console/figures?since=yesterday")
    assert "Choose a period of at most a year" in nonsense.get_data(as_text=True)


def test_operators_get_neither_the_page_nor_the_downloads(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    add(app, this_week_cells())
    ana = Person(app, "ana").log_in()
    for path in ("/console/figures", "/console/figures.csv", "/console/figures.json"):
        answer = ana.client.get(path)
        assert answer.status_code == 403, path
        assert "12" not in answer.get_data(as_text=True)
    assert "/console/figures" not in ana.client.get("/console/").get_data(as_text=True)
    anonymous = app.test_client().get("/console/figures.csv")
    assert anonymous.status_code == 302  # to the login


def test_an_admin_sees_the_dashboard(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    admin = supervisor(app, Role.ADMIN)
    assert admin.client.get("/console/figures").status_code == 200
    assert "/console/figures" in admin.client.get("/console/").get_data(as_text=True)


def test_downloads_are_the_published_view_suppressed_and_audited(app: Flask) -> None:
    add(app, this_week_cells())
    sue = supervisor(app)
    since = THIS_WEEK - timedelta(weeks=1)
    query = f"since={since}&until={TODAY}"

    answer = sue.client.get(f"/console/figures.csv?{query}")
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="aliada-figures-{since}-{TODAY}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    with app.test_request_context():
        assert answer.get_data(as_text=True) == publish.to_csv(
            publish.published(since, TODAY)
        )
    quechua = [row for row in rows if row["language"] == "qu"]
    assert quechua and all(row["conversations"] == "" for row in quechua)
    for row in rows:
        for name in ("conversations", "danger", "handoffs", "not_understood"):
            assert row[name] == "" or int(row[name]) == 0 or int(row[name]) >= 5

    answer = sue.client.get(f"/console/figures.json?{query}")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].endswith('.json"')
    document = answer.get_json()
    assert document["threshold"] == THRESHOLD
    assert document["since"] == since.isoformat()
    assert document["total"]["conversations"] == 14
    assert all(row["conversations"] is None for row in document["rows"])

    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "exported_figures")
        ).all()
        assert [entry.detail for entry in entries] == [
            f"csv {since}..{TODAY}",
            f"json {since}..{TODAY}",
        ]
        assert {entry.operator_id for entry in entries} == {sue.id}
    assert sue.client.get("/console/figures.xml").status_code == 404


def test_a_download_of_a_bad_period_leads_back_to_the_page(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    sue = supervisor(app)
    answer = sue.client.get(
        f"/console/figures.csv?since={TODAY}&until=2000-01-01&_scheme=javascript"
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == (
        f"/console/figures?since={TODAY}&until=2000-01-01"
    )


def test_every_language_and_channel_is_listed_for_guideline_23(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    add(app, this_week_cells())
    text = supervisor(app).client.get("/console/figures").get_data(as_text=True)
    tables = Tables(text).tables
    channels = dict(tables["table-oas-channels"][1:])
    assert channels == {
        "SMS": WITHHELD,
        "WhatsApp": "0",
        "voice calls": "0",
        "web chat": WITHHELD,
    }
    languages = [label for label, _ in tables["table-oas-languages"][1:]]
    assert len(languages) == 9 and languages[0] == "English"
    assert "K'iche'" in text or "K&#39;iche&#39;" in text


def test_an_empty_line_shows_zeros_and_no_wait(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    parsed = Tables(
        supervisor(app).client.get("/console/figures").get_data(as_text=True)
    )
    assert parsed.texts["glance-conversations"] == "0"
    assert parsed.texts["glance-wait"] == "too few waits to show"


@settings(max_examples=40, deadline=None)
@given(
    since=st.one_of(st.dates(), st.text(max_size=12)),
    until=st.one_of(st.dates(), st.text(max_size=12)),
)
def test_any_period_in_the_address_is_a_page_or_a_refusal(
    figures_client: FlaskClient, since: object, until: object
) -> None:
    """Dates from year 1 to 9999, and anything else: never a server error."""
    query = urlencode({"since": str(since), "until": str(until)})
    for path in ("/console/figures", "/console/figures.csv"):
        answer = figures_client.get(f"{path}?{query}")
        assert answer.status_code in (200, 302), (path, query)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_the_dashboard_speaks_the_supervisors_language(
    tmp_path: Path, language: str
) -> None:
    app = make_app(tmp_path)
    add(app, this_week_cells())
    sue = Person(app, f"sue-{language}", Role.SUPERVISOR, languages=language).log_in()
    text = html.unescape(sue.client.get("/console/figures").get_data(as_text=True))
    for source in ("The line's figures", "Contacts by channel", "withheld"):
        translated = translate("console", source, language)
        assert translated in text, (language, source)
    drawn = chart_data(sue.client.get("/console/figures").get_data(as_text=True))
    assert drawn["charts"][0]["yTitle"] == translate(
        "console", "Conversations", language
    )
