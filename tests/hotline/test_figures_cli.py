"""``flask --app hotline figures``: what a ministry gets, small numbers
withheld whatever it asks for. The store is replaced by a list of cells."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from conftest import make_app
from flask.testing import FlaskCliRunner

from hotline.figures import publish
from hotline.figures.cells import RawCell

WEEK = date(2026, 1, 5)
JANUARY_TO_MARCH = ["figures", "--since", "2026-01-01", "--until", "2026-03-31"]
CELLS = [
    RawCell(WEEK, "sms", "es", "labour", "BO", conversations=12, messages=40, danger=6),
    RawCell(WEEK, "sms", "qu", "labour", "BO", conversations=2, messages=9, danger=1),
    RawCell(WEEK, "webchat", "es", conversations=9, messages=30, danger=0),
    RawCell(date(2026, 3, 2), "voice", "en", conversations=7, messages=7),
]
SCHEMA = json.loads(
    (Path(publish.__file__).parent / "figures.schema.json").read_text("utf-8")
)


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[date, date]]:
    """The store's figures are CELLS; records the windows asked of it."""
    windows: list[tuple[date, date]] = []

    def raw_cells(since: date, until: date) -> list[RawCell]:
        windows.append((since, until))
        return CELLS

    monkeypatch.setattr(publish, "_store_cells", raw_cells)
    return windows


def rows(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output)))


def test_csv_on_standard_output_withholds_the_small_groups(
    runner: FlaskCliRunner, asked: list[tuple[date, date]]
) -> None:
    result = runner.invoke(
        args=[
            *("figures", "--since", "2026-01-07", "--until", "2026-01-31"),
            *("--by", "week,language", "--format", "csv"),
        ]
    )

    assert result.exit_code == 0, result.output
    # The whole week of 7 January counts: the store is asked from its Monday.
    assert asked == [(date(2026, 1, 5), date(2026, 1, 31))]
    table = rows(result.output)
    by_language = {row["language"]: row for row in table}
    assert by_language["qu"]["conversations"] == ""
    assert by_language["qu"]["danger"] == ""
    assert by_language["es"]["conversations"] == ""  # or 23 - 21 gives qu's 2
    assert table[-2]["week"] == "2026-01-05" and table[-2]["language"] == "all"
    assert table[-2]["conversations"] == "23"
    assert table[-1]["week"] == "all" and table[-1]["conversations"] == "23"
    assert "2026-03-02" not in result.output  # outside the window


def test_json_to_a_file_follows_the_schema(
    runner: FlaskCliRunner, asked: list[tuple[date, date]], tmp_path: Path
) -> None:
    output = tmp_path / "figures.json"
    result = runner.invoke(
        args=[*JANUARY_TO_MARCH, "--format", "json", "--output", str(output)]
    )

    assert result.exit_code == 0, result.output
    assert result.output == ""
    document = json.loads(output.read_text("utf-8"))
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    assert document["by"] == ["week", "channel", "language", "topic", "country"]
    assert document["threshold"] == 5
    assert [week["week"] for week in document["week_totals"]] == [
        "2026-01-05",
        "2026-03-02",
    ]
    assert document["total"]["conversations"] == 30


def test_the_lines_threshold_is_applied(
    tmp_path: Path, asked: list[tuple[date, date]]
) -> None:
    runner = make_app(tmp_path, FIGURES_THRESHOLD=10).test_cli_runner()
    result = runner.invoke(args=[*JANUARY_TO_MARCH, "--by", "week"])

    assert result.exit_code == 0, result.output
    weeks = {row["week"]: row for row in rows(result.output)}
    assert weeks["2026-01-05"]["conversations"] == "23"
    assert weeks["2026-03-02"]["conversations"] == ""  # 7, under 10
    assert weeks["2026-03-02"]["messages"] == ""


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        (["--by", "channel"], "with week"),
        (["--by", "week,phone"], "with week"),
        (["--format", "xlsx"], "xlsx"),
        (["--until", "2025-12-31"], "before --since"),
        (["--since", "last week"], "last week"),
    ],
)
def test_what_cannot_be_asked_is_refused(
    runner: FlaskCliRunner,
    asked: list[tuple[date, date]],
    arguments: list[str],
    complaint: str,
) -> None:
    result = runner.invoke(args=["figures", "--since", "2026-01-01", *arguments])

    assert result.exit_code == 2
    assert complaint in result.output
    assert asked == []


def test_since_is_required(
    runner: FlaskCliRunner, asked: list[tuple[date, date]]
) -> None:
    result = runner.invoke(args=["figures", "--format", "json"])

    assert result.exit_code == 2 and "--since" in result.output
    assert asked == []
