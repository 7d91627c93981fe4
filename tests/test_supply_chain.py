"""Every environment installs only what a lock names, each file checked by its hash.

A version range, or a pin without a hash, lets whatever the index serves that day
(a new release, a swapped file) into the line; `make lock` writes the locks and
`pip install --require-hashes` refuses anything else.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
LOCKS = [
    "bot/requirements.lock",
    "hotline/requirements.lock",
    "tools/pip.lock",
    "tools/tools.lock",
]
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def entries(lock: Path) -> list[str]:
    """One string per requirement, its continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", lock.read_text())
    lines = (line.split("#", 1)[0].strip() for line in joined.splitlines())
    return [line for line in lines if line]


@pytest.mark.parametrize("lock", LOCKS)
def test_every_locked_package_is_one_version_with_its_hashes(lock: str) -> None:
    found = entries(ROOT / lock)
    assert found, f"{lock} names no package"
    for entry in found:
        requirement = Requirement(HASH.sub("", entry).strip())
        assert re.fullmatch(r"==[^,*]+", str(requirement.specifier)), entry
        assert HASH.search(entry), f"{requirement.name} in {lock} has no hash"


VENDORED = sorted((ROOT / "hotline" / "static" / "vendor").glob("*/SOURCE.md"))


@pytest.mark.parametrize("source", VENDORED, ids=lambda path: path.parent.name)
def test_every_vendored_file_is_the_one_its_source_names(source: Path) -> None:
    """A script served to supervisors is the file taken from the registry,
    byte for byte: SOURCE.md names it and its sha256, and its license is here."""
    recorded = re.findall(r"`([\w./-]+)`, sha256 `([0-9a-f]{64})`", source.read_text())
    assert recorded, f"{source} names no file with its sha256"
    for name, digest in recorded:
        served = source.parent / Path(name).name
        assert hashlib.sha256(served.read_bytes()).hexdigest() == digest, name
    assert (source.parent / "LICENSE.md").exists()


@pytest.mark.parametrize("package", ["bot", "actions", "hotline"])
def test_what_is_deployed_needs_nothing_from_the_tools(package: str) -> None:
    """Benchmarks and measurements live in ``tools/``, which no image carries:
    a deployed module that imported them would fail only in production."""
    uses = re.compile(r"^\s*(from|import)\s+tools\b", re.MULTILINE)
    offenders = [
        str(module.relative_to(ROOT))
        for module in (ROOT / package).rglob("*.py")
        if uses.search(module.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    measuring = [p.name for p in (ROOT / package).rglob("*.py") if "measure" in p.stem]
    assert measuring == [], "measurements belong in tools/"
