"""The benchmark's arithmetic, tables and scripts, and how it tells the bot's
answers from the hotline's fallback (no live bot stack here: a stand-in Rasa)."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import AUTH_TOKEN, make_app
from werkzeug.serving import make_server

from bot.languages import SUPPORTED_LANGUAGES
from hotline import texts
from hotline.sms.segments import compose
from tools import bench
from tools.bench import DIRECT, SMS, WEBCHAT, Cell, Comparison, Sample


def test_percentiles_interpolate_between_ranks() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100

    assert bench.percentile(values, 50) == pytest.approx(50.5)
    assert bench.percentile(values, 95) == pytest.approx(95.05)
    assert bench.percentile([7.0], 95) == 7.0
    assert math.isnan(bench.percentile([], 50))


def test_errors_are_counted_and_left_out_of_latencies() -> None:
    samples = [Sample(SMS, 10, ms) for ms in (10.0, 20.0, 30.0)]
    samples.append(Sample(SMS, 10, 1.0, failure="HTTP 500"))

    (cell,) = bench.summarize(samples, {10: 2.0})

    assert (cell.messages, cell.errors) == (4, 1)
    assert cell.p50_ms == 20.0
    assert cell.messages_per_second == pytest.approx(3 / 2.0)  # answered / wall
    assert bench.failures_by_path(samples) == {SMS: {"HTTP 500": 1}}


def cell(path: str, concurrency: int, p50: float, p95: float = 0.0) -> Cell:
    """200 messages answered by the bot (through the hotline: none fell back)."""
    return Cell(
        path,
        concurrency,
        200,
        0,
        p50,
        p95,
        p50,
        concurrency * 1000 / p50,
        fallbacks_counted=None if path == DIRECT else 0.0,
    )


def test_ratio_and_overhead_against_rasa_direct() -> None:
    cells = [cell(DIRECT, 1, 50.0), cell(SMS, 1, 54.0), cell(WEBCHAT, 1, 60.0)]

    comparisons = bench.compare(cells)

    assert comparisons == [
        Comparison(SMS, 1, pytest.approx(1.08), pytest.approx(4.0)),
        Comparison(WEBCHAT, 1, pytest.approx(1.2), pytest.approx(10.0)),
    ]


def test_targets_pass_and_miss() -> None:
    cells = [
        cell(DIRECT, 10, 100.0),
        cell(SMS, 10, 105.0, p95=320.0),
        cell(WEBCHAT, 10, 130.0),
    ]

    found = {t.name: t.met for t in bench.targets(cells, bench.compare(cells))}

    assert found == {
        f"{SMS} overhead at 10 <= 10% of Rasa's p50": True,
        f"{WEBCHAT} overhead at 10 <= 10% of Rasa's p50": False,
        f"{SMS} p95 at 10 < 300 ms": False,
        bench.NO_FALLBACK: True,
    }
    report = bench.render_targets(bench.targets(cells, bench.compare(cells)))
    assert report.splitlines()[0].startswith("PASS")
    assert report.splitlines()[2].startswith("MISS")


def test_table_is_markdown_with_one_row_per_cell() -> None:
    table = bench.render_table([cell(DIRECT, 1, 50.0, 80.0), cell(SMS, 1, 55.0)])
    rows = [row.strip("|").split("|") for row in table.splitlines()]

    assert [c.strip() for c in rows[0]] == [
        "path",
        "concurrency",
        "messages",
        "errors",
        "fallbacks",
        "p50 ms",
        "p95 ms",
        "messages/s",
    ]
    assert [c.strip() for c in rows[2]] == [
        DIRECT,
        "1",
        "200",
        "0",
        "0",
        "50.0",
        "80.0",
        "20.0",
    ]
    assert len(rows) == 4 and all(len(r) == 8 for r in rows)


def test_nothing_measured_shows_as_not_available() -> None:
    (empty,) = bench.summarize([Sample(WEBCHAT, 1, 3.0, failure="HTTP 404")])

    assert "n/a" in bench.render_table([empty])
    assert math.isnan(empty.p50_ms)


def test_scripts_cover_the_four_core_languages_within_the_rate_limit() -> None:
    assert set(bench.SCRIPTS) == {"en", "es", "pt", "fr"}
    for scripts in bench.SCRIPTS.values():
        for script in scripts:
            assert 4 <= len(script) <= 6
            assert len(script) < bench.RATE_LIMIT_PER_MINUTE


def test_rounds_send_the_same_script_on_every_path_in_turning_order() -> None:
    paths = [bench.DirectRasa("http://r"), bench.WebChat("http://h")]

    jobs = bench.interleaved_jobs(paths, conversations=3)

    assert len(jobs) == 6
    names = [job[0].name for job in jobs]
    assert names == [DIRECT, WEBCHAT, WEBCHAT, DIRECT, DIRECT, WEBCHAT]
    assert jobs[0][1] == jobs[1][1] != jobs[2][1]


def test_fresh_phone_numbers_are_in_the_555_range() -> None:
    numbers = {bench.random_phone_number() for _ in range(50)}

    assert len(numbers) == 50
    assert all(n.startswith("+1555") and len(n) == 12 for n in numbers)


def test_hotline_counters_are_read_from_the_metrics_page() -> None:
    page = "\n".join(
        [
            "# HELP aliada_bot_fallbacks_total Messages the bot could not answer.",
            'aliada_bot_fallbacks_total{channel="sms",reason="empty answer"} 2.0',
            'aliada_bot_fallbacks_total{channel="webchat",reason="Timeout"} 1.0',
            'aliada_rejected_requests_total{route="sms",reason="rate_limited"} 4.0',
            'aliada_messages_total{channel="sms",language="es"} 99.0',
        ]
    )

    totals = bench.counters(page)

    assert totals["bot fallbacks (answered without Rasa)"] == 3.0
    assert totals["rejected (signature, input, rate limit)"] == 4.0
    assert totals["unexpected errors"] == 0.0


def test_json_report_has_no_nan() -> None:
    (empty,) = bench.summarize([Sample(WEBCHAT, 1, 3.0, failure="HTTP 404")])
    report = bench.Report([empty], [], [], {1: 1.0}, {WEBCHAT: {"HTTP 404": 1}})

    assert report.as_json()["cells"][0]["p50_ms"] is None


# --- fallbacks: the hotline answering in the bot's place ----------------------

NUMBERS = {"emergency": "112", "hotline": "+52 (800) 553-3000"}


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_the_fallback_text_is_recognised_in_every_language(language: str) -> None:
    text = texts.BOT_UNAVAILABLE(language, **NUMBERS)

    assert bench.is_fallback(text)
    # As an SMS body (typographic punctuation made plain) and among other text.
    assert bench.is_fallback("".join(compose([text])))
    assert bench.is_fallback(f"Hola.\n\n{text}")


def test_the_fallback_for_an_unknown_language_is_recognised() -> None:
    joined = "\n\n".join(
        texts.BOT_UNAVAILABLE(code, **NUMBERS) for code in ("es", "en")
    )

    assert bench.is_fallback(joined)
    assert bench.is_fallback(" ".join(compose([joined], limit=160)))


@pytest.mark.parametrize(
    "answer",
    [
        "Hello! I am Aliada. What do you need?",
        "These lines are free and confidential: 112",
        texts.RATE_LIMITED("en"),
    ],
)
def test_the_bots_answers_are_not_taken_for_a_fallback(answer: str) -> None:
    assert not bench.is_fallback(answer)


def test_fallbacks_are_counted_apart_and_left_out_of_latencies() -> None:
    samples = [Sample(SMS, 1, ms) for ms in (10.0, 20.0, 30.0)]
    samples.append(Sample(SMS, 1, 9000.0, fallback=True))
    samples.append(Sample(SMS, 1, 1.0, failure="HTTP 500"))

    (cell,) = bench.summarize(samples, {1: 2.0}, counted={(SMS, 1): 1.0})

    assert (cell.messages, cell.errors, cell.fallbacks) == (5, 1, 1)
    assert cell.p95_ms < 9000.0
    assert cell.messages_per_second == pytest.approx(3 / 2.0)


def fallback_target(cells: list[Cell]) -> bench.Target:
    [target] = [t for t in bench.targets(cells, bench.compare(cells)) if t.blocking]
    return target


def test_one_fallback_fails_the_runs_targets() -> None:
    samples = [Sample(path, 1, 50.0) for path in (DIRECT, SMS, WEBCHAT)] * 5
    clean = bench.summarize(samples, {1: 1.0}, counted={(SMS, 1): 0, (WEBCHAT, 1): 0})
    assert fallback_target(clean).met

    samples.append(Sample(WEBCHAT, 1, 8000.0, fallback=True))
    cells = bench.summarize(samples, {1: 1.0}, counted={(SMS, 1): 0, (WEBCHAT, 1): 1})

    target = fallback_target(cells)
    assert (target.met, target.measured) == (False, 1.0)
    assert "MISS" in bench.render_targets([target])
    report = bench.Report(cells, [], bench.targets(cells, []), {1: 1.0}, {})
    assert bench.exit_status(report) == 1
    assert report.as_json()["targets"][-1]["met"] is False


def test_a_fallback_the_answers_did_not_show_is_still_counted() -> None:
    """The hotline's own counter is the judge: a reworded or untranslated
    fallback text escapes recognition, not the count."""
    samples = [Sample(SMS, 10, 50.0) for _ in range(5)]

    (cell,) = bench.summarize(samples, {10: 1.0}, counted={(SMS, 10): 2.0})

    assert (cell.fallbacks, cell.fallbacks_counted) == (2, 2.0)
    assert not fallback_target([cell]).met


def test_without_the_hotlines_counter_no_fallback_is_not_proven() -> None:
    samples = [Sample(SMS, 1, 50.0) for _ in range(5)]

    (cell,) = bench.summarize(samples, {1: 1.0}, counted=None)

    assert cell.fallbacks_counted is None
    assert not fallback_target([cell]).met
    assert "n/a" in bench.render_targets([fallback_target([cell])])


def test_rasa_alone_has_no_fallback_target() -> None:
    cells = bench.summarize([Sample(DIRECT, 1, 50.0)], {1: 1.0})

    assert not [t for t in bench.targets(cells, []) if t.blocking]


def test_the_table_shows_fallbacks_per_path() -> None:
    cells = bench.summarize(
        [Sample(SMS, 1, 50.0), Sample(SMS, 1, 9.0, fallback=True)],
        {1: 1.0},
        counted={(SMS, 1): 1.0},
    )
    header, _, row = bench.render_table(cells).splitlines()

    assert "fallbacks" in [c.strip() for c in header.strip("|").split("|")]
    values = dict(zip(header.split("|"), row.split("|"), strict=True))
    assert values[" fallbacks "].strip() == "1"


# --- a whole run against the real hotline, with a bot that fails once -----------


class FlakyRasa(BaseHTTPRequestHandler):
    """Rasa's REST channel answering every message, except one it answers
    with nothing (what Rasa does when something inside it broke)."""

    fail_on = "what are my rights as a worker?"
    failed: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self._answer(b"Hello from Rasa")

    def do_POST(self) -> None:
        asked = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        from_hotline = not asked["sender"].startswith("bench-")
        if from_hotline and asked["message"] == self.fail_on and not self.failed:
            self.failed.append(asked["sender"])
            self._answer(b"[]")
            return
        answer = [
            {"recipient_id": asked["sender"], "text": f"Answer {asked['message']}"}
        ]
        self._answer(json.dumps(answer).encode())

    def _answer(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def flaky_line(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The real hotline (werkzeug, threaded) in front of a Rasa that fails once."""
    FlakyRasa.failed = []
    rasa = ThreadingHTTPServer(("127.0.0.1", 0), FlakyRasa)
    rasa_url = f"http://127.0.0.1:{rasa.server_address[1]}"
    threading.Thread(target=rasa.serve_forever, daemon=True).start()
    app = make_app(tmp_path, RASA_URL=rasa_url)
    hotline = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=hotline.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{hotline.server_port}", rasa_url
    hotline.shutdown()
    rasa.shutdown()
    rasa.server_close()


def test_a_run_in_which_one_message_fell_back_fails(
    flaky_line: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hotline_url, rasa_url = flaky_line
    out = tmp_path / "bench.json"

    status = bench.main(
        [
            *("--hotline", hotline_url, "--rasa", rasa_url, "--token", AUTH_TOKEN),
            *("--conversations", "1", "--concurrency", "1", "--json", str(out)),
        ]
    )

    assert FlakyRasa.failed, "the bot never failed: the test proves nothing"
    assert status == 1
    report = json.loads(out.read_text())
    fallbacks = {c["path"]: c["fallbacks"] for c in report["cells"]}
    assert fallbacks == {DIRECT: 0, SMS: 1, WEBCHAT: 0}
    [sms] = [c for c in report["cells"] if c["path"] == SMS]
    assert (sms["errors"], sms["fallbacks_counted"]) == (0, 1)
    [gate] = [t for t in report["targets"] if t["blocking"]]
    assert (gate["met"], gate["measured"]) == (False, 1)
    printed = capsys.readouterr().out
    assert f"MISS  {gate['name']}" in printed
    assert f"fallbacks on {SMS}: 1" in printed
