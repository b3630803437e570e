"""Pictures of flows: Mermaid, Graphviz and the all-flows HTML page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.content import Content, load_content
from bot.graph import flow_graph, to_dot, to_mermaid, transitions
from bot.graphpage import html_page
from bot.paths import REPO_ROOT
from tests.golden import FIXTURES, assert_golden

CONTENT = FIXTURES / "content"


@pytest.fixture(scope="module")
def content() -> Content:
    loaded, problems = load_content(CONTENT / "flows", CONTENT / "locale", base=CONTENT)
    assert problems == []
    return loaded


def test_transitions_name_every_way_out_of_every_state(content: Content) -> None:
    found = [(e.state, e.trigger, e.target, e.dest) for e in transitions(content.flows["diary"])]
    assert found == [
        ("ask_mood", "choose:good", "go", "ask_note"),
        ("ask_mood", "choose:bad", "go", "ask_note"),
        ("ask_note", "choose:skip", "go", "recap"),
        ("ask_note", "answer", "go", "thanks"),
        ("thanks", "next", "go", "recap"),
        ("recap", "choose:menu", "flow", "menu"),
        ("recap", "choose:back", "back", ""),
    ]


@pytest.mark.parametrize("flow", ["diary", "welcome", "crisis_urge"])
def test_mermaid_picture(content: Content, flow: str) -> None:
    assert_golden(f"graph/{flow}.mmd", to_mermaid(flow_graph(content, flow)))


@pytest.mark.parametrize("flow", ["diary", "welcome"])
def test_dot_picture(content: Content, flow: str) -> None:
    assert_golden(f"graph/{flow}.dot", to_dot(flow_graph(content, flow)))


def test_pictures_show_labels_slots_links_back_and_screening(content: Content) -> None:
    text = to_mermaid(flow_graph(content, "diary"))
    assert '"good: Good (saves mood)"' in text
    assert "Not so #quot;good#quot;" in text  # quotes in a label cannot break the picture
    assert "ask → note" in text and '"answer → note"' in text
    assert "f_menu[[" in text and "--> back" in text
    assert "screened first and can jump to a crisis flow: crisis_urge" in text
    assert "crisis flow for: urge" in to_mermaid(flow_graph(content, "crisis_urge"))


def test_labels_come_from_the_chosen_language(content: Content) -> None:
    assert '"good: Bien (saves mood)"' in to_mermaid(flow_graph(content, "diary", "es"))


def test_html_page(content: Content) -> None:
    assert_golden("graph/flows.html", html_page(content))


def test_html_page_makes_no_request_to_any_other_site(content: Content) -> None:
    page = html_page(content)
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "<script" not in page and "@import" not in page and "url(" not in page


def test_html_page_links_every_state_and_flow_it_names(content: Content) -> None:
    page = html_page(content)
    ids = set(re.findall(r'id="([^"]+)"', page))
    for target in re.findall(r'href="#([^"]+)"', page):
        assert target in ids


def test_html_page_of_the_shipped_content_has_every_flow() -> None:
    shipped, _ = load_content(REPO_ROOT / "flows", REPO_ROOT / "locale", base=REPO_ROOT)
    page = html_page(shipped)
    for flow in shipped.flows:
        assert f'id="flow-{flow}"' in page


def test_graph_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "diary", "--content", str(CONTENT)]) == 0
    assert capsys.readouterr().out == to_mermaid(flow_graph(_load(), "diary"))
    assert main(["graph", "diary", "--format", "dot", "--content", str(CONTENT)]) == 0
    assert capsys.readouterr().out.startswith('digraph "diary" {')
    out = tmp_path / "flows.html"
    assert main(["graph", "--html", str(out), "--content", str(CONTENT)]) == 0
    assert out.read_text(encoding="utf-8") == html_page(_load())


def test_graph_command_names_an_unknown_flow(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "dairy", "--content", str(CONTENT)]) == 1
    assert "'dairy' is not a flow (did you mean 'diary'?)" in capsys.readouterr().err


def _load() -> Content:
    return load_content(CONTENT / "flows", CONTENT / "locale", base=CONTENT)[0]
