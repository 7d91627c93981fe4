"""Several replicas of the line on this machine, as production runs them: one
action server, N Rasa replicas (trackers in PostgreSQL, conversation locks in
Redis: bot/endpoints.production.yml), M hotline instances (gunicorn, one
process each, sharing one PostgreSQL database and Redis for the limits), and
a real nginx in front of both, configured from deploy/nginx/aliada.conf.template.

For the multi-replica test (tests/hotline/test_replicas.py) and ``make
bench-scale``. Every server starts through ``bot.stack``, as ``make run``
starts it; readiness is each server's health route, polled. Each run gets its
own databases (dropped afterwards), its own Redis database and key prefix, and
loopback ports nothing else uses.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import psycopg
import redis

from bot.stack import HOTLINE_BIN, ROOT, Stack, StackConfig, answers, free_port
from tools.databases import admin_url, throwaway_database

NGINX = Path(os.environ.get("ALIADA_NGINX", "/usr/sbin/nginx"))
TEMPLATE = ROOT / "deploy" / "nginx" / "aliada.conf.template"
TEMPLATE_VARIABLES = (
    "HOTLINE_SERVERS",
    "RASA_SERVERS",
    "LISTEN_PORT",
    "RASA_LISTEN_PORT",
)
POSTGRES_URL = os.environ.get(
    "ALIADA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("ALIADA_TEST_REDIS_URL", "redis://127.0.0.1:6379")
# Redis databases a run may take for Rasa's locks (the limits' tests use 3).
LOCK_DATABASES = range(8, 16)
HOST = "127.0.0.1"
TWILIO_AUTH_TOKEN = "replicas-auth-token-0123456789abcdef"
CONVERSATION_KEY_SECRET = "replicas-conversation-secret-0123456789abcdef"
READY_SECONDS = 300.0


class ServiceMissing(RuntimeError):
    """PostgreSQL, Redis, nginx or the model is not there: nothing to run on."""


def render(template: str, variables: dict[str, str]) -> str:
    """``${VAR}`` replaced for each variable of the contract, as envsubst does
    in the nginx image (nginx's own ``$variables`` untouched); a variable the
    template uses and ``variables`` lacks is an error, not an empty string."""
    missing = set(TEMPLATE_VARIABLES) - set(variables)
    if missing:
        raise KeyError(f"no value for {sorted(missing)}")
    pattern = re.compile(r"\$\{(" + "|".join(TEMPLATE_VARIABLES) + r")\}")
    rendered = pattern.sub(lambda match: variables[match.group(1)], template)
    if leftover := re.findall(r"\$\{\w+\}", rendered):
        raise KeyError(f"the template uses variables outside the contract: {leftover}")
    return rendered


def server_lines(ports: list[int]) -> str:
    return "\n".join(f"    server {HOST}:{port};" for port in ports)


def nginx_main_config(prefix: Path, site: Path) -> str:
    """What the nginx image's own nginx.conf provides around the template,
    with every file nginx writes inside ``prefix``."""
    temp = prefix / "temp"
    return f"""worker_processes 1;
pid {prefix / "nginx.pid"};
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {temp / "body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    include {site};
}}
"""


@dataclass
class Services:
    """The shared services of one run: two fresh PostgreSQL databases, a Redis
    database for Rasa's locks and a key prefix for the limits."""

    trackers_url: str  # Rasa's driver (psycopg2)
    hotline_url: str  # the hotline's driver (psycopg 3)
    redis_db: int
    limits_prefix: str
    databases: ExitStack = field(default_factory=ExitStack)

    @classmethod
    def create(cls) -> Services:
        redis_db = _free_redis_database()  # first: nothing to drop if it fails
        databases = ExitStack()
        try:
            trackers = databases.enter_context(
                throwaway_database(admin_url(POSTGRES_URL), "aliada_replicas_trackers")
            )
            line = databases.enter_context(
                throwaway_database(POSTGRES_URL, "aliada_replicas_line")
            )
        except psycopg.OperationalError as error:
            databases.close()
            raise ServiceMissing(f"PostgreSQL is not reachable: {error}") from error
        return cls(
            trackers_url=trackers,
            hotline_url=line,
            redis_db=redis_db,
            limits_prefix=f"replicas{uuid.uuid4().hex[:10]}",
            databases=databases,
        )

    def drop(self) -> None:
        self.databases.close()
        limits = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        for key in limits.scan_iter(match=f"*{self.limits_prefix}*"):
            limits.delete(key)
        locks = redis.Redis.from_url(
            REDIS_URL, db=self.redis_db, socket_connect_timeout=2
        )
        for key in locks.scan_iter(match="aliada:lock:*"):
            locks.delete(key)


def _free_redis_database() -> int:
    """An empty Redis database for Rasa's locks (its endpoints name the
    prefix ``aliada``; the database keeps runs apart)."""
    try:
        empty = [
            number
            for number in LOCK_DATABASES
            if redis.Redis.from_url(
                REDIS_URL, db=number, socket_connect_timeout=2
            ).dbsize()
            == 0
        ]
    except redis.RedisError as error:
        raise ServiceMissing(f"Redis is not reachable: {error}") from error
    if not empty:
        raise ServiceMissing(f"no empty Redis database among {list(LOCK_DATABASES)}")
    return random.choice(empty)


@dataclass
class Ports:
    actions: int = field(default_factory=free_port)
    nginx_public: int = field(default_factory=free_port)
    nginx_rasa: int = field(default_factory=free_port)
    rasa: list[int] = field(default_factory=list)
    hotlines: list[int] = field(default_factory=list)


class Replicas:
    """The whole line with ``rasa_replicas`` Rasa processes and ``hotlines``
    gunicorn instances behind nginx, its logs in ``folder``. A context
    manager: everything stops and the databases go when the block ends."""

    def __init__(
        self,
        folder: Path,
        model: Path = ROOT / "models" / "aliada.tar.gz",
        rasa_replicas: int = 2,
        hotlines: int = 2,
        hotline_workers: int = 1,
        hotline_env: dict[str, str] | None = None,
    ) -> None:
        self.folder = folder
        self.model = model
        self.hotline_workers = hotline_workers
        self.hotline_env = hotline_env or {}
        self.ports = Ports(
            rasa=[free_port() for _ in range(rasa_replicas)],
            hotlines=[free_port() for _ in range(hotlines)],
        )
        self.services: Services | None = None
        self.actions: Stack | None = None
        self.rasa: list[Stack] = []
        self.hotlines: list[Stack] = []
        self.nginx: subprocess.Popen[bytes] | None = None
        self.rasa_started: dict[int, float] = {}

    # --- addresses ----------------------------------------------------------

    @property
    def url(self) -> str:
        """The public address: nginx in front of the hotline instances."""
        return f"http://{HOST}:{self.ports.nginx_public}"

    @property
    def rasa_url(self) -> str:
        """nginx in front of the Rasa replicas (the hotline's RASA_URL)."""
        return f"http://{HOST}:{self.ports.nginx_rasa}"

    def rasa_address(self, replica: int) -> str:
        return f"{HOST}:{self.ports.rasa[replica]}"

    def hotline_address(self, instance: int) -> str:
        return f"{HOST}:{self.ports.hotlines[instance]}"

    # --- starting -----------------------------------------------------------

    def __enter__(self) -> Replicas:
        self.bring_up()
        return self

    def bring_up(self) -> None:
        """Start everything and return once every server answers; stopped
        again (databases dropped) if anything fails."""
        try:
            self.start()
            self.wait_ready()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self) -> None:
        """Every server spawned at once (Rasa replicas load their model in
        parallel); ``wait_ready`` then polls them."""
        if not NGINX.exists():
            raise ServiceMissing(f"nginx is not installed at {NGINX}")
        if not self.model.exists():
            raise ServiceMissing(f"no trained model at {self.model}: run `make model`")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.services = Services.create()
        self.actions = Stack(self._bot_config(), log=self._log("actions"))
        self.actions.start_actions()
        self.rasa = [
            Stack(self._bot_config(port), log=self._log(f"rasa-{replica}"))
            for replica, port in enumerate(self.ports.rasa)
        ]
        for replica in range(len(self.rasa)):
            self.start_rasa(replica)
        self.hotlines = [
            Stack(self._hotline_config(port), log=self._log(f"hotline-{instance}"))
            for instance, port in enumerate(self.ports.hotlines)
        ]
        self.hotlines[0].migrate_hotline(HOTLINE_BIN)
        for hotline in self.hotlines:
            hotline.serve_hotline(HOTLINE_BIN)
        self.start_nginx()

    def _log(self, name: str) -> BinaryIO:
        return (self.folder / f"{name}.log").open("ab")

    def _bot_config(self, rasa_port: int = 0) -> StackConfig:
        assert self.services is not None
        return StackConfig(
            model=self.model,
            endpoints=ROOT / "bot" / "endpoints.production.yml",
            host=HOST,
            rasa_port=rasa_port,
            actions_port=self.ports.actions,
            tracker_store_url=self.services.trackers_url,
            extra_env={
                "REDIS_HOST": urlsplit(REDIS_URL).hostname or HOST,
                "REDIS_PORT": str(urlsplit(REDIS_URL).port or 6379),
                "REDIS_DB": str(self.services.redis_db),
            },
        )

    def _hotline_config(self, port: int) -> StackConfig:
        """A hotline instance whose RASA_URL is nginx's Rasa listener."""
        assert self.services is not None
        return StackConfig(
            host=HOST,
            rasa_port=self.ports.nginx_rasa,
            actions_port=self.ports.actions,
            tracker_store_url=self.services.trackers_url,
            hotline_bin=HOTLINE_BIN,
            hotline_port=port,
            hotline_workers=self.hotline_workers,
            extra_env={
                "DATABASE_URL": self.services.hotline_url,
                "REDIS_URL": f"{REDIS_URL}/0",
                "RATE_LIMIT_KEY_PREFIX": self.services.limits_prefix,
                # nginx is the one proxy whose X-Forwarded-* are trusted.
                "PROXY_COUNT": "1",
                "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
                "CONVERSATION_KEY_SECRET": CONVERSATION_KEY_SECRET,
                "AUDIO_DIR": str(self.folder / "audio"),
                **self.hotline_env,
            },
        )

    def start_rasa(self, replica: int) -> None:
        self.rasa_started[replica] = time.monotonic()
        self.rasa[replica].start_rasa()

    @property
    def nginx_prefix(self) -> Path:
        return self.folder / "nginx"

    def write_nginx_site(self, replicas: list[int]) -> Path:
        """The template rendered with these Rasa replicas behind nginx."""
        site = self.nginx_prefix / "aliada.conf"
        site.write_text(
            render(
                TEMPLATE.read_text(),
                {
                    "HOTLINE_SERVERS": server_lines(self.ports.hotlines),
                    "RASA_SERVERS": server_lines(
                        [self.ports.rasa[r] for r in replicas]
                    ),
                    "LISTEN_PORT": f"{HOST}:{self.ports.nginx_public}",
                    "RASA_LISTEN_PORT": f"{HOST}:{self.ports.nginx_rasa}",
                },
            )
        )
        return site

    def start_nginx(self) -> None:
        (self.nginx_prefix / "temp").mkdir(parents=True, exist_ok=True)
        site = self.write_nginx_site(list(range(len(self.ports.rasa))))
        main = self.nginx_prefix / "nginx.conf"
        main.write_text(nginx_main_config(self.nginx_prefix, site))
        self.nginx = subprocess.Popen(
            [str(NGINX), "-p", str(self.nginx_prefix), "-c", str(main),
             "-e", "stderr", "-g", "daemon off;"],
            stdout=self.access_log.open("ab"),
            stderr=self._log("nginx-errors"),
        )  # fmt: skip

    def route_rasa_to(self, replicas: list[int], timeout: float = 30.0) -> None:
        """Send Rasa's traffic to these replicas only (the others keep running,
        idle): nginx reloads its configuration and returns once its old
        worker, with the old list, is gone."""
        assert self.nginx is not None
        old_workers = set(_children(self.nginx.pid))
        self.write_nginx_site(replicas)
        self.nginx.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + timeout
        while old_workers & set(_children(self.nginx.pid)) or not _children(
            self.nginx.pid
        ):
            if time.monotonic() > deadline:
                raise TimeoutError("nginx kept its old workers")
            time.sleep(0.05)

    @property
    def access_log(self) -> Path:
        """nginx's access log (its stdout), one line per request."""
        return self.folder / "nginx-access.log"

    def wait_ready(self, timeout: float = READY_SECONDS) -> None:
        """Each server's health route, then the hotline's /readyz through
        nginx (which reaches Rasa through nginx too)."""
        for stack in [self.actions, *self.rasa, *self.hotlines]:
            assert stack is not None
            stack.wait_ready(timeout)
        self._wait_for(f"{self.rasa_url}/", timeout)
        self._wait_for(f"{self.url}/readyz", timeout)

    def _wait_for(self, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not answers(url):
            if self.nginx is not None and self.nginx.poll() is not None:
                raise RuntimeError(f"nginx exited; see {self.folder}/nginx-errors.log")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")
            time.sleep(0.2)

    # --- during a run -------------------------------------------------------

    def kill_rasa(self, replica: int) -> None:
        """SIGKILL: the replica dies as in a crash or an OOM kill, with
        whatever it was answering."""
        process = self.rasa[replica].named.pop("rasa")
        process.send_signal(signal.SIGKILL)
        process.wait()

    def restart_rasa(self, replica: int) -> float:
        """Start a replica again and wait until it answers; its cold start in
        seconds (spawn to ready)."""
        self.start_rasa(replica)
        self.rasa[replica].wait_ready()
        return time.monotonic() - self.rasa_started[replica]

    def rasa_pids(self) -> list[int]:
        return [stack.named["rasa"].pid for stack in self.rasa if "rasa" in stack.named]

    def hotline_worker_pids(self) -> list[int]:
        """gunicorn's workers (the children of each instance's master)."""
        return [
            child
            for stack in self.hotlines
            for child in _children(stack.named["hotline"].pid)
        ]

    def passed(self) -> list[Passed]:
        """Every request nginx has logged so far."""
        return [
            passed
            for line in self.access_log.read_text().splitlines()
            if (passed := Passed.parse(line)) is not None
        ]

    def upstream_counts(
        self, listener: int, path: str, answered: bool = False
    ) -> Counter[str]:
        """Requests for ``path`` that nginx passed to each upstream address on
        one listener's port (a retried request counts for each it tried);
        ``answered``: only those each upstream answered with a 200."""
        counts: Counter[str] = Counter()
        for passed in self.passed():
            if passed.port == listener and passed.path == path:
                for address, status in zip(
                    passed.upstreams, passed.statuses, strict=False
                ):
                    if not answered or status == "200":
                        counts[address] += 1
        return counts

    def retried_requests(self) -> int:
        """Messages nginx sent to a second Rasa replica."""
        return sum(
            1
            for passed in self.passed()
            if passed.port == self.ports.nginx_rasa and len(passed.upstreams) > 1
        )

    # --- stopping -----------------------------------------------------------

    def stop(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.terminate()
            self.nginx.wait(timeout=20)
        for stack in [*self.hotlines, *self.rasa, self.actions]:
            if stack is not None:
                stack.stop()
        if self.services is not None:
            self.services.drop()
            self.services = None


@dataclass(frozen=True)
class Passed:
    """One line of nginx's access log (format ``aliada_upstreams``)."""

    port: int
    path: str
    upstreams: list[str]
    statuses: list[str]

    @classmethod
    def parse(cls, line: str) -> Passed | None:
        found = re.match(
            r"\S+ (\d+) \S+ (\S+) .*upstream=(.*) status=(.*) seconds=", line
        )
        if found is None:
            return None
        port, path, upstreams, statuses = found.groups()
        return cls(int(port), path, upstreams.split(", "), statuses.split(", "))


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time these processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        # After the command's closing parenthesis: fields 14 and 15 of stat.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def rss_megabytes(pid: int) -> float:
    """Resident memory of one process (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
