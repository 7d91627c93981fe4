"""``make directory-report``: how much of the directory a person can trust.

Prints, per country, how many entries are confirmed by a page read within the
year, and lists every entry the person sees marked as unchecked (its page does
not confirm it, or nobody read it for a year) with why and where to look.
``--readme`` prints only the table README.md carries between its markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import defaultdict

from actions.directory.loader import Directory, ServiceEntry, load_directory

README_START = "<!-- directory-status:start -->"
README_END = "<!-- directory-status:end -->"


def why_unchecked(entry: ServiceEntry, today: dt.date) -> str:
    if not entry.confirmed:
        return "no page shows it as current"
    days = (today - dt.date.fromisoformat(entry.checked)).days
    return f"read {days} days ago"


def status_table(directory: Directory, today: dt.date) -> str:
    """One row per country (and one per nationality's lines from abroad)."""
    rows: dict[str, list[ServiceEntry]] = defaultdict(list)
    for where, _kind, entry in directory.all_entries():
        rows[where].append(entry)
    lines = [
        "| where | entries | confirmed, read within a year | marked unchecked | "
        "last read |",
        "|---|---|---|---|---|",
    ]
    for where, entries in rows.items():
        current = sum(e.is_current(today) for e in entries)
        last = max(e.checked for e in entries)
        lines.append(
            f"| {where} | {len(entries)} | {current} | {len(entries) - current} "
            f"| {last} |"
        )
    return "\n".join(lines)


def unchecked_list(directory: Directory, today: dt.date) -> str:
    lines = []
    for where, kind, entry in directory.all_entries():
        if not entry.is_current(today):
            lines.append(
                f"- {where} {kind}: {entry.name} ({entry.main_number}): "
                f"{why_unchecked(entry, today)}; {entry.source}"
            )
    return "\n".join(lines) or "(none)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions.directory.report")
    parser.add_argument("--readme", action="store_true", help="the README table only")
    arguments = parser.parse_args(argv)
    today = dt.date.today()
    directory = load_directory()
    table = status_table(directory, today)
    if arguments.readme:
        print(table)
        return 0
    print(f"Service directory on {today}\n\n{table}\n")
    print("Shown to people marked 'not checked recently':")
    print(unchecked_list(directory, today))
    return 0


if __name__ == "__main__":
    sys.exit(main())
