"""Catalog templates: slots are put in literally, once; user text is cleaned before it is kept."""

from __future__ import annotations

import pytest

from bot.catalog import Template, TemplateError, clean_text, normalise


def test_a_template_puts_slot_values_in_literally() -> None:
    tpl = Template("You wrote: {reason}. {{not a slot}}")
    assert tpl.slots == ("reason",)
    assert tpl.render({"reason": "{reason} {0.__class__} <script>"}) == (
        "You wrote: {reason} {0.__class__} <script>. {not a slot}"
    )


def test_a_missing_slot_renders_empty() -> None:
    assert Template("a{x}b").render(None) == "ab"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param("oops {", "unmatched '{'", id="open"),
        pytest.param("oops }", "unmatched '}'", id="close"),
        pytest.param("{Reason}", "'{Reason}' is not a slot name", id="upper-case"),
        pytest.param("{0.__class__}", "is not a slot name", id="format-attack"),
        pytest.param("{}", "'{}' is not a slot name", id="empty"),
    ],
)
def test_a_malformed_template_is_refused(source: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message.replace("{", "\\{").replace("}", "\\}").replace(".", "\\.")):
        Template(source)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        pytest.param("  hello   world \t", "hello world", id="spaces"),
        pytest.param("a\x00b\x1bc\x7fd", "abcd", id="control"),
        pytest.param("safe\u202eevil", "safeevil", id="bidi-override"),
        pytest.param("line one\nline two", "line one\nline two", id="newline-kept"),
        pytest.param("cafe\u0301", "café", id="nfc"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("typed", "normal"),
    [("  Menú!! ", "menu"), ("I'M READY", "i m ready"), ("Sí", "si"), ("2.", "2")],
)
def test_normalise_ignores_case_accents_and_punctuation(typed: str, normal: str) -> None:
    assert normalise(typed) == normal


@pytest.mark.parametrize(
    "typed",
    ["I Am So Tired", "Tell me MORE!!", "  18 or over ", "Kyllä, juuri niin", "ÑANDÚ", "Łódź żółć", "naïve café", "?"],
)
def test_normalise_ignores_case_accents_and_punctuation_whatever_the_script(typed: str) -> None:
    import re
    import unicodedata

    from bot.catalog import normalise

    decomposed = unicodedata.normalize("NFKD", typed.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    assert normalise(typed) == " ".join(re.sub(r"[^\w\s]", " ", plain).split())
