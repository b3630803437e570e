"""corpus/check.py, which helpers run while writing data, never prints a test split's line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHECK = Path(__file__).resolve().parent.parent / "corpus" / "check.py"


def run_check(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(CHECK), str(folder)], capture_output=True, text=True, check=False)


def test_a_pool_line_repeating_a_test_line_is_named_by_the_pool_words_only(tmp_path: Path) -> None:
    (tmp_path / "a_pool.tsv").write_text("none\t-\tThe Train Was Late Again\n", encoding="utf-8")
    (tmp_path / "test.tsv").write_text("none\t-\tthe train was late again!!\n", encoding="utf-8")
    out = run_check(tmp_path)
    assert out.returncode == 1
    assert "duplicate of a_pool.tsv:1: 'The Train Was Late Again'" in out.stdout
    assert "late again!!" not in out.stdout


def test_two_test_lines_that_repeat_are_named_by_place_only(tmp_path: Path) -> None:
    (tmp_path / "test.tsv").write_text("none\t-\tSecret Words Here\n", encoding="utf-8")
    (tmp_path / "test2.tsv").write_text("none\t-\tsecret words here.\n", encoding="utf-8")
    out = run_check(tmp_path)
    assert out.returncode == 1 and "test2.tsv:1: duplicate of test.tsv:1" in out.stdout
    assert "ecret" not in out.stdout


def test_pool_duplicates_still_show_their_text(tmp_path: Path) -> None:
    (tmp_path / "a.tsv").write_text("none\t-\tone line\n", encoding="utf-8")
    (tmp_path / "b.tsv").write_text("none\t-\tOne line.\n", encoding="utf-8")
    out = run_check(tmp_path)
    assert out.returncode == 1 and "b.tsv:1: duplicate of a.tsv:1: 'one line'" in out.stdout
