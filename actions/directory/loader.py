"""Load and validate the service directory (``data/<ISO>.yml``, ``consular.yml``).

A malformed entry stops the action server at start-up with a message naming the
file and the field, instead of giving a frightened person a wrong number later.
Every entry names the page that shows its number and the day it was read; an
entry that page does not confirm, or that nobody has read for a year, is
"unchecked" and the person is told so.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

PACKAGE_DIR = Path(__file__).parent
SCHEMA_PATH = PACKAGE_DIR / "schema.json"
DEFAULT_DATA_DIR = PACKAGE_DIR / "data"
CONSULAR_PATH = PACKAGE_DIR / "consular.yml"

SERVICE_KINDS = (
    "emergency",
    "trafficking_hotline",
    "child_helpline",
    "shelter_intake",
    "womens_violence",
    "legal_aid",
    "health",
    "labour_inspection",
)
# An entry read longer ago than this counts as unchecked.
FRESH_FOR = dt.timedelta(days=365)


class DirectoryError(ValueError):
    """A directory file is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class ServiceEntry:
    """One way to reach one service, and what its source page says of it."""

    name: str
    operator: str
    source: str
    checked: str
    confirmed: bool
    phone: str | None = None
    sms: str | None = None
    whatsapp: str | None = None
    hours: str | None = None
    free: bool | None = None
    confidential: bool | None = None
    anonymous: bool | None = None
    immigration_caution: bool | None = None
    reachable_from: tuple[str, ...] = ()

    def is_current(self, today: dt.date | None = None) -> bool:
        """Its page shows this number and someone read it within a year."""
        today = today or dt.date.today()
        read = dt.date.fromisoformat(self.checked)
        return self.confirmed and today - read <= FRESH_FOR

    @property
    def main_number(self) -> str:
        """The number to show first: a phone, else the text or WhatsApp number."""
        return self.phone or self.sms or self.whatsapp or ""

    @property
    def around_the_clock(self) -> bool:
        return (self.hours or "").replace(" ", "") in ("24/7", "24h")

    def reachable_in(self, country: str) -> bool:
        """A consular line works from this country (all, when not limited)."""
        return not self.reachable_from or country in self.reachable_from


@dataclass(frozen=True)
class CountryDirectory:
    """Everything the line knows for one country the person may be in."""

    country: str
    services: dict[str, list[ServiceEntry]]
    consulates: dict[str, list[ServiceEntry]] = field(default_factory=dict)

    def entries(self, kind: str) -> list[ServiceEntry]:
        return self.services.get(kind, [])

    def emergency_entry(self) -> ServiceEntry:
        """The emergency line to give: the first one confirmed and current,
        else the first (marked unconfirmed where it is said)."""
        entries = self.services["emergency"]
        return next((e for e in entries if e.is_current()), entries[0])

    def emergency_number(self) -> str:
        return self.emergency_entry().main_number


@dataclass(frozen=True)
class Directory:
    """All countries, keyed by ISO 3166 alpha-2 code, and each nationality's
    consular lines that work from abroad."""

    countries: dict[str, CountryDirectory]
    consular_lines: dict[str, list[ServiceEntry]] = field(default_factory=dict)

    def get(self, country: str | None) -> CountryDirectory | None:
        return self.countries.get(country) if country else None

    def consular_help(
        self, nationality: str | None, country: str
    ) -> list[ServiceEntry]:
        """How a national of ``nationality`` in ``country`` reaches their own
        country's help: its consulate there if the directory has it, else the
        lines their foreign ministry runs for nationals abroad."""
        if not nationality or nationality == country:
            return []
        here = self.get(country)
        local = here.consulates.get(nationality, []) if here else []
        if local:
            return local
        lines = self.consular_lines.get(nationality, [])
        return [entry for entry in lines if entry.reachable_in(country)]

    def all_entries(self) -> list[tuple[str, str, ServiceEntry]]:
        """(where, kind, entry) for every entry: where is a country code, or
        "consular:<nationality>" for the lines from abroad."""
        rows = []
        for code, country in sorted(self.countries.items()):
            for kind, entries in country.services.items():
                rows += [(code, kind, e) for e in entries]
            for nationality, entries in sorted(country.consulates.items()):
                rows += [(code, f"consulate:{nationality}", e) for e in entries]
        for nationality, entries in sorted(self.consular_lines.items()):
            rows += [(f"consular:{nationality}", "consular_line", e) for e in entries]
        return rows


def _field_path(error: jsonschema.ValidationError) -> str:
    return ".".join(str(p) for p in error.absolute_path) or "(top level)"


def _jsonable(value: Any) -> Any:
    """YAML turns unquoted dates into date objects; the schema wants strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _entry(raw: dict[str, Any]) -> ServiceEntry:
    allowed = ServiceEntry.__dataclass_fields__
    values = {k: v for k, v in raw.items() if k in allowed}
    values["reachable_from"] = tuple(raw.get("reachable_from", ()))
    return ServiceEntry(**values)


def _entries(raw: list[dict[str, Any]]) -> list[ServiceEntry]:
    return [_entry(e) for e in raw]


def _read_yaml(path: Path) -> Any:
    try:
        return _jsonable(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as error:
        raise DirectoryError(f"{path.name}: not valid YAML: {error}") from error


def _check(path: Path, raw: Any, validator: jsonschema.Validator) -> None:
    errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path))
    if errors:
        details = "; ".join(f"{_field_path(e)}: {e.message}" for e in errors)
        raise DirectoryError(f"{path.name}: {details}")


def load_country_file(path: Path, validator: jsonschema.Validator) -> CountryDirectory:
    """Parse and validate one country file."""
    raw = _read_yaml(path)
    _check(path, raw, validator)
    if raw["country"] != path.stem:
        raise DirectoryError(
            f"{path.name}: country: '{raw['country']}' does not match the file name"
        )
    return CountryDirectory(
        country=raw["country"],
        services={kind: _entries(e) for kind, e in raw["services"].items()},
        consulates={n: _entries(e) for n, e in raw.get("consulates", {}).items()},
    )


def _validator(schema: dict[str, Any]) -> jsonschema.Validator:
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.FormatChecker()
    )


def load_consular_lines(
    path: Path, schema: dict[str, Any]
) -> dict[str, list[ServiceEntry]]:
    """Each nationality's consular lines from abroad (``consular.yml``)."""
    if not path.exists():
        return {}
    raw = _read_yaml(path) or {}
    lines_schema = {"$ref": "#/$defs/consular_lines", "$defs": schema["$defs"]}
    _check(path, raw, _validator(lines_schema))
    return {nationality: _entries(e) for nationality, e in raw.items()}


def load_directory(
    data_dir: Path = DEFAULT_DATA_DIR, consular_path: Path = CONSULAR_PATH
) -> Directory:
    """Load every ``<ISO>.yml`` in the folder and the consular lines; raise
    DirectoryError on any fault."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = _validator(schema)
    files = sorted(data_dir.glob("*.yml"))
    if not files:
        raise DirectoryError(f"{data_dir}: no country files (*.yml) found")
    countries = [load_country_file(path, validator) for path in files]
    return Directory(
        {c.country: c for c in countries}, load_consular_lines(consular_path, schema)
    )


@cache
def default_directory() -> Directory:
    """The directory shipped with the action server, loaded once."""
    return load_directory()
