"""The benchmark's arithmetic, tables and scripts (no live stack here)."""

from __future__ import annotations

import math

import pytest

from hotline import bench
from hotline.bench import DIRECT, SMS, WEBCHAT, Cell, Comparison, Sample


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
    return Cell(path, concurrency, 200, 0, p50, p95, p50, concurrency * 1000 / p50)


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
        "p50 ms",
        "p95 ms",
        "messages/s",
    ]
    assert [c.strip() for c in rows[2]] == [
        DIRECT,
        "1",
        "200",
        "0",
        "50.0",
        "80.0",
        "20.0",
    ]
    assert len(rows) == 4 and all(len(r) == 7 for r in rows)


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
