"""`make run` stops whole: when one server of the line exits, it does not wait
on the others."""

from __future__ import annotations

import subprocess
import sys

from bot.run_stack import until_one_stops


def test_it_returns_when_any_server_stops_not_the_first() -> None:
    lasting = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    brief = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        until_one_stops([lasting, brief], every=0.05)
        assert brief.poll() == 0
        assert lasting.poll() is None
    finally:
        lasting.kill()
        lasting.wait()
