"""Prometheus metrics: counts and latencies only, never who or what was said.

Under gunicorn each worker is its own process; with ``PROMETHEUS_MULTIPROC_DIR``
set (``make run`` sets it) the workers' figures are added up at ``/metrics``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

MESSAGES = Counter(
    "aliada_messages_total",
    "Messages received from people, by channel and conversation language.",
    ["channel", "language"],
)
BOT_LATENCY = Histogram(
    "aliada_bot_latency_seconds",
    "Time Rasa took to answer one message.",
    ["channel"],
    buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 4, 8, 15),
)
FALLBACKS = Counter(
    "aliada_bot_fallbacks_total",
    "Messages the bot could not answer, kept for a person, by reason.",
    ["channel", "reason"],
)
HANDOFFS = Counter(
    "aliada_handoffs_total",
    "Conversations put in front of a person (once per episode).",
    ["channel", "priority"],
)
DANGER = Counter(
    "aliada_danger_total",
    "Messages the danger detector matched, on any channel and in any state.",
    ["channel"],
)
REJECTED = Counter(
    "aliada_rejected_requests_total",
    "Requests refused at the edge (bad signature, bad input, rate limit).",
    ["route", "reason"],
)
DELETED = Counter(
    "aliada_conversations_deleted_total",
    "Conversations deleted at once at the person's request, by channel.",
    ["channel"],
)
ERRORS = Counter("aliada_errors_total", "Unexpected errors answered with a 500.")


def purge_figures(
    last_success: datetime | None, overdue: bool, twilio_pending: int
) -> list[Metric]:
    """The retention purge's standing, read from the database at each scrape
    (the purge runs in another process: a job, a timer, the stack's loop)."""
    last = GaugeMetricFamily(
        "aliada_purge_last_success_timestamp_seconds",
        "When the retention purge last succeeded (Unix time; 0: never).",
    )
    last.add_metric(
        [], last_success.replace(tzinfo=UTC).timestamp() if last_success else 0
    )
    late = GaugeMetricFamily(
        "aliada_purge_overdue",
        "1 when the retention purge has not succeeded for 36 hours.",
    )
    late.add_metric([], int(overdue))
    pending = GaugeMetricFamily(
        "aliada_twilio_deletions_pending",
        "Copies at Twilio of forgotten conversations still to delete.",
    )
    pending.add_metric([], twilio_pending)
    return [last, late, pending]


class _Fixed(Collector):
    def __init__(self, figures: Iterable[Metric]) -> None:
        self.figures = list(figures)

    def collect(self) -> Iterator[Metric]:
        return iter(self.figures)


def exposition(figures: Iterable[Metric] = ()) -> tuple[bytes, str]:
    """The metrics page, summed over gunicorn workers when they share a
    folder, with ``figures`` read at this scrape."""
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    extra = CollectorRegistry()
    extra.register(_Fixed(figures))
    return generate_latest(registry) + generate_latest(extra), CONTENT_TYPE_LATEST
