"""The directory loader accepts the shipped data and names file and field of faults."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from actions.directory import DirectoryError, load_directory
from actions.directory.loader import DEFAULT_DATA_DIR

# Lines that send or are the police: only they carry the immigration caution.
POLICE_LIKE = {"police", "emergency_service", "prosecutor", "government"}
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
      operator: police
      source: https://example.gov/emergencias
      checked: "2026-01-31"
      confirmed: true
  trafficking_hotline:
    - name: Linea contra la trata
      phone: 800 123 456
      operator: ngo
      source: https://example.gov/trata
      checked: "2026-01-31"
      confirmed: false
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
    a_month_later = dt.date(2026, 3, 1)
    assert country.entries("emergency")[0].is_current(a_month_later)
    # Its page does not show the number as current: unchecked for the person.
    assert not country.entries("trafficking_hotline")[0].is_current(a_month_later)


def test_an_entry_read_over_a_year_ago_counts_as_unchecked(tmp_path: Path) -> None:
    write(tmp_path, "XX.yml", VALID)
    emergency = load_directory(tmp_path).get("XX").entries("emergency")[0]
    assert emergency.is_current(dt.date(2027, 1, 31))
    assert not emergency.is_current(dt.date(2027, 2, 1))


def test_every_shipped_entry_names_a_page_and_the_day_it_was_read() -> None:
    """Not a home page: a page that shows the number, and a real date."""
    today = dt.date.today()
    for where, kind, entry in load_directory().all_entries():
        page = urlsplit(entry.source)
        assert page.scheme == "https", (where, kind, entry.name)
        assert page.path.strip("/") or page.query, (where, kind, entry.name)
        read = dt.date.fromisoformat(entry.checked)
        assert read <= today, (where, kind, entry.name)


def test_immigration_caution_only_on_lines_that_can_bring_the_police() -> None:
    """An organisation's line is never presented as the police."""
    for where, kind, entry in load_directory().all_entries():
        if entry.immigration_caution:
            assert entry.operator in POLICE_LIKE, (where, kind, entry.name)


def test_womens_lines_are_not_filed_as_shelter_intake() -> None:
    """Lines for women facing violence are labelled as what they are."""
    womens_lines = {"144", "155", "180", "100", "137", "114", "126", "1455", "*212"}
    for where, kind, entry in load_directory().all_entries():
        if kind == "shelter_intake":
            assert entry.main_number not in womens_lines, (where, entry.name)


def test_consular_lines_prefer_the_local_consulate_and_respect_reach() -> None:
    directory = load_directory()
    # A Mexican in the US: the consulate entry of the US file.
    assert directory.consular_help("MX", "US") == directory.get("US").consulates["MX"]
    # A Salvadoran in Peru (no local consulate entry): the lines from abroad
    # that work from Peru, none limited to other countries.
    abroad = directory.consular_help("SV", "PE")
    assert abroad
    assert all(entry.reachable_in("PE") for entry in abroad)
    assert all(
        "PE" in entry.reachable_from or not entry.reachable_from for entry in abroad
    )
    # One's own country needs no consulate.
    assert directory.consular_help("PE", "PE") == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('      phone: "911"\n', ""), "services.emergency.0"),
        (
            ('      phone: "911"\n', "      phone: call me\n"),
            "services.emergency.0.phone",
        ),
        (
            ('      checked: "2026-01-31"\n      confirmed: false\n', ""),
            "services.trafficking_hotline.0",
        ),
        (("https://example.gov/trata", "http://example.gov/trata"), "source"),
        (("https://example.gov/trata", "https://example.gov/"), "source"),
        (
            ("      confirmed: false\n", "      confirmed: false\n      checked2: 1\n"),
            "services.trafficking_hotline.0",
        ),
        (("      operator: ngo\n", "      operator: friends\n"), "operator"),
        (("      operator: ngo\n", ""), "services.trafficking_hotline.0"),
        (
            (
                '      checked: "2026-01-31"\n      confirmed: false',
                "      checked: null\n      confirmed: false",
            ),
            "checked",
        ),
        (
            (
                "      confirmed: false\n",
                "      confirmed: false\n      address: 1 Calle\n",
            ),
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
        "      operator: ngo\n      address: Calle 1\n"
        "      source: https://example.gov/casa\n"
        '      checked: "2026-01-31"\n      confirmed: true\n'
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
