"""The YAML loader: safe, plain data, and a place for every key and value."""

from __future__ import annotations

import pytest

from bot.problems import Place
from bot.yamlsource import YamlError, parse_yaml


def test_places_of_keys_and_values_are_one_based() -> None:
    src = parse_yaml("a:\n  b: [x, y]\n", "f.yaml")
    assert src.place(("a", "b"), key=True) == Place("f.yaml", 2, 3)
    assert src.place(("a", "b", 1)) == Place("f.yaml", 2, 10)
    assert src.place(("a", "missing", 3)) == Place("f.yaml", 2, 3)


def test_yes_no_on_off_stay_text_but_true_false_are_booleans() -> None:
    assert parse_yaml("[yes, no, on, off, true, false]", "f").data == ["yes", "no", "on", "off", True, False]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("!!python/object/apply:os.system ['true']", id="python-object"),
        pytest.param("a: !!binary aGVsbG8=", id="binary"),
        pytest.param("a: !custom x", id="custom-tag"),
    ],
)
def test_tags_are_refused(text: str) -> None:
    with pytest.raises(YamlError, match="unsupported YAML tag"):
        parse_yaml(text, "f.yaml")


def test_duplicate_keys_are_problems_and_the_first_value_is_kept() -> None:
    src = parse_yaml("a: 1\nb: 2\na: 3\n", "f.yaml")
    assert src.data == {"a": 1, "b": 2}
    assert [str(p) for p in src.problems] == ["f.yaml:3:1: error: duplicate key 'a' (first at line 1)"]


def test_syntax_errors_are_placed() -> None:
    with pytest.raises(YamlError, match=r"^f.yaml:1:5: error: YAML syntax: mapping values are not allowed here"):
        parse_yaml("a: b: c\n", "f.yaml")


def test_libyaml_and_the_pure_parser_agree_on_every_yaml_file_of_the_project() -> None:
    """Files are parsed with libyaml for speed; the pure-Python parser is the reference."""
    from pathlib import Path

    import yaml

    from bot import yamlsource

    assert yamlsource._FastLoader.__mro__[1] is getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    root = Path(__file__).resolve().parent.parent
    files = [p for d in ("flows", "locale", "resources", "tests/conversations") for p in (root / d).rglob("*.yaml")]
    assert len(files) > 100
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast = yamlsource._parse(text, path.name, yamlsource._FastLoader)
        pure = yamlsource._parse(text, path.name, yamlsource._Loader)
        assert (fast.data, fast.keys, fast.problems) == (pure.data, pure.keys, pure.problems), path


def test_a_syntax_error_keeps_the_pure_parsers_precise_message() -> None:
    with pytest.raises(YamlError) as err:
        parse_yaml("a: [x, y\nb: 1\n", "f.yaml")
    # libyaml alone would say "did not find expected ',' or ']'" and not what it found
    assert str(err.value) == "f.yaml:2:2: error: YAML syntax: expected ',' or ']', but got ':'"
