"""How far the line goes with one and with two Rasa replicas (``make
bench-scale``): the whole line as production runs it (tools/replicas.py: nginx,
two hotline instances of two gunicorn workers, Rasa replicas on PostgreSQL and
Redis), people writing by SMS (signed as Twilio signs) without pause between
messages, 1, 2, 4, 8... at once, each level for ``--seconds``, until the p95
per message passes ``--p95-limit`` ms.

Per level: messages answered a second, p50 and p95 per message (median over
the level's messages), fallbacks (the hotline answered in the bot's place) and
errors. Then the resident memory of each Rasa replica and each hotline worker,
and a Rasa replica's cold start (spawned to answering, alone on the machine).
Prints a Markdown table to paste into README ("Several replicas").
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tools.bench import Sample, TwilioSms, all_scripts, percentile, run_conversation
from tools.replicas import (
    TWILIO_AUTH_TOKEN,
    Replicas,
    rss_megabytes,
)

DEFAULT_REPLICAS = (1, 2)
MAX_PEOPLE = 128


@dataclass(frozen=True)
class Level:
    replicas: int
    people: int
    messages: int
    seconds: float
    p50_ms: float
    p95_ms: float
    fallbacks: int
    errors: int

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Footprint:
    replicas: int
    rasa_mb: list[float]
    hotline_worker_mb: list[float]
    cold_start_seconds: float
    all_ready_seconds: float


def writing_without_pause(line: Replicas, people: int, seconds: float) -> list[Sample]:
    """``people`` at once, each writing a conversation's messages one after
    another's answer, then a new conversation (a fresh number), until the
    level's time is up."""
    sms = TwilioSms(line.url, TWILIO_AUTH_TOKEN)
    scripts = all_scripts()
    deadline = time.monotonic() + seconds

    def person(number: int) -> list[Sample]:
        samples: list[Sample] = []
        turn = number
        while time.monotonic() < deadline:
            _, script = scripts[turn % len(scripts)]
            samples += run_conversation(sms, script, people)
            turn += 1
        return samples

    with ThreadPoolExecutor(max_workers=people) as pool:
        return [s for samples in pool.map(person, range(people)) for s in samples]


def level(line: Replicas, replicas: int, people: int, seconds: float) -> Level:
    started = time.monotonic()
    samples = writing_without_pause(line, people, seconds)
    elapsed = time.monotonic() - started
    answered = [s.milliseconds for s in samples if not s.failure and not s.fallback]
    return Level(
        replicas=replicas,
        people=people,
        messages=len(answered),
        seconds=elapsed,
        p50_ms=percentile(answered, 50),
        p95_ms=percentile(answered, 95),
        fallbacks=sum(s.fallback for s in samples),
        errors=sum(bool(s.failure) for s in samples),
    )


def measure(
    replicas: int, seconds: float, p95_limit_ms: float, folder: Path
) -> tuple[list[Level], Footprint]:
    """The levels for one number of replicas, then its memory and the cold
    start of one replica (killed and started again while the rest idle)."""
    spawned = time.monotonic()
    levels = []
    with Replicas(
        folder, rasa_replicas=replicas, hotlines=2, hotline_workers=2
    ) as line:
        all_ready = time.monotonic() - spawned
        # Unmeasured: models, connections and caches warm up.
        writing_without_pause(line, 2, 3)
        for people in (2**n for n in itertools.count()):
            found = level(line, replicas, people, seconds)
            levels.append(found)
            print(_row(found), flush=True)
            if found.p95_ms > p95_limit_ms or people >= MAX_PEOPLE:
                break
        rasa_mb = [rss_megabytes(pid) for pid in line.rasa_pids()]
        hotline_mb = [rss_megabytes(pid) for pid in line.hotline_worker_pids()]
        line.kill_rasa(0)
        cold_start = line.restart_rasa(0)
    return levels, Footprint(replicas, rasa_mb, hotline_mb, cold_start, all_ready)


def machine() -> str:
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return f"{os.cpu_count()} cores, {memory_kb / 1024**2:.0f} GiB"


HEADER = (
    "| Rasa replicas | people writing at once | messages/s | p50 ms | p95 ms "
    "| fallbacks | errors |\n|---:|---:|---:|---:|---:|---:|---:|"
)


def _row(found: Level) -> str:
    return (
        f"| {found.replicas} | {found.people} | {found.per_second:.1f} "
        f"| {found.p50_ms:.0f} | {found.p95_ms:.0f} | {found.fallbacks} "
        f"| {found.errors} |"
    )


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.0f}" if values else "-"


def report(levels: list[Level], footprints: list[Footprint], seconds: float) -> str:
    lines = [
        f"Machine: {machine()}; {seconds:.0f} s per level; nginx, 2 hotline "
        "instances x 2 gunicorn workers x 8 threads, PostgreSQL, Redis.",
        "",
        HEADER,
        *(_row(found) for found in levels),
        "",
        "| Rasa replicas | RSS per Rasa replica MB | RSS per hotline worker MB "
        "| one replica's cold start s | all replicas ready s |",
        "|---:|---:|---:|---:|---:|",
        *(
            f"| {f.replicas} | {_median(f.rasa_mb)} | {_median(f.hotline_worker_mb)} "
            f"| {f.cold_start_seconds:.1f} | {f.all_ready_seconds:.1f} |"
            for f in footprints
        ),
    ]
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    found = argparse.ArgumentParser(description=__doc__)
    found.add_argument(
        "--replicas", type=int, nargs="+", default=list(DEFAULT_REPLICAS)
    )
    found.add_argument("--seconds", type=float, default=20.0, help="per level")
    found.add_argument("--p95-limit", type=float, default=1000.0, help="ms")
    found.add_argument("--logs", type=Path, help="keep the servers' logs here")
    return found


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    levels: list[Level] = []
    footprints: list[Footprint] = []
    with tempfile.TemporaryDirectory(prefix="aliada-bench-scale-") as tmp:
        for replicas in args.replicas:
            folder = (args.logs or Path(tmp)) / f"replicas-{replicas}"
            found, footprint = measure(replicas, args.seconds, args.p95_limit, folder)
            levels += found
            footprints.append(footprint)
    print()
    print(report(levels, footprints, args.seconds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
