"""Resolve the conflicts git leaves in a corpus README when writers' commits are merged one by one.

Usage: python corpus/merge_readme.py LANG             (a cherry-pick or merge stopped on
                                                         corpus/LANG/README.md; LANG or a folder)
       python corpus/merge_readme.py LANG --lost REV  (then: lines commit REV added that are lost)

Writers who add a test split or a round at the same time each append a Files table row and a
section to the same README, so the second commit's README conflicts with the first's. In each
conflict this keeps our side whole and puts in every line of theirs that ours lacks where it stands
in theirs (a Files row beside ours' new row, a section after ours' new section), except the figures
``corpus/check.py LANG --write-readme`` rewrites (run it afterwards) and the older version of a
table row ours changed (same first 40 characters). A Totals heading or Total line (es's README) is
left to be written by hand.

``--lost REV`` lists, by their first 150 characters, the lines commit REV added to the README that
the merged file does not hold, so nothing a writer wrote is dropped without a look (session 41
lost round 56's sections to a resolver that kept table rows only).
"""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
FIGURES = ("| pool |", "Per label (test + pool)", "Hard negatives in the pool", "## Totals", "Total ")
"""Lines of theirs never added: check.py's figures (rewritten from the files) and es's totals."""
CONFLICT = re.compile(r"<<<<<<< [^\n]*\n(.*?)=======\n(.*?)>>>>>>> [^\n]*\n", re.S)


def resolve_one(ours: list[str], theirs: list[str]) -> list[str]:
    """Ours whole, with theirs' lines that ours lacks put in at the place they hold in theirs: a
    table row beside ours' new row, a section after ours' new section."""
    rows = {line[:40] for line in ours if len(line) >= 40 and line.startswith("|")}

    def wanted(line: str) -> bool:
        return not line.startswith(FIGURES) and line[:40] not in rows

    merged: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes():
        merged += ours[i1:i2]
        if op in ("insert", "replace"):
            extra = [line for line in theirs[j1:j2] if wanted(line)]
            if extra and merged and merged[-1].strip() and not extra[0].startswith("|") and extra[0].strip():
                extra.insert(0, "")
            merged += extra
    return [line for i, line in enumerate(merged) if line.strip() or not i or merged[i - 1].strip()]


def resolve(text: str) -> tuple[str, int]:
    """``text`` with every conflict resolved, and how many there were."""

    def one(match: re.Match[str]) -> str:
        merged = resolve_one(match.group(1).splitlines(), match.group(2).splitlines())
        return "\n".join(merged) + "\n" if merged else ""

    return CONFLICT.subn(one, text)


def lost(added: list[str], merged: str) -> list[str]:
    """The lines of ``added`` that ``merged`` does not hold, figures and blank lines aside."""
    have = set(merged.splitlines())
    return [line for line in added if line.strip() and line not in have and not line.startswith(FIGURES)]


def added_by(rev: str, readme: Path) -> list[str]:
    """The lines commit ``rev`` added to ``readme``."""
    diff = subprocess.run(
        ["git", "-C", str(readme.parent), "show", "--format=", rev, "--", readme.name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    readme = ROOT / argv[0] / "README.md"
    text = readme.read_text(encoding="utf-8")
    if "--lost" in argv:
        missing = lost(added_by(argv[argv.index("--lost") + 1], readme), text)
        for line in missing:
            print(repr(line[:150]))
        print(f"{len(missing)} line(s) added by the commit are not in {readme}")
        return 1 if missing else 0
    merged, n = resolve(text)
    if "<<<<<<<" in merged or "\n=======\n" in merged or ">>>>>>>" in merged:
        print(f"{readme}: a conflict marker is left; resolve it by hand", file=sys.stderr)
        return 1
    readme.write_text(merged, encoding="utf-8")
    print(f"{readme}: {n} conflict(s) resolved; now run corpus/check.py {argv[0]} --write-readme")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
