"""The directory loader accepts the shipped data and names file and field of faults."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.directory import DirectoryError, load_directory
from actions.directory.loader import DEFAULT_DATA_DIR

REQUIRED_COUNTRIES = [
    "US",
    "CA",
    "MX",
    "GT",
    "HN",
    "SV",
    "CO",
    "PE",
    "BO",
    "PY",
    "BR",
    "AR",
    "CL",
    "DO",
    "HT",
]

VALID = """\
country: XX
services:
  emergency:
    - name: Emergencias
      phone: "911"
      source: https://example.gov/emergencias
      checked: "2026-01-31"
  trafficking_hotline:
    - name: Linea contra la trata
      phone: 800 123 456
      source: https://example.gov/trata
      checked: null
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_directory_covers_the_required_countries() -> None:
    directory = load_directory(DEFAULT_DATA_DIR)
    assert set(REQUIRED_COUNTRIES) <= set(directory.countries)
    for code in REQUIRED_COUNTRIES:
        country = directory.get(code)
        assert country.emergency_number(), code
        assert country.entries("trafficking_hotline"), code


def test_valid_file_loads_with_its_check_state(tmp_path: Path) -> None:
    write(tmp_path, "XX.yml", VALID)
    country = load_directory(tmp_path).get("XX")
    assert country.emergency_number() == "911"
    assert country.entries("emergency")[0].verified
    assert not country.entries("trafficking_hotline")[0].verified


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('      phone: "911"\n', ""), "services.emergency.0"),
        (
            ('      phone: "911"\n', "      phone: call me\n"),
            "services.emergency.0.phone",
        ),
        (("      checked: null\n", ""), "services.trafficking_hotline.0"),
        (("https://example.gov/trata", "http://example.gov/trata"), "source"),
        (("      checked: null\n", "      checked: yesterday\n"), "checked"),
        (
            ("      checked: null\n", "      checked: null\n      address: 1 Calle\n"),
            "services.trafficking_hotline.0",
        ),
        (("  emergency:\n", "  emergencies:\n"), "services"),
    ],
)
def test_malformed_entry_names_file_and_field(
    tmp_path: Path, change: tuple[str, str], field: str
) -> None:
    old, new = change
    assert old in VALID
    write(tmp_path, "XX.yml", VALID.replace(old, new))
    with pytest.raises(DirectoryError) as error:
        load_directory(tmp_path)
    assert "XX.yml" in str(error.value)
    assert field in str(error.value)


def test_shelter_addresses_are_refused(tmp_path: Path) -> None:
    shelter = (
        '  shelter_intake:\n    - name: Casa\n      phone: "123"\n'
        "      address: Calle 1\n      source: https://example.gov/\n"
        "      checked: null\n"
    )
    write(tmp_path, "XX.yml", VALID + shelter)
    with pytest.raises(DirectoryError, match="address"):
        load_directory(tmp_path)


def test_file_name_must_match_country(tmp_path: Path) -> None:
    write(tmp_path, "YY.yml", VALID)
    with pytest.raises(DirectoryError, match=r"YY\.yml: country"):
        load_directory(tmp_path)


def test_broken_yaml_is_reported_with_the_file(tmp_path: Path) -> None:
    write(tmp_path, "XX.yml", "country: [XX\n")
    with pytest.raises(DirectoryError, match=r"XX\.yml: not valid YAML"):
        load_directory(tmp_path)


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DirectoryError, match="no country files"):
        load_directory(tmp_path)
