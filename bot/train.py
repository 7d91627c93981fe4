"""Train the Rasa model and record how long it took (``make model``).

Always trains from scratch (``--force``): ``make`` already decides when the inputs
changed, and Rasa's cache cannot see inside the keyword files our components read.
The training time goes to ``models/training.json`` for ``make eval`` and README.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path


def train(out: Path) -> float:
    """Run ``rasa train`` into ``out``; return the wall-clock seconds it took."""
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [
        str(Path(sys.executable).with_name("rasa")),
        "train",
        "--domain", "bot/domain",
        "--data", "bot/data",
        "--config", "config.yml",
        "--out", str(out.parent),
        "--fixed-model-name", out.name.removesuffix(".tar.gz"),
        "--force",
    ]  # fmt: skip
    started = time.monotonic()
    subprocess.run(command, check=True)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("models/aliada.tar.gz"))
    args = parser.parse_args()
    seconds = train(args.out)
    record = {"model": str(args.out), "training_seconds": round(seconds, 1)}
    (args.out.parent / "training.json").write_text(json.dumps(record, indent=2))
    print(f"Trained {args.out} in {seconds:.0f} s")


if __name__ == "__main__":
    main()
