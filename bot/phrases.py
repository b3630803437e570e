"""The phrase language of ``screening.yaml``: words, never regular expressions.

    kill myself                  words, in this order (case, accents and letter repeats ignored)
    (want|wanna|going to) die    one of the alternatives; each is one or more words
    [really|so] alone            optional: one of these words, or nothing
    hate * life                  a gap of up to 3 words (``*5``: up to 5; at most 6)
    suicid*                      any word that starts with ``suicid``
    i am {10-17}                 a whole number in a range (``{15}``: exactly 15)
    (hurt|touch) <child>         any entry of the word set ``child`` (``sets:`` in the file)

A phrase compiles to an RE2 expression over folded text (see :func:`fold`), so matching takes
time linear in the text whatever a designer writes: there is no backtracking to abuse. Groups
nest (three deep at most); anything else (``.``, ``?``, ``\\``, ``+`` ...) is a
:class:`PhraseError` whose ``column`` points at the offending character.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from bot.errors import ContentError
from bot.problems import did_you_mean

__all__ = [
    "MAX_GAP",
    "Phrase",
    "PhraseError",
    "RunMemo",
    "ascii_words",
    "fold",
    "parse_phrase",
    "parse_set",
    "squeeze",
    "strip_accents",
    "strip_accents_reference",
    "tokens",
    "units",
    "words",
]

MAX_GAP = 6
"""The widest gap (``*6``) a phrase may leave between two words."""
DEFAULT_GAP = 3
MAX_RANGE = 120
MAX_PHRASE_CHARS = 500

# combining marks (accents, once NFKD has split them off) and apostrophes: "don't" -> "dont"
_DROP = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f'`\u2019\u00b4]"
)
JOKE_EMOJI = "\U0001f602\U0001f923\U0001f606\U0001f639\U0001f926\U0001f644"
"""Emoji read as the word ``lol`` (session 32): tears of joy, rolling on the floor, grinning
squint, cat with tears of joy, face palm, eye roll. Every other emoji is not a word, so
"powieszę się na choince 😂" read as a plain threat while the same words with "xd" or "lol"
did not; now the phrases written with ``lol`` (jokes, hyperbole) see them, and so does the
learned stage. Not 🙃 or 😅: people in crisis use them ("a treat before the big sleep 🙃")."""
_SPECIAL = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe", "\u0131": "i", "\u2018": ""}
    | dict.fromkeys("¿¡«»“”„…\u2013\u2014•·", " ")  # so most Spanish text is ASCII once folded
    | dict.fromkeys(JOKE_EMOJI, " lol ")
)
_REPEAT = re.compile(r"([^\W\d_])\1+")
_DOUBLE = re.compile(r"([^\W\d_])\1")
_TOKEN = re.compile(r"\d+|[^\W\d_]+")
_WORD = re.compile(r"[^\W_]+")
_WORD_ASCII = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Text as the screener sees it: lower case, no accents or apostrophes, letter runs squeezed.

    >>> fold("Kiiill myselff, I'M 15yo!")
    'kil myself, im 15yo!'
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    return _REPEAT.sub(r"\1", _DROP.sub("", text).translate(_SPECIAL))


def words(text: str) -> list[str]:
    """Words as typed, before squeezing: lower case, no accents or apostrophes (fast path).

    >>> words("Don't KIIILL my-self, 15yo!")
    ['dont', 'kiiill', 'my', 'self', '15yo']
    """
    text = text.casefold()
    if text.isascii():  # the common case, and a regex with ASCII classes is faster
        return _WORD_ASCII.findall(text.replace("'", "").replace("`", ""))
    return _WORD.findall(strip_accents(text))


def strip_accents(text: str) -> str:
    """Lower case, without accents, apostrophes or typographic punctuation: the folding of
    :func:`words` before it splits. ``"¿Tengo 15 AÑOS?"`` -> ``" tengo 15 anos?"``.

    The same as :func:`strip_accents_reference`: ``str.translate`` with a dict looks every
    character up one by one once the text is not ASCII (a single "¿" was enough), about 0.2 µs
    a character; here only the few typographic characters are replaced, found by one
    precompiled regex, and ASCII text skips that too (session 22)."""
    plain = _DROP.sub("", unicodedata.normalize("NFKD", text.casefold()))
    return plain if plain.isascii() else _SPECIAL_FOUND.sub(_special, plain)


def strip_accents_reference(text: str) -> str:
    """:func:`strip_accents` as it was written before session 22 (the tests compare them)."""
    return _DROP.sub("", unicodedata.normalize("NFKD", text.casefold())).translate(_SPECIAL)


_SPECIAL_TEXT = {chr(k): str(v) for k, v in _SPECIAL.items()}
_SPECIAL_FOUND = re.compile("[" + re.escape("".join(_SPECIAL_TEXT)) + "]")


def _special(m: re.Match[str]) -> str:
    return _SPECIAL_TEXT[m.group()]


_ASCII_FOLD = bytes(
    c + 32 if 65 <= c <= 90 else c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256)
)


def ascii_words(text: str) -> list[bytes] | None:
    """:func:`words` for ASCII text, as bytes and several times faster; None for other text."""
    if not text.isascii():
        return None
    return text.encode().translate(_ASCII_FOLD, b"'`").split()


def squeeze(word: str) -> list[str]:
    """One typed word as screening tokens: letter runs squeezed, digits and letters parted.

    >>> squeeze("15yo"), squeeze("kiiill"), squeeze("myself")
    (['15', 'yo'], ['kil'], ['myself'])
    """
    if word.isalpha() and _DOUBLE.search(word) is None:
        return [word]
    return _TOKEN.findall(_REPEAT.sub(r"\1", word))


def tokens(text: str) -> list[str]:
    """The screening tokens of a text (``15yo`` -> ``15``, ``yo``; ``kiiill`` -> ``kil``)."""
    return [t for w in words(text) for t in squeeze(w)]


# the ASCII path of units(): a letter before the same letter goes (a run squeezed to one), and
# digits and letters that touch are parted
_RUN_ASCII = re.compile(rb"([a-z])(?=\1)")
_DIGITS = bytes(range(48, 58))
_NOT_DIGITS = bytes(c for c in range(256) if c not in _DIGITS)
_PART_ASCII = re.compile(rb"(?<=[0-9])(?=[a-z])|(?<=[a-z])(?=[0-9])")


def units(text: str) -> bytes:
    """:func:`tokens` as the units a phrase regex searches (``b" kil  myself  15  yo "``, UTF-8):
    the same bytes as ``f" {'  '.join(tokens(text))} ".encode()``, several times faster on the
    ASCII text most messages are once their accents are gone (a whole-text pass, not a word
    at a time)."""
    if not text.isascii():
        plain = strip_accents(text.casefold())  # as words() folds it
        if not plain.isascii() or plain != plain.lower():  # ("\u3392" folds to "MHz")
            return f" {'  '.join(tokens(text))} ".encode()
        text = plain
    folded = _RUN_ASCII.sub(b"", text.encode().translate(_ASCII_FOLD, b"'`"))
    if folded.translate(None, _NOT_DIGITS):  # digits somewhere: part them from letters
        folded = _PART_ASCII.sub(b" ", folded)
    return b" " + b"  ".join(folded.split()) + b" "


class PhraseError(ContentError, ValueError):
    """A phrase that is not in the phrase language; ``column`` is 0-based in the phrase."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column
        self.entry = 0


@dataclass(frozen=True, slots=True)
class Phrase:
    """A parsed phrase: its RE2 source, the whole tokens it names (for typo correction) and
    the words as the designer spelt them (looked up before squeezing, which is slower)."""

    source: str
    regex: str
    words: frozenset[str]
    spellings: frozenset[str] = frozenset()


# Folded text is held as units " word ", one after another (" i  want  to  die "), so every
# piece of a phrase is a whole number of units and a match never shares a space with another.
_GAP_UNIT = "(?: [^ ]+ )"

_HELP = "write words, (a|b), [optional], *, word*, {13-17} or <set>"


def parse_set(
    entries: list[str], aliases: Mapping[str, str] | None = None, memo: RunMemo | None = None
) -> Phrase:
    """A word set: a list of phrases (without ``<set>``), any one of which matches.

    Raises :class:`PhraseError` whose ``entry`` is the index of the faulty entry.
    """
    alts: list[str] = []
    found: set[str] = set()
    spellings: set[str] = set()
    for i, entry in enumerate(entries):
        try:
            phrase = parse_phrase(entry, aliases=aliases, memo=memo)
        except PhraseError as err:
            err.entry = i
            raise
        alts.append(phrase.regex)
        found.update(phrase.words)
        spellings.update(phrase.spellings)
    return Phrase("", "(?:" + "|".join(alts) + ")", frozenset(found), frozenset(spellings))


def parse_phrase(
    source: str,
    sets: Mapping[str, Phrase] | None = None,
    aliases: Mapping[str, str] | None = None,
    memo: RunMemo | None = None,
) -> Phrase:
    """Parse one phrase; raises :class:`PhraseError` at the first mistake. ``aliases`` (a typed
    word, folded, -> the words it is read as) read the phrase's words as typed text is read, so
    a phrase that spells a text-speak word ("mun") matches it ("minun" once read). ``memo``, a
    dict kept across the phrases of one file (one ``aliases``), remembers each plain word
    once read: a language's phrases name the same words tens of thousands of times."""
    if not source.strip():
        raise PhraseError("empty phrase", 0)
    if len(source) > MAX_PHRASE_CHARS:
        raise PhraseError(f"phrase is longer than {MAX_PHRASE_CHARS} characters", MAX_PHRASE_CHARS)
    parser = _Parser(source, sets or {}, aliases or {}, {} if memo is None else memo)
    parts, required = parser.sequence(0, "")
    if not required:
        raise PhraseError("a phrase needs at least one word that is not optional", 0)
    if parts[0].startswith(_GAP_UNIT):
        raise PhraseError("a phrase cannot start with a gap", source.index("*"))
    if parts[-1].startswith(_GAP_UNIT):
        raise PhraseError("a phrase cannot end with a gap", source.rindex("*"))
    return Phrase(source, "".join(parts), frozenset(parser.words), frozenset(parser.spellings))


_PLAIN_RUN = re.compile(r"[^\s()\[\]{}<>|]+")
"""A run of plain phrase text: up to a space or a bracket."""

RunMemo = dict[str, "tuple[tuple[str, ...], frozenset[str], frozenset[str]] | PhraseError"]
"""A plain phrase word (a run up to a space or bracket) -> its RE2 units, whole tokens and
typed words (or its error, placed within the run), for one ``aliases`` mapping:
:func:`parse_phrase`'s ``memo``."""


class _Parser:
    """Recursive descent over one phrase; ``pos`` is the next character to read."""

    def __init__(
        self, source: str, sets: Mapping[str, Phrase], aliases: Mapping[str, str], memo: RunMemo
    ) -> None:
        self.source = source
        self.sets = sets
        self.aliases = aliases
        self.memo = memo
        self.words: set[str] = set()
        self.spellings: set[str] = set()
        self.pos = 0

    def sequence(self, depth: int, stops: str) -> tuple[list[str], bool]:
        """Items up to one of ``stops`` (not consumed); also whether one is required."""
        src, n = self.source, len(self.source)
        parts: list[str] = []
        required = False
        while self.pos < n and src[self.pos] not in stops:
            i = self.pos
            c = src[i]
            if c.isspace():
                self.pos += 1
            elif c in "([":
                parts.append(self.group(depth))
                required = required or c == "("
            elif c in ")]|>}":
                raise PhraseError(f"'{c}' without an opening bracket before it", i)
            elif c == "<":
                end = src.find(">", i)
                name = src[i + 1 : end] if end > 0 else ""
                if end < 0 or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                    raise PhraseError("'<' starts a set name like <child>, closed by '>'", i)
                if name not in self.sets:
                    raise PhraseError(f"unknown set '<{name}>'{did_you_mean(name, self.sets)}", i)
                parts.append(self.sets[name].regex)
                self.words.update(self.sets[name].words)
                self.spellings.update(self.sets[name].spellings)
                required = True
                self.pos = end + 1
            elif c == "{":
                end = src.find("}", i)
                if end < 0:
                    raise PhraseError("'{' without a closing '}'", i)
                parts.append(_number_range(src[i + 1 : end], i))
                required = True
                self.pos = end + 1
            elif c == "*":
                j = i + 1
                while j < n and src[j].isdigit():
                    j += 1
                width = int(src[i + 1 : j]) if j > i + 1 else DEFAULT_GAP
                if j < n and not (src[j].isspace() or src[j] in stops):
                    raise PhraseError("a gap '*' stands alone (write 'suicid*' for a prefix)", i)
                if not 1 <= width <= MAX_GAP:
                    raise PhraseError(f"a gap is 1 to {MAX_GAP} words wide, not {width}", i)
                parts.append(f"{_GAP_UNIT}{{0,{width}}}")
                self.pos = j
            else:
                run = _PLAIN_RUN.match(src, i)  # c is plain text: the run is never empty
                j = run.end() if run else i + 1
                read = self.memo.get(src[i:j])
                if read is None:
                    try:
                        some, names, spelt = _words(src[i:j], self.aliases)
                        read = (tuple(some), frozenset(names), frozenset(spelt))
                    except PhraseError as err:
                        read = err
                    self.memo[src[i:j]] = read
                if isinstance(read, PhraseError):
                    raise PhraseError(str(read), i + read.column)
                seq, seq_words, typed = read
                parts.extend(seq)
                self.words.update(seq_words)
                self.spellings.update(typed)
                required = True
                self.pos = j
        return parts, required

    def group(self, depth: int) -> str:
        src, start = self.source, self.pos
        opener = src[start]
        close = ")" if opener == "(" else "]"
        if depth >= 3:
            raise PhraseError("groups nest at most 3 deep", start)
        alts: list[str] = []
        self.pos += 1
        while True:
            at = self.pos
            parts, required = self.sequence(depth + 1, "|)]")
            if not parts:
                raise PhraseError(f"empty alternative in '{opener}...{close}'", at)
            if not required:
                raise PhraseError("an alternative needs a word (a gap alone matches anything)", at)
            alts.append("".join(parts))
            if self.pos >= len(src):
                raise PhraseError(f"'{opener}' without a closing '{close}'", start)
            c = src[self.pos]
            self.pos += 1
            if c == close:
                break
            if c != "|":
                raise PhraseError(f"'{c}' closes a group opened by '{opener}'", self.pos - 1)
        group = "(?:" + "|".join(alts) + ")"
        return group if opener == "(" else group + "?"


def _words(text: str, aliases: Mapping[str, str]) -> tuple[list[str], set[str], set[str]]:
    """RE2 units for plain words (``word``, ``word*``), the whole tokens among them and the
    words as typed; a word that is an alias stands for the words it is read as. Errors are
    placed within ``text``."""
    regexes: list[str] = []
    found: set[str] = set()
    spellings: set[str] = set()
    for m in re.finditer(r"\S+", text):
        raw = m.group()
        reading = _alias_reading(raw, aliases) if aliases else None
        try:
            for word in reading.split() if reading else (raw,):
                some, tokens_found, typed = _word(word)
                regexes.extend(some)
                found.update(tokens_found)
                spellings.update(typed)
        except PhraseError as err:
            raise PhraseError(str(err), m.start() + (0 if reading else err.column)) from None
    return regexes, found, spellings


def _alias_reading(raw: str, aliases: Mapping[str, str]) -> str | None:
    """What a whole phrase word (not ``word*``) is read as, if it is an alias."""
    if raw.endswith("*"):
        return None
    typed = _typed(raw)
    return aliases.get(typed) if typed else None


@functools.cache
def _typed(raw: str) -> str | None:
    """A plain phrase word folded as a typed word, or None if it folds to several."""
    typed = words(raw)
    return typed[0] if len(typed) == 1 else None


@functools.cache
def _word(raw: str) -> tuple[tuple[str, ...], frozenset[str], frozenset[str]]:
    """One plain word of a phrase: its RE2 units, the whole tokens it names, and the words as
    typed (errors placed within ``raw``). Cached: the catalogs repeat words thousands of times,
    and parsing them is most of the screener's start-up."""
    prefix = raw.endswith("*") and len(raw) > 1
    body = raw[:-1] if prefix else raw
    for k, ch in enumerate(body):
        if ch == "?":
            raise PhraseError(
                "'?' is not part of the phrase language: write [a|b] for optional words", k
            )
        if not (ch.isalnum() or ch in "'\u2019-"):
            raise PhraseError(f"'{ch}' is not part of the phrase language ({_HELP})", k)
    pieces = tokens(body)
    if not pieces:
        raise PhraseError(f"'{raw}' has no letters or digits", 0)
    regexes: list[str] = []
    found: set[str] = set()
    for k, piece in enumerate(pieces):
        if prefix and k == len(pieces) - 1:
            regexes.append(f" {re.escape(piece)}[^ ]* ")
        else:
            regexes.append(f" {re.escape(piece)} ")
            found.add(piece)
    return tuple(regexes), frozenset(found), frozenset(words(body))


def _number_range(body: str, at: int) -> str:
    m = re.fullmatch(r"\s*(\d{1,3})\s*(?:-\s*(\d{1,3})\s*)?", body)
    if m is None:
        raise PhraseError(f"'{{{body}}}' is not a number range like {{13-17}}", at)
    lo = int(m.group(1))
    hi = int(m.group(2)) if m.group(2) else lo
    if lo > hi or hi - lo > MAX_RANGE:
        raise PhraseError(
            f"'{{{body}}}' is not a range from low to high (at most {MAX_RANGE} apart)", at
        )
    return f" (?:{_range_regex(lo, hi)}) "


def _range_regex(lo: int, hi: int) -> str:
    """A compact regex for lo..hi: ``10-17`` -> ``1[0-7]``, ``1-15`` -> ``[1-9]|1[0-5]``.

    Numbers that share all but their last digit become one character class, which keeps the
    compiled program (and RE2's DFA) small where a set of ages is used many times.
    """
    groups: dict[str, list[int]] = {}
    for v in range(lo, hi + 1):
        text = str(v)
        groups.setdefault(text[:-1], []).append(int(text[-1]))
    alts = []
    for head, digits in groups.items():
        first, last = digits[0], digits[-1]  # contiguous, as the range is
        alts.append(head + (str(first) if first == last else f"[{first}-{last}]"))
    return "|".join(alts)
