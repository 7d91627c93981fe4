"""What one Rasa turn costs, and where (``make profile-turn``).

Plays realistic conversations (es, en, pt, fr; danger, country questions, the
help menu, and one 60-turn conversation) one after another, a fresh sender
each, and reports:

- through the REST channel (``POST /webhooks/rest/webhook``, as the hotline
  sends: sender, message, metadata with the channel and the number's country)
  against a real Rasa and action server with the trained model: p50/p95 per
  turn, turns a second one after another, and the cost of turns 1-10 against
  turns 50-60 of the long conversation;
- in process (Rasa's ``Agent`` loaded with the same model and endpoints, the
  same action server): where the time of a turn goes, each stage timed
  exclusively of the stages it calls (NLU parse, slot extraction, the
  tracker sent to the action server, the action server's round trip, the
  check of its answer, each policy, the rest of the prediction graph, forms,
  NLG, tracker store load and save, the rest).

``--baseline DIR`` measures another checkout (e.g. the commit before a change,
with its own ``models/aliada.tar.gz``) side by side: both stacks run at once and
every conversation is played on each in turn, so whatever else the machine
does hits both alike. Each checkout starts its servers and its in-process
agent with its own code (child processes of this script, run in that
checkout), with this checkout's Python environment.

Runs in the bot environment: ``.venv/bot/bin/python -m tools.profile_turn``.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

THIS_FILE = Path(__file__).resolve()
ROOT = THIS_FILE.parent.parent
BOT_PYTHON = ROOT / ".venv" / "bot" / "bin" / "python"
REQUEST_TIMEOUT = 30.0
LONG_TURNS = 60
EARLY, LATE = range(0, 10), range(49, 60)  # turns 1-10 and 50-60


@dataclass(frozen=True)
class Script:
    """One conversation, as the hotline would send it to Rasa."""

    name: str
    turns: tuple[str, ...]
    channel: str = "sms"
    country_hint: str | None = None

    def metadata(self) -> dict[str, str]:
        metadata = {"channel": self.channel}
        if self.country_hint:
            metadata["country_hint"] = self.country_hint
        return metadata


# What people write to the line (texts like the test stories' and the outside
# conversations'), in the four core languages.
SCRIPTS: tuple[Script, ...] = (
    Script(
        "es shelter then a lawyer",
        (
            "hola buenas tardes",
            "necesito un lugar seguro para dormir",
            "estoy en México",
            "y un abogado gratis?",
            "muchas gracias",
            "adios",
        ),
        country_hint="MX",
    ),
    Script(
        "en rights, a town, a person",
        (
            "hi",
            "what are my rights",
            "my boss keeps my passport",
            "I'm in Houston",
            "can I talk to a real person",
            "thanks",
        ),
        channel="webchat",
    ),
    Script(
        "pt health",
        ("oi", "preciso de um médico estou doente", "estou em São Paulo", "obrigada"),
        channel="whatsapp",
        country_hint="BR",
    ),
    Script(
        "fr consulate",
        (
            "bonjour",
            "comment contacter mon consulat",
            "je suis au Pérou",
            "je suis haïtienne",
            "merci",
        ),
        channel="webchat",
    ),
    Script(
        "es danger",
        ("ayuda me esta golpeando ahora", "Guatemala", "gracias"),
        country_hint="GT",
    ),
    Script(
        "en danger",
        ("help he is hitting me right now", "Mexico", "ok thank you"),
        channel="whatsapp",
    ),
    Script(
        "es country questions",
        (
            "a que numero puedo llamar",
            "estoy en Tapachula",
            "y en Guatemala?",
            "quiero volver a mi pais",
            "soy de Honduras",
        ),
        country_hint="MX",
    ),
    Script(
        "es help menu",
        ("?", "1", "2", "Perú", "3", "gracias"),
        country_hint="PE",
    ),
    Script(
        "pt situation and what now",
        (
            "trabalho numa fazenda, o patrão ficou com meus documentos e diz que "
            "devo a passagem",
            "o que eu faço?",
            "estou no Brasil",
        ),
        channel="whatsapp",
        country_hint="BR",
    ),
)

# A long conversation: a person who keeps asking, country after country.
_LONG_CYCLE = (
    "hola",
    "necesito un lugar seguro para dormir",
    "estoy en México",
    "y un abogado gratis?",
    "cuales son mis derechos",
    "mi patron no me paga el sueldo",
    "estoy en Guatemala",
    "necesito un medico",
    "gracias",
    "a que numero puedo llamar",
    "1",
    "ok",
)
LONG = Script(
    "es long (60 turns)",
    tuple(_LONG_CYCLE[i % len(_LONG_CYCLE)] for i in range(LONG_TURNS)),
    country_hint="MX",
)
ALL_SCRIPTS = (*SCRIPTS, LONG)


# ---------------------------------------------------------------- the children


class StageClock:
    """Time spent in named stages, each exclusive of the stages it calls."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._open: list[list[float]] = []  # [start, time in nested stages]

    def reset(self) -> tuple[dict[str, float], dict[str, int]]:
        """The milliseconds and calls per stage since the last reset."""
        totals, self.totals = dict(self.totals), defaultdict(float)
        calls, self.calls = dict(self.calls), defaultdict(int)
        return totals, calls

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        frame = [time.perf_counter(), 0.0]
        self._open.append(frame)
        try:
            yield
        finally:
            self._open.pop()
            elapsed = time.perf_counter() - frame[0]
            self.totals[name] += (elapsed - frame[1]) * 1000
            self.calls[name] += 1
            if self._open:
                self._open[-1][1] += elapsed

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        if asyncio.iscoroutinefunction(function):

            @functools.wraps(function)
            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                with self.stage(name):
                    return await function(*args, **kwargs)

            return timed_async

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                return function(*args, **kwargs)

        return timed

    def patch(self, owner: Any, attribute: str, name: str) -> None:
        """Time ``owner.attribute`` (a class's own method, or an object's)."""
        setattr(owner, attribute, self.wrap(name, getattr(owner, attribute)))


def _instrument_rasa(clock: StageClock) -> None:
    """Wrap the methods a turn spends its time in (Rasa 3.6)."""
    from rasa.core.actions import action, loops
    from rasa.core.policies import memoization, rule_policy, ted_policy
    from rasa.core.processor import MessageProcessor

    clock.patch(MessageProcessor, "parse_message", "NLU parse")
    clock.patch(MessageProcessor, "_predict_next_with_tracker", "prediction graph")
    clock.patch(action.ActionExtractSlots, "run", "slot extraction (Rasa)")
    clock.patch(action.RemoteAction, "run", "action server round trip")
    clock.patch(
        action.RemoteAction, "_action_call_format", "tracker to action server JSON"
    )
    clock.patch(
        action.RemoteAction, "_validate_action_result", "action answer schema check"
    )
    clock.patch(loops.LoopAction, "run", "forms (Rasa)")
    policies = {
        "RulePolicy": rule_policy.RulePolicy,
        "MemoizationPolicy": memoization.MemoizationPolicy,
        "AugmentedMemoizationPolicy": memoization.AugmentedMemoizationPolicy,
        "TEDPolicy": ted_policy.TEDPolicy,
    }
    for policy_name, policy in policies.items():
        if "predict_action_probabilities" in vars(policy):
            clock.patch(policy, "predict_action_probabilities", f"policy {policy_name}")


async def _play_in_process(
    model: Path, endpoints: Path, rounds: int
) -> list[dict[str, Any]]:
    import logging

    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    # As `rasa run` does (INFO there; quieter here, the output is a report).
    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    # What the checkout's Rasa server changes in Rasa before it serves (a
    # checkout from before bot.rasa_server.prepare_rasa changes nothing).
    from bot import rasa_server

    getattr(rasa_server, "prepare_rasa", lambda: None)()
    clock = StageClock()
    _instrument_rasa(clock)
    agent = await load_agent(
        model_path=str(model), endpoints=AvailableEndpoints.read_endpoints(endpoints)
    )
    store = agent.tracker_store
    clock.patch(store, "retrieve", "tracker store load")
    clock.patch(store, "save", "tracker store save")
    clock.patch(agent.processor.nlg, "generate", "NLG")
    turns: list[dict[str, Any]] = []
    await _say(agent, "warm-up", "hola", {"channel": "sms"}, clock)
    clock.reset()
    for round_number in range(rounds):
        for script in ALL_SCRIPTS:
            sender = f"profile-{uuid.uuid4().hex}"
            for index, text in enumerate(script.turns):
                total = await _say(agent, sender, text, script.metadata(), clock)
                stages, calls = clock.reset()
                stages["other"] = max(total - sum(stages.values()), 0.0)
                turns.append(
                    {
                        "round": round_number,
                        "script": script.name,
                        "turn": index,
                        "total": total,
                        "stages": stages,
                        "calls": calls,
                    }
                )
    return turns


async def _say(
    agent: Any, sender: str, text: str, metadata: dict[str, str], clock: StageClock
) -> float:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    output = CollectingOutputChannel()
    started = time.perf_counter()
    await agent.handle_message(UserMessage(text, output, sender, metadata=metadata))
    total = (time.perf_counter() - started) * 1000
    if not output.messages:
        raise RuntimeError(f"Rasa answered nothing in process ({sender})")
    return total


def child_stages(args: argparse.Namespace) -> None:
    """In a checkout: play the conversations through an in-process agent."""
    os.environ["ACTION_SERVER_URL"] = args.actions_url
    os.environ["TRACKER_STORE_URL"] = args.tracker_store_url
    turns = asyncio.run(_play_in_process(args.model, args.endpoints, args.rounds))
    args.out.write_text(json.dumps(turns))


def child_serve(args: argparse.Namespace) -> None:
    """In a checkout: start its action server and Rasa on free ports, say
    where, and stop them when the parent closes our standard input."""
    from bot.stack import start_on_free_ports

    overrides = {"tracker_store_url": args.tracker_store_url}
    stack = start_on_free_ports(args.model, args.folder, **overrides)
    try:
        print(
            json.dumps(
                {"rasa": stack.config.rasa_url, "actions": stack.config.actions_url}
            ),
            flush=True,
        )
        sys.stdin.read()
    finally:
        stack.stop()


# ------------------------------------------------------------------ the parent


@dataclass
class Variant:
    """A checkout to measure: its code, its model, its servers."""

    label: str
    root: Path
    model: Path
    folder: Path
    server: subprocess.Popen[str] | None = None
    rasa_url: str = ""
    actions_url: str = ""
    latencies: list[dict[str, Any]] = field(default_factory=list)
    turns: list[dict[str, Any]] = field(default_factory=list)

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            PYTHONPATH=str(self.root),
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            ALIADA_BOT_BIN=str(BOT_PYTHON.parent),
        )
        return env

    def tracker_store_url(self, name: str, given: str | None) -> str:
        return given or f"sqlite:///{self.folder / name}"

    def start(self, tracker_store: str | None) -> None:
        command = [
            str(BOT_PYTHON),
            str(THIS_FILE),
            "--serve",
            "--model",
            str(self.model),
            "--folder",
            str(self.folder),
            "--tracker-store-url",
            self.tracker_store_url("trackers.db", tracker_store),
        ]
        self.server = subprocess.Popen(
            command,
            cwd=self.root,
            env=self.environment(),
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.server.stdout is not None
        line = self.server.stdout.readline()
        if not line:
            raise RuntimeError(
                f"{self.label}: the servers did not start "
                f"(see {self.folder / 'stack.log'})"
            )
        urls = json.loads(line)
        self.rasa_url, self.actions_url = urls["rasa"], urls["actions"]

    def stop(self) -> None:
        if self.server and self.server.poll() is None:
            assert self.server.stdin is not None
            self.server.stdin.close()
            self.server.wait(timeout=60)

    def profile_in_process(self, rounds: int, tracker_store: str | None) -> None:
        out = self.folder / "stages.json"
        command = [
            str(BOT_PYTHON),
            str(THIS_FILE),
            "--stages",
            "--model",
            str(self.model),
            "--endpoints",
            str(self.root / "bot" / "endpoints.yml"),
            "--actions-url",
            f"{self.actions_url}/webhook",
            "--tracker-store-url",
            self.tracker_store_url("stages.db", tracker_store),
            "--rounds",
            str(rounds),
            "--out",
            str(out),
        ]
        subprocess.run(command, cwd=self.root, env=self.environment(), check=True)
        self.turns = json.loads(out.read_text())


def say(rasa_url: str, sender: str, text: str, metadata: dict[str, str]) -> float:
    """One turn through the REST channel; milliseconds until the answer."""
    body = json.dumps({"sender": sender, "message": text, "metadata": metadata})
    request = urllib.request.Request(
        f"{rasa_url}/webhooks/rest/webhook",
        body.encode(),
        {"Content-Type": "application/json"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
        replies = json.loads(response.read())
    elapsed = (time.perf_counter() - started) * 1000
    if not replies:
        raise RuntimeError(f"Rasa answered nothing at {rasa_url}: a failure inside")
    return elapsed


def play_over_http(variants: Sequence[Variant], rounds: int) -> None:
    """Every conversation on every variant in turn, ``rounds`` times."""
    for variant in variants:  # one turn each first: loads what loads lazily
        say(variant.rasa_url, f"warm-{uuid.uuid4().hex}", "hola", {"channel": "sms"})
    for round_number in range(rounds):
        for script in ALL_SCRIPTS:
            for variant in variants:
                sender = f"profile-{uuid.uuid4().hex}"
                for index, text in enumerate(script.turns):
                    ms = say(variant.rasa_url, sender, text, script.metadata())
                    variant.latencies.append(
                        {
                            "round": round_number,
                            "script": script.name,
                            "turn": index,
                            "total": ms,
                        }
                    )


# ------------------------------------------------------------------- reporting


def latency_summary(turns: Sequence[dict[str, Any]]) -> dict[str, float]:
    totals = [t["total"] for t in turns]
    long_turns = [t for t in turns if t["script"] == LONG.name]
    early = [t["total"] for t in long_turns if t["turn"] in EARLY]
    late = [t["total"] for t in long_turns if t["turn"] in LATE]
    return {
        "turns": len(totals),
        "p50_ms": statistics.median(totals),
        "p95_ms": statistics.quantiles(totals, n=20, method="inclusive")[-1],
        "turns_per_second": 1000 * len(totals) / sum(totals),
        "long_turns_1_10_p50_ms": statistics.median(early),
        "long_turns_50_60_p50_ms": statistics.median(late),
        "late_over_early": statistics.median(late) / statistics.median(early),
    }


def stage_summary(turns: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Mean milliseconds per turn in each stage: over all turns, and over
    turns 1-10 and 50-60 of the long conversation (means add up to the
    turn's total)."""
    groups = {
        "all": list(turns),
        "long 1-10": [
            t for t in turns if t["script"] == LONG.name and t["turn"] in EARLY
        ],
        "long 50-60": [
            t for t in turns if t["script"] == LONG.name and t["turn"] in LATE
        ],
    }
    summary: dict[str, dict[str, float]] = {}
    for group, members in groups.items():
        sums: dict[str, float] = defaultdict(float)
        for turn in members:
            for stage, ms in turn["stages"].items():
                sums[stage] += ms
            sums["total"] += turn["total"]
        summary[group] = {stage: ms / len(members) for stage, ms in sums.items()}
    return summary


def print_report(variants: Sequence[Variant]) -> None:
    labels = [v.label for v in variants]
    print(
        "\nThrough the REST channel, one conversation after another "
        f"({len(variants[0].latencies)} turns each):"
    )
    rows = [latency_summary(v.latencies) for v in variants]
    names = {
        "p50_ms": "p50 ms",
        "p95_ms": "p95 ms",
        "turns_per_second": "turns/s, one after another",
        "long_turns_1_10_p50_ms": "long conversation, turns 1-10, p50 ms",
        "long_turns_50_60_p50_ms": "long conversation, turns 50-60, p50 ms",
        "late_over_early": "turns 50-60 / turns 1-10",
    }
    _table(
        ["", *labels],
        [[name, *(f"{r[key]:.2f}" for r in rows)] for key, name in names.items()],
    )
    print(
        "\nIn process, where a turn's time goes (mean ms per turn; each stage "
        "without the stages it calls):"
    )
    summaries = [stage_summary(v.turns) for v in variants]
    stages = sorted(
        {s for summary in summaries for s in summary["all"] if s != "total"},
        key=lambda s: -max(summary["all"].get(s, 0.0) for summary in summaries),
    )
    groups = ("all", "long 1-10", "long 50-60")
    header = [""] + [f"{label}: {group}" for label in labels for group in groups]
    body = [
        [
            stage,
            *(
                f"{summary[g].get(stage, 0.0):.1f}"
                for summary in summaries
                for g in groups
            ),
        ]
        for stage in [*stages, "total"]
    ]
    _table(header, body)


def _table(header: list[str], rows: list[list[str]]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "aliada.tar.gz")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout to measure side by side "
        "(its models/aliada.tar.gz unless --baseline-model)",
    )
    parser.add_argument("--baseline-model", type=Path)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="times every conversation is played (default 3)",
    )
    parser.add_argument(
        "--tracker-store-url",
        help="SQLAlchemy URL of the tracker store (default: a "
        "fresh SQLite file, as make run keeps)",
    )
    parser.add_argument("--json", type=Path, help="write every measurement here")
    # The children this script starts in each checkout.
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--stages", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--endpoints", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--actions-url", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return child_serve(args)
    if args.stages:
        return child_stages(args)

    work = Path(tempfile.mkdtemp(prefix="profile-turn-"))
    variants = []
    if args.baseline:
        baseline = args.baseline.resolve()
        model = args.baseline_model or baseline / "models" / "aliada.tar.gz"
        variants.append(
            Variant("baseline", baseline, model.resolve(), work / "baseline")
        )
    variants.append(Variant("this checkout", ROOT, args.model.resolve(), work / "this"))
    for variant in variants:
        variant.folder.mkdir(parents=True)
    try:
        for variant in variants:
            print(
                f"Starting {variant.label} ({variant.root}, {variant.model.name})",
                file=sys.stderr,
            )
            variant.start(args.tracker_store_url)
        play_over_http(variants, args.rounds)
        for variant in variants:
            print(f"Profiling {variant.label} in process", file=sys.stderr)
            variant.profile_in_process(args.rounds, args.tracker_store_url)
    finally:
        for variant in variants:
            variant.stop()
    print_report(variants)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    v.label: {
                        "root": str(v.root),
                        "model": str(v.model),
                        "rest": latency_summary(v.latencies),
                        "stages": stage_summary(v.turns),
                        "latencies": v.latencies,
                        "turns": v.turns,
                    }
                    for v in variants
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
