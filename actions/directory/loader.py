"""Load and validate the service directory (``data/<ISO>.yml``).

A malformed entry stops the action server at start-up with a message naming the
file and the field, instead of giving a frightened person a wrong number later.
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

SERVICE_KINDS = (
    "emergency",
    "trafficking_hotline",
    "child_helpline",
    "shelter_intake",
    "legal_aid",
    "health",
    "labour_inspection",
)


class DirectoryError(ValueError):
    """A directory file is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class ServiceEntry:
    """One way to reach one service."""

    name: str
    source: str
    checked: str | None
    phone: str | None = None
    sms: str | None = None
    whatsapp: str | None = None
    hours: str | None = None
    free: bool | None = None

    @property
    def verified(self) -> bool:
        """True once a person confirmed the entry against its official source."""
        return self.checked is not None

    @property
    def main_number(self) -> str:
        """The number to show first: a phone, else the text or WhatsApp number."""
        return self.phone or self.sms or self.whatsapp or ""


@dataclass(frozen=True)
class CountryDirectory:
    """Everything the line knows for one country the person may be in."""

    country: str
    services: dict[str, list[ServiceEntry]]
    consulates: dict[str, list[ServiceEntry]] = field(default_factory=dict)

    def entries(self, kind: str) -> list[ServiceEntry]:
        return self.services.get(kind, [])

    def emergency_number(self) -> str:
        return self.services["emergency"][0].main_number


@dataclass(frozen=True)
class Directory:
    """All countries, keyed by ISO 3166 alpha-2 code."""

    countries: dict[str, CountryDirectory]

    def get(self, country: str | None) -> CountryDirectory | None:
        return self.countries.get(country) if country else None


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


def _entries(raw: list[dict[str, Any]]) -> list[ServiceEntry]:
    allowed = ServiceEntry.__dataclass_fields__
    return [ServiceEntry(**{k: v for k, v in e.items() if k in allowed}) for e in raw]


def load_country_file(path: Path, validator: jsonschema.Validator) -> CountryDirectory:
    """Parse and validate one country file."""
    try:
        raw = _jsonable(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as error:
        raise DirectoryError(f"{path.name}: not valid YAML: {error}") from error
    errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path))
    if errors:
        details = "; ".join(f"{_field_path(e)}: {e.message}" for e in errors)
        raise DirectoryError(f"{path.name}: {details}")
    if raw["country"] != path.stem:
        raise DirectoryError(
            f"{path.name}: country: '{raw['country']}' does not match the file name"
        )
    return CountryDirectory(
        country=raw["country"],
        services={kind: _entries(e) for kind, e in raw["services"].items()},
        consulates={n: _entries(e) for n, e in raw.get("consulates", {}).items()},
    )


def load_directory(data_dir: Path = DEFAULT_DATA_DIR) -> Directory:
    """Load every ``<ISO>.yml`` in the folder; raise DirectoryError on any fault."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.FormatChecker()
    )
    files = sorted(data_dir.glob("*.yml"))
    if not files:
        raise DirectoryError(f"{data_dir}: no country files (*.yml) found")
    countries = [load_country_file(path, validator) for path in files]
    return Directory({c.country: c for c in countries})


@cache
def default_directory() -> Directory:
    """The directory shipped with the action server, loaded once."""
    return load_directory()
