"""Locale catalogs: every user-visible string, one folder per language.

    locale/en/language.yaml    metadata and command words (help, menu, end)
    locale/en/*.yaml           messages: ``key: text``, with ``{slot}`` for the user's own words

A slot's value is inserted literally, once: text the user typed can never be read as a
placeholder, and control characters are removed before it is stored (see ``clean_text``).
Braces that are not a placeholder are written ``{{`` and ``}}``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bot.errors import ContentError
from bot.problems import Place

__all__ = [
    "COMMANDS",
    "Catalog",
    "LanguageMeta",
    "Template",
    "TemplateError",
    "clean_text",
    "command_key",
    "normalise",
]

COMMANDS = ("help", "menu", "end")
"""Global commands a user can type anywhere; their words are in each ``language.yaml``."""

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_SLOT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class TemplateError(ContentError, ValueError):
    """A message whose braces do not form valid ``{slot}`` placeholders."""


class Template:
    """A message compiled once: literal parts and slot names, alternating."""

    __slots__ = ("parts", "slots", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        parts: list[str] = []
        slots: list[str] = []
        text: list[str] = []
        pos = 0
        for m in _PLACEHOLDER.finditer(source):
            text.append(source[pos : m.start()])
            pos = m.end()
            token = m.group(0)
            if token == "{{":
                text.append("{")
            elif token == "}}":
                text.append("}")
            elif m.group(1) is None:
                raise TemplateError(f"unmatched '{token}' (write '{token * 2}' for a brace)")
            else:
                name = m.group(1).strip()
                if not _SLOT_NAME.match(name):
                    raise TemplateError(
                        f"'{{{m.group(1)}}}' is not a slot name (lower case, digits, _)"
                    )
                parts.append("".join(text))
                text = []
                slots.append(name)
        text.append(source[pos:])
        parts.append("".join(text))
        self.parts = tuple(parts)
        self.slots = tuple(slots)

    def render(self, slots: Mapping[str, str] | None) -> str:
        if not self.slots:
            return self.parts[0]
        values = slots or {}
        out = [self.parts[0]]
        for name, part in zip(self.slots, self.parts[1:], strict=True):
            out.append(values.get(name, ""))
            out.append(part)
        return "".join(out)


Word = Annotated[str, StringConstraints(min_length=1, max_length=40)]


class LanguageMeta(BaseModel):
    """``locale/<lang>/language.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
    name: Annotated[str, StringConstraints(min_length=1)]
    needs_review: bool = False
    review_note: str | None = None
    commands: dict[str, list[Word]] = Field(default_factory=dict)


@dataclass
class Catalog:
    """One language: its metadata, its messages and where each message was written."""

    meta: LanguageMeta
    messages: dict[str, Template] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    """Message key -> the file (relative name) it is written in."""

    @property
    def language(self) -> str:
        return self.meta.language

    def command_words(self) -> dict[str, str]:
        """Normalised word -> command, for matching typed input."""
        return {command_key(w): cmd for cmd, words in self.meta.commands.items() for w in words}


_CONTROL = {c for c in range(0x20)} - {0x0A}
_STRIP = dict.fromkeys([*_CONTROL, 0x7F, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def clean_text(text: str) -> str:
    """User text made safe to keep and show: NFC, no control or bidi-override characters,
    runs of blank space folded, trimmed."""
    text = unicodedata.normalize("NFC", text).translate(_STRIP)
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def command_key(text: str) -> str:
    """How typed text is matched against command words: normalised, or, for a word of
    punctuation only (``?``), the word itself; never the empty string."""
    return normalise(text) or text.strip()


def normalise(text: str) -> str:
    """Text as compared for commands and typed choices: case, accents and punctuation ignored."""
    folded = text.casefold()
    if not folded.isascii():  # ASCII has no accents to strip: most typed text skips this
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_PUNCT.sub(" ", folded).split())
