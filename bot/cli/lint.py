"""``redirection-bot lint [PATH...]``: check flows and catalogs, one problem per line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.lint import lint_paths
from bot.paths import content_root


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "lint",
        help="check flows and locale catalogs",
        description="Load every flow and catalog and report each problem as "
        "file:line:column: severity: message. Exit 1 on any error (or warning, with --strict).",
    )
    p.add_argument(
        "paths", nargs="*", type=Path,
        help="a content folder holding flows/ and locale/, or the flows and locale folders "
        "themselves (default: the shipped content)",
    )
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.set_defaults(func=run)


def resolve(paths: list[Path]) -> tuple[Path, Path]:
    """Find the flows and locale folders among ``paths``."""
    if not paths:
        root = content_root()
        return root / "flows", root / "locale"
    flows = locale = None
    for path in paths:
        if (path / "flows").is_dir() or (path / "locale").is_dir():
            flows, locale = path / "flows", path / "locale"
        elif path.name == "locale" or any(p.is_dir() and (p / "language.yaml").exists() for p in _dirs(path)):
            locale = path
        else:
            flows = path
    if flows is None:
        flows = (locale.parent if locale else Path.cwd()) / "flows"
    if locale is None:
        locale = flows.parent / "locale"
    return flows, locale


def _dirs(path: Path) -> list[Path]:
    return [p for p in path.iterdir()] if path.is_dir() else []


def run(args: argparse.Namespace) -> int:
    flows, locale = resolve(args.paths)
    _, problems = lint_paths(flows, locale)
    for problem in problems:
        print(problem)
    errors = sum(p.severity == "error" for p in problems)
    unchecked = sum(p.severity == "unchecked" for p in problems)
    warnings = len(problems) - errors - unchecked
    allowed = f", {unchecked} unchecked resource(s) (allowed: see resources/)" if unchecked else ""
    print(f"{errors} error(s), {warnings} warning(s){allowed}", file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0
