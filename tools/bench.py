"""What the hotline costs on top of Rasa: the same conversations sent straight to
Rasa's REST channel, through ``/twilio/sms`` (signed as Twilio signs) and through
the web chat API, side by side in one run (``make bench``, the line must be up).

Conversations of 4-6 ordinary messages in en, es, pt and fr (no emergency
wording, so the numbers stay representative) run at 1 and at 10 at a time. The
paths are interleaved in one pool, the same script in the same round for each,
so whatever else the machine does hits every path alike. Each conversation uses
a fresh sender, phone number or session, and stays under the hotline's limit of
12 messages a minute. The line's request limits per client (``hotline.limits``)
are meant for people, not for one client sending for many: start the line with
roomier ones to run this (the run says so when refused). Latencies are per
message (``time.perf_counter``); a non-200 or empty answer counts as an error
and is left out of the percentiles.

An answer that is the hotline's fallback (Rasa down, failing or slow: "We got
your message and a person will read it...") is a 200 with text, but not the
bot's answer: it is counted apart, per path and level, left out of the
percentiles, and any one of them fails the run (exit status 1). Two witnesses:
the hotline's own counter ``aliada_bot_fallbacks_total`` by channel, read from
``/metrics`` before and after each level (with the bearer token
``--metrics-token``, else ``METRICS_TOKEN``, else the development one ``make
run`` keeps), which counts every fallback however it is worded; and the answer
itself, matched against the catalog's fallback text in every language, which
says which messages to leave out of the latencies. A path's fallbacks are the
larger of the two; without the counter (``/metrics`` unreadable) a run with no
fallback recognised is not proven clean, and fails too.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import math
import re
import secrets
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import requests
from prometheus_client.parser import text_string_to_metric_families

from bot import dev_secrets
from bot.languages import SUPPORTED_LANGUAGES
from hotline import texts
from hotline.simulate import SimulatorError, message_bodies, resolve_token, sign
from hotline.simulate import sms_params as twilio_sms_params
from hotline.sms.segments import plain_punctuation

DIRECT, SMS, WEBCHAT = "rasa-direct", "hotline-sms", "hotline-webchat"
PATHS = (DIRECT, SMS, WEBCHAT)
# The hotline's channel behind each of its paths (the fallback counter's label).
CHANNELS = {SMS: "sms", WEBCHAT: "webchat"}
FALLBACK_METRIC = "aliada_bot_fallbacks_total"
CONCURRENCY = (1, 10)
DEFAULT_CONVERSATIONS = 40  # x ~5 messages = ~200 messages per path and level
OVERHEAD_TARGET = 0.10  # the hotline may add at most 10% to Rasa's own p50
SMS_P95_TARGET_MS = 300.0  # at 10 conversations at a time
REQUEST_TIMEOUT = 30.0
RATE_LIMIT_PER_MINUTE = 12
# One client sends what many people would: the line's request limits
# (hotline.limits) refuse it unless the line is started with roomier ones.
LIMITED_HINT = (
    "error: the line's request limits refused the benchmark (HTTP 429): it "
    "sends from one address what many people would. Start the line with "
    "roomier limits, e.g. WEBCHAT_SESSIONS_PER_CLIENT=10000/minute "
    "WEBCHAT_SESSIONS_GLOBAL=10000/minute "
    "WEBCHAT_MESSAGES_PER_CLIENT=10000/minute make run"
)

# What people write, in order: greeting, a need, the country the bot asks for,
# another question, a person. Asking for a person comes last because it hands
# the conversation over.
SCRIPTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (
        (
            "hello",
            "I need a place to sleep tonight",
            "Mexico",
            "what are my rights as a worker?",
            "can I talk to a person?",
        ),
        (
            "hi there",
            "where can I find a lawyer for free?",
            "Colombia",
            "thank you",
        ),
        (
            "good morning",
            "how do I contact my consulate?",
            "Guatemala",
            "is there a doctor who can see me?",
            "Guatemala",
            "I want to speak with someone",
        ),
    ),
    "es": (
        (
            "hola",
            "necesito un lugar para dormir hoy",
            "México",
            "cuáles son mis derechos?",
            "quiero hablar con una persona",
        ),
        (
            "buenas tardes",
            "necesito un abogado gratis",
            "Perú",
            "gracias",
        ),
        (
            "buenos días",
            "cómo contacto a mi consulado?",
            "Argentina",
            "necesito ver a un médico",
            "Argentina",
            "puedo hablar con alguien?",
        ),
    ),
    "pt": (
        (
            "olá",
            "preciso de um lugar para dormir esta noite",
            "Brasil",
            "quais são os meus direitos?",
            "quero falar com uma pessoa",
        ),
        (
            "bom dia",
            "preciso de um advogado gratuito",
            "Portugal",
            "obrigado",
        ),
        (
            "boa tarde",
            "como falo com o meu consulado?",
            "Paraguai",
            "preciso de um médico",
            "Paraguai",
            "posso falar com alguém?",
        ),
    ),
    "fr": (
        (
            "bonjour",
            "j'ai besoin d'un endroit pour dormir ce soir",
            "Canada",
            "quels sont mes droits?",
            "je veux parler à une personne",
        ),
        (
            "salut",
            "je cherche un avocat gratuit",
            "Haïti",
            "merci",
        ),
        (
            "bonsoir",
            "comment contacter mon consulat?",
            "Canada",
            "j'ai besoin de voir un médecin",
            "Canada",
            "je peux parler à quelqu'un?",
        ),
    ),
}


def all_scripts() -> list[tuple[str, tuple[str, ...]]]:
    """(language, messages), languages alternating so every round mixes them."""
    by_language = [[(lang, s) for s in scripts] for lang, scripts in SCRIPTS.items()]
    return [
        item
        for group in itertools.zip_longest(*by_language)
        for item in group
        if item is not None
    ]


# --- the three paths -------------------------------------------------------


# What ``Send`` returns when the hotline answered in the bot's place.
FALLBACK = "fallback"


class Send(Protocol):
    def __call__(self, text: str) -> str | None:
        """Send one message; None when the bot answered, ``FALLBACK`` when the
        hotline answered in its place, else why it failed."""


class Route(Protocol):
    """One way into the bot; each conversation gets a fresh identity."""

    name: str

    def conversation(self) -> Send: ...


class _PerThreadSession:
    """One HTTP session per thread and route: connections are reused as a real
    client's would be, and no session is shared between threads."""

    def __init__(self) -> None:
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session


def _http_failure(response: requests.Response) -> str | None:
    return None if response.status_code == 200 else f"HTTP {response.status_code}"


def _squeezed(text: str) -> str:
    """Text as compared: punctuation as an SMS carries it, no whitespace (an
    SMS may be cut and joined anywhere between words)."""
    return "".join(plain_punctuation(text).split())


@functools.cache
def _fallback_patterns() -> tuple[re.Pattern[str], ...]:
    """The fallback text in every language, its numbers left open (they are
    the line's settings, not the bench's)."""
    hole = "\x00"
    wordings = dict.fromkeys(  # languages falling back to another share its text
        texts.BOT_UNAVAILABLE(language, emergency=hole, hotline=hole)
        for language in SUPPORTED_LANGUAGES
    )
    return tuple(
        re.compile(
            ".{1,40}?".join(re.escape(_squeezed(part)) for part in text.split(hole)),
            re.DOTALL,
        )
        for text in wordings
    )


def is_fallback(answer: str) -> bool:
    """Whether the answer holds the hotline's fallback text, in any language."""
    squeezed = _squeezed(answer)
    return any(pattern.search(squeezed) for pattern in _fallback_patterns())


def _judged(answers: Sequence[object]) -> str | None:
    """None for the bot's answer, ``FALLBACK`` for the hotline's, or why not."""
    said = [answer for answer in answers if isinstance(answer, str) and answer]
    if not said:
        return "empty answer"
    return FALLBACK if is_fallback("\n\n".join(said)) else None


class DirectRasa(_PerThreadSession):
    """Rasa's REST channel, called as the hotline itself calls it."""

    name = DIRECT

    def __init__(self, rasa_url: str) -> None:
        super().__init__()
        self.url = f"{rasa_url.rstrip('/')}/webhooks/rest/webhook"

    def conversation(self) -> Send:
        sender = f"bench-{uuid.uuid4().hex}"

        def send(text: str) -> str | None:
            response = self.session.post(
                self.url,
                json={
                    "sender": sender,
                    "message": text,
                    "metadata": {"channel": "sms"},
                },
                timeout=REQUEST_TIMEOUT,
            )
            if failure := _http_failure(response):
                return failure
            said = [m.get("text") for m in response.json() if isinstance(m, dict)]
            return None if any(said) else "empty answer"

        return send


def random_phone_number() -> str:
    """A fresh US number in the 555 range, so no run meets an earlier one."""
    return f"+1555{secrets.randbelow(10**7):07d}"


class TwilioSms(_PerThreadSession):
    """``/twilio/sms``, form-encoded and signed exactly as Twilio sends it."""

    name = SMS

    def __init__(self, hotline_url: str, token: str) -> None:
        super().__init__()
        self.url = f"{hotline_url.rstrip('/')}/twilio/sms"
        self.token = token

    def conversation(self) -> Send:
        sender = random_phone_number()

        def send(text: str) -> str | None:
            signed = sign(self.url, twilio_sms_params(text, sender=sender), self.token)
            response = self.session.post(
                signed.url,
                data=signed.params,
                headers=signed.headers,
                timeout=REQUEST_TIMEOUT,
            )
            if failure := _http_failure(response):
                return failure
            return _judged(message_bodies(response.text))

        return send


class WebChat(_PerThreadSession):
    """The web chat API, each conversation in a session the line issues."""

    name = WEBCHAT

    def __init__(self, hotline_url: str) -> None:
        super().__init__()
        self.api = f"{hotline_url.rstrip('/')}/webchat/api/v1"

    def conversation(self) -> Send:
        created = self.session.post(f"{self.api}/sessions", timeout=REQUEST_TIMEOUT)
        session_id = created.json()["session_id"] if created.status_code == 201 else ""

        def send(text: str) -> str | None:
            if not session_id:
                return f"HTTP {created.status_code}"
            response = self.session.post(
                f"{self.api}/messages",
                json={"session_id": session_id, "text": text, "language": None},
                timeout=REQUEST_TIMEOUT,
            )
            if failure := _http_failure(response):
                return failure
            replies = response.json().get("replies") or []
            return _judged([r.get("text") for r in replies if isinstance(r, dict)])

        return send


# --- running ---------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    path: str
    concurrency: int
    milliseconds: float
    failure: str | None = None
    fallback: bool = False  # the hotline's fallback text, not the bot's answer


def run_conversation(
    path: Route, messages: Sequence[str], concurrency: int, pause: float = 0.0
) -> list[Sample]:
    """One person's messages, each after the previous answer, timed one by one;
    ``pause`` is the person's reading and typing time between them (not timed)."""
    try:
        send = path.conversation()
    except (requests.RequestException, ValueError, KeyError) as error:
        return [Sample(path.name, concurrency, 0.0, f"start: {type(error).__name__}")]
    samples = []
    for number, text in enumerate(messages):
        if number and pause:
            time.sleep(pause)
        started = time.perf_counter()
        try:
            outcome = send(text)
        except (requests.RequestException, ValueError, AttributeError) as error:
            # Unreachable, not JSON, or JSON of the wrong shape.
            outcome = type(error).__name__
        elapsed = (time.perf_counter() - started) * 1000
        fallback = outcome == FALLBACK
        failure = None if fallback else outcome
        samples.append(Sample(path.name, concurrency, elapsed, failure, fallback))
    return samples


def interleaved_jobs(
    paths: Sequence[Route], conversations: int
) -> list[tuple[Route, tuple[str, ...]]]:
    """Round i sends the same script along every path, the paths' order turning
    each round, so no path always goes first or last."""
    scripts = all_scripts()
    jobs = []
    for round_ in range(conversations):
        _, script = scripts[round_ % len(scripts)]
        turn = round_ % len(paths)
        for path in [*paths[turn:], *paths[:turn]]:
            jobs.append((path, script))
    return jobs


def run_level(
    paths: Sequence[Route], concurrency: int, conversations: int, pause: float = 0.0
) -> tuple[list[Sample], float]:
    """All paths' conversations, ``concurrency`` at a time; the wall time too."""
    jobs = interleaved_jobs(paths, conversations)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = pool.map(lambda job: run_conversation(*job, concurrency, pause), jobs)
        samples = [sample for result in results for sample in result]
    return samples, time.perf_counter() - started


def warm_up(paths: Sequence[Route]) -> None:
    """A few unmeasured messages per path: models, connections and caches load."""
    for (_, script), path in itertools.product(all_scripts()[:2], paths):
        run_conversation(path, script[:3], concurrency=0)


# --- figures ---------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the two nearest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Cell:
    path: str
    concurrency: int
    messages: int
    errors: int
    p50_ms: float
    p95_ms: float
    mean_ms: float
    messages_per_second: float
    # Answers that were the hotline's fallback: the larger of those recognised
    # in the answers and those the hotline counted (None: not read, or Rasa
    # direct, where the hotline is not involved).
    fallbacks: int = 0
    fallbacks_recognised: int = 0
    fallbacks_counted: float | None = None


# Fallbacks the hotline counted, by (path, concurrency); None when unreadable.
Counted = dict[tuple[str, int], float] | None


def summarize(
    samples: Iterable[Sample],
    wall_seconds: dict[int, float] | None = None,
    counted: Counted = None,
) -> list[Cell]:
    """One cell per path and level. Messages/s is what the path answered over
    the level's wall time, which all paths shared (they ran interleaved). Errors
    and recognised fallbacks are left out of latencies and messages/s."""
    wall_seconds = wall_seconds or {}
    grouped: dict[tuple[str, int], list[Sample]] = {}
    for sample in samples:
        grouped.setdefault((sample.path, sample.concurrency), []).append(sample)
    cells = []
    for (path, concurrency), group in grouped.items():
        good = [s.milliseconds for s in group if s.failure is None and not s.fallback]
        recognised = sum(s.fallback for s in group)
        by_hotline = (
            counted.get((path, concurrency), 0.0)
            if counted is not None and path in CHANNELS
            else None
        )
        mean = sum(good) / len(good) if good else math.nan
        cells.append(
            Cell(
                path=path,
                concurrency=concurrency,
                messages=len(group),
                errors=sum(s.failure is not None for s in group),
                p50_ms=percentile(good, 50),
                p95_ms=percentile(good, 95),
                mean_ms=mean,
                messages_per_second=len(good) / wall_seconds[concurrency]
                if good and wall_seconds.get(concurrency)
                else math.nan,
                fallbacks=max(recognised, round(by_hotline or 0)),
                fallbacks_recognised=recognised,
                fallbacks_counted=by_hotline,
            )
        )
    order = {name: i for i, name in enumerate(PATHS)}
    return sorted(cells, key=lambda c: (c.concurrency, order.get(c.path, 99)))


@dataclass(frozen=True)
class Comparison:
    path: str
    concurrency: int
    ratio: float  # p50 through the hotline / Rasa's own p50
    overhead_ms: float


def compare(cells: Sequence[Cell]) -> list[Comparison]:
    direct = {c.concurrency: c for c in cells if c.path == DIRECT}
    return [
        Comparison(
            path=cell.path,
            concurrency=cell.concurrency,
            ratio=cell.p50_ms / base.p50_ms,
            overhead_ms=cell.p50_ms - base.p50_ms,
        )
        for cell in cells
        if cell.path != DIRECT and (base := direct.get(cell.concurrency))
    ]


@dataclass(frozen=True)
class Target:
    name: str
    measured: float
    limit: float
    unit: str
    # Missed, the run did not measure what it claims: the exit status is 1.
    blocking: bool = False

    @property
    def met(self) -> bool:
        return self.measured <= self.limit  # NaN (nothing measured) is a miss


NO_FALLBACK = "every answer through the hotline came from the bot (no fallback)"


def targets(cells: Sequence[Cell], comparisons: Sequence[Comparison]) -> list[Target]:
    found = [
        Target(
            f"{c.path} overhead at {c.concurrency} <= 10% of Rasa's p50",
            c.ratio - 1,
            OVERHEAD_TARGET,
            "ratio",
        )
        for c in comparisons
    ]
    found += [
        Target(f"{SMS} p95 at 10 < 300 ms", c.p95_ms, SMS_P95_TARGET_MS, "ms")
        for c in cells
        if c.path == SMS and c.concurrency == 10
    ]
    through_hotline = [c for c in cells if c.path in CHANNELS]
    if through_hotline:
        fallbacks = sum(c.fallbacks for c in through_hotline)
        unproven = any(c.fallbacks_counted is None for c in through_hotline)
        measured = math.nan if unproven and not fallbacks else float(fallbacks)
        found.append(Target(NO_FALLBACK, measured, 0, "messages", blocking=True))
    return found


def exit_status(report: Report) -> int:
    """1 when a blocking target is missed (an answer was the hotline's
    fallback, or that could not be checked); latency targets are findings,
    shown as PASS or MISS, and leave the status at 0."""
    return int(any(t.blocking and not t.met for t in report.targets))


def _ms(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.1f}"


def render_table(cells: Sequence[Cell]) -> str:
    rows = [
        "| path | concurrency | messages | errors | fallbacks | p50 ms | p95 ms "
        "| messages/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows += [
        f"| {c.path} | {c.concurrency} | {c.messages} | {c.errors} | "
        f"{c.fallbacks} | {_ms(c.p50_ms)} | {_ms(c.p95_ms)} | "
        f"{_ms(c.messages_per_second)} |"
        for c in cells
    ]
    return "\n".join(rows)


def render_comparisons(comparisons: Sequence[Comparison]) -> str:
    rows = [
        "| path | concurrency | p50 ratio hotline/direct | overhead ms |",
        "|---|---:|---:|---:|",
    ]
    rows += [
        f"| {c.path} | {c.concurrency} | "
        f"{'n/a' if math.isnan(c.ratio) else f'{c.ratio:.2f}'} | "
        f"{'n/a' if math.isnan(c.overhead_ms) else f'{c.overhead_ms:+.1f}'} |"
        for c in comparisons
    ]
    return "\n".join(rows)


def render_targets(found: Sequence[Target]) -> str:
    def shown(value: float, unit: str) -> str:
        if math.isnan(value):
            return "n/a"
        if unit == "messages":
            return f"{value:.0f} fell back"
        return f"{value:+.1%}" if unit == "ratio" else f"{value:.1f} ms"

    return "\n".join(
        f"{'PASS' if t.met else 'MISS'}  {t.name}: {shown(t.measured, t.unit)}"
        for t in found
    )


# --- the hotline's own counters --------------------------------------------

COUNTERS = {
    "bot fallbacks (answered without Rasa)": "aliada_bot_fallbacks_total",
    "rejected (signature, input, rate limit)": "aliada_rejected_requests_total",
    "unexpected errors": "aliada_errors_total",
}


def counters(metrics_page: str) -> dict[str, float]:
    """Totals of the counters that reveal answers that were 200 but not Rasa's."""
    by_metric = dict.fromkeys(COUNTERS.values(), 0.0)
    for family in text_string_to_metric_families(metrics_page):
        for sample in family.samples:
            if sample.name in by_metric:
                by_metric[sample.name] += sample.value
    return {label: by_metric[metric] for label, metric in COUNTERS.items()}


def fallbacks_by_channel(metrics_page: str) -> dict[str, float]:
    """The hotline's fallback counter, summed over reasons, by channel."""
    found: dict[str, float] = {}
    for family in text_string_to_metric_families(metrics_page):
        for sample in family.samples:
            if sample.name == FALLBACK_METRIC:
                channel = sample.labels.get("channel", "")
                found[channel] = found.get(channel, 0.0) + sample.value
    return found


def fallbacks_between(before: str, after: str) -> dict[str, float]:
    """Fallbacks by channel from one /metrics page to a later one."""
    start, end = fallbacks_by_channel(before), fallbacks_by_channel(after)
    return {channel: end[channel] - start.get(channel, 0.0) for channel in end}


def read_metrics(hotline_url: str, token: str) -> str | None:
    """The hotline's /metrics page, or None when it cannot be read."""
    try:
        response = requests.get(
            f"{hotline_url.rstrip('/')}/metrics",
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
    except requests.RequestException:
        return None
    return response.text if response.ok else None


# --- command line ----------------------------------------------------------


@dataclass
class Report:
    cells: list[Cell]
    comparisons: list[Comparison]
    targets: list[Target]
    wall_seconds: dict[int, float]
    failures: dict[str, dict[str, int]]
    hotline_counters: dict[str, float] | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """Plain JSON: what was not measured is null, not NaN."""
        data = asdict(self)
        data["targets"] = [{**asdict(t), "met": t.met} for t in self.targets]
        return _nan_to_none(data)


def _nan_to_none(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: _nan_to_none(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nan_to_none(item) for item in value]
    return value


def failures_by_path(samples: Iterable[Sample]) -> dict[str, dict[str, int]]:
    found: dict[str, Counter[str]] = {}
    for s in samples:
        if s.failure:
            found.setdefault(s.path, Counter())[s.failure] += 1
    return {path: dict(kinds) for path, kinds in found.items()}


def run(
    paths: Sequence[Route],
    levels: Sequence[int],
    conversations: int,
    progress: Callable[[str], None],
    hotline_url: str,
    metrics_token: str,
    pause: float = 0.0,
) -> Report:
    progress("warming up…")
    warm_up(paths)
    samples: list[Sample] = []
    wall: dict[int, float] = {}
    # Read after the warm-up and around each level: what the levels caused.
    first = previous = read_metrics(hotline_url, metrics_token)
    counted: Counted = {}
    for level in levels:
        progress(f"{conversations} conversations per path, {level} at a time…")
        # One conversation at a time has nobody to wait for: no pause needed.
        level_pause = pause if level > 1 else 0.0
        level_samples, wall[level] = run_level(paths, level, conversations, level_pause)
        samples += level_samples
        page = read_metrics(hotline_url, metrics_token)
        if counted is not None and previous is not None and page is not None:
            during = fallbacks_between(previous, page)
            for path, channel in CHANNELS.items():
                counted[path, level] = during.get(channel, 0.0)
        else:
            counted = None
        previous = page
    delta = None
    if first is not None and previous is not None:
        before_run, after_run = counters(first), counters(previous)
        delta = {k: after_run[k] - before_run[k] for k in after_run}
    cells = summarize(samples, wall, counted)
    comparisons = compare(cells)
    return Report(
        cells=cells,
        comparisons=comparisons,
        targets=targets(cells, comparisons),
        wall_seconds=wall,
        failures=failures_by_path(samples),
        hotline_counters=delta,
    )


def print_report(report: Report) -> None:
    print(render_table(report.cells))
    print()
    for level, seconds in report.wall_seconds.items():
        total = sum(c.messages for c in report.cells if c.concurrency == level)
        print(
            f"{level} at a time: {total} messages over all paths in {seconds:.1f} s "
            f"({total / seconds:.1f} messages/s together)"
        )
    print()
    print(render_comparisons(report.comparisons))
    print()
    print(render_targets(report.targets))
    for path, kinds in report.failures.items():
        shown = ", ".join(f"{kind}: {n}" for kind, n in sorted(kinds.items()))
        print(f"errors on {path}: {shown}")
    for path in CHANNELS:
        cells = [c for c in report.cells if c.path == path]
        if fallbacks := sum(c.fallbacks for c in cells):
            recognised = sum(c.fallbacks_recognised for c in cells)
            counted = sum(c.fallbacks_counted or 0 for c in cells)
            print(
                f"fallbacks on {path}: {fallbacks} (recognised in the answers: "
                f"{recognised}, counted by the hotline: {counted:.0f}); "
                "left out of the latencies"
                + ("" if recognised == fallbacks else " where recognised")
            )
    if report.hotline_counters:
        seen = {k: v for k, v in report.hotline_counters.items() if v}
        if seen:
            shown = ", ".join(f"{k}: {v:.0f}" for k, v in seen.items())
            print(f"hotline counters during the run: {shown}")


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m tools.bench", description=__doc__.split("\n\n")[0]
    )
    main.add_argument("--hotline", default="http://127.0.0.1:8000")
    main.add_argument("--rasa", default="http://127.0.0.1:5005")
    main.add_argument(
        "--conversations",
        type=int,
        default=DEFAULT_CONVERSATIONS,
        help="per path and concurrency (default %(default)s, ~200 messages)",
    )
    main.add_argument("--concurrency", type=int, nargs="+", default=list(CONCURRENCY))
    main.add_argument(
        "--paths", nargs="+", choices=PATHS, default=list(PATHS), help="what to time"
    )
    main.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="seconds a person takes between messages when several write at once "
        "(default 0: every conversation sends as fast as the line answers)",
    )
    main.add_argument("--token", help="Twilio auth token (default: env, dev file)")
    main.add_argument(
        "--metrics-token",
        help="bearer token of /metrics (default: METRICS_TOKEN, dev file)",
    )
    main.add_argument("--json", type=Path, help="also write the results here")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    chosen: list[Route] = []
    try:
        for name in args.paths:
            if name == DIRECT:
                chosen.append(DirectRasa(args.rasa))
            elif name == SMS:
                chosen.append(TwilioSms(args.hotline, resolve_token(args.token)))
            else:
                chosen.append(WebChat(args.hotline))
    except SimulatorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for url in {args.rasa, args.hotline}:
        try:
            requests.get(url, timeout=5)
        except requests.RequestException:
            print(f"error: nothing answers at {url}; start the line (`make run`).")
            return 1
    report = run(
        chosen,
        args.concurrency,
        args.conversations,
        lambda note: print(note, file=sys.stderr, flush=True),
        args.hotline,
        args.metrics_token or dev_secrets.configured_or_development("METRICS_TOKEN")[0],
        args.pause,
    )
    report.settings = {
        "hotline": args.hotline,
        "rasa": args.rasa,
        "conversations": args.conversations,
        "concurrency": args.concurrency,
        "paths": args.paths,
        "pause": args.pause,
    }
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report.as_json(), indent=2))
    if any("HTTP 429" in failures for failures in report.failures.values()):
        print(LIMITED_HINT, file=sys.stderr)
    if status := exit_status(report):
        print(
            "error: answers through the hotline were its fallback, not the bot's "
            "(or /metrics could not be read to rule that out): is Rasa up and "
            "answering in time?",
            file=sys.stderr,
        )
    return status


if __name__ == "__main__":
    sys.exit(main())
