"""corpus/merge_readme.py: two writers' README edits merged keep every line each wrote."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

MERGE = Path(__file__).resolve().parent.parent / "corpus" / "merge_readme.py"
BASE = """# corpus

## Files

| file | what |
| --- | --- |
| `a.tsv` | the first file |

## Counts

| pool | 10 |
Per label (test + pool): none 10.

## How the rounds were made

Round 1 was written first.
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False).stdout


def writer(base: str, name: str, pool: int) -> str:
    """``base`` with a writer's Files row, the pool figure rewritten and a section appended."""
    row = "| `a.tsv` | the first file |"
    text = base.replace(row, f"{row}\n| `{name}.tsv` | round {name} |")
    text = text.replace("| pool | 10 |", f"| pool | {pool} |")
    # es's README wraps its paragraphs, and two rounds of one mix share a line word for word
    return text + f"\nRound {name} was written by one helper.\nMix: suicide 120, none 130.\nIts calls: {name}.\n"


def conflicted_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    folder = repo / "corpus" / "xx"
    folder.mkdir(parents=True)
    git(tmp_path, "init", "-q", str(repo))
    git(repo, "config", "user.email", "t@example.org")
    git(repo, "config", "user.name", "t")
    readme = folder / "README.md"
    readme.write_text(BASE, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "second")
    readme.write_text(writer(BASE, "r2b", 30), encoding="utf-8")
    git(repo, "commit", "-qam", "second writer")
    git(repo, "checkout", "-q", "-")
    readme.write_text(writer(BASE, "r2a", 20), encoding="utf-8")
    git(repo, "commit", "-qam", "first writer")
    git(repo, "cherry-pick", "second")
    assert "<<<<<<<" in readme.read_text(encoding="utf-8"), "the test needs a real conflict"
    return repo


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(MERGE), *args], capture_output=True, text=True, check=False)


def test_both_writers_rows_and_sections_are_kept_and_the_figures_once(tmp_path: Path) -> None:
    repo = conflicted_repo(tmp_path)
    folder = repo / "corpus" / "xx"
    out = run(str(folder))
    assert out.returncode == 0, out.stderr
    text = (folder / "README.md").read_text(encoding="utf-8")
    assert "<<<<<<<" not in text and "=======" not in text and ">>>>>>>" not in text
    for name in ("r2a", "r2b"):
        assert text.count(f"| `{name}.tsv` | round {name} |\n") == 1, name
        section = f"\nRound {name} was written by one helper.\nMix: suicide 120, none 130.\nIts calls: {name}.\n"
        assert text.count(section) == 1, f"round {name}'s section is not whole:\n{text}"
    assert "\n\n\n" not in text, "one blank line between paragraphs"
    assert text.count("| pool |") == 1 and "| pool | 20 |" in text, "ours' figures kept, theirs' left to check.py"
    assert text.index("| `r2a.tsv`") < text.index("| `r2b.tsv`") < text.index("## Counts"), "rows stay in the table"
    lost = run(str(folder), "--lost", "second")
    assert lost.returncode == 0 and lost.stdout.startswith("0 block(s)"), lost.stdout


def merged(tmp_path: Path) -> Path:
    """The README of a repository whose conflict the tool has resolved."""
    folder = conflicted_repo(tmp_path) / "corpus" / "xx"
    assert run(str(folder)).returncode == 0
    return folder / "README.md"


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        (lambda text: text.replace("| `r2b.tsv` | round r2b |\n", ""), "'| `r2b.tsv` | round r2b |'"),
        (
            lambda text: text.replace("Its calls: r2b.\n", "").replace(
                "Its calls: r2a.\n", "Its calls: r2a.\nIts calls: r2b.\n"
            ),
            "'Round r2b was written by one helper.'",
        ),
    ],
    ids=["a row dropped", "a section broken up"],
)
def test_a_block_the_merge_lost_or_broke_up_is_named(tmp_path: Path, damage, named: str) -> None:
    readme = merged(tmp_path)
    readme.write_text(damage(readme.read_text(encoding="utf-8")), encoding="utf-8")
    lost = run(str(readme.parent), "--lost", "second")
    assert lost.returncode == 1 and named in lost.stdout and "1 block(s)" in lost.stdout, lost.stdout
