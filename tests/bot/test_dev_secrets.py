"""Development secrets: one value per secret for every process of a laptop's
line, readable by its owner only, never half-written."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot import dev_secrets


def test_processes_starting_together_get_one_secret(tmp_path: Path) -> None:
    with ThreadPoolExecutor(8) as pool:
        values = set(
            pool.map(
                lambda _: dev_secrets.development_secret("SECRET_KEY", tmp_path),
                range(32),
            )
        )
    [value] = values
    assert len(value) == 64
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret-key"]


def test_the_file_is_for_its_owner_only(tmp_path: Path) -> None:
    dev_secrets.development_secret("RASA_JWT_SECRET", tmp_path)
    mode = stat.S_IMODE((tmp_path / "rasa-jwt-secret").stat().st_mode)
    assert mode == 0o600


def test_the_environment_wins(monkeypatch) -> None:
    monkeypatch.setenv("METRICS_TOKEN", "from-the-environment")
    assert dev_secrets.configured_or_development("METRICS_TOKEN") == (
        "from-the-environment",
        False,
    )
