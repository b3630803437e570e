"""Where the shipped content lives, and how to point the tools at other content.

The default is the checkout the package runs from (its ``flows/`` and ``locale/``), else the
working directory; every command that reads content takes ``--content DIR`` to use another.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["REPO_ROOT", "add_content_argument", "content_root"]

REPO_ROOT = Path(__file__).resolve().parent.parent


def content_root() -> Path:
    """The folder holding ``flows/`` and ``locale/``: the package's checkout, else the cwd."""
    if (REPO_ROOT / "flows").is_dir():
        return REPO_ROOT
    return Path.cwd()


def add_content_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--content", type=Path, default=content_root(), metavar="DIR",
        help="folder holding flows/ and locale/ (default: %(default)s)",
    )
