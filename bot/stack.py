"""Start and stop the bot's processes: the action server and the Rasa server.

Used by ``make run`` (``python -m bot.run_stack``) and by the integration tests,
so both start the line exactly the same way. Readiness is polled on each
server's own health route; nothing sleeps a fixed time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class StackConfig:
    model: Path = ROOT / "models" / "aliada.tar.gz"
    endpoints: Path = ROOT / "bot" / "endpoints.yml"
    host: str = "127.0.0.1"
    rasa_port: int = 5005
    actions_port: int = 5055
    tracker_store_url: str = f"sqlite:///{ROOT / '.rasa' / 'trackers.db'}"
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}"


class Stack:
    """The action server and Rasa, as child processes of this one."""

    def __init__(self, config: StackConfig, log: IO[bytes] | None = None) -> None:
        self.config = config
        self.log = log
        self.processes: list[subprocess.Popen[bytes]] = []

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            PYTHONPATH=str(ROOT),
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            ACTION_SERVER_URL=f"{self.config.actions_url}/webhook",
            TRACKER_STORE_URL=self.config.tracker_store_url,
        )
        env.update(self.config.extra_env)
        return env

    def _spawn(self, command: list[str]) -> None:
        self.processes.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.environment(),
                stdout=self.log,
                stderr=subprocess.STDOUT if self.log else None,
            )
        )

    def start(self) -> None:
        (ROOT / ".rasa").mkdir(exist_ok=True)
        rasa = str(BIN / "rasa")
        self._spawn(
            [rasa, "run", "actions", "--actions", "actions",
             "--port", str(self.config.actions_port)]
        )  # fmt: skip
        command = [
            rasa, "run", "--enable-api", "--model", str(self.config.model),
            "--endpoints", str(self.config.endpoints),
            "--credentials", str(ROOT / "bot" / "credentials.yml"),
            "--interface", self.config.host, "--port", str(self.config.rasa_port),
        ]  # fmt: skip
        if token := os.environ.get("RASA_TOKEN"):
            command += ["--auth-token", token]
        self._spawn(command)

    def wait_ready(self, timeout: float = 240.0) -> None:
        """Poll both health routes until they answer, or fail with a clear error."""
        deadline = time.monotonic() + timeout
        for url in (f"{self.config.actions_url}/health", f"{self.config.rasa_url}/"):
            while not _answers(url):
                if any(p.poll() is not None for p in self.processes):
                    raise RuntimeError(f"a server exited before {url} answered")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")
                time.sleep(0.5)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False
