"""``python -m hotline.purge_schedule``: the retention purge, daily, for as
long as the process lives. ``make run`` starts it with the line
(``bot.stack``); a deployment may run it as a process of its own, or use the
timer, cron line or CronJob in ``deploy/purge/`` instead.

It purges at once, then 24 hours after each run's start; a failed run is
tried again after an hour (a database restarting, Twilio down), and shows in
``purge-check``, ``/metrics`` and the console until one succeeds.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

from flask import Flask

from hotline import create_app, retention
from hotline.cli import describe
from hotline.figures import decisions

EVERY_SECONDS = 24 * 3600.0
RETRY_SECONDS = 3600.0

log = logging.getLogger(__name__)


def keep_purging(
    purge: Callable[[], bool],
    wait: Callable[[float], bool],
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Call ``purge`` (True: it succeeded) now and whenever it is next due;
    ``wait(seconds)`` returns True when the loop must stop."""
    while True:
        started = clock()
        try:
            succeeded = purge()
        except Exception:  # never let one bad run end the schedule
            log.exception("the retention purge could not run")
            succeeded = False
        due = started + (EVERY_SECONDS if succeeded else RETRY_SECONDS)
        if wait(max(0.0, due - clock())):
            return


def purge_in(app: Flask) -> bool:
    """One recorded run; logs the counts only. Then the last year's figures
    are decided and kept, so the dashboard's first look of the day does not
    wait for it."""
    with app.app_context():
        run = retention.purge()
        outcome = "done" if run.ok else f"FAILED ({run.error})"
        log.info("retention purge %s: %s", outcome, describe(run))
        decisions.decide_last_year()
        return run.ok


def main() -> None:
    """The hotline's app with its settings from the environment, as gunicorn
    builds it; stopped by a signal (the stack's Ctrl-C)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app()
    with contextlib.suppress(KeyboardInterrupt):
        keep_purging(lambda: purge_in(app), threading.Event().wait)


if __name__ == "__main__":
    main()
