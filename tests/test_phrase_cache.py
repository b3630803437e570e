"""The parsed-phrase cache (bot.screening.phrase_cache): used only while the file and the parser
are unchanged, builds exactly what a fresh parse builds, and never breaks a start-up."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.paths import REPO_ROOT
from bot.phrases import Phrase
from bot.problems import Problem
from bot.screening import PhraseRules, lint_screening, phrase_cache, rules
from tests.contentkit import write_content


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("REDIRECTION_BOT_CACHE", str(where))
    return where


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The phrases parsed from now on (a cache hit parses none)."""
    seen: list[str] = []
    real = rules.parse_phrase

    def counting(text: str, *args: object, **kwargs: object) -> Phrase:
        seen.append(text)
        return real(text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rules, "parse_phrase", counting)
    return seen


def _screens(content: Path) -> list[str]:
    loaded = PhraseRules.from_dir(content / "locale", base=content)
    return loaded.screen("I want to kill myself tonight", "en")


def test_a_second_load_parses_nothing_and_screens_the_same(
    tmp_path: Path, cache: Path, parses: list[str]
) -> None:
    content = write_content(tmp_path / "content")
    first = _screens(content)
    assert parses, "the first load parses"
    kept = list(cache.glob("screening-*.json"))
    assert kept, "and keeps what it parsed"
    assert all(f.stat().st_mode & 0o044 == 0o044 for f in kept), "readable by the user serving"
    parses.clear()
    assert _screens(content) == first == ["suicide"]
    assert parses == []


@pytest.mark.parametrize(
    "edit",
    [
        lambda path: path.write_text(path.read_text(encoding="utf-8") + "# a designer's note\n", encoding="utf-8"),
        lambda path: path.write_text(
            path.read_text(encoding="utf-8").replace("kill myself", "end it all"), encoding="utf-8"
        ),
    ],
    ids=["comment", "phrase"],
)
def test_any_edit_of_the_file_parses_afresh(
    tmp_path: Path, cache: Path, parses: list[str], edit: Callable[[Path], object]
) -> None:
    content = write_content(tmp_path / "content")
    _screens(content)
    path = content / "locale" / "en" / "screening.yaml"
    edit(path)
    parses.clear()
    loaded = PhraseRules.from_dir(content / "locale", base=content)
    assert parses, "the edited file is parsed again"
    if "end it all" in path.read_text(encoding="utf-8"):
        assert loaded.screen("i want to end it all tonight", "en") == ["suicide"]
        assert loaded.screen("I want to kill myself tonight", "en") == []


def test_a_new_parser_misses_the_old_cache(
    tmp_path: Path, cache: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    content = write_content(tmp_path / "content")
    _screens(content)
    monkeypatch.setattr(phrase_cache, "FORMAT", phrase_cache.FORMAT + 1)
    parses.clear()
    _screens(content)
    assert parses


def test_the_shipped_rules_built_from_the_cache_are_the_rules_parsed_afresh(cache: Path) -> None:
    """Every phrase's source, regex and words, the typo tables and the compiled regexes."""
    path = REPO_ROOT / "locale" / "en" / "screening.yaml"
    problems: list[Problem] = []
    fresh = rules._load_file(path, "en", problems)
    assert fresh is not None and problems == []
    assert phrase_cache.load(path, path.read_bytes()) is not None, "a clean file is kept"
    cached = rules._load_file(path, "en", problems)
    assert cached is not None and problems == []
    assert cached._sources == fresh._sources
    assert cached.known == fresh.known
    assert cached.near == fresh.near
    assert [c.phrases.regex.pattern for c in cached.categories] == [
        c.phrases.regex.pattern for c in fresh.categories
    ]


def test_a_file_with_a_warning_is_never_kept_so_lint_always_shows_it(tmp_path: Path, cache: Path) -> None:
    content = write_content(tmp_path / "content")
    path = content / "locale" / "en" / "screening.yaml"
    text = path.read_text(encoding="utf-8")
    assert "[kill myself]" in text
    path.write_text(text.replace("[kill myself]", "[kill myself, kill myself]"), encoding="utf-8")
    for _ in range(2):
        warnings = [p.message for p in lint_screening(content / "locale", content) if p.severity == "warning"]
        assert any("repeats item" in m for m in warnings)
    assert phrase_cache.load(path, path.read_bytes()) is None


@pytest.mark.parametrize(
    "spoil",
    [
        lambda file: file.write_text("{not json", encoding="utf-8"),
        lambda file: file.write_bytes(b"\xff\xfe"),
        lambda file: file.write_text(json.dumps({**json.loads(file.read_text()), "key": "0" * 64})),
        lambda file: file.write_text(
            json.dumps({**json.loads(file.read_text()), "categories": {"suicide": [[[1, 2, 3, 4]]] * 5}})
        ),
        lambda file: file.write_text(json.dumps({**json.loads(file.read_text()), "categories": {"suicide": [[]]}})),
        lambda file: file.write_text("[]"),
    ],
    ids=["not-json", "not-utf8", "stale-key", "wrong-types", "wrong-shape", "not-a-mapping"],
)
def test_a_spoilt_cache_file_is_parsed_afresh_and_rewritten(
    tmp_path: Path, cache: Path, parses: list[str], spoil: Callable[[Path], object]
) -> None:
    content = write_content(tmp_path / "content")
    first = _screens(content)
    files = list(cache.glob("screening-*.json"))
    assert len(files) == 2  # en and es
    for file in files:
        spoil(file)
    parses.clear()
    assert _screens(content) == first
    assert parses
    path = content / "locale" / "en" / "screening.yaml"
    assert phrase_cache.load(path, path.read_bytes()) is not None, "rewritten"


def test_a_cache_that_cannot_be_written_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=phrase_cache.__name__)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("REDIRECTION_BOT_CACHE", str(blocker / "cache"))
    content = write_content(tmp_path / "content")
    assert _screens(content) == ["suicide"]
    assert "not cached" in caplog.text


def test_an_empty_setting_turns_the_cache_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    monkeypatch.setenv("REDIRECTION_BOT_CACHE", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    content = write_content(tmp_path / "content")
    _screens(content)
    parses.clear()
    _screens(content)
    assert parses, "parsed again: nothing was kept"
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


def test_without_a_setting_the_cache_is_the_users_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REDIRECTION_BOT_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert phrase_cache.cache_dir() == tmp_path / "xdg" / "redirection-bot"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert phrase_cache.cache_dir() == tmp_path / "home" / ".cache" / "redirection-bot"
