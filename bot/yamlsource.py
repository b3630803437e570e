"""Load YAML safely and remember where every key and value stands in the file.

Content designers get ``file:line:column`` for every problem, so the loader keeps a map from a
path in the data (``("states", "breathe", "next")``) to its place. Only plain data is built (no
tags, no Python objects), duplicate keys are errors, and ``yes``/``no``/``on``/``off`` stay strings
(YAML 1.2), because option ids such as ``no`` are common in the program.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ContentError
from bot.problems import Place, Problem

PathKey = tuple[str | int, ...]

__all__ = ["Source", "YamlError", "load_yaml", "parse_yaml"]


class _Loader(yaml.SafeLoader):
    """SafeLoader whose booleans are only true/false (YAML 1.2 core schema)."""


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same with libyaml's parser (PyYAML's wheels have it): the same nodes and marks, about
    15 times faster on the phrase catalogs (110 KB a language). Its syntax errors are vaguer, so
    a file it refuses is parsed again by :class:`_Loader` for the message."""


for _cls in (_Loader, _FastLoader):
    _cls.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _cls.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


class YamlError(ContentError):
    """A file that is not the plain YAML we accept; ``problem`` says where."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


@dataclass
class Source:
    """Data loaded from one file, with the place of each value and each key."""

    file: str
    data: Any
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    """Problems that did not stop the load (a duplicate key keeps its first value)."""

    def place(self, path: PathKey = (), *, key: bool = False) -> Place:
        """The place of ``path``, or of its nearest ancestor that has one.

        With ``key=True`` the place of the mapping key (for unknown or misspelt keys).
        """
        path = tuple(path)
        table = self.keys if key else self.values
        while path:
            if path in table:
                return Place(self.file, *table[path])
            if key and path in self.values:
                return Place(self.file, *self.values[path])
            path = path[:-1]
        line, col = self.values.get((), (1, 1))
        return Place(self.file, line, col)


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: PathKey, src: Source) -> Any:
    src.values[path] = _pos(node)
    allowed = _SCALAR_TAGS if isinstance(node, yaml.ScalarNode) else _COLLECTION_TAGS
    if node.tag not in allowed:
        raise YamlError(Problem(Place(src.file, *_pos(node)), f"unsupported YAML tag '{node.tag}'"))
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(Problem(Place(src.file, *_pos(key_node)), "keys must be plain text"))
            key = loader.construct_object(key_node)
            if not isinstance(key, str | int):
                key = str(key)
            if key in out:
                first = src.keys[(*path, key)]
                src.problems.append(
                    Problem(
                        Place(src.file, *_pos(key_node)),
                        f"duplicate key '{key}' (first at line {first[0]})",
                    )
                )
                continue
            src.keys[(*path, key)] = _pos(key_node)
            out[key] = _build(loader, value_node, (*path, key), src)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), src) for i, item in enumerate(node.value)]
    return loader.construct_object(node)


def parse_yaml(text: str, file: str) -> Source:
    """Parse ``text`` (the contents of ``file``) into a :class:`Source`."""
    try:
        return _parse(text, file, _FastLoader)
    except YamlError:
        return _parse(text, file, _Loader)  # the pure-Python parser places and names the error


def _parse(text: str, file: str, loader_class: type[yaml.SafeLoader]) -> Source:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        src = Source(file, None)
        if node is not None:
            src.data = _build(loader, node, (), src)
        return src
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlError(Problem(Place(file, line, col), f"YAML syntax: {err.problem}")) from err
    except yaml.YAMLError as err:
        raise YamlError(Problem(Place(file, 1, 1), f"YAML: {err}")) from err
    finally:
        loader.dispose()


def load_yaml(path: Path, display: str | None = None) -> Source:
    """Read and parse a YAML file; invalid UTF-8 is a :class:`YamlError` too."""
    return decode_yaml(path.read_bytes(), display or str(path))


def decode_yaml(data: bytes, name: str) -> Source:
    """:func:`load_yaml` on bytes already read (so a caller can key other work on exactly them)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise YamlError(Problem(Place(name, 1, 1), f"not valid UTF-8 ({err.reason})")) from err
    return parse_yaml(text, name)
