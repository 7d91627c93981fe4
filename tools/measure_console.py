"""Two numbers for the operator console (issue 4), measured on a live hotline
this module starts itself (werkzeug in a thread, a throwaway SQLite, no Rasa):

(a) hand-off to console: a person's hand-off is stored the way the bot's signal
    stores it (``handoff.request_person`` + commit, t0), and a logged-in
    headless Chromium on ``/console/`` shows its row (t1). The next hand-off waits
    a random part of the poll interval first, so the samples fall at every phase
    of the page's polling instead of always just after a poll (the worst case).
(b) queue page with 1,000 waiting conversations (mixed languages, priorities,
    channels): 30 GETs of ``/console/`` (and of the JSON the page polls) over
    HTTP on loopback with the browser's session cookie, timed by the client, so
    an upper bound of the server's time.

``python -m tools.measure_console`` (``make measure-console``; needs Chromium at
/usr/bin/chromium and the ``browser`` extra: ``playwright``).
"""

from __future__ import annotations

import argparse
import itertools
import logging
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import requests
from flask import Flask

from bot.languages import SUPPORTED_LANGUAGES
from hotline.conversations import find_or_start
from hotline.extensions import db
from hotline.handoff import request_person
from hotline.models import Channel, Role
from tools.live import (
    CHROMIUM,
    hand_off,
    launch_chromium,
    log_in,
    measurement_app,
    new_operator,
    percentile,
    serving,
)

if TYPE_CHECKING:  # playwright is the optional ``browser`` extra
    from playwright.sync_api import Page

CONSOLE_JS = Path(__file__).resolve().parents[1] / "hotline" / "static" / "console.js"
HANDOFFS = 20
QUEUE_SIZE = 1_000
PAGE_LOADS = 30
HANDOFF_TARGET_SECONDS = 2.0
PAGE_TARGET_SECONDS = 0.2
LANGUAGES = (*SUPPORTED_LANGUAGES, None)
PRIORITIES = ("normal", "normal", "normal", "high", "urgent")
CHANNELS = (Channel.SMS, Channel.WHATSAPP, Channel.WEBCHAT, Channel.VOICE)


def poll_interval_seconds() -> float:
    match = re.search(r"var PERIOD = (\d+);", CONSOLE_JS.read_text())
    if match is None:
        raise RuntimeError(f"no PERIOD in {CONSOLE_JS}")
    return int(match.group(1)) / 1000


def handoff_latencies(app: Flask, page: Page, count: int) -> list[float]:
    period = poll_interval_seconds()
    latencies = []
    for number in range(count):
        # A random phase of the page's polling (see the module's docstring).
        time.sleep(random.uniform(0, period))
        public_id = hand_off(app, Channel.WEBCHAT, f"measure-{number}")
        t0 = time.perf_counter()
        page.wait_for_function(
            'id => document.querySelector(`tr[data-conversation="${id}"]`)',
            arg=public_id,
            polling=20,
            timeout=30_000,
        )
        latencies.append(time.perf_counter() - t0)
    return latencies


def fill_queue(app: Flask, size: int) -> None:
    """``size`` waiting conversations, inserted directly, in one transaction."""
    mixes = itertools.cycle(itertools.product(LANGUAGES, PRIORITIES, CHANNELS))
    with app.app_context():
        for number, (language, priority, channel) in zip(
            range(size), mixes, strict=False
        ):
            address = f"+1555{number:07d}"
            conversation = find_or_start(channel, address)
            conversation.language = language
            request_person(conversation, "request_human", priority, address)
        db.session.commit()


def rows_shown(base: str, cookie: str) -> int:
    page = requests.get(f"{base}/console/", headers={"Cookie": cookie}, timeout=30)
    return page.text.count("data-conversation=")


def page_times(base: str, cookie: str, path: str, count: int) -> list[float]:
    """Client-side seconds per GET. The Cookie header is set by hand: requests'
    cookie jar never sends a Secure cookie over http, even to localhost."""
    session = requests.Session()
    session.headers["Cookie"] = cookie
    times = []
    for _ in range(count):
        start = time.perf_counter()
        response = session.get(f"{base}{path}", timeout=30)
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
    return times


def summary(name: str, values: list[float], target: float) -> bool:
    median, p95 = statistics.median(values), percentile(values, 0.95)
    verdict = "PASS" if p95 < target else "MISS"
    print(
        f"{name}: median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {max(values) * 1000:.0f} ms over {len(values)} "
        f"(target p95 < {target * 1000:.0f} ms): {verdict}"
    )
    return verdict == "PASS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--handoffs", type=int, default=HANDOFFS)
    parser.add_argument("--queue-size", type=int, default=QUEUE_SIZE)
    parser.add_argument("--page-loads", type=int, default=PAGE_LOADS)
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line a request
    if not CHROMIUM.exists():
        print(f"no Chromium at {CHROMIUM}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="aliada-measure-") as folder:
        app = measurement_app(Path(folder))
        account = new_operator(app, "measure", Role.OPERATOR, "es,en")
        with serving(app) as base, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                context = browser.new_context()
                page = context.new_page()
                log_in(page, base, account)
                print(f"console poll interval: {poll_interval_seconds():.1f} s")
                handoff_ok = summary(
                    "(a) hand-off to an open console",
                    handoff_latencies(app, page, args.handoffs),
                    HANDOFF_TARGET_SECONDS,
                )
                page.close()  # its polling would compete with the timed GETs
                fill_queue(app, args.queue_size)
                cookie = "; ".join(
                    f"{c['name']}={c['value']}" for c in context.cookies()
                )
                waiting = args.queue_size + args.handoffs
                if rows_shown(base, cookie) != waiting:
                    raise RuntimeError(f"the queue page does not list {waiting} rows")
                page_ok = summary(
                    f"(b) GET /console/ with {waiting} waiting",
                    page_times(base, cookie, "/console/", args.page_loads),
                    PAGE_TARGET_SECONDS,
                )
                poll = page_times(base, cookie, "/console/api/updates", args.page_loads)
                print(
                    f"    GET /console/api/updates (what each open console polls): "
                    f"median {statistics.median(poll) * 1000:.0f} ms, "
                    f"p95 {percentile(poll, 0.95) * 1000:.0f} ms"
                )
            finally:
                browser.close()
    return 0 if handoff_ok and page_ok else 1


if __name__ == "__main__":
    sys.exit(main())
