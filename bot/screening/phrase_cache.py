"""Parsed screening phrases kept between start-ups, so a start-up compiles them without parsing.

Parsing a language's ``screening.yaml`` (about 2,000 phrases and their word sets) into RE2
source took about 1.3 of the 2.9 CPU seconds the four languages' phrase rules took to load
(session 17, docs/screening.md). The parse depends only on the file and the parser, so its result
is kept in a small JSON file per ``screening.yaml`` and reused while both are unchanged.

- **What it holds:** each phrase as the designers wrote it, its RE2 source, and the words it
  names. Nothing a user types, nothing about a conversation (P1): it is content, derived.
- **When it is used:** only when its key matches: a hash of the ``screening.yaml`` bytes, of
  the parser's source (:mod:`bot.phrases`, :mod:`bot.screening.rules`, this module) and of
  :data:`FORMAT`. Any edit misses and parses afresh; live reload and lint see every edit.
  Only a file that parsed without a problem (not even a warning) is kept, so lint never loses one.
- **Where:** ``$REDIRECTION_BOT_CACHE`` if set (empty turns the cache off), else
  ``$XDG_CACHE_HOME/redirection-bot`` or ``~/.cache/redirection-bot``; one file per
  ``screening.yaml`` path, rewritten in place when the key changes.
- **When it fails:** a missing, unreadable, malformed or stale file is a miss; a directory that
  cannot be written is ignored. Start-up is then as slow as without the cache, never wrong.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from bot import phrases

__all__ = ["FORMAT", "cache_dir", "load", "store"]

FORMAT = 1
"""Bump when the cached form changes shape (the parser's own changes change the key anyway)."""

_log = logging.getLogger(__name__)

Entry = tuple[str, str, list[str], list[str]]
"""One phrase: as written, its RE2 source, the tokens it names, the words as spelt."""

_Cached = TypeAdapter(dict[str, tuple[list[Entry], list[Entry], list[Entry], list[Entry], list[Entry]]])
"""Category -> its five lists (``rules.KINDS``) of :data:`Entry`."""

Parsed = dict[str, tuple[list[phrases.Phrase], ...]]
"""Category -> its parsed phrases, unless, ask_when, closed_by and ask phrases (``rules.KINDS``)."""


def cache_dir() -> Path | None:
    """Where the cache lives, or None when ``$REDIRECTION_BOT_CACHE`` is set empty (off)."""
    chosen = os.environ.get("REDIRECTION_BOT_CACHE")
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "redirection-bot"


def _parser_digest() -> bytes:
    h = hashlib.sha256(f"format {FORMAT}\n".encode())
    for module in (phrases.__file__, Path(__file__).with_name("rules.py"), __file__):
        h.update(Path(module).read_bytes())
    return h.digest()


def _place(path: Path, content: bytes) -> tuple[Path, str] | None:
    """The cache file for ``path`` and the key its entry must carry for ``content``; None when off."""
    where = cache_dir()
    if where is None:
        return None
    try:
        parser = _parser_digest()
    except OSError:
        return None
    name = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:24]
    return where / f"screening-{name}.json", hashlib.sha256(parser + content).hexdigest()


def load(path: Path, content: bytes) -> Parsed | None:
    """The parsed phrases of ``path`` (a ``screening.yaml`` whose bytes are ``content``) if the
    cache holds them for those bytes and this parser; otherwise None."""
    place = _place(path, content)
    if place is None:
        return None
    file, key = place
    try:
        stored = json.loads(file.read_bytes())
        if not isinstance(stored, dict) or stored.get("key") != key:
            return None
        cats = _Cached.validate_python(stored.get("categories"))
    except (OSError, ValueError, ValidationError):  # missing, unreadable or malformed: parse
        return None
    return {
        cat: tuple(
            [phrases.Phrase(src, regex, frozenset(words), frozenset(spelt)) for src, regex, words, spelt in kind]
            for kind in lists
        )
        for cat, lists in cats.items()
    }


def store(path: Path, content: bytes, parsed: Parsed) -> None:
    """Keep ``parsed``, parsed from ``content`` (the bytes of ``path`` as read for the parse, so an
    edit saved meanwhile is never keyed to an older parse); a failure to write is logged and ignored."""
    place = _place(path, content)
    if place is None:
        return
    file, key = place
    body = {
        "key": key,
        "categories": {
            cat: [
                [[p.source, p.regex, sorted(p.words), sorted(p.spellings)] for p in kind]
                for kind in lists
            ]
            for cat, lists in parsed.items()
        },
    }
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".screening-", suffix=".tmp")
        try:
            os.fchmod(fd, 0o644)  # content, not secret: an image built as root serves as a user
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(body, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        _log.info("screening phrases not cached (start-up parses them each time): %s", err.strerror)
