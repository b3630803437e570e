"""Resolve the conflicts git leaves in a corpus README when writers' commits are merged one by one.

Usage: python corpus/merge_readme.py LANG             (a cherry-pick or merge stopped on
                                                         corpus/LANG/README.md; LANG or a folder)
       python corpus/merge_readme.py LANG --lost REV  (then: blocks commit REV added, not whole)

Writers who add a test split or a round at the same time each append a Files table row (a round
also its section; a test split's record goes to corpus/LANG/tests.md) to the same README, so the
second commit's README conflicts with the first's. This asks git
for the conflicts with their common base (diff3) and, in each, keeps our side whole and puts in
each block of lines theirs added to the base where it stands against the base, after what ours
added at the same place: a Files row after ours' new row, a section after ours' new section, each
block whole (session 41's resolvers, which compared the two sides without the base, dropped or
interleaved the lines two sections shared, such as the same mix). Not put in: the figures
``corpus/check.py LANG --write-readme`` rewrites (run it afterwards); a Totals heading or Total
line (es's README) is left to be written by hand.

``--lost REV`` prints the first line of each block of lines commit REV added to the README that
the merged file does not hold whole and in order, so nothing a writer wrote is dropped or broken
up without a look.
"""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from check import readme_lines  # this folder is on sys.path when run as corpus/merge_readme.py

ROOT = Path(__file__).resolve().parent
FIGURES = (*readme_lines(Counter(), Counter(), 0), "## Totals", "Total ")
"""Lines of theirs never added: the starts of check.py's figures lines (it rewrites them from the
files) and es's totals."""
CONFLICT = re.compile(
    r"<<<<<<< [^\n]*\n(.*?)^\|\|\|\|\|\|\| [^\n]*\n(.*?)^=======\n(.*?)^>>>>>>> [^\n]*\n", re.S | re.M
)
"""A conflict in diff3 style: ours, the base, theirs (see :func:`main`)."""


def resolve_one(ours: list[str], base: list[str], theirs: list[str]) -> list[str]:
    """Ours whole, and each block of lines theirs added to the base put in where it stands
    against the base, after what ours added at the same place: a Files row after ours' new row,
    a section after ours' new section, each block whole (two sections that share a line, such as
    the same mix, are not interleaved)."""
    at = _places(base, ours)
    blocks: list[tuple[int, list[str]]] = []
    for op, _, i2, j1, j2 in difflib.SequenceMatcher(None, base, theirs, autojunk=False).get_opcodes():
        if op in ("insert", "replace"):
            kept = [line for line in theirs[j1:j2] if not line.startswith(FIGURES)]
            if any(line.strip() for line in kept):
                blocks.append((at[i2], kept))
    merged: list[str] = []
    for i in range(len(ours) + 1):
        for place, block in blocks:
            if place == i:
                if _prose(merged[-1:]) and _prose(block[:1]):
                    merged.append("")  # a paragraph of theirs after one of ours
                merged += block
                if i < len(ours) and _prose(block[-1:]) and _prose(ours[i : i + 1]):
                    merged.append("")
        merged += ours[i : i + 1]
    return [line for i, line in enumerate(merged) if line.strip() or not i or merged[i - 1].strip()]


def _prose(lines: list[str]) -> bool:
    """A line of a paragraph (not blank, not a table row)."""
    return bool(lines) and bool(lines[0].strip()) and not lines[0].startswith("|")


def _places(base: list[str], ours: list[str]) -> list[int]:
    """For each place k in the base (before base line k; k = len(base) is the end), the place in
    ours after everything ours put in or changed before base line k."""
    at = [len(ours)] * (len(base) + 1)
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, base, ours, autojunk=False).get_opcodes():
        for k in range(i1, i2 + 1):
            at[k] = j1 + (k - i1) if op == "equal" and k < i2 else j2
    return at


def resolve(text: str) -> tuple[str, int]:
    """``text`` with every diff3-style conflict resolved, and how many there were."""

    def one(match: re.Match[str]) -> str:
        merged = resolve_one(*(match.group(n).splitlines() for n in (1, 2, 3)))
        return "\n".join(merged) + "\n" if merged else ""

    return CONFLICT.subn(one, text)


def lost(added: list[str], merged: str) -> list[str]:
    """The first line of each block of consecutive lines in ``added`` (blank lines and figures
    end a block) that ``merged`` does not hold whole and in order."""
    blocks, block = [], []
    for line in [*added, ""]:
        if line.strip() and not line.startswith(FIGURES):
            block.append(line)
        elif block:
            blocks.append(block)
            block = []
    whole = "\n" + merged + "\n"
    return [b[0] for b in blocks if "\n" + "\n".join(b) + "\n" not in whole]


def added_by(rev: str, readme: Path) -> list[str]:
    """The lines commit ``rev`` added to ``readme``."""
    diff = subprocess.run(
        ["git", "-C", str(readme.parent), "show", "--format=", rev, "--", readme.name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # a line of context or a removed line ends a block of added lines (an empty string here)
    return [
        line[1:] if line.startswith("+") else ""
        for line in diff.splitlines()
        if not line.startswith(("+++", "---", "@@"))
    ]


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-") or argv[-1] == "--lost":
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    readme = ROOT / argv[0] / "README.md"
    text = readme.read_text(encoding="utf-8")
    if "--lost" in argv:
        missing = lost(added_by(argv[argv.index("--lost") + 1], readme), text)
        for line in missing:
            print(repr(line[:150]))
        print(f"{len(missing)} block(s) added by the commit are not whole in {readme}")
        return 1 if missing else 0
    if "<<<<<<<" in text and "|||||||" not in text:  # git's default style has no base: ask for it
        subprocess.run(["git", "-C", str(readme.parent), "checkout", "--conflict=diff3", "--", readme.name], check=True)
        text = readme.read_text(encoding="utf-8")
    merged, n = resolve(text)
    if "<<<<<<<" in merged or "\n=======\n" in merged or ">>>>>>>" in merged:
        print(f"{readme}: a conflict marker is left; resolve it by hand", file=sys.stderr)
        return 1
    readme.write_text(merged, encoding="utf-8")
    print(f"{readme}: {n} conflict(s) resolved; now run corpus/check.py {argv[0]} --write-readme")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
