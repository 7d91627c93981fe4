"""Start and stop the line's processes: the action server, Rasa, the hotline
and its daily retention purge.

Used by ``make run`` (``python -m bot.run_stack``) and by the integration tests of
both environments, so all start the line exactly the same way; it needs only the
standard library. Readiness is polled on each server's own health route; nothing
sleeps a fixed time.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from bot.dev_secrets import configured_or_development

ROOT = Path(__file__).resolve().parent.parent
BOT_BIN = Path(os.environ.get("ALIADA_BOT_BIN", ROOT / ".venv" / "bot" / "bin"))
HOTLINE_BIN = ROOT / ".venv" / "hotline" / "bin"
# gunicorn restarts a worker silent for this long. See ``hotline_command``.
HOTLINE_WORKER_TIMEOUT_SECONDS = 30


@dataclass
class StackConfig:
    model: Path = ROOT / "models" / "aliada.tar.gz"
    bot_bin: Path = BOT_BIN
    endpoints: Path = ROOT / "bot" / "endpoints.yml"
    host: str = "127.0.0.1"
    rasa_port: int = 5005
    actions_port: int = 5055
    tracker_store_url: str = f"sqlite:///{ROOT / '.rasa' / 'trackers.db'}"
    # Locks Rasa's HTTP API (bot.rasa_server); the hotline signs its calls with it.
    rasa_jwt_secret: str = field(
        default_factory=lambda: configured_or_development("RASA_JWT_SECRET")[0]
    )
    extra_env: dict[str, str] = field(default_factory=dict)
    # The hotline (gunicorn in the hotline environment); None runs the bot only.
    hotline_bin: Path | None = None
    hotline_port: int = 8000
    hotline_workers: int = 2

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}"

    @property
    def hotline_url(self) -> str:
        return f"http://{self.host}:{self.hotline_port}"


class Stack:
    """The action server, Rasa and the hotline, as child processes of this one."""

    def __init__(self, config: StackConfig, log: IO[bytes] | None = None) -> None:
        self.config = config
        self.log = log
        self.named: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def processes(self) -> list[subprocess.Popen[bytes]]:
        return list(self.named.values())

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        # The stack is how a laptop runs the line; production starts gunicorn
        # itself, with ALIADA_ENV unset (production) and real numbers.
        env.setdefault("ALIADA_ENV", "development")
        env.update(
            PYTHONPATH=str(ROOT),
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            ACTION_SERVER_URL=f"{self.config.actions_url}/webhook",
            TRACKER_STORE_URL=self.config.tracker_store_url,
            RASA_URL=self.config.rasa_url,
            RASA_JWT_SECRET=self.config.rasa_jwt_secret,
            # The action server's interface (rasa_sdk has no option for it and
            # listens on every interface unless told).
            SANIC_HOST=self.config.host,
        )
        env.update(self.config.extra_env)
        return env

    def _spawn(self, name: str, command: list[str]) -> None:
        self.named[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.environment(),
            stdout=self.log,
            stderr=subprocess.STDOUT if self.log else None,
        )

    def start(self) -> None:
        (ROOT / ".rasa").mkdir(exist_ok=True)
        self.start_actions()
        self.start_rasa()
        if self.config.hotline_bin:
            self.start_hotline(self.config.hotline_bin)

    def start_actions(self) -> None:
        rasa = str(self.config.bot_bin / "rasa")
        self._spawn(
            "actions",
            [rasa, "run", "actions", "--actions", "actions",
             "--port", str(self.config.actions_port)],
        )  # fmt: skip

    def start_rasa(self) -> None:
        """Rasa with its HTTP API locked by the JWT secret (bot.rasa_server)."""
        python = str(self.config.bot_bin / "python")
        command = [
            python, "-m", "bot.rasa_server", "--model", str(self.config.model),
            "--endpoints", str(self.config.endpoints),
            "--credentials", str(ROOT / "bot" / "credentials.yml"),
            "--interface", self.config.host, "--port", str(self.config.rasa_port),
        ]  # fmt: skip
        self._spawn("rasa", command)

    def start_hotline(self, hotline_bin: Path) -> None:
        """Migrate the hotline's database, then serve it with gunicorn, and
        run the retention purge daily."""
        self.migrate_hotline(hotline_bin)
        self.serve_hotline(hotline_bin)
        self.start_purge_schedule(hotline_bin)

    def migrate_hotline(self, hotline_bin: Path) -> None:
        """The hotline's database up to date, before any instance serves it
        (instances sharing one database migrate it once)."""
        subprocess.run(
            [str(hotline_bin / "flask"), "--app", "hotline", "upgrade-db"],
            cwd=ROOT, env=self.environment(), check=True,
            stdout=self.log, stderr=subprocess.STDOUT if self.log else None,
        )  # fmt: skip

    def serve_hotline(self, hotline_bin: Path) -> None:
        self._spawn("hotline", self.hotline_command(hotline_bin))

    def start_purge_schedule(self, hotline_bin: Path) -> None:
        """The retention purge at once and then daily, in a process of its own
        beside gunicorn (``hotline.purge_schedule``): one loop, whatever the
        number of workers."""
        self._spawn(
            "purge", [str(hotline_bin / "python"), "-m", "hotline.purge_schedule"]
        )

    def hotline_command(self, hotline_bin: Path) -> list[str]:
        """gunicorn, as production runs it: threads, and a worker timeout
        above the longest wait any request may have.

        How long a request may wait is bounded where it waits, not by
        gunicorn (with threads, its ``--timeout`` only restarts a worker whose
        main loop stopped answering; it never cuts a slow request):
        the bot, ``BOT_TIMEOUT_SECONDS`` (8) plus at most 2 s to connect; a
        retried web message waiting for its first delivery's answer, that
        long again after it was stored; a database lock, 5 s
        (``hotline.config.DATABASE_LOCK_TIMEOUT_SECONDS``); the rate-limit
        store, 0.5 s before it counts in memory; Twilio's REST API,
        ``TWILIO_API_TIMEOUT_SECONDS`` (10) a message. Twilio itself gives up
        on a webhook after 15 s and calls the fallback URL, which answers
        without the bot. 30 s is above all of these, so a worker is only
        restarted when it is truly stuck."""
        bind = f"{self.config.host}:{self.config.hotline_port}"
        return [
            str(hotline_bin / "gunicorn"), "--bind", bind,
            "--workers", str(self.config.hotline_workers), "--threads", "8",
            "--timeout", str(HOTLINE_WORKER_TIMEOUT_SECONDS),
            "--graceful-timeout", "5", "hotline.wsgi:app",
        ]  # fmt: skip

    def health_urls(self) -> list[str]:
        """The health route of each server this stack started (it may start
        some only: several Rasa replicas share one action server)."""
        routes = {
            "actions": f"{self.config.actions_url}/health",
            "rasa": f"{self.config.rasa_url}/",
            "hotline": f"{self.config.hotline_url}/readyz",
        }
        return [url for name, url in routes.items() if name in self.named]

    def wait_ready(self, timeout: float = 240.0) -> None:
        """Poll every health route until it answers, or fail with a clear error."""
        deadline = time.monotonic() + timeout
        for url in self.health_urls():
            while not answers(url):
                if any(p.poll() is not None for p in self.processes):
                    raise RuntimeError(f"a server exited before {url} answered")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")
                time.sleep(0.5)

    def stop_one(self, name: str) -> None:
        """Stop one server (tests stop Rasa to prove nothing is lost)."""
        process = self.named.pop(name, None)
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop(self) -> None:
        for name in reversed(list(self.named)):
            self.stop_one(name)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def free_port() -> int:
    """A port nothing listens on now (for tests and measurements)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_on_free_ports(model: Path, folder: Path, **overrides: Any) -> Stack:
    """The action server and Rasa with ``model`` on free ports, trackers (unless
    ``overrides`` name another store) and log in ``folder``; returns once both
    answer (stopped again if they fail)."""
    settings: dict[str, Any] = {
        "tracker_store_url": f"sqlite:///{folder / 'trackers.db'}",
        **overrides,
    }
    config = StackConfig(
        model=model, rasa_port=free_port(), actions_port=free_port(), **settings
    )
    stack = Stack(config, log=(folder / "stack.log").open("wb"))
    stack.start()
    try:
        stack.wait_ready()
    except Exception:
        stack.stop()
        raise
    return stack
