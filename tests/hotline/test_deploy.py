"""``deploy/`` is what an operations team runs without reading the code: these
checks keep it true to the code, offline. No container engine or cluster is
needed, so nothing here builds an image, starts Compose or installs a chart
(README, "Deploying", says what was and was not run)."""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import os
import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
import yaml
from flask import Flask

from bot.stack import ROOT, Stack, StackConfig
from hotline import config, limits

DEPLOY = ROOT / "deploy"
HELM = DEPLOY / "helm"
CHART = HELM / "hotline"
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
NGINX_TEMPLATE = DEPLOY / "nginx" / "aliada.conf.template"
DOCKERFILES = {
    name: DEPLOY / f"{name}.Dockerfile" for name in ("bot", "actions", "hotline")
}
# Each image's health route, as its HEALTHCHECK must call it.
HEALTH_CHECKS = {
    "bot": "deploy/rasa_ready.py",
    "actions": "127.0.0.1:5055/health",
    "hotline": "127.0.0.1:8000/healthz",
}
PURGE = ["flask", "--app", "hotline", "purge"]
MIGRATE = ["flask", "--app", "hotline", "upgrade-db"]
ENV_NAME = re.compile(r"\b[A-Z][A-Z0-9_]{3,}\b")
INTERPOLATED = re.compile(r"\$\{([A-Z][A-Z0-9_]*)")
# Not settings: every process has them.
STANDARD = {"PATH", "HOME"}


def yaml_files() -> list[Path]:
    """Every YAML file of deploy/ but the chart's templates (Go templates,
    which only Helm can read)."""
    return sorted(
        path
        for path in DEPLOY.rglob("*")
        if path.suffix in {".yaml", ".yml"} and "templates" not in path.parts
    )


@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_of_deploy_parses(path: Path) -> None:
    assert list(yaml.safe_load_all(path.read_text())) != []


# --- Compose ------------------------------------------------------------------


def test_compose_builds_only_our_dockerfiles_and_pins_every_other_image() -> None:
    for name, service in SERVICES.items():
        if "build" in service:
            dockerfile = (
                DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]
            )
            assert dockerfile.resolve() in {p.resolve() for p in DOCKERFILES.values()}
            assert service["image"].startswith("aliada/"), name
        else:
            assert re.fullmatch(r"[a-z0-9/]+:\d+\.\d+(\.\d+)?-[a-z]+", service["image"])


def test_only_nginx_publishes_a_port_and_it_is_the_hotlines() -> None:
    publishing = [name for name, service in SERVICES.items() if "ports" in service]
    assert publishing == ["nginx"]
    plain, tls = SERVICES["nginx"]["ports"]
    assert plain.endswith(":${LISTEN_PORT:-8080}")
    assert tls.endswith(":443")


def test_rasa_the_actions_and_the_databases_have_no_way_out() -> None:
    assert COMPOSE["networks"]["backend"]["internal"] is True
    for name in ("rasa-1", "rasa-2", "actions", "postgres", "redis"):
        assert SERVICES[name]["networks"] == ["backend"], name


def test_rasa_gets_only_the_settings_it_reads() -> None:
    """Not the hotline's env file: Rasa's environment holds old packages and
    needs none of the hotline's secrets."""
    endpoints = (ROOT / "bot" / "endpoints.production.yml").read_text()
    for name in ("rasa-1", "rasa-2"):
        rasa = SERVICES[name]
        assert "env_file" not in rasa
        assert set(rasa["environment"]) == set(INTERPOLATED.findall(endpoints)) | {
            "RASA_JWT_SECRET"
        }


def test_the_hotline_migrates_once_before_it_serves_and_one_process_purges() -> None:
    assert SERVICES["migrate"]["command"] == MIGRATE
    assert SERVICES["migrate"]["restart"] == "no"
    for name in ("hotline", "purge"):
        waits_for = SERVICES[name]["depends_on"]["migrate"]
        assert waits_for == {"condition": "service_completed_successfully"}
    assert SERVICES["purge"]["command"] == ["python", "-m", "hotline.purge_schedule"]
    purging = [n for n, s in SERVICES.items() if "purge" in str(s.get("command"))]
    assert purging == ["purge"]


def test_the_hotline_reaches_rasa_through_nginx_and_trusts_it_alone() -> None:
    hotline = SERVICES["hotline"]["environment"]
    nginx = SERVICES["nginx"]["environment"]
    assert hotline["RASA_URL"] == f"http://nginx:{nginx['RASA_LISTEN_PORT']}"
    assert hotline["PROXY_COUNT"] == "1"
    assert "rasa-1:5005" in nginx["RASA_SERVERS"]
    assert "rasa-2:5005" in nginx["RASA_SERVERS"]
    assert nginx["HOTLINE_SERVERS"] == "server hotline:8000;"


def test_compose_will_not_start_without_the_secrets_it_interpolates() -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    required = set(re.findall(r"\$\{([A-Z_]+):\?", text))
    passwords = {"POSTGRES_PASSWORD", "HOTLINE_DB_PASSWORD", "RASA_DB_PASSWORD"}
    assert required == {"RASA_JWT_SECRET", *passwords}
    # The rest the hotline refuses to start without (hotline.config.check).
    assigned = env_example_assignments()
    for name in [*config.REQUIRED_SECRETS, "HOTLINE_NUMBER", *required]:
        assert assigned[name] == "", f"{name} must be left for the operator to fill"


@pytest.mark.skipif(
    not NGINX_TEMPLATE.exists(), reason="no nginx template in this checkout"
)
def test_nginx_is_given_every_variable_its_template_reads() -> None:
    template = set(INTERPOLATED.findall(NGINX_TEMPLATE.read_text()))
    assert template == set(SERVICES["nginx"]["environment"])


# --- Dockerfiles -------------------------------------------------------------


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Dockerfile:
    arguments: dict[str, str]
    stages: list[Stage]

    @property
    def runtime(self) -> Stage:
        return self.stages[-1]

    def all(self, keyword: str) -> Iterator[str]:
        for stage in self.stages:
            yield from (rest for kw, rest in stage.instructions if kw == keyword)


def parse_dockerfile(path: Path) -> Dockerfile:
    """Instructions with their continuation lines joined, by stage."""
    text = re.sub(r"\\\n(\s*#.*\n)*", " ", path.read_text())
    arguments: dict[str, str] = {}
    stages: list[Stage] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        keyword, _, rest = line.strip().partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            base, *alias = rest.split()
            stages.append(Stage(base, alias[-1] if alias else None))
        elif keyword == "ARG" and not stages:
            name, _, default = rest.partition("=")
            arguments[name] = default
        else:
            stages[-1].instructions.append((keyword, rest.strip()))
    return Dockerfile(arguments, stages)


def makefile_targets() -> set[str]:
    """The Makefile's explicit targets, its variables expanded."""
    text = (ROOT / "Makefile").read_text()
    variables = dict(re.findall(r"^([A-Z0-9_]+) :?= (.*)$", text, re.M))

    def expand(value: str) -> str:
        return re.sub(r"\$\(([A-Z0-9_]+)\)", lambda m: expand(variables[m[1]]), value)

    targets: set[str] = set()
    for line in text.splitlines():
        if match := re.match(r"^([^\t#\s][^:=]*):(?!=)", line):
            targets.update(expand(match[1]).split())
    return targets


DOCKER = {name: parse_dockerfile(path) for name, path in DOCKERFILES.items()}


@pytest.mark.parametrize("image", DOCKERFILES)
def test_each_build_step_is_a_makefile_target_that_exists(image: str) -> None:
    """The images install and build exactly as CI does: through make, never a
    pip command of their own."""
    targets = makefile_targets()
    made = []
    for command in DOCKER[image].all("RUN"):
        assert "pip " not in command
        for step in command.split("&&"):
            words = shlex.split(step)
            if words and words[0] == "make":
                asked = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
                assert asked and set(asked) <= targets, step
                made += asked
    assert made


@pytest.mark.parametrize("image", DOCKERFILES)
def test_no_image_takes_tools_or_tests(image: str) -> None:
    for source in DOCKER[image].all("COPY"):
        if source.startswith("--from="):
            continue
        *paths, _destination = source.split()
        for path in paths:
            assert not path.startswith("tests"), path
            assert not path.startswith("tools") or path == "tools/pip.lock", path


def test_the_build_context_lets_in_only_what_the_images_need() -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert patterns[0] == "*"
    assert [p for p in patterns if "tools" in p] == ["!tools/pip.lock"]
    assert not any(p.startswith("!tests") for p in patterns)
    for excluded in ("tests", "models", ".venv", "**/.env", "**/*.mo"):
        assert excluded in patterns


@pytest.mark.parametrize("image", DOCKERFILES)
def test_each_image_is_pinned_runs_as_a_user_and_checks_its_health(
    image: str, app: Flask
) -> None:
    dockerfile = DOCKER[image]
    for name, default in dockerfile.arguments.items():
        assert re.fullmatch(r"python:3\.\d+\.\d+-slim-[a-z]+", default), name
    assert dockerfile.arguments["PYTHON310_IMAGE"].startswith("python:3.10.")
    if "PYTHON3_IMAGE" in dockerfile.arguments:
        minor = int(dockerfile.arguments["PYTHON3_IMAGE"].split(".")[1])
        assert minor >= 11
    stage_names = {stage.name for stage in dockerfile.stages}
    for stage in dockerfile.stages:
        assert stage.base in stage_names or stage.base.startswith("${PYTHON")
    runtime = dict(dockerfile.runtime.instructions)
    assert runtime["USER"].split(":")[0] not in {"root", "0"}
    assert HEALTH_CHECKS[image] in runtime["HEALTHCHECK"]
    assert {"/healthz", "/readyz"} <= {rule.rule for rule in app.url_map.iter_rules()}


def cmd(image: str) -> list[str]:
    return json.loads(dict(DOCKER[image].runtime.instructions)["CMD"])


def spawned(stack: Stack) -> dict[str, list[str]]:
    """The commands ``stack.start()`` would run, by server, none started."""
    commands: dict[str, list[str]] = {}
    stack._spawn = lambda name, command: commands.__setitem__(name, command)  # type: ignore[method-assign]
    stack.start()
    return commands


def options(command: list[str]) -> set[str]:
    return {word for word in command if word.startswith("--")}


def test_the_images_start_the_servers_as_make_run_does() -> None:
    stack = Stack(StackConfig(rasa_jwt_secret="x" * 32))
    started = spawned(stack)
    assert cmd("bot")[:3] == ["python", "-m", "bot.rasa_server"]
    assert options(cmd("bot")) == options(started["rasa"])
    assert "bot/endpoints.production.yml" in cmd("bot")
    assert cmd("actions")[:3] == ["rasa", "run", "actions"]
    assert options(cmd("actions")) == options(started["actions"])

    gunicorn = stack.hotline_command(Path("bin"))
    served = shlex.split(cmd("hotline")[-1].split("exec ", 1)[1])
    # The image's workers come from WEB_CONCURRENCY, its address from the
    # container; it opens no control socket (its root is read-only in Helm's).
    assert options(served) - {"--no-control-socket"} == options(gunicorn) - {
        "--workers"
    }
    for flag in ("--threads", "--timeout", "--graceful-timeout"):
        assert served[served.index(flag) + 1] == gunicorn[gunicorn.index(flag) + 1]
    assert served[-1] == gunicorn[-1] == "hotline.wsgi:app"


# --- Configuration: every variable documented, none documented in vain --------------


def readme_table_names() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split(" | ")[0]))
    return names


def env_example_assignments() -> dict[str, str]:
    lines = (DEPLOY / ".env.example").read_text().splitlines()
    return dict(
        line.split("=", 1) for line in lines if re.match(r"^[A-Z][A-Z0-9_]*=", line)
    )


class Recording(Mapping[str, str]):
    """os.environ that remembers every name asked for."""

    def __init__(self, real: Mapping[str, str]) -> None:
        self.real = real
        self.asked: set[str] = set()

    def __getitem__(self, name: str) -> str:
        self.asked.add(name)
        return self.real[name]

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        self.asked.add(name)
        return self.real.get(name, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self.real)

    def __len__(self) -> int:
        return len(self.real)


def hotline_settings(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Every variable the hotline's settings read (hotline.config and the
    limits it gathers), asked of the code itself."""
    recording = Recording(dict(os.environ))
    for module in (config, limits):
        monkeypatch.setattr(module, "os", SimpleNamespace(environ=recording))
    config.from_environment()
    return recording.asked


def read_in_code() -> set[str]:
    """Variables the deployed packages read by name, and the ones the stack
    sets for the servers it starts (``env.update(NAME=...)``)."""
    names: set[str] = set()
    for package in ("bot", "actions", "hotline"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                called = ast.unparse(node.func)
                if called in {
                    "os.environ.get",
                    "os.environ.setdefault",
                    "os.getenv",
                    "environ.get",
                    "env.setdefault",
                } and isinstance(first := node.args[0], ast.Constant):
                    names.add(first.value)
                elif called == "env.update":
                    names.update(k.arg for k in node.keywords if k.arg)
            names.update(
                re.findall(r"os\.environ\[\"([A-Z][A-Z0-9_]+)\"\]", path.read_text())
            )
    return names


def read_by_make() -> set[str]:
    """The Makefile's exported and overridable variables, and what `make run`
    gives the stack."""
    text = (ROOT / "Makefile").read_text()
    names = set(re.findall(r"^export ([A-Z][A-Z0-9_]+)", text, re.M))
    names |= set(re.findall(r"^([A-Z][A-Z0-9_]+) \?=", text, re.M))
    run = text.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    return names | set(re.findall(r"\b([A-Z][A-Z0-9_]+)=", run))


def set_in_deploy() -> set[str]:
    """Variables deploy/ gives the servers: compose's, the images' ENV, the
    charts' values, nginx's template and Rasa's endpoints."""
    names: set[str] = set()
    for service in SERVICES.values():
        names |= set(service.get("environment", {}))
    names |= set(INTERPOLATED.findall((DEPLOY / "compose.yaml").read_text()))
    for dockerfile in DOCKER.values():
        for keyword, rest in dockerfile.runtime.instructions:
            if keyword == "ENV":
                names |= {declared.split("=")[0] for declared in rest.split()}
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    names |= set(values["env"]) | {"WEB_CONCURRENCY"}
    rasa = yaml.safe_load((HELM / "rasa-values.yaml").read_text())
    names |= {variable["name"] for variable in rasa["extraEnv"]}
    if NGINX_TEMPLATE.exists():
        names |= set(INTERPOLATED.findall(NGINX_TEMPLATE.read_text()))
    for endpoints in (ROOT / "bot").glob("endpoints*.yml"):
        names |= set(INTERPOLATED.findall(endpoints.read_text()))
    return names - STANDARD


def test_every_variable_read_or_set_is_in_the_readme_table_and_env_example(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    used = (
        hotline_settings(monkeypatch)
        | read_in_code()
        | read_by_make()
        | set_in_deploy()
    )
    assert "WEBCHAT_POLLS_PER_CLIENT" in used  # a limit, read through its rule
    assert "PYTHONPATH" in used and "PUBLIC_URL" in used
    assert sorted(used - readme_table_names()) == []
    mentioned = set(ENV_NAME.findall((DEPLOY / ".env.example").read_text()))
    assert sorted(used - mentioned) == []


def test_the_readme_table_names_no_variable_nothing_reads() -> None:
    places = [ROOT / "Makefile"] + [
        path
        for folder in ("bot", "actions", "hotline", "deploy", "tests", "tools", ".ci")
        for path in (ROOT / folder).rglob("*")
        if path.is_file()
        and path.suffix not in {".mo", ".pyc", ".wav", ".gz"}
        and path.name != ".env.example"
        and path != Path(__file__)
    ]
    text = "\n".join(path.read_text(errors="ignore") for path in places)
    unused = {
        name for name in readme_table_names() if not re.search(rf"\b{name}\b", text)
    }
    assert sorted(unused) == []


# --- Helm ---------------------------------------------------------------------


# Keys whose value the charts pass to Kubernetes whole (toYaml): any of
# Kubernetes' own keys may go under them.
PASSED_WHOLE = {
    "readinessProbe",
    "livenessProbe",
    "podSecurityContext",
    "securityContext",
    "resources",
    "extraEnv",
    "args",
    "command",
}


def unknown_keys(ours: Any, theirs: Any, path: str = "") -> list[str]:
    """Paths of ``ours`` the chart's defaults ``theirs`` do not have, down to
    where the chart takes any value (an empty map, a list, a whole probe)."""
    if not isinstance(ours, dict) or not isinstance(theirs, dict) or not theirs:
        return []
    unknown = []
    for key, value in ours.items():
        where = f"{path}.{key}".lstrip(".")
        if key not in theirs:
            unknown.append(where)
        elif key not in PASSED_WHOLE:
            unknown += unknown_keys(value, theirs[key], where)
    return unknown


@pytest.mark.parametrize("chart", ["rasa", "rasa-action-server"])
def test_our_values_for_rasas_charts_use_only_the_charts_own_keys(chart: str) -> None:
    ours_file = HELM / f"{chart}-values.yaml"
    version = re.search(r"chart version (\d+\.\d+\.\d+)", ours_file.read_text())
    assert version, "the values file names the chart version it was matched against"
    theirs_file = HELM / "upstream" / f"{chart}-{version[1]}.values.yaml"
    recorded = (HELM / "upstream" / "README.md").read_text()
    assert f"`{theirs_file.name}`" in recorded
    assert hashlib.sha256(theirs_file.read_bytes()).hexdigest() in recorded
    ours = yaml.safe_load(ours_file.read_text())
    theirs = yaml.safe_load(theirs_file.read_text())
    assert unknown_keys(ours, theirs) == []
    readme = (ROOT / "README.md").read_text()
    assert "helm repo add rasa https://helm.rasa.com" in readme
    assert f"--version {version[1]}" in readme


def test_rasa_is_never_exposed_and_ready_only_with_its_model() -> None:
    rasa = yaml.safe_load((HELM / "rasa-values.yaml").read_text())
    actions = yaml.safe_load((HELM / "rasa-action-server-values.yaml").read_text())
    for values in (rasa, actions):
        assert values["ingress"]["enabled"] is False
        assert values["service"]["type"] == "ClusterIP"
    assert rasa["nginx"]["enabled"] is False
    assert rasa["applicationSettings"]["telemetry"]["enabled"] is False
    assert rasa["readinessProbe"]["httpGet"] is None  # the chart's own, removed
    assert rasa["readinessProbe"]["exec"]["command"] == ["python", HEALTH_CHECKS["bot"]]
    assert rasa["command"] + rasa["args"][:2] == cmd("bot")[:5]
    # Secrets come from the Secret, never from the values.
    for variable in rasa["extraEnv"]:
        if variable["name"] in {"RASA_JWT_SECRET", "TRACKER_STORE_URL"}:
            assert variable["valueFrom"]["secretKeyRef"]["name"] == "aliada-hotline"
    assert rasa["rasa-action-server"]["external"]["url"] == (
        f"http://{actions['fullnameOverride']}:{actions['service']['port']}/webhook"
    )


def values_paths(values: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(values, dict) and values:
        for key, value in values.items():
            yield from values_paths(value, f"{prefix}.{key}".lstrip("."))
    else:
        yield prefix


def test_the_hotline_chart_reads_only_values_it_has_and_every_value_it_has() -> None:
    templates = "\n".join(p.read_text() for p in (CHART / "templates").iterdir())
    read = set(re.findall(r"\.Values\.([A-Za-z0-9_.]+)", templates))
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    for path in read:
        node = values
        for key in path.split("."):
            assert isinstance(node, dict) and key in node, f".Values.{path}"
            node = node[key]
    unread = [
        path
        for path in values_paths(values)
        if not any(path == r or path.startswith(r + ".") for r in read)
    ]
    assert unread == []


def test_the_hotline_chart_keeps_secrets_out_of_values_and_runs_the_line() -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    secrets = {*config.REQUIRED_SECRETS, "TWILIO_AUTH_TOKEN", "METRICS_TOKEN"}
    secrets |= {"DATABASE_URL", "TRACKER_STORE_URL"}  # they hold passwords
    assert not secrets & set(values["env"])
    assert values["probes"] == {
        "startupPath": "/readyz",
        "readinessPath": "/healthz",
        "livenessPath": "/healthz",
    }
    templates = {p.name: p.read_text() for p in (CHART / "templates").iterdir()}
    commands = {
        name: yaml.safe_load(line.split("command:", 1)[1])
        for name, text in templates.items()
        for line in text.splitlines()
        if "command:" in line
    }
    assert commands == {"migrations-job.yaml": MIGRATE, "purge-cronjob.yaml": PURGE}
    assert "helm.sh/hook: pre-install,pre-upgrade" in templates["migrations-job.yaml"]
    assert "concurrencyPolicy: Forbid" in templates["purge-cronjob.yaml"]


# --- Rasa's readiness probe ------------------------------------------------------


def rasa_ready() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "rasa_ready", DEPLOY / "rasa_ready.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_probe_says_ready_only_to_rasa_with_its_model_and_our_secret(
    bot_stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    probe = rasa_ready()
    monkeypatch.setattr(probe, "STATUS_URL", f"{bot_stack.config.rasa_url}/status")
    monkeypatch.setenv("RASA_JWT_SECRET", bot_stack.config.rasa_jwt_secret)
    assert probe.model_loaded()
    monkeypatch.setenv("RASA_JWT_SECRET", "another secret " * 3)
    assert not probe.model_loaded()
    monkeypatch.setattr(probe, "STATUS_URL", "http://127.0.0.1:9/status")
    assert not probe.model_loaded()


def test_the_network_policies_select_the_releases_the_readme_installs() -> None:
    """Only the hotline reaches Rasa, only Rasa the actions: the selectors
    are the labels the charts give the pods of README's releases."""
    readme = (ROOT / "README.md").read_text()
    releases = dict(re.findall(r"helm install (\S+) (\S+)", readme))
    assert releases == {
        "aliada-actions": "rasa/rasa-action-server",
        "aliada-rasa": "rasa/rasa",
        "aliada-hotline": "deploy/helm/hotline",
    }
    hotline = {
        "app.kubernetes.io/name": "aliada-hotline",
        "app.kubernetes.io/instance": "aliada-hotline",
        "app.kubernetes.io/component": "hotline",
    }
    rasa = {
        "app.kubernetes.io/name": "rasa",
        "app.kubernetes.io/instance": "aliada-rasa",
    }
    actions = {
        "app.kubernetes.io/name": "rasa-action-server",
        "app.kubernetes.io/instance": "aliada-actions",
    }
    policies = yaml.safe_load_all((HELM / "network-policies.yaml").read_text())
    allowed = {
        (
            tuple(sorted(policy["spec"]["podSelector"]["matchLabels"].items())),
            tuple(sorted(rule["from"][0]["podSelector"]["matchLabels"].items())),
            rule["ports"][0]["port"],
        )
        for policy in policies
        for rule in policy["spec"]["ingress"]
    }
    assert allowed == {
        (tuple(sorted(rasa.items())), tuple(sorted(hotline.items())), 5005),
        (tuple(sorted(actions.items())), tuple(sorted(rasa.items())), 5055),
    }
    deployment = (CHART / "templates" / "deployment.yaml").read_text()
    assert "app.kubernetes.io/component: hotline" in deployment
