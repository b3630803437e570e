"""The resource directory: schema, lint, selection, and agreement with the catalogs."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.content import SPECIAL_LOCALE_FILES
from bot.lint import lint_paths
from bot.paths import REPO_ROOT
from bot.resources import Contact, Directory, Resource, lint_resources, load_resources, phone_digits
from tests.contentkit import write_content

CRISIS = ("child_at_risk", "suicide", "minor", "abused", "distress", "urge")

ENTRY = """\
resources:
  - id: us_988
    name: {en: 988 Suicide & Crisis Lifeline, es: Línea 988}
    description: {en: Call or text 988., es: Llama al 988 y marca 2.}
    contact: {phone: "988"}
    kind: crisis_line
    countries: [US]
    languages: [en, es]
    categories: [suicide]
    source: https://988lifeline.org/
    read: "2026-12-01"
    checked: "2026-11-25"
"""

ALLOWANCE = "unchecked: Read from copies of the pages; nobody has called them yet.\n"


def write(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "resources"
    folder.mkdir()
    (folder / "resources.yaml").write_text(text, encoding="utf-8")
    return folder


def shipped() -> Directory:
    directory, problems = load_resources(REPO_ROOT / "resources", base=REPO_ROOT)
    assert problems == []
    return directory


def ids(resources: list[Resource]) -> list[str]:
    return [r.id for r in resources]


def test_the_shipped_directory_loads_and_has_no_errors_or_warnings() -> None:
    directory = shipped()
    assert len(directory.resources) >= 25
    problems = lint_resources(directory, CRISIS, ("en", "es"))
    assert [p for p in problems if p.severity != "unchecked"] == []


def test_nothing_shipped_claims_a_check_that_did_not_happen() -> None:
    """CONTENT.md: the numbers were read from copies of the pages; nobody has checked them live."""
    directory = shipped()
    assert {r.checked for r in directory.resources} == {None}
    assert directory.unchecked_allowed and "no one has called" in directory.unchecked_allowed
    problems = lint_resources(directory, CRISIS, ("en", "es"))
    assert len([p for p in problems if p.severity == "unchecked"]) == len(directory.resources)


def test_a_valid_entry_loads(tmp_path: Path) -> None:
    directory, problems = load_resources(write(tmp_path, ENTRY))
    assert problems == []
    (res,) = directory.resources
    assert res.checked == dt.date(2026, 11, 25) and res.read == dt.date(2026, 12, 1)
    assert res.view("es").name == "Línea 988" and res.view("es").tel == "988"


@pytest.mark.parametrize("field", ["source", "checked"])
def test_an_entry_without_source_or_checked_is_an_error(tmp_path: Path, field: str) -> None:
    text = "\n".join(line for line in ENTRY.splitlines() if not line.strip().startswith(field))
    _, problems = load_resources(write(tmp_path, text), base=tmp_path)
    assert [str(p) for p in problems] == [
        f"resources/resources.yaml:2:5: error: resource 'us_988': '{field}' is required "
        "(where the organisation publishes it; null until a person checked it)"
    ]


def test_an_unquoted_date_says_to_quote_it(tmp_path: Path) -> None:
    _, problems = load_resources(write(tmp_path, ENTRY.replace('"2026-11-25"', "2026-11-25")), base=tmp_path)
    assert [str(p) for p in problems] == [
        'resources/resources.yaml:12:14: error: a date must be in quotes, like checked: "2026-12-01"'
    ]


def test_an_unknown_key_is_an_error_at_its_place(tmp_path: Path) -> None:
    _, problems = load_resources(write(tmp_path, ENTRY + "    verified: '2026-11-25'\n"), base=tmp_path)
    assert [str(p) for p in problems] == [
        "resources/resources.yaml:13:5: error: resource 'us_988': unknown key 'verified'"
    ]


def test_an_unknown_category_is_an_error(tmp_path: Path) -> None:
    directory, _ = load_resources(write(tmp_path, ENTRY.replace("[suicide]", "[suicde]")), base=tmp_path)
    problems = lint_resources(directory, CRISIS, today=dt.date(2026, 11, 25))
    assert [(str(p.place), p.severity) for p in problems] == [("resources/resources.yaml:2:9", "error")]
    assert "unknown category 'suicde' (did you mean 'suicide'?)" in problems[0].message


def test_a_name_or_description_missing_in_a_language_of_the_program_is_an_error(tmp_path: Path) -> None:
    text = ENTRY.replace(", es: Llama al 988 y marca 2.", "")
    directory, _ = load_resources(write(tmp_path, text), base=tmp_path)
    (problem,) = lint_resources(directory, CRISIS, ("en", "es"), today=dt.date(2026, 11, 25))
    assert problem.severity == "error"
    assert problem.message == (
        "resource 'us_988': no description in 'es': add `es:` under `description` "
        "(pages never show another language's words)"
    )
    assert directory.for_help("es") == []  # and it is never shown in another language meanwhile


def test_not_for_a_category_it_also_lists_is_an_error(tmp_path: Path) -> None:
    text = ENTRY.replace("categories: [suicide]", "categories: [suicide, urge]\n    not_for: [urge]")
    _, problems = load_resources(write(tmp_path, text), base=tmp_path)
    assert len(problems) == 1 and "categories and not_for both name urge" in problems[0].message


def test_an_entry_checked_more_than_a_year_ago_is_a_warning(tmp_path: Path) -> None:
    directory, _ = load_resources(write(tmp_path, ENTRY))
    assert lint_resources(directory, CRISIS, today=dt.date(2027, 11, 25)) == []
    (problem,) = lint_resources(directory, CRISIS, today=dt.date(2027, 11, 26))
    assert problem.severity == "warning"
    assert "last checked on 2026-11-25, more than 12 months ago" in problem.message


def test_an_entry_nobody_has_checked_is_a_warning_unless_the_file_says_why(tmp_path: Path) -> None:
    unchecked = ENTRY.replace('checked: "2026-11-25"', "checked: null")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    directory, _ = load_resources(write(tmp_path / "a", unchecked))
    (problem,) = lint_resources(directory, CRISIS)
    assert problem.severity == "warning"
    assert "has not been checked yet (checked: null)" in problem.message
    directory, problems = load_resources(write(tmp_path / "b", ALLOWANCE + unchecked))
    assert problems == []
    (problem,) = lint_resources(directory, CRISIS)
    assert problem.severity == "unchecked"


def test_an_empty_allowance_is_an_error(tmp_path: Path) -> None:
    _, problems = load_resources(write(tmp_path, 'unchecked: ""\n' + ENTRY), base=tmp_path)
    assert [p.message for p in problems] == ["`unchecked` must say why unchecked entries ship"]


def run_lint(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "lint", str(root), *args],
        capture_output=True, text=True, check=False, cwd=REPO_ROOT,
    )


def test_lint_strict_passes_the_shipped_unchecked_entries_and_fails_without_the_allowance(
    tmp_path: Path,
) -> None:
    shipped_run = run_lint(REPO_ROOT, "--strict")
    assert shipped_run.returncode == 0, shipped_run.stdout + shipped_run.stderr
    assert "unchecked: resource 'us_988' has not been checked yet" in shipped_run.stdout
    assert shipped_run.stderr.strip().startswith("0 error(s), 0 warning(s), ")
    root = tmp_path / "content"
    for folder in ("flows", "locale", "resources"):
        shutil.copytree(REPO_ROOT / folder, root / folder)
    path = root / "resources" / "resources.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\nunchecked:")
    path.write_text(text[:start] + "\n" + text[text.index("\nresources:"):], encoding="utf-8")
    without = run_lint(root, "--strict")
    assert without.returncode == 1
    assert "warning: resource 'us_988' has not been checked yet" in without.stdout


def test_lint_of_a_content_folder_includes_its_resource_directory(tmp_path: Path) -> None:
    root = write_content(tmp_path)
    write(root, ENTRY.replace("[suicide]", "[general, suicdie]"))
    _, problems = lint_paths(root / "flows", root / "locale", base=root)
    assert [str(p) for p in problems if p.place.file.startswith("resources")] == [
        "resources/resources.yaml:2:9: error: resource 'us_988': unknown category "
        "'suicdie'; categories are general, report"
    ]


# -- choosing ------------------------------------------------------------------------------


def test_help_first_for_suicide_in_english_emergency_numbers_then_crisis_lines() -> None:
    chosen = shipped().for_category("en", "suicide")
    assert [r.kind for r in chosen[:3]] == ["emergency"] * 3
    assert {"gb_emergency", "ie_emergency", "us_emergency", "gb_samaritans", "us_988"} <= set(ids(chosen))
    assert "gb_stop_it_now" not in ids(chosen)  # not a suicide line
    assert all(r.speaks("en") for r in chosen)


def test_help_first_in_spanish_without_a_country_reaches_latin_america() -> None:
    chosen = ids(shipped().for_category("es", "abused"))
    assert {"co_linea_106", "ar_linea_137", "ar_child_abuse_line", "cl_fono_ninos", "us_988"} <= set(chosen)
    assert not {"gb_samaritans", "ie_rape_crisis", "us_rainn"} & set(chosen)  # answered in English


def test_mieli_is_never_offered_for_an_urge_or_a_child_at_risk() -> None:
    directory = shipped()
    for category in ("urge", "child_at_risk"):
        assert "fi_mieli" not in ids(directory.for_category("en", category, "FI"))
    assert "fi_mieli" in ids(directory.for_category("en", "suicide", "FI"))


def test_ireland_gets_its_own_stop_it_now_contact_and_the_uk_freephone_stays_in_the_uk() -> None:
    directory = shipped()
    ireland = directory.for_category("en", "urge", "IE")
    assert "ie_stop_it_now" in ids(ireland) and "gb_stop_it_now" not in ids(ireland)
    (ie,) = [r for r in ireland if r.id == "ie_stop_it_now"]
    assert ie.view("en").tel == "+441372847161" and "charged" in ie.view("en").description
    assert "gb_stop_it_now" in ids(directory.for_category("en", "urge", "GB"))
    assert "Free from the UK" in directory.resources[ids(directory.resources).index("gb_stop_it_now")].description["en"]


def test_for_help_groups_by_country_and_puts_services_for_anywhere_last() -> None:
    chosen = shipped().for_help("en")
    countries = [r.country for r in chosen]
    groups = [c for i, c in enumerate(countries) if i == 0 or countries[i - 1] != c]
    assert len(groups) == len(set(groups)), groups  # each country in one run
    assert groups[-1] is None and set(groups) == {"GB", "IE", "US", None}
    assert "gb_iwf" in ids(chosen) and "inhope" in ids(chosen)


def test_every_country_the_issue_names_has_entries() -> None:
    countries = {r.country for r in shipped().resources}
    assert {"ES", "CO", "AR", "CL", "GB", "IE", "US", "FI", "PL"} <= countries
    kinds = {r.kind for r in shipped().resources}
    assert {"emergency", "crisis_line", "prevention", "youth", "survivors", "reporting"} == kinds


@pytest.mark.parametrize(
    ("phone", "tel", "dial"),
    [("0808 1000 900", None, "08081000900"), ("+44 1372 847 161", None, "+441372847161"),
     ("116 123", None, "116123"), ("0808 1000 900", "+448081000900", "+448081000900")],
)
def test_the_dialable_form_of_a_number(phone: str, tel: str | None, dial: str) -> None:
    assert Contact(phone=phone, tel=tel).dial() == dial


def test_a_tel_without_a_phone_is_refused() -> None:
    with pytest.raises(ValueError, match="give the phone too"):
        Contact(url="https://example.org/", tel="988")


# -- every entry in its page's language -----------------------------------------------------

SPANISH_MARKERS = re.compile(
    r"[ñáéíóú¿¡]|\b(de|del|para|que|con|los|las|una|por|línea|número|emergencias|niños|gratis)\b",
    re.IGNORECASE,
)
ENGLISH_MARKERS = re.compile(
    r"\b(the|for|with|and|you|your|who|free|number|line|helpline|emergency|children|anyone)\b",
    re.IGNORECASE,
)
PLACE_NAMES = re.compile(r"Bogotá|Dyżurnet", re.IGNORECASE)
"""Proper names that carry accents in every language."""


def foreign_words(text: str, locale: str) -> list[str]:
    """Words of the other language in ``text`` (names of places aside)."""
    other = SPANISH_MARKERS if locale == "en" else ENGLISH_MARKERS
    return [m.group(0) for m in other.finditer(PLACE_NAMES.sub("", text))]


def test_the_language_check_catches_the_mixed_pages_of_the_issue() -> None:
    assert foreign_words("Número de emergencias de México", "en") == ["Número", "de", "emergencias", "de", "é"]
    assert foreign_words("European emergency number", "es") == ["emergency", "number"]
    assert foreign_words("Emergencias (Irlanda)", "es") == []
    assert foreign_words("Bogotá listening line 106 (Colombia)", "en") == []


@pytest.mark.parametrize("locale", ["en", "es"])
def test_every_name_and_description_is_in_its_pages_language(locale: str) -> None:
    wrong = {
        f"{r.id}.{field}": foreign_words(text, locale)
        for r in shipped().resources
        for field, text in (("name", r.name[locale]), ("description", r.description[locale]))
        if foreign_words(text, locale) and not (field == "name" and text.startswith(NAMES_KEPT))
    }
    assert wrong == {}


NAMES_KEPT = ("Stop It Now", "Samaritans", "Childline", "Shore", "Internet Watch", "INHOPE",
              "Childhelp", "RAINN", "Nuorten Exit", "CyberTipline", "Dyżurnet", "MLL", "MIELI",
              "Mielenterveystalo", "Fono Niños", "988 Suicide")
"""Organisations' own names, kept in every language; their descriptions are still checked."""


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
