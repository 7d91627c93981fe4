"""The supervisors' dashboard's load time with a year of figures (issue 15),
measured on PostgreSQL in a throwaway database this module makes and drops:

52 weeks of made-up folded figures (``tools.figures_sample``, about 400
conversations a week over channels, languages, topics and countries, as a
busy line would leave after the purge), then one GET of ``/console/figures``
for those 52 weeks (nothing cached) and ``--loads`` more, by a logged-in
supervisor, through Flask's test client in this process: server-side time,
the page rendered whole, no network. Then the same for the year's CSV
download, and the parts of one load (reading the cells; the published views,
whose suppression is most of the time).

``python -m tools.measure_figures [--database-url postgresql+psycopg://...]``
(the URL of a database on a server where that user may create databases; the
default is the tests' local one).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from hotline import create_app
from hotline.console import dashboard
from hotline.extensions import db
from hotline.figures import publish, store, suppression
from hotline.figures.cells import monday
from hotline.figures.decisions import StoredDecisions
from hotline.models import Role
from tools import figures_sample as sample
from tools.databases import throwaway_database
from tools.live import PASSWORD, new_operator, percentile

DEFAULT_URL = os.environ.get(
    "ALIADA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
WEEKS = 52
PER_WEEK = 400
LOADS = 15
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def measurement_app(url: str, folder: Path) -> Flask:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": secrets.token_hex(32),
            "CONVERSATION_KEY_SECRET": secrets.token_hex(32),
            "RASA_URL": "http://127.0.0.1:9",  # no bot: nothing here needs it
            "AUDIO_DIR": str(folder / "audio"),
            "SESSION_COOKIE_SECURE": False,  # the test client speaks http
            "ALIADA_ENV": "development",
        }
    )
    with app.app_context():
        upgrade()
    return app


def logged_in_supervisor(app: Flask) -> FlaskClient:
    """Both login steps through the console's own forms."""
    account = new_operator(app, "measure", Role.SUPERVISOR, "en")
    client = app.test_client()

    def token(path: str) -> str:
        match = TOKEN.search(client.get(path).get_data(as_text=True))
        if match is None:
            raise RuntimeError(f"no CSRF token on {path}")
        return match.group(1)

    client.post(
        "/console/login",
        data={
            "csrf_token": token("/console/login"),
            "username": account.username,
            "password": PASSWORD,
        },
    )
    answer = client.post(
        "/console/login/code",
        data={"csrf_token": token("/console/login/code"), "code": account.totp.now()},
    )
    if answer.status_code != 302 or not answer.headers["Location"].endswith(
        "/console/"
    ):
        raise RuntimeError("the supervisor could not log in")
    return client


def timed(action: Callable[[], object], count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def report(name: str, values: list[float]) -> None:
    print(
        f"{name}: median {statistics.median(values) * 1000:.0f} ms, "
        f"p95 {percentile(values, 0.95) * 1000:.0f} ms, "
        f"max {max(values) * 1000:.0f} ms over {len(values)}"
    )


def get(client: FlaskClient, path: str) -> Callable[[], object]:
    def action() -> object:
        answer = client.get(path)
        if answer.status_code != 200:
            raise RuntimeError(f"GET {path} answered {answer.status_code}")
        return answer

    return action


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--weeks", type=int, default=WEEKS)
    parser.add_argument("--per-week", type=int, default=PER_WEEK)
    parser.add_argument("--loads", type=int, default=LOADS)
    args = parser.parse_args(argv)
    today = datetime.now(UTC).date()
    since = monday(today) - timedelta(weeks=args.weeks - 1)
    with (
        throwaway_database(args.database_url, "aliada_measure") as url,
        tempfile.TemporaryDirectory(prefix="aliada-measure-") as folder,
    ):
        app = measurement_app(url, Path(folder))
        cells = sample.sample(args.weeks, args.per_week, seed=15, until=today)
        with app.app_context():
            store.add(cells)
            db.session.commit()
        print(
            f"{len(cells)} cells over {args.weeks} weeks "
            f"({sum(c.conversations for c in cells)} conversations), PostgreSQL"
        )
        client = logged_in_supervisor(app)
        page = f"/console/figures?since={since}&until={today}"
        # The first load works out every week's suppression and keeps it
        # (hotline.figures.decisions); a new worker then reads the kept
        # decisions, and later loads find them in the process's cache too.
        report(f"first GET {page} (nothing decided yet)", timed(get(client, page), 1))
        suppression._week_withheld.cache_clear()
        report(
            "a new worker's first GET (the weeks' decisions kept)",
            timed(get(client, page), 1),
        )
        report(f"GET {page}", timed(get(client, page), args.loads))
        download = f"/console/figures.csv?since={since}&until={today}"
        report(
            "GET the year's CSV", timed(get(client, download), max(3, args.loads // 3))
        )
        with app.test_request_context():
            threshold = app.config["FIGURES_THRESHOLD"]
            report(
                "    of which reading the cells",
                timed(lambda: store.raw_cells(since, today), 5),
            )
            year = store.raw_cells(since, today)
            report(
                "    of which the three views (kept decisions)",
                timed(
                    lambda: publish.views(
                        year,
                        since,
                        today,
                        [("week", by) for by in ("channel", "language", "topic")],
                        threshold,
                        StoredDecisions(),
                    ),
                    3,
                ),
            )
            period = dashboard.Period(since, today)
            if not period.valid():
                raise RuntimeError("the measured period is longer than the page allows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
