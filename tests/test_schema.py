"""The JSON Schemas editors use: generated from the models, shipped, pointed to by every file."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from bot.cli import main
from bot.paths import REPO_ROOT
from bot.schema import (
    SCHEMAS,
    Stamp,
    json_schema,
    stale_schemas,
    stamp_file,
    stamp_line,
    stamped_files,
)
from bot.yamlsource import load_yaml

SHIPPED = REPO_ROOT / "schemas"


def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = json_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_shipped_schemas_match_the_models() -> None:
    assert stale_schemas(SHIPPED) == [], "run `redirection-bot schema` and commit schemas/"


@pytest.mark.parametrize("stamp", list(stamped_files(REPO_ROOT)), ids=lambda s: s.path.name)
def test_every_shipped_flow_and_script_points_to_its_schema(stamp: Stamp) -> None:
    first = stamp.path.read_text(encoding="utf-8").partition("\n")[0]
    assert first == stamp_line(stamp, SHIPPED), "run `redirection-bot schema --stamp`"


@pytest.mark.parametrize("stamp", list(stamped_files(REPO_ROOT)), ids=lambda s: s.path.name)
def test_every_shipped_flow_and_script_is_valid_under_its_schema(stamp: Stamp) -> None:
    errors = [e.message for e in _validator(stamp.schema).iter_errors(load_yaml(stamp.path).data)]
    assert errors == []


def test_stamps_cover_flows_program_and_scripts() -> None:
    kinds = {s.schema for s in stamped_files(REPO_ROOT)}
    assert kinds == set(SCHEMAS)


@pytest.mark.parametrize(
    ("flow", "complaint"),
    [
        pytest.param({"flow": "x", "start": "a", "states": {"a": {"end": True, "sya": ["a.b"]}}},
                     "sya", id="misspelt-key"),
        pytest.param({"flow": "x", "start": "a", "states": {"a": {"options": []}}},
                     "options", id="no-options"),
        pytest.param({"flow": "x", "start": "a", "states": {"a": {"end": True, "say": "hello"}}},
                     "hello", id="bad-locale-key"),
        pytest.param({"flow": "X", "start": "a", "states": {"a": {"end": True}}},
                     "X", id="bad-flow-id"),
        pytest.param({"flow": "x", "start": "a", "states": {"Bad": {"end": True}}},
                     "Bad", id="bad-state-name"),
    ],
)
def test_flow_schema_flags_what_the_loader_refuses(flow: dict[str, object], complaint: str) -> None:
    errors = list(_validator("flow").iter_errors(flow))
    assert errors
    assert any(complaint in str(e) for e in errors)


def test_flow_schema_accepts_every_way_of_writing_say() -> None:
    flow = {
        "flow": "x",
        "start": "a",
        "states": {
            "a": {"say": "x.one", "ask": "reason", "go": "b",
                  "options": [{"id": "skip", "label": "x.skip", "go": "b"}]},
            "b": {"say": ["x.two", {"key": "x.three", "if": "reason"}], "end": True},
        },
    }
    assert list(_validator("flow").iter_errors(flow)) == []


def test_schemas_describe_fields_for_editor_hovers() -> None:
    option = json_schema("flow")["$defs"]["Option"]["properties"]
    assert "slot" in option["save"]["description"]
    assert "null" not in str(option["go"])


def test_stamp_adds_the_line_once_and_keeps_the_file(tmp_path: Path) -> None:
    path = tmp_path / "flows" / "demo.yaml"
    path.parent.mkdir()
    path.write_text("# a designer's comment\nflow: demo\n", encoding="utf-8")
    stamp = Stamp(path, "flow")
    assert stamp_file(stamp, tmp_path / "schemas") is True
    assert path.read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../schemas/flow.schema.json\n"
        "# a designer's comment\nflow: demo\n"
    )
    assert stamp_file(stamp, tmp_path / "schemas") is False


def test_stamp_fixes_a_wrong_schema_path(tmp_path: Path) -> None:
    path = tmp_path / "tests" / "conversations" / "a" / "s.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("# yaml-language-server: $schema=wrong.json\nscript: x\n", encoding="utf-8")
    assert stamp_file(Stamp(path, "script"), tmp_path / "schemas") is True
    assert path.read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../../schemas/script.schema.json\nscript: x\n"
    )


def test_schema_command_writes_checks_and_stamps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "a.yaml").write_text("flow: a\n", encoding="utf-8")
    out = tmp_path / "schemas"
    assert main(["schema", "--content", str(tmp_path), "--check"]) == 1
    assert main(["schema", "--content", str(tmp_path)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "flow.schema.json", "program.schema.json", "script.schema.json"
    ]
    assert main(["schema", "--content", str(tmp_path), "--check"]) == 0
    (out / "flow.schema.json").write_text("{}", encoding="utf-8")
    assert main(["schema", "--content", str(tmp_path), "--check"]) == 1
    assert main(["schema", "--content", str(tmp_path), "--stamp"]) == 0
    assert (tmp_path / "flows" / "a.yaml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../schemas/flow.schema.json\n"
    )
    captured = capsys.readouterr()
    assert "schemas/flow.schema.json: differs from the models" in captured.out
    assert "stamped flows/a.yaml" in captured.out
