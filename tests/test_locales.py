"""Translation status: missing keys, and keys whose English changed since they were translated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.content import Content, load_content
from bot.errors import ContentError
from bot.lint import lint_paths
from bot.locales import (
    mark_translated,
    read_record,
    render_status,
    source_hash,
    translation_status,
)
from tests.golden import FIXTURES, assert_golden

CONTENT = FIXTURES / "content"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT, tmp_path / "content")
    return tmp_path / "content"


def _load(root: Path) -> Content:
    return load_content(root / "flows", root / "locale", base=root)[0]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_nothing_is_marked_until_a_translator_marks_it(root: Path) -> None:
    [es] = translation_status(_load(root), root / "locale")
    assert es.language == "es" and es.missing == [] and es.changed == []
    assert len(es.unmarked) == es.keys == len(_load(root).catalogs["en"].messages)


def test_marking_records_the_english_each_key_was_translated_from(root: Path) -> None:
    marked = mark_translated(_load(root), root / "locale", "es")
    assert len(marked) == len(_load(root).catalogs["es"].messages)
    record = read_record(root / "locale" / "es")
    assert record["welcome.hello"] == source_hash("Hello. This is a small test program.")
    text = (root / "locale" / "es" / "translated.yaml").read_text(encoding="utf-8")
    assert text.startswith("# The English text each message here was translated from")
    assert 'common.opt_back: "' in text.splitlines()[3]  # sorted, hashes quoted
    [es] = translation_status(_load(root), root / "locale")
    assert es.up_to_date and es.unmarked == []


def test_the_record_is_not_read_as_messages(root: Path) -> None:
    mark_translated(_load(root), root / "locale", "es")
    _, problems = lint_paths(root / "flows", root / "locale", base=root)
    assert problems == []


def test_a_changed_english_text_shows_until_the_translation_is_marked_again(root: Path) -> None:
    mark_translated(_load(root), root / "locale", "es")
    _edit(root / "locale" / "en" / "messages.yaml", "welcome.hello: Hello.", "welcome.hello: Hi.")
    [es] = translation_status(_load(root), root / "locale")
    assert es.changed == ["welcome.hello"] and not es.up_to_date
    assert mark_translated(_load(root), root / "locale", "es", ["welcome.hello"]) == [
        "welcome.hello"
    ]
    [es] = translation_status(_load(root), root / "locale")
    assert es.up_to_date


def test_status_report(root: Path) -> None:
    mark_translated(_load(root), root / "locale", "es")
    messages = root / "locale" / "en" / "messages.yaml"
    _edit(messages, "diary.thanks: Thank you.", "diary.thanks: Thank you for writing.")
    _edit(messages, "menu.bye: Take care.", "menu.bye: Take care.\nmenu.new: A new line.")
    es = root / "locale" / "es"
    _edit(es / "messages.yaml", "help.title: Ayuda", "help.title: Ayuda\nhelp.old: Viejo")
    _edit(root / "locale" / "es" / "translated.yaml", 'crisis_urge.done: "', 'crisis_urge.gone: "')
    content = _load(root)
    statuses = translation_status(content, root / "locale")
    assert_golden("locales/status.txt", render_status(statuses, content))
    assert_golden("locales/status-verbose.txt", render_status(statuses, content, verbose=True))


@pytest.mark.parametrize(
    ("lang", "keys", "error"),
    [
        pytest.param("en", None, "cannot mark 'en'", id="the-source"),
        pytest.param("se", None, "cannot mark 'se': translated languages are es", id="unknown"),
        pytest.param("es", ["welcome.helo"], "did you mean 'welcome.hello'", id="unknown-key"),
    ],
)
def test_marking_refuses_what_it_cannot_record(
    root: Path, lang: str, keys: list[str] | None, error: str
) -> None:
    with pytest.raises(ContentError, match=error):
        mark_translated(_load(root), root / "locale", lang, keys)


def test_marking_refuses_a_key_not_yet_translated(root: Path) -> None:
    _edit(root / "locale" / "es" / "messages.yaml", "help.title: Ayuda\n", "")
    with pytest.raises(ContentError, match=r"'help\.title' has no 'es' text yet"):
        mark_translated(_load(root), root / "locale", "es", ["help.title"])


def test_locales_command(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["locales", "--content", str(root)]
    assert main([*args, "--check"]) == 0
    assert main([*args, "--mark-translated", "es"]) == 0
    keys = len(_load(root).catalogs["es"].messages)
    assert f"marked {keys} key(s) of 'es'" in capsys.readouterr().out
    _edit(root / "locale" / "en" / "messages.yaml", "welcome.hello: Hello.", "welcome.hello: Hi.")
    assert main(args) == 0
    assert main([*args, "--check"]) == 1
    assert "  changed  welcome.hello  (locale/es/messages.yaml:5:1; English at " in (
        capsys.readouterr().out
    )
    assert main([*args, "--mark-translated", "es", "welcome.hello"]) == 0
    assert main([*args, "--check"]) == 0
    assert main([*args, "welcome.hello"]) == 2


def test_the_shipped_finnish_catalog_is_complete_marked_and_flagged_for_review() -> None:
    """Issue 15: Finnish is machine-drafted, so the catalog says it needs professional review;
    every key is there and was marked as translated from the English it has now."""
    from bot.paths import REPO_ROOT

    content = load_content(REPO_ROOT / "flows", REPO_ROOT / "locale", base=REPO_ROOT)[0]
    statuses = {st.language: st for st in translation_status(content, REPO_ROOT / "locale")}
    fi = statuses["fi"]
    assert (fi.name, fi.needs_review) == ("Suomi", True)
    assert content.catalogs["fi"].meta.review_note
    assert set(content.catalogs["fi"].messages) == set(content.catalogs["en"].messages)
    assert (fi.missing, fi.changed, fi.unmarked, fi.extra) == ([], [], [], [])
    assert "fi (Suomi, needs review)" in render_status(list(statuses.values()), content)
