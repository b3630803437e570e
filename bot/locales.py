"""Translation status: per language, keys missing, and keys whose English changed since they were
translated.

Each translated language keeps a record, ``locale/<lang>/translated.yaml``, of the English text
each message was translated from, as a short hash::

    welcome.hello: "3f2a9c1b"      # sha256 of the English text, first 8 hex digits

``redirection-bot locales --mark-translated es [KEY...]`` writes it once a translator has done
(or checked) a message; when the English text later changes, its hash no longer matches and the
key shows as *changed*. See docs/translation.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalog import Catalog
from bot.content import TRANSLATED_FILE, Content
from bot.errors import ContentError
from bot.problems import did_you_mean
from bot.yamlsource import YamlError, load_yaml

__all__ = [
    "SOURCE",
    "LanguageStatus",
    "mark_translated",
    "read_record",
    "render_status",
    "source_hash",
    "translation_status",
]

SOURCE = "en"
"""The language every other one is translated from."""

_HEADER = (
    "# The English text each message here was translated from, as a short hash (sha256, 8 hex\n"
    "# digits). Written by `redirection-bot locales --mark-translated {lang} [KEY...]` when a\n"
    "# translator has done or checked a message; see docs/translation.md. Not shown to users.\n"
)


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def read_record(lang_dir: Path) -> dict[str, str]:
    """``key -> hash`` from ``lang_dir/translated.yaml`` (empty when there is none)."""
    path = lang_dir / TRANSLATED_FILE
    if not path.exists():
        return {}
    try:
        data = load_yaml(path).data
    except YamlError as err:
        raise ContentError(str(err.problem)) from err
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ContentError(f"{path}: expected a mapping of key: hash")
    return {str(k): str(v) for k, v in data.items()}


@dataclass
class LanguageStatus:
    language: str
    name: str
    needs_review: bool
    keys: int
    missing: list[str] = field(default_factory=list)
    """In English, not in this language."""
    changed: list[str] = field(default_factory=list)
    """Translated from an English text that has changed since."""
    unmarked: list[str] = field(default_factory=list)
    """Translated, with no record of the English it came from."""
    extra: list[str] = field(default_factory=list)
    """In this language, not in English."""

    @property
    def up_to_date(self) -> bool:
        return not (self.missing or self.changed or self.extra)


def translation_status(content: Content, locale_dir: Path) -> list[LanguageStatus]:
    """The status of every language but the source, in folder order."""
    source = content.catalogs.get(SOURCE)
    if source is None:
        raise ContentError(f"no '{SOURCE}' catalog to compare with (in {locale_dir})")
    out = []
    for lang, catalog in content.catalogs.items():
        if lang == SOURCE:
            continue
        record = read_record(locale_dir / lang)
        status = LanguageStatus(lang, catalog.meta.name, catalog.meta.needs_review,
                                len(catalog.messages))
        for key, template in source.messages.items():
            if key not in catalog.messages:
                status.missing.append(key)
            elif key not in record:
                status.unmarked.append(key)
            elif record[key] != source_hash(template.source):
                status.changed.append(key)
        status.extra = [k for k in catalog.messages if k not in source.messages]
        for keys in (status.missing, status.changed, status.unmarked, status.extra):
            keys.sort()
        out.append(status)
    return out


def mark_translated(content: Content, locale_dir: Path, lang: str,
                    keys: list[str] | None = None) -> list[str]:
    """Record that ``keys`` of ``lang`` (all its keys when None) are translated from the current
    English; returns the keys marked. Other keys' records are kept."""
    source = content.catalogs.get(SOURCE)
    catalog: Catalog | None = content.catalogs.get(lang)
    if source is None or catalog is None or lang == SOURCE:
        known = [c for c in content.catalogs if c != SOURCE]
        raise ContentError(
            f"cannot mark '{lang}'{did_you_mean(lang, known)}: translated languages are "
            f"{', '.join(known) or 'none'}"
        )
    wanted = keys if keys else [k for k in catalog.messages if k in source.messages]
    for key in wanted:
        if key not in source.messages:
            raise ContentError(
                f"'{key}' is not an English message{did_you_mean(key, source.messages)}"
            )
        if key not in catalog.messages:
            raise ContentError(f"'{key}' has no '{lang}' text yet: translate it first")
    record = read_record(locale_dir / lang)
    for key in wanted:
        record[key] = source_hash(source.messages[key].source)
    record = {k: v for k, v in record.items() if k in source.messages}
    lines = [_HEADER.format(lang=lang)]
    lines += [f'{key}: "{record[key]}"\n' for key in sorted(record)]
    (locale_dir / lang / TRANSLATED_FILE).write_text("".join(lines), encoding="utf-8")
    return sorted(wanted)


def render_status(
    statuses: list[LanguageStatus], content: Content, *, verbose: bool = False
) -> str:
    """The report ``redirection-bot locales`` prints."""
    source = content.catalogs[SOURCE]
    lines = [f"{SOURCE} ({source.meta.name}): {len(source.messages)} keys (the source)"]
    for st in statuses:
        review = ", needs review" if st.needs_review else ""
        lines.append(
            f"{st.language} ({st.name}{review}): {st.keys} keys; {len(st.missing)} missing, "
            f"{len(st.changed)} changed in English since translated, "
            f"{len(st.unmarked)} never marked"
            + (f", {len(st.extra)} not in English" if st.extra else "")
        )
        catalog = content.catalogs[st.language]
        for key in st.missing:
            lines.append(f"  missing  {key}  (English at {source.places[key]})")
        for key in st.changed:
            lines.append(f"  changed  {key}  ({catalog.places[key]}; English at "
                         f"{source.places[key]})")
        for key in st.extra:
            lines.append(f"  extra    {key}  ({catalog.places[key]})")
        if st.unmarked and verbose:
            lines += [f"  unmarked {key}  ({catalog.places[key]})" for key in st.unmarked]
        elif st.unmarked:
            lines.append(f"  ({len(st.unmarked)} never marked: list them with --verbose; after "
                         f"checking, `redirection-bot locales --mark-translated {st.language}`)")
    return "\n".join(lines) + "\n"
