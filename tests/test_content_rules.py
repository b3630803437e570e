"""The content rules a machine can check, run on the shipped ``flows/`` and ``locale/``.

Each rule is a small function returning what breaks it (empty when the content is fine); each
is run once on the shipped content and once on a fixture that breaks it, so a rule that can no
longer fail is noticed. The rules come from the content guide (docs/content-guide.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pytest

from bot.catalog import Catalog, LanguageMeta, Template
from bot.content import Content
from bot.flow import AskState, Flow
from bot.lint import lint_paths
from bot.paths import REPO_ROOT

MAX_BUBBLE = 280
PRIVACY_REMINDER = "common.privacy_reminder"

FORBIDDEN = [
    ("child porn", re.compile(r"child\s*-?\s*porn", re.IGNORECASE)),
    ("kiddie", re.compile(r"kiddie", re.IGNORECASE)),
    ("CP", re.compile(r"\bCP\b")),
    ("pornografía infantil", re.compile(r"pornograf[ií]a\s+infantil", re.IGNORECASE)),
]
"""Terms the program never uses, in any language; say "child sexual abuse material"."""

NOT_MODULES = re.compile(r"^(help|crisis_.*|report_material|lapse)$")
"""Menu entries that are not program modules (no recap expected; the lapse path is a path)."""


# -- the rules --------------------------------------------------------------------------------


def forbidden_terms(catalogs: Mapping[str, Catalog]) -> list[str]:
    return [
        f"{lang}: {key}: '{name}'"
        for lang, cat in catalogs.items()
        for key, tpl in cat.messages.items()
        for name, pattern in FORBIDDEN
        if pattern.search(tpl.source)
    ]


def long_bubbles(catalogs: Mapping[str, Catalog], limit: int = MAX_BUBBLE) -> list[str]:
    return [
        f"{lang}: {key}: {len(tpl.source)} characters"
        for lang, cat in catalogs.items()
        for key, tpl in cat.messages.items()
        if len(tpl.source) > limit
    ]


def asks_without_privacy_reminder(flows: Iterable[Flow]) -> list[str]:
    return [
        f"{flow.flow}.{name}"
        for flow in flows
        for name, state in flow.states.items()
        if isinstance(state, AskState) and PRIVACY_REMINDER not in {r.key for r in state.say}
    ]


def is_stub(flow: Flow) -> bool:
    """Placeholders still to be written say so in their description: ``(stub, to be written)``."""
    return "(stub" in (flow.description or "")


def modules(content: Content) -> list[Flow]:
    """The program's modules: what the menu offers, less help, crisis paths and stubs."""
    assert content.program is not None
    menu = content.flows[content.program.menu]
    ids = [
        opt.flow
        for state in menu.states.values()
        for opt in getattr(state, "options", None) or ()
        if opt.flow is not None and not NOT_MODULES.match(opt.flow)
    ]
    return [content.flows[i] for i in ids if not is_stub(content.flows[i])]


def modules_without_recap(flows: Iterable[Flow], menu: str = "menu") -> list[str]:
    """A module ends in a ``recap`` state offering the menu and a way on (the next module)."""
    out = []
    for flow in flows:
        recap = flow.states.get("recap")
        options = getattr(recap, "options", None) or ()
        targets = [opt.flow for opt in options]
        if recap is None or menu not in targets or len(options) < 2:
            out.append(flow.flow)
    return out


def key_differences(catalogs: Mapping[str, Catalog]) -> list[str]:
    every = set().union(*(cat.messages for cat in catalogs.values()))
    return sorted(
        f"{lang}: missing {key}"
        for lang, cat in catalogs.items()
        for key in every - set(cat.messages)
    )


# -- the shipped content ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> tuple[Content, list[str]]:
    content, problems = lint_paths(REPO_ROOT / "flows", REPO_ROOT / "locale", base=REPO_ROOT)
    return content, [str(p) for p in problems]


def test_the_shipped_content_lints_without_errors_or_warnings(shipped):
    _, problems = shipped
    # resources nobody has checked live yet are reported apart, while resources.yaml says why
    assert [p for p in problems if ": unchecked: " not in p] == []


def test_no_forbidden_terms_in_any_language(shipped):
    content, _ = shipped
    assert forbidden_terms(content.catalogs) == []


def test_every_bubble_is_at_most_280_characters(shipped):
    content, _ = shipped
    assert long_bubbles(content.catalogs) == []


def test_every_free_text_prompt_carries_the_privacy_reminder(shipped):
    content, _ = shipped
    assert asks_without_privacy_reminder(content.flows.values()) == []


def test_every_module_ends_with_a_recap_offering_the_menu(shipped):
    content, _ = shipped
    found = modules(content)
    assert {"why_change", "thinking_traps"} <= {f.flow for f in found}
    assert modules_without_recap(found) == []


def test_english_and_spanish_have_the_same_keys(shipped):
    content, _ = shipped
    assert {"en", "es"} <= set(content.catalogs)
    assert key_differences(content.catalogs) == []


def test_machine_drafted_spanish_is_marked_for_review(shipped):
    content, _ = shipped
    assert content.catalogs["es"].meta.needs_review


# -- each rule can fail -----------------------------------------------------------------------


def catalog(lang: str, messages: dict[str, str]) -> Catalog:
    meta = LanguageMeta(language=lang, name=lang)
    return Catalog(meta, {k: Template(v) for k, v in messages.items()})


def flow(flow_id: str, states: dict[str, object], description: str = "") -> Flow:
    return Flow.model_validate(
        {"flow": flow_id, "description": description, "start": next(iter(states)), "states": states}
    )


@pytest.mark.parametrize(
    ("text", "term"),
    [
        pytest.param("Stop using child pornography.", "child porn", id="child-pornography"),
        pytest.param("no more child-porn", "child porn", id="child-porn-hyphen"),
        pytest.param("kiddie stuff", "kiddie", id="kiddie"),
        pytest.param("stop looking at CP", "CP", id="CP-as-a-word"),
        pytest.param("Deja la pornografía infantil.", "pornografía infantil", id="es-pornografia"),
        pytest.param("PORNOGRAFIA INFANTIL", "pornografía infantil", id="es-no-accent"),
    ],
)
def test_forbidden_terms_are_found(text, term):
    assert forbidden_terms({"en": catalog("en", {"x.bad": text})}) == [f"en: x.bad: '{term}'"]


@pytest.mark.parametrize(
    "text",
    ["a CPU and a CPR course", "child sexual abuse material", "material de abuso sexual infantil"],
)
def test_words_that_merely_contain_a_forbidden_term_pass(text):
    assert forbidden_terms({"en": catalog("en", {"x.ok": text})}) == []


def test_a_bubble_over_280_characters_is_found():
    cat = catalog("en", {"x.ok": "a" * MAX_BUBBLE, "x.long": "a" * (MAX_BUBBLE + 1)})
    assert long_bubbles({"en": cat}) == ["en: x.long: 281 characters"]


def test_an_ask_without_the_privacy_reminder_is_found():
    bad = flow(
        "m",
        {
            "ok": {"say": ["m.q", PRIVACY_REMINDER], "ask": "a", "go": "bad"},
            "bad": {"say": ["m.q"], "ask": "b", "go": "done"},
            "done": {"end": True},
        },
    )
    assert asks_without_privacy_reminder([bad]) == ["m.bad"]


@pytest.mark.parametrize(
    "recap",
    [
        pytest.param(None, id="no-recap-state"),
        pytest.param(
            {"say": ["m.r"], "options": [{"id": "next", "label": "m.n", "flow": "x"}]}, id="no-menu"
        ),
        pytest.param(
            {"say": ["m.r"], "options": [{"id": "menu", "label": "m.m", "flow": "menu"}]},
            id="no-way-on",
        ),
        pytest.param({"say": ["m.r"], "flow": "menu"}, id="no-options"),
    ],
)
def test_a_module_without_a_proper_recap_is_found(recap):
    states: dict[str, object] = {
        "intro": {"say": ["m.i"], "options": [{"id": "go", "label": "m.g", "flow": "menu"}]}
    }
    if recap is not None:
        states["recap"] = recap
    assert modules_without_recap([flow("m", states)]) == ["m"]


def test_a_module_with_a_recap_offering_next_and_menu_passes():
    good = flow(
        "m",
        {
            "recap": {
                "say": ["m.r"],
                "options": [
                    {"id": "continue", "label": "m.n", "flow": "next"},
                    {"id": "menu", "label": "m.m", "flow": "menu"},
                ],
            }
        },
    )
    assert modules_without_recap([good]) == []


def test_stubs_are_not_held_to_the_module_rules_yet():
    stub = flow(
        "m", {"intro": {"say": ["m.i"], "flow": "menu"}}, "Module: 8. (stub, to be written)"
    )
    assert is_stub(stub)
    assert not is_stub(flow("m", {"intro": {"say": ["m.i"], "flow": "menu"}}, "Module 8."))


def test_a_key_missing_from_one_language_is_found():
    en = catalog("en", {"a.one": "One", "a.two": "Two"})
    es = catalog("es", {"a.one": "Uno", "a.three": "Tres"})
    assert key_differences({"en": en, "es": es}) == ["en: missing a.three", "es: missing a.two"]
