"""Prometheus metrics: counts and latencies only, never who or what was said.

Under gunicorn each worker is its own process; with ``PROMETHEUS_MULTIPROC_DIR``
set (``make run`` sets it) the workers' figures are added up at ``/metrics``.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

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


def exposition() -> tuple[bytes, str]:
    """The metrics page, summed over gunicorn workers when they share a folder."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
