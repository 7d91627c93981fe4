"""The supervisors' page "What the bot did not understand": counts and the
review list for supervisors only, an item made an NLU example or discarded
(audited, with CSRF), and the accepted examples as a valid Rasa NLU file."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import make_app
from flask import Flask
from sqlalchemy import select
from test_console import Person, flashes, stored
from test_postgres import fresh_database

from hotline.bot_client import Reading
from hotline.extensions import db
from hotline.figures.cells import monday
from hotline.models import AuditEntry, ReviewItem, Role
from hotline.review import confusions, items

ROOT = Path(__file__).resolve().parents[2]
BOT_PYTHON = ROOT / ".venv" / "bot" / "bin" / "python"
PAGE = "/console/review"
UNSURE = Reading("ask_legal_aid", 0.41, "ask_rights", None, True)
NOT_UNDERSTOOD = Reading("nlu_fallback", 0.3, "ask_shelter", None, False)


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The hotline on SQLite, then on PostgreSQL."""
    if request.param == "sqlite":
        yield make_app(tmp_path)
        return
    with fresh_database("aliada_review_console") as url:
        line = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
        yield line
        with line.app_context():
            db.session.remove()
            db.engine.dispose()


def seed(app: Flask) -> list[str]:
    """Counts in two languages and two kept messages; the items' ids."""
    today = date.today()
    with app.app_context():
        for _ in range(3):
            confusions.count("es", NOT_UNDERSTOOD, today)
        confusions.count("fr", UNSURE, today)
        kept = [
            items.keep("donde duermo zzz, me llamo Ana", "es", NOT_UNDERSTOOD, today),
            items.keep(
                "je cherche un toit, 06 11 22 33 44", "fr", NOT_UNDERSTOOD, today
            ),
        ]
        db.session.commit()
        return [item.id for item in kept]


def test_the_page_is_for_supervisors_only(app: Flask) -> None:
    seed(app)
    ana = Person(app, "ana").log_in()
    assert ana.client.get(PAGE).status_code == 403
    assert ana.client.get("/console/review/nlu-es.yml").status_code == 403
    assert "What the bot did not understand" not in ana.client.get(
        "/console/"
    ).get_data(as_text=True)
    sue = Person(app, "sue", role=Role.SUPERVISOR).log_in()
    page = sue.client.get(PAGE).get_data(as_text=True)
    rows = re.findall(r'<tr class="confusion">(.*?)</tr>', page, re.S)
    cells = [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in rows]
    week = monday(date.today()).isoformat()
    assert [week, "did not understand", "nlu_fallback", "ask_shelter", "3"] in cells
    assert [week, "unsure", "ask_legal_aid", "ask_rights", "1"] in cells
    assert "me llamo [name]" in page and "[number]" in page
    assert "Ana" not in page and "06 11" not in page
    viewed = stored(app, AuditEntry, AuditEntry.action == "review_viewed")
    assert [entry.operator_id for entry in viewed] == [sue.id]


def test_an_item_becomes_an_nlu_example_in_a_valid_rasa_file(app: Flask) -> None:
    spanish, _french = seed(app)
    sue = Person(app, "sue", role=Role.SUPERVISOR).log_in()
    prefix = f"item-{spanish}-"
    page = sue.client.get(PAGE).get_data(as_text=True)
    token = re.search(rf'name="{prefix}csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "each item's form carries its own CSRF token"
    response = sue.client.post(
        f"/console/review/{spanish}/accept",
        data={
            f"{prefix}csrf_token": token.group(1),
            f"{prefix}intent": "ask_shelter",
            f"{prefix}text": "donde duermo esta noche, me llamo [name]",
        },
        follow_redirects=True,
    )
    assert "Added to the NLU examples." in flashes(response)
    assert f"item-{spanish}-text" not in response.get_data(as_text=True)
    download = sue.client.get("/console/review/nlu-es.yml")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    data = yaml.safe_load(download.get_data(as_text=True))
    assert data == {
        "version": "3.1",
        "nlu": [
            {
                "intent": "ask_shelter",
                "metadata": {"language": "es"},
                "examples": "- donde duermo esta noche, me llamo [name]\n",
            }
        ],
    }
    assert (
        yaml.safe_load(sue.client.get("/console/review/nlu-fr.yml").data)["nlu"] == []
    )
    actions = {entry.action: entry.detail for entry in stored(app, AuditEntry)}
    assert actions["review_accepted"] == "es ask_shelter"
    assert actions["review_downloaded"] in {"es", "fr"}


def test_an_intent_outside_the_domain_is_refused(app: Flask) -> None:
    spanish, _ = seed(app)
    sue = Person(app, "sue", role=Role.SUPERVISOR).log_in()
    prefix = f"item-{spanish}-"
    page = sue.client.get(PAGE).get_data(as_text=True)
    token = re.search(rf'name="{prefix}csrf_token"[^>]*value="([^"]+)"', page)
    response = sue.client.post(
        f"/console/review/{spanish}/accept",
        data={
            f"{prefix}csrf_token": token.group(1),
            f"{prefix}intent": "made_up",
            f"{prefix}text": "x",
        },
        follow_redirects=True,
    )
    assert "Choose an intent" in flashes(response)
    assert [i.status for i in stored(app, ReviewItem, ReviewItem.id == spanish)] == [
        items.PENDING
    ]


def test_a_discarded_item_is_gone_and_the_discard_needs_the_token(app: Flask) -> None:
    spanish, french = seed(app)
    sue = Person(app, "sue", role=Role.SUPERVISOR).log_in()
    forged = sue.client.post(f"/console/review/{french}/discard", data={})
    assert forged.status_code == 400
    response = sue.post(f"/console/review/{french}/discard", follow_redirects=True)
    assert "Discarded" in flashes(response)
    with app.app_context():
        left = list(db.session.scalars(select(ReviewItem.id)))
    assert left == [spanish]
    assert stored(app, AuditEntry, AuditEntry.action == "review_discarded")
    ana = Person(app, "ana").log_in()
    assert ana.post(f"/console/review/{spanish}/discard").status_code == 403


@pytest.mark.skipif(not BOT_PYTHON.exists(), reason="the bot's environment is absent")
def test_rasa_reads_the_downloaded_file(app: Flask, tmp_path: Path) -> None:
    today = date.today()
    with app.app_context():
        for text, intent in [
            ("dónde duermo esta noche, soy de [place]", "ask_shelter"),
            ("mi patrón [name] no me paga: [number] meses", "ask_work_rights"),
            ("'comillas' y \"dobles\" # y almohadilla: sí", "ask_shelter"),
        ]:
            item = items.keep(text, "es", NOT_UNDERSTOOD, today)
            items.accept(item, intent, text)
        db.session.commit()
    sue = Person(app, "sue", role=Role.SUPERVISOR).log_in()
    path = tmp_path / "nlu-es.yml"
    path.write_bytes(sue.client.get("/console/review/nlu-es.yml").data)
    script = (
        "import sys\n"
        "from rasa.shared.nlu.training_data.loading import load_data\n"
        "data = load_data(sys.argv[1])\n"
        "print(len(data.intent_examples), sorted(data.intents))\n"
    )
    result = subprocess.run(
        [str(BOT_PYTHON), "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == (
        "3 ['ask_shelter', 'ask_work_rights']"
    )


@pytest.mark.parametrize("address", ["%00", "ab%00cd", "x" * 40])
def test_an_item_address_that_is_no_item_id_is_simply_gone(
    app: Flask, address: str
) -> None:
    """A NUL in an item's address reached PostgreSQL, which refuses NUL in
    text: accept and discard were a 500 (the hostile-input suite)."""
    seed(app)
    sue = Person(app, "sue", role=Role.SUPERVISOR).log_in()
    for action in ("accept", "discard"):
        response = sue.post(f"/console/review/{address}/{action}")
        assert response.status_code == 302, action
