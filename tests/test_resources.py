"""The resource directory: schema, lint, selection, and agreement with the catalogs."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from bot.content import SPECIAL_LOCALE_FILES
from bot.lint import lint_paths
from bot.paths import REPO_ROOT
from bot.resources import Directory, lint_resources, load_resources, phone_digits
from tests.contentkit import write_content

CRISIS = ("child_at_risk", "suicide", "minor", "abused", "distress", "urge")

ENTRY = """\
resources:
  - id: lifeline_988
    name: 988 Suicide & Crisis Lifeline
    contact: {phone: "988"}
    kind: crisis_line
    countries: [US]
    languages: [en, es]
    categories: [suicide]
    source: https://988lifeline.org/
    verified: "2026-11-25"
"""


def write(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "resources"
    folder.mkdir()
    (folder / "resources.yaml").write_text(text, encoding="utf-8")
    return folder


def shipped() -> Directory:
    directory, problems = load_resources(REPO_ROOT / "resources", base=REPO_ROOT)
    assert problems == []
    return directory


def test_the_shipped_directory_loads_and_has_no_errors() -> None:
    directory = shipped()
    assert len(directory.resources) >= 10
    errors = [p for p in lint_resources(directory, CRISIS) if p.severity == "error"]
    assert errors == []


def test_a_valid_entry_loads(tmp_path: Path) -> None:
    directory, problems = load_resources(write(tmp_path, ENTRY))
    assert problems == []
    assert directory.resources[0].verified == dt.date(2026, 11, 25)


@pytest.mark.parametrize("field", ["source", "verified"])
def test_an_entry_without_source_or_verified_is_an_error(tmp_path: Path, field: str) -> None:
    text = "\n".join(line for line in ENTRY.splitlines() if not line.strip().startswith(field))
    _, problems = load_resources(write(tmp_path, text), base=tmp_path)
    assert [str(p) for p in problems] == [
        f"resources/resources.yaml:2:5: error: resource 'lifeline_988': '{field}' is required "
        "(where the organisation publishes it, and when a person checked it)"
    ]


def test_an_unquoted_date_says_to_quote_it(tmp_path: Path) -> None:
    _, problems = load_resources(write(tmp_path, ENTRY.replace('"2026-11-25"', "2026-11-25")), base=tmp_path)
    assert [str(p) for p in problems] == [
        'resources/resources.yaml:10:15: error: a date must be in quotes, like verified: "2026-11-25"'
    ]


def test_an_unknown_key_is_an_error_at_its_place(tmp_path: Path) -> None:
    _, problems = load_resources(write(tmp_path, ENTRY + "    phone: '988'\n"), base=tmp_path)
    assert [str(p) for p in problems] == [
        "resources/resources.yaml:11:5: error: resource 'lifeline_988': unknown key 'phone'"
    ]


def test_an_unknown_category_is_an_error(tmp_path: Path) -> None:
    directory, _ = load_resources(write(tmp_path, ENTRY.replace("[suicide]", "[suicde]")), base=tmp_path)
    problems = lint_resources(directory, CRISIS, today=dt.date(2026, 11, 25))
    assert [(str(p.place), p.severity) for p in problems] == [("resources/resources.yaml:2:9", "error")]
    assert "unknown category 'suicde' (did you mean 'suicide'?)" in problems[0].message


def test_an_entry_checked_more_than_a_year_ago_is_a_warning(tmp_path: Path) -> None:
    directory, _ = load_resources(write(tmp_path, ENTRY))
    assert lint_resources(directory, CRISIS, today=dt.date(2027, 11, 25)) == []
    (problem,) = lint_resources(directory, CRISIS, today=dt.date(2027, 11, 26))
    assert problem.severity == "warning"
    assert "last checked on 2026-11-25, more than 12 months ago" in problem.message


def test_an_entry_nobody_has_checked_is_a_warning(tmp_path: Path) -> None:
    directory, _ = load_resources(write(tmp_path, ENTRY.replace('"2026-11-25"', "null")))
    (problem,) = lint_resources(directory, CRISIS)
    assert problem.severity == "warning"
    assert "has not been checked yet" in problem.message


def test_lint_of_a_content_folder_includes_its_resource_directory(tmp_path: Path) -> None:
    root = write_content(tmp_path)
    write(root, ENTRY.replace("[suicide]", "[general, suicdie]"))
    _, problems = lint_paths(root / "flows", root / "locale", base=root)
    assert [str(p) for p in problems if p.place.file.startswith("resources")] == [
        "resources/resources.yaml:2:9: error: resource 'lifeline_988': unknown category "
        "'suicdie'; categories are general, report"
    ]


def test_select_by_language_puts_emergency_numbers_first() -> None:
    chosen = shipped().select("es", categories=["suicide"])
    ids = [r.id for r in chosen]
    assert {r.kind for r in chosen[:4]} == {"emergency"}
    assert {"linea_024", "linea_de_la_vida", "lifeline_988"} <= set(ids)
    assert "emotional_support_116123" not in ids  # answered in English only
    assert "stop_it_now_uk" not in ids  # not a suicide line


def test_select_by_country_keeps_only_services_there() -> None:
    ids = [r.id for r in shipped().select("en", country="ES", categories=["suicide"])]
    assert ids == ["emergency_eu", "linea_024"]


def test_select_for_an_urge_in_the_uk() -> None:
    ids = [r.id for r in shipped().select("en", country="GB", categories=["urge"])]
    assert ids == ["emergency_uk", "stop_it_now_uk"]


# -- every number the bot says is in the directory -----------------------------------------

_NUMBER = re.compile(r"(?<![\w.])\+?\d[\d -]*\d(?!\w)")


def phone_numbers_in(text: str) -> list[str]:
    """Phone-number-like runs of digits: three or more digits, not a count like 5-4-3-2-1."""
    found = []
    for m in _NUMBER.finditer(text):
        groups = re.split(r"[ -]+", m.group(0).strip())
        if all(len(g.lstrip("+")) == 1 for g in groups):
            continue
        if len(phone_digits(m.group(0))) >= 3:
            found.append(m.group(0).strip())
    return found


def catalog_messages() -> list[tuple[str, str, str]]:
    out = []
    for path in sorted((REPO_ROOT / "locale").glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or path.name in SPECIAL_LOCALE_FILES:
            continue
        out += [(str(path.relative_to(REPO_ROOT)), k, v) for k, v in data.items() if isinstance(v, str)]
    return out


def test_the_number_finder_sees_phone_numbers_and_not_counts() -> None:
    text = "Call 0808 1000 900 or 1-888-773-8368, 112, 999 or 911. Try 5-4-3-2-1, rate 0 to 10, 15 minutes."
    assert phone_numbers_in(text) == ["0808 1000 900", "1-888-773-8368", "112", "999", "911"]


def test_a_typo_in_a_number_is_caught() -> None:
    known = shipped().phone_numbers()
    assert phone_digits("0808 1000 900") in known
    assert phone_digits("0808 1000 9000") not in known
    assert phone_digits("1-888-773-8369") not in known


def test_every_phone_number_in_a_catalog_message_is_in_the_resource_directory() -> None:
    known = shipped().phone_numbers()
    unknown = [
        f"{file}: {key}: {number}"
        for file, key, text in catalog_messages()
        for number in phone_numbers_in(text)
        if phone_digits(number) not in known
    ]
    assert unknown == []


def test_the_crisis_catalogs_name_numbers_at_all() -> None:
    numbers = {n for _, key, text in catalog_messages() if key.startswith("crisis_") for n in phone_numbers_in(text)}
    assert {
        "112",
        "999",
        "911",
        "988",
        "024",
        "116 123",
        "0808 1000 900",
        "1-888-773-8368",
    } <= numbers
