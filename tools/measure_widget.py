"""Three numbers for the chat widget (issue 5), on a live hotline in front of
the real Rasa and action server, which this module starts itself:

(a) size: the script as served, raw and gzip-compressed;
(b) page load to widget ready: a fresh browser profile (cold cache) opens the
    demo page; the time of the widget's ``aliada-widget-ready`` performance
    mark, counted from the start of navigation;
(c) send to answer shown: a question sent through the widget's form until the
    bot's answer is in the page, timed in the page; side by side, the same
    questions sent straight to ``POST /webchat/api/v1/messages``, in turn with
    the widget's, so the widget's own share shows.

``python -m tools.measure_widget`` (needs Chromium at /usr/bin/chromium, the
``browser`` extra and a trained model: ``make measure-widget``).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

from bot.stack import ROOT, start_on_free_ports
from tools.live import CHROMIUM, launch_chromium, measurement_app, serving

MODEL = ROOT / "models" / "aliada.tar.gz"
SAMPLES = 20
QUESTIONS = (
    "what are my rights here",
    "i need a safe place to stay",
    "how do i contact my consulate",
    "i need a lawyer",
    "i need a doctor",
)
# In the page: submit through the widget's own form and wait for a new answer.
SEND_AND_WAIT = """async (text) => {
  const root = document.getElementById('aliada-chat').shadowRoot;
  const log = root.querySelector('.log');
  const before = log.querySelectorAll('.message.bot').length;
  const shown = new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('no answer shown in 30 s')), 30000);
    const watch = new MutationObserver(() => {
      if (log.querySelectorAll('.message.bot').length > before) {
        watch.disconnect();
        resolve(performance.now());
      }
    });
    watch.observe(log, { childList: true });
  });
  const start = performance.now();
  root.querySelector('#aliada-input').value = text;
  root.querySelector('form').requestSubmit();
  return (await shown) - start;
}"""


def size(base: str) -> tuple[int, int]:
    script = requests.get(f"{base}/webchat/widget.js", timeout=10).content
    return len(script), len(gzip.compress(script))


def ready_times(browser, base: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        context = browser.new_context()  # cold cache, like a first visit
        page = context.new_page()
        page.goto(f"{base}/?lang=en")
        page.locator("#aliada-chat[data-ready]").wait_for(state="attached")
        times.append(
            page.evaluate(
                "performance.getEntriesByName('aliada-widget-ready')[0].startTime"
            )
            / 1000
        )
        context.close()
    return times


def answer_times(browser, base: str, count: int) -> tuple[list[float], list[float]]:
    """Each question through the widget, then straight to the API, in turn, so
    the machine's noise falls on both alike."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/?lang=en")
    page.locator("#aliada-chat[data-ready]").wait_for(state="attached")
    page.locator(".launcher").click()
    page.evaluate(SEND_AND_WAIT, "hello")  # the session exists before timing
    with requests.Session() as http:
        session_id = http.post(f"{base}/webchat/api/v1/sessions", timeout=10).json()[
            "session_id"
        ]
        body = {"session_id": session_id, "text": "hello", "language": "en"}
        http.post(f"{base}/webchat/api/v1/messages", json=body, timeout=30)
        widget, api = [], []
        for question in itertools.islice(itertools.cycle(QUESTIONS), count):
            widget.append(page.evaluate(SEND_AND_WAIT, question) / 1000)
            start = time.perf_counter()
            answer = http.post(
                f"{base}/webchat/api/v1/messages",
                json={**body, "text": question},
                timeout=30,
            )
            api.append(time.perf_counter() - start)
            answer.raise_for_status()
    context.close()
    return widget, api


def report(name: str, values: list[float]) -> None:
    print(
        f"{name}: median {statistics.median(values) * 1000:.0f} ms "
        f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f}, n={len(values)})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=SAMPLES)
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if not CHROMIUM.exists():
        print(f"no Chromium at {CHROMIUM}", file=sys.stderr)
        return 2
    if not MODEL.exists():
        print(f"no trained model at {MODEL}: run `make model`", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="aliada-measure-") as folder:
        stack = start_on_free_ports(MODEL, Path(folder))
        try:
            app = measurement_app(Path(folder))
            app.config["RASA_URL"] = stack.config.rasa_url
            # 20 questions in a row from one person is a flood to the line.
            app.config["RATE_LIMIT_PER_MINUTE"] = 10 * args.samples
            # ...and, from one address, more than a person sends (hotline.limits).
            app.config["WEBCHAT_MESSAGES_PER_CLIENT"] = f"{10 * args.samples}/minute"
            with serving(app) as base, sync_playwright() as playwright:
                raw, compressed = size(base)
                print(f"(a) widget.js: {raw:,} bytes, {compressed:,} gzip-compressed")
                browser = launch_chromium(playwright)
                try:
                    report(
                        "(b) page load to widget ready",
                        ready_times(browser, base, args.samples),
                    )
                    widget, api = answer_times(browser, base, args.samples)
                finally:
                    browser.close()
                report("(c) send to answer shown, in the widget", widget)
                report("    the same questions, API only", api)
                shares = [w - a for w, a in zip(widget, api, strict=True)]
                print(
                    "    the widget's share (median of the paired differences): "
                    f"{statistics.median(shares) * 1000:+.0f} ms"
                )
        finally:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
