"""Every environment installs only what a lock names, each file checked by its hash.

A version range, or a pin without a hash, lets whatever the index serves that day
(a new release, a swapped file) into the line; `make lock` writes the locks and
`pip install --require-hashes` refuses anything else.
"""

from __future__ import annotations

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
