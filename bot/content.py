"""Load the program's content (``flows/`` and ``locale/``) into checked, immutable data.

``load_content`` never raises for bad content: it returns what it could load and every problem,
each with a ``file:line:column``. ``bot.lint`` adds the checks that need the whole picture.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.catalog import COMMANDS, Catalog, LanguageMeta, Template, TemplateError
from bot.flow import STATE_KIND_TAGS, Flow, MessageRef, Option, Program, ProgramFile
from bot.problems import Place, Problem, did_you_mean, display_path
from bot.yamlsource import PathKey, Source, YamlError, load_yaml

__all__ = ["Content", "load_content", "message_refs", "schema_problems"]

M = TypeVar("M", bound=BaseModel)

PROGRAM_FILE = "program.yaml"
LANGUAGE_FILE = "language.yaml"
TRANSLATED_FILE = "translated.yaml"
SPECIAL_LOCALE_FILES = frozenset({LANGUAGE_FILE, "screening.yaml", "lapse_phrases.yaml", TRANSLATED_FILE})
"""Files in a language folder that are not messages (screening and lapse phrases have their own
loaders, bot.screening and bot.lapse;
``translated.yaml`` records what each translation was made from, see ``bot.locales``)."""


@dataclass
class Content:
    """Everything loaded from one flows folder and one locale folder."""

    program: Program | None = None
    program_source: Source | None = None
    flows: dict[str, Flow] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    """Flow id -> the YAML it came from (for places)."""
    catalogs: dict[str, Catalog] = field(default_factory=dict)
    broken_flows: set[str] = field(default_factory=set)
    """Ids of flows whose file has errors: other checks treat them as present, to avoid noise."""
    resources: Any = None
    """The resource directory (``bot.resources.Directory``) beside ``flows/``, once linted."""
    version: str = ""
    """A short hash of every file's bytes: the same files give the same version."""
    root: Path | None = None



def load_content(flows_dir: Path, locale_dir: Path, *, base: Path | None = None) -> tuple[Content, list[Problem]]:
    """Load ``flows_dir`` and ``locale_dir``; file names in problems are relative to ``base``."""
    base = base if base is not None else Path.cwd()
    content = Content(root=base)
    problems: list[Problem] = []
    digest = hashlib.sha256()

    flow_files = sorted(flows_dir.glob("*.yaml")) if flows_dir.is_dir() else []
    if not flows_dir.is_dir():
        problems.append(Problem(_place0(flows_dir, base), "flows folder not found"))
    for path in flow_files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
        _load_flow_file(path, display_path(path, base), content, problems)
    if flows_dir.is_dir() and content.program is None and not any(
        p.place.file.endswith(PROGRAM_FILE) for p in problems
    ):
        problems.append(
            Problem(_place0(flows_dir / PROGRAM_FILE, base), "program.yaml is missing from the flows folder")
        )

    if not locale_dir.is_dir():
        problems.append(Problem(_place0(locale_dir, base), "locale folder not found"))
    else:
        for lang_dir in sorted(p for p in locale_dir.iterdir() if p.is_dir()):
            for path in sorted(lang_dir.glob("*.yaml")):
                digest.update(f"{lang_dir.name}/{path.name}".encode() + b"\0" + path.read_bytes())
            catalog = _load_catalog(lang_dir, base, problems)
            if catalog is not None:
                content.catalogs[catalog.language] = catalog
        if not content.catalogs:
            problems.append(Problem(_place0(locale_dir, base), "no language folders with a language.yaml"))

    content.version = digest.hexdigest()[:12]
    return content, problems


def _place0(path: Path, base: Path) -> Place:
    return Place(display_path(path, base))


def _load_flow_file(path: Path, name: str, content: Content, problems: list[Problem]) -> None:
    try:
        src = load_yaml(path, name)
    except YamlError as err:
        problems.append(err.problem)
        content.broken_flows.add(path.stem)
        return
    problems.extend(src.problems)
    if path.name == PROGRAM_FILE:
        model = _validate(ProgramFile, src, problems)
        if model is not None:
            content.program = model.program
            content.program_source = src
        return
    flow = _validate(Flow, src, problems)
    if flow is None:
        content.broken_flows.add(path.stem)
        if isinstance(src.data, dict) and isinstance(src.data.get("flow"), str):
            content.broken_flows.add(src.data["flow"])
        return
    if flow.flow in content.flows:
        other = content.sources[flow.flow].file
        problems.append(Problem(src.place(("flow",)), f"flow id '{flow.flow}' is also used by {other}"))
        return
    if path.stem != flow.flow:
        problems.append(
            Problem(
                src.place(("flow",)),
                f"flow id '{flow.flow}' differs from its file name '{path.name}' "
                f"(name the file {flow.flow}.yaml)",
                "warning",
            )
        )
    content.flows[flow.flow] = flow
    content.sources[flow.flow] = src


def _load_catalog(lang_dir: Path, base: Path, problems: list[Problem]) -> Catalog | None:
    meta_path = lang_dir / LANGUAGE_FILE
    if not meta_path.exists():
        problems.append(Problem(_place0(meta_path, base), f"language folder '{lang_dir.name}' has no {LANGUAGE_FILE}"))
        return None
    try:
        meta_src = load_yaml(meta_path, display_path(meta_path, base))
    except YamlError as err:
        problems.append(err.problem)
        return None
    problems.extend(meta_src.problems)
    meta = _validate(LanguageMeta, meta_src, problems)
    if meta is None:
        return None
    if meta.language != lang_dir.name:
        problems.append(
            Problem(meta_src.place(("language",)), f"language '{meta.language}' is in folder '{lang_dir.name}'")
        )
    for cmd in meta.commands:
        if cmd not in COMMANDS:
            problems.append(
                Problem(
                    meta_src.place(("commands", cmd), key=True),
                    f"unknown command '{cmd}'{did_you_mean(cmd, COMMANDS)}; commands are {', '.join(COMMANDS)}",
                )
            )
    for cmd in COMMANDS:
        if not meta.commands.get(cmd):
            problems.append(Problem(meta_src.place(("commands",)), f"no words for the '{cmd}' command"))

    catalog = Catalog(meta=meta)
    for path in sorted(lang_dir.glob("*.yaml")):
        if path.name in SPECIAL_LOCALE_FILES:
            continue
        name = display_path(path, base)
        try:
            src = load_yaml(path, name)
        except YamlError as err:
            problems.append(err.problem)
            continue
        problems.extend(src.problems)
        if src.data is None:
            continue
        if not isinstance(src.data, dict):
            problems.append(Problem(src.place(), "a message file is a mapping of key: text"))
            continue
        for key, text in src.data.items():
            place = src.place((key,), key=True)
            if key in catalog.messages:
                problems.append(
                    Problem(place, f"message '{key}' is also written at {catalog.places[key]}")
                )
                continue
            if not isinstance(text, str) or not text.strip():
                problems.append(Problem(src.place((key,)), f"message '{key}' must be non-empty text"))
                continue
            try:
                catalog.messages[key] = Template(text.strip())
            except TemplateError as err:
                problems.append(Problem(src.place((key,)), f"message '{key}': {err}"))
                continue
            catalog.places[key] = place
            catalog.files[key] = name
    return catalog


# -- schema errors, placed -------------------------------------------------------------------

_KNOWN_KEYS: dict[str, set[str]] = {
    "flow": set(Flow.model_fields),
    "state": {"say", "note", "expects", "options", "ask", "max", "go", "flow", "back", "end"},
    "option": set(Option.model_fields),
    "message": {"key", "if", "if_any", "unless"},
}


def _validate(model: type[M], src: Source, problems: list[Problem]) -> M | None:
    if not isinstance(src.data, dict):
        problems.append(Problem(src.place(), "expected a mapping at the top of the file"))
        return None
    try:
        return model.model_validate(src.data)
    except ValidationError as err:
        problems.extend(schema_problems(err, src))
        return None


def schema_problems(err: ValidationError, src: Source) -> list[Problem]:
    """Turn pydantic's errors into problems placed in ``src``, phrased for designers."""
    out: list[Problem] = []
    for e in err.errors():
        path = _data_path(src.data, e["loc"])
        where = _describe(src.data, path)
        prefix = f"{where}: " if where else ""
        kind = e["type"]
        is_key = bool(path) and path[-1] == "[key]"
        if is_key:
            path = path[:-1]
        if kind == "string_pattern_mismatch" and is_key:
            out.append(Problem(src.place(path, key=True),
                               f"'{e.get('input')}' is not a valid name (use lower case letters, digits and _)"))
        elif _context(path) == "state" and kind not in ("missing",) and len(e["loc"]) <= 3:
            msg = e["msg"].removeprefix("Value error, ")
            out.append(Problem(src.place(path, key=True), f"{prefix}{msg}"))
        elif kind == "extra_forbidden":
            key = str(path[-1])
            known = _KNOWN_KEYS.get(_context(path[:-1]), set())
            owner = _describe(src.data, path[:-1]) or "file"
            out.append(
                Problem(src.place(path, key=True), f"{owner}: unknown key '{key}'{did_you_mean(key, known)}")
            )
        elif kind == "missing":
            field_name = str(e["loc"][-1])
            out.append(Problem(src.place(path), f"{prefix}'{field_name}' is required"))
        elif kind == "string_pattern_mismatch":
            value = e.get("input")
            hint = (
                "a locale key is words joined by dots, like welcome.hello"
                if "\\." in str(e.get("ctx", {}).get("pattern", ""))
                else "use lower case letters, digits and _"
            )
            out.append(Problem(src.place(path), f"{prefix}'{value}' is not a valid name ({hint})"))
        else:
            msg = e["msg"].removeprefix("Value error, ")
            out.append(Problem(src.place(path), f"{prefix}{msg}"))
    return out


def _data_path(data: Any, loc: tuple[int | str, ...]) -> PathKey:
    """The path in the data that pydantic's ``loc`` names (dropping union tags and the like)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if len(path) == 2 and path[0] == "states" and part in STATE_KIND_TAGS:
            continue  # the union tag pydantic adds after a state's name (may equal a key: say)
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(part, str) and part.startswith("function-"):
            continue
        else:
            path.append(part)
            break
    return tuple(path)


def _context(path: PathKey) -> str:
    if len(path) == 0:
        return "flow"
    if len(path) == 2 and path[0] == "states":
        return "state"
    if len(path) == 4 and path[2] == "options":
        return "option"
    if len(path) == 4 and path[2] == "say":
        return "message"
    return ""


def _describe(data: Any, path: PathKey) -> str:
    """``state 'breathe'``, ``state 'breathe', option 'calm'`` and so on."""
    if len(path) < 2 or path[0] != "states":
        return ""
    text = f"state '{path[1]}'"
    if len(path) >= 4 and path[2] == "options":
        try:
            opt = data["states"][path[1]]["options"][path[3]]
            named = isinstance(opt, dict) and "id" in opt
            text += f", option '{opt['id']}'" if named else f", option {int(path[3]) + 1}"
        except (KeyError, IndexError, TypeError, ValueError):
            text += ", options"
    return text


def message_refs(flow: Flow) -> list[tuple[PathKey, MessageRef | Option]]:
    """Every place a flow names a locale key: its path in the file and the ref or option."""
    out: list[tuple[PathKey, MessageRef | Option]] = []
    if flow.title is not None:
        out.append((("title",), MessageRef(key=flow.title)))
    for name, state in flow.states.items():
        for i, ref in enumerate(state.say):
            out.append((("states", name, "say", i), ref))
        for i, opt in enumerate(state.choices()):
            out.append((("states", name, "options", i, "label"), opt))
    return out
