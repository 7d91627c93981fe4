"""The purge's schedules for deployments (``deploy/purge/``) are well-formed
and all run the same command, daily."""

from __future__ import annotations

import configparser
import shlex

import yaml

from bot.stack import ROOT

FOLDER = ROOT / "deploy" / "purge"
PURGE = ["flask", "--app", "hotline", "purge"]


def test_the_kubernetes_cronjob_runs_the_purge_daily() -> None:
    manifest = yaml.safe_load((FOLDER / "cronjob.yaml").read_text())
    assert (manifest["apiVersion"], manifest["kind"]) == ("batch/v1", "CronJob")
    spec = manifest["spec"]
    minute, hour, *every = spec["schedule"].split()
    assert every == ["*", "*", "*"] and minute.isdigit() and hour.isdigit()
    assert spec["concurrencyPolicy"] == "Forbid"
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    [container] = pod["containers"]
    assert container["command"] == PURGE


def test_the_systemd_timer_starts_the_purge_service_daily() -> None:
    service, timer = (
        configparser.ConfigParser(strict=False, interpolation=None) for _ in range(2)
    )
    service.read(FOLDER / "aliada-purge.service")
    timer.read(FOLDER / "aliada-purge.timer")
    assert service["Service"]["Type"] == "oneshot"
    program, *arguments = shlex.split(service["Service"]["ExecStart"])
    assert program.endswith("/flask") and arguments == PURGE[1:]
    assert timer["Timer"]["OnCalendar"].startswith("*-*-* ")
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_the_crontab_line_runs_the_purge_daily() -> None:
    [line] = [
        line
        for line in (FOLDER / "crontab").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    minute, hour, day, month, weekday, command = line.split(maxsplit=5)
    assert minute.isdigit() and hour.isdigit()
    assert (day, month, weekday) == ("*", "*", "*")
    assert "/flask --app hotline purge" in command
