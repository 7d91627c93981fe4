"""How far the line goes with one and with two Rasa replicas (``make
bench-scale``): the whole line as production runs it (tools/replicas.py: nginx,
two hotline instances of two gunicorn workers, two Rasa replicas on PostgreSQL
and Redis), people writing by SMS (signed as Twilio signs) without pause
between messages, 1, 2, 4, 8... at once, until the p95 per message passes
``--p95-limit`` ms with every number of replicas.

Both numbers of replicas are measured side by side in one run, so whatever
else the machine does hits both alike: at each level, ``--rounds`` blocks of
``--seconds`` for each, alternating, nginx reloaded between blocks to route
Rasa's traffic to one replica or to both (the other stays up, idle). A cell
is the median over its blocks of messages answered a second, p50 and p95 per
message, and CPU time per message of Rasa (all replicas) and of the hotline
(all workers). Fallbacks (the hotline answered in the bot's place) and errors
are summed. Then the resident memory of each Rasa replica and each hotline
worker, and one replica's cold start (killed, spawned again while the rest
idle, until it answers). Prints Markdown tables to paste into README
("Several replicas").
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
    cpu_seconds,
    rss_megabytes,
)

REPLICAS = (1, 2)
MAX_PEOPLE = 128


@dataclass(frozen=True)
class Block:
    """One stretch of ``seconds`` with one number of replicas."""

    replicas: int
    people: int
    messages: int
    seconds: float
    p50_ms: float
    p95_ms: float
    rasa_cpu_ms: float  # per message answered
    hotline_cpu_ms: float
    fallbacks: int
    errors: int

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Cell:
    """The median of a level's blocks for one number of replicas."""

    replicas: int
    people: int
    per_second: float
    p50_ms: float
    p95_ms: float
    rasa_cpu_ms: float
    hotline_cpu_ms: float
    fallbacks: int
    errors: int

    @classmethod
    def of(cls, blocks: list[Block]) -> Cell:
        median = statistics.median
        return cls(
            replicas=blocks[0].replicas,
            people=blocks[0].people,
            per_second=median([b.per_second for b in blocks]),
            p50_ms=median([b.p50_ms for b in blocks]),
            p95_ms=median([b.p95_ms for b in blocks]),
            rasa_cpu_ms=median([b.rasa_cpu_ms for b in blocks]),
            hotline_cpu_ms=median([b.hotline_cpu_ms for b in blocks]),
            fallbacks=sum(b.fallbacks for b in blocks),
            errors=sum(b.errors for b in blocks),
        )


@dataclass(frozen=True)
class Footprint:
    rasa_mb: list[float]
    hotline_worker_mb: list[float]
    cold_start_seconds: float
    all_ready_seconds: float


def writing_without_pause(line: Replicas, people: int, seconds: float) -> list[Sample]:
    """``people`` at once, each writing a conversation's messages one after
    another's answer, then a new conversation (a fresh number), until the
    time is up."""
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


def block(line: Replicas, replicas: int, people: int, seconds: float) -> Block:
    line.route_rasa_to(list(range(replicas)))
    rasa, hotline = line.rasa_pids(), line.hotline_worker_pids()
    rasa_cpu, hotline_cpu = cpu_seconds(rasa), cpu_seconds(hotline)
    started = time.monotonic()
    samples = writing_without_pause(line, people, seconds)
    elapsed = time.monotonic() - started
    answered = [s.milliseconds for s in samples if not s.failure and not s.fallback]
    per_message = 1000 / max(len(answered), 1)
    return Block(
        replicas=replicas,
        people=people,
        messages=len(answered),
        seconds=elapsed,
        p50_ms=percentile(answered, 50),
        p95_ms=percentile(answered, 95),
        rasa_cpu_ms=(cpu_seconds(rasa) - rasa_cpu) * per_message,
        hotline_cpu_ms=(cpu_seconds(hotline) - hotline_cpu) * per_message,
        fallbacks=sum(s.fallback for s in samples),
        errors=sum(bool(s.failure) for s in samples),
    )


def measure(
    seconds: float, rounds: int, p95_limit_ms: float, folder: Path
) -> tuple[list[Cell], Footprint]:
    spawned = time.monotonic()
    cells: list[Cell] = []
    with Replicas(
        folder, rasa_replicas=max(REPLICAS), hotlines=2, hotline_workers=2
    ) as line:
        all_ready = time.monotonic() - spawned
        # Unmeasured: models, connections and caches warm up on every replica.
        writing_without_pause(line, 4, 5)
        for people in (2**n for n in itertools.count()):
            blocks: dict[int, list[Block]] = {r: [] for r in REPLICAS}
            for round_ in range(rounds):
                # Alternating which goes first, so neither always follows the other.
                order = REPLICAS if round_ % 2 == 0 else REPLICAS[::-1]
                for replicas in order:
                    blocks[replicas].append(block(line, replicas, people, seconds))
            level = [Cell.of(blocks[r]) for r in REPLICAS]
            cells += level
            for cell in level:
                print(_row(cell), flush=True)
            if all(c.p95_ms > p95_limit_ms for c in level) or people >= MAX_PEOPLE:
                break
        rasa_mb = [rss_megabytes(pid) for pid in line.rasa_pids()]
        hotline_mb = [rss_megabytes(pid) for pid in line.hotline_worker_pids()]
        line.kill_rasa(0)
        cold_start = line.restart_rasa(0)
    return cells, Footprint(rasa_mb, hotline_mb, cold_start, all_ready)


def machine() -> str:
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{os.cpu_count()} cores, {memory_kb / 1024**2:.0f} GiB "
        f"(load average at the end: {load})"
    )


HEADER = (
    "| Rasa replicas | people writing at once | messages/s | p50 ms | p95 ms "
    "| Rasa CPU ms/message | hotline CPU ms/message | fallbacks | errors |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def _row(cell: Cell) -> str:
    return (
        f"| {cell.replicas} | {cell.people} | {cell.per_second:.1f} "
        f"| {cell.p50_ms:.0f} | {cell.p95_ms:.0f} | {cell.rasa_cpu_ms:.0f} "
        f"| {cell.hotline_cpu_ms:.0f} | {cell.fallbacks} | {cell.errors} |"
    )


def report(cells: list[Cell], footprint: Footprint, seconds: float, rounds: int) -> str:
    def median(values: list[float]) -> str:
        return f"{statistics.median(values):.0f}" if values else "-"

    return "\n".join(
        [
            f"Machine: {machine()}. nginx, 2 hotline instances x 2 gunicorn "
            "workers x 8 threads, PostgreSQL, Redis, 2 Rasa replicas (traffic "
            f"to one or both); medians of {rounds} blocks of {seconds:.0f} s "
            "per cell, interleaved.",
            "",
            HEADER,
            *(_row(cell) for cell in cells),
            "",
            "| RSS per Rasa replica MB | RSS per hotline worker MB "
            "| one replica's cold start s | two replicas ready s |",
            "|---:|---:|---:|---:|",
            f"| {median(footprint.rasa_mb)} | {median(footprint.hotline_worker_mb)} "
            f"| {footprint.cold_start_seconds:.1f} "
            f"| {footprint.all_ready_seconds:.1f} |",
        ]
    )


def parser() -> argparse.ArgumentParser:
    found = argparse.ArgumentParser(description=__doc__)
    found.add_argument("--seconds", type=float, default=8.0, help="per block")
    found.add_argument("--rounds", type=int, default=3, help="blocks per cell")
    found.add_argument("--p95-limit", type=float, default=1000.0, help="ms")
    found.add_argument("--logs", type=Path, help="keep the servers' logs here")
    return found


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="aliada-bench-scale-") as tmp:
        cells, footprint = measure(
            args.seconds, args.rounds, args.p95_limit, args.logs or Path(tmp)
        )
    print()
    print(report(cells, footprint, args.seconds, args.rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
