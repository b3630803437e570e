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


def load_check_module():  # corpus/ is not a package: load check.py by path
    import importlib.util

    spec = importlib.util.spec_from_file_location("corpus_check", CHECK)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_near_copies_finds_what_comparing_every_pair_finds() -> None:
    import difflib
    import random

    check = load_check_module()
    rng = random.Random(29)
    words = [f"w{n}" for n in range(40)] + ["i", "the", "a", "and", "to"] * 8
    pool = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(400)]
    test = []
    for text in rng.sample(pool, 120):  # near copies: a word changed, dropped, added or kept
        tokens = text.split()
        edit = rng.randrange(4)
        if edit == 0 and tokens:
            tokens[rng.randrange(len(tokens))] = rng.choice(words)
        elif edit == 1 and len(tokens) > 1:
            tokens.pop(rng.randrange(len(tokens)))
        elif edit == 2:
            tokens.insert(rng.randrange(len(tokens) + 1), rng.choice(words))
        test.append(" ".join(tokens).upper() + "!")
    test += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(100)]

    def every_pair(threshold: float) -> list[str]:
        out = []
        for t in test:
            a = check.norm(t)
            for p in pool:
                b = check.norm(p)
                ta, tb = set(a.split()), set(b.split())
                if (
                    ta
                    and len(ta & tb) / len(ta | tb) >= 0.5
                    and difflib.SequenceMatcher(None, a, b).ratio() >= threshold
                ):
                    out.append(p)
        return sorted(out)

    for threshold in (0.9, 0.75):
        expected = every_pair(threshold)
        assert len(expected) > 50  # the data holds near copies to find
        assert sorted(check.near_copies(test, pool, threshold)) == expected


def test_a_pool_line_close_to_a_test_line_is_warned_about_by_its_own_words(tmp_path: Path) -> None:
    (tmp_path / "a_pool.tsv").write_text("none\t-\tthe night bus home was late again tonight\n", encoding="utf-8")
    (tmp_path / "test.tsv").write_text("none\t-\tthe night bus home was late again tonite\n", encoding="utf-8")
    out = run_check(tmp_path)
    warning = "WARNING pool line close to a test line (reword or drop it): 'the night bus home was late again tonight'"
    assert warning in out.stdout
    assert "tonite" not in out.stdout


def test_write_readme_puts_the_counts_in_the_readme_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "a_pool.tsv").write_text(
        "suicide\t-\tgot the rope\nnone\thard_negative\ti like tea\nnone\t-\thello\nurge,suicide\t-\tboth now\n",
        encoding="utf-8",
    )
    (tmp_path / "test.tsv").write_text("minor\t-\tim 15\nnone\thard_negative\tyears ago\n", encoding="utf-8")
    before = (
        "# Corpus\n\n| | suicide | child_at_risk | urge | abused | distress | minor | lapse | several | none "
        "| total |\n"
        "| test | 0 | 0 | 0 | 0 | 0 | 1 | 0 | 0 | 1 | 2 |\n| pool | 9 | 9 | 9 | 9 | 9 | 9 | 9 | 9 | 9 | 81 |\n\n"
        "Per label (test + pool), counting a message with several labels once for each: none 1.\n"
        "Hard negatives in the pool: 0 of 1 messages (0%).\n\n## Style\n"
    )
    (tmp_path / "README.md").write_text(before, encoding="utf-8")
    out = subprocess.run([sys.executable, str(CHECK), str(tmp_path), "--write-readme"], capture_output=True,
                         text=True, check=False)
    assert out.returncode == 0, out.stdout
    after = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert after == before.replace(
        "| pool | 9 | 9 | 9 | 9 | 9 | 9 | 9 | 9 | 9 | 81 |", "| pool | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 2 | 4 |"
    ).replace("once for each: none 1.", "once for each: none 3, suicide 2, minor 1, urge 1.").replace(
        "Hard negatives in the pool: 0 of 1 messages (0%).", "Hard negatives in the pool: 1 of 4 messages (25%)."
    )
    assert "years ago" not in out.stdout

    (tmp_path / "README.md").write_text("# Corpus\n", encoding="utf-8")
    out = subprocess.run([sys.executable, str(CHECK), str(tmp_path), "--write-readme"], capture_output=True,
                         text=True, check=False)
    assert out.returncode == 1 and "no line starting '| pool |'" in out.stdout

    # a merge that left the figures twice: the first is written, and the second is a problem to fix
    twice = before + "Hard negatives in the pool: 0 of 1 messages (0%).\n"
    (tmp_path / "README.md").write_text(twice, encoding="utf-8")
    out = subprocess.run([sys.executable, str(CHECK), str(tmp_path), "--write-readme"], capture_output=True,
                         text=True, check=False)
    assert out.returncode == 1 and "2 lines start 'Hard negatives in the pool:' (lines 8, 11): keep one" in out.stdout
    written = (tmp_path / "README.md").read_text(encoding="utf-8").split("\n")
    assert written[7] == "Hard negatives in the pool: 1 of 4 messages (25%)."
    assert written[10] == "Hard negatives in the pool: 0 of 1 messages (0%)."


def test_near_names_a_rounds_lines_close_to_a_test_line_by_place_and_marks_clean_splits(tmp_path: Path) -> None:
    (tmp_path / "test.tsv").write_text(
        "# a comment\nnone\t-\tthe ferry leaves at six tomorrow morning\nsuicide\t-\tnothing like the others at all\n",
        encoding="utf-8",
    )
    (tmp_path / "test999.tsv").write_text("urge\t-\talone at the depot all night with the laptop\n", encoding="utf-8")
    round_file = tmp_path / "new_r99.tsv"
    round_file.write_text(
        "none\t-\tThe ferry leaves at six tomorrow morning!\n"
        "none\t-\ta line about gardening and tomatoes\n"
        "urge\t-\talone at the depot all night with my laptop\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, str(CHECK), str(tmp_path), "--near", str(round_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "new_r99.tsv:1 1.0 test.tsv:2"
    assert lines[1].startswith("new_r99.tsv:3 0.9") and lines[1].endswith("test999.tsv:1  (clean: do not open)")
    assert lines[2] == "2 line(s) of new_r99.tsv within 0.8 of a test line"
    assert "depot" not in out.stdout and "ferry" not in out.stdout


def test_near_with_drop_takes_the_near_lines_out_of_the_round_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "test.tsv").write_text("none\t-\tthe ferry leaves at six tomorrow morning\n", encoding="utf-8")
    round_file = tmp_path / "new_r99.tsv"
    kept = "# written blind, session 99\nnone\t-\ta line about gardening and tomatoes\n\nurge\t-\tnothing near\n"
    round_file.write_text("none\t-\tThe ferry leaves at six tomorrow morning!\n" + kept, encoding="utf-8")
    command = [sys.executable, str(CHECK), str(tmp_path), "--near", str(round_file)]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    assert out.returncode == 0 and "dropped" not in out.stdout
    assert round_file.read_text(encoding="utf-8").startswith("none\t-\tThe ferry")  # without --drop: untouched
    out = subprocess.run([*command, "--drop"], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "dropped them from new_r99.tsv" and "ferry" not in out.stdout
    assert round_file.read_text(encoding="utf-8") == kept
    out = subprocess.run([*command, "--drop"], capture_output=True, text=True, check=False)
    assert "0 line(s)" in out.stdout and round_file.read_text(encoding="utf-8") == kept


def test_near_test_lines_finds_every_pair_difflib_finds() -> None:
    import difflib
    import random

    check = load_check_module()
    rng = random.Random(36)
    letters = "abcdefgh ijk "
    tests = [("test.tsv", n, "".join(rng.choice(letters) for _ in range(rng.randint(3, 40)))) for n in range(300)]
    lines = []
    for n, (_, _, text) in enumerate(rng.sample(tests, 100)):  # a character or two changed, or a new text
        chars = list(text)
        for _ in range(rng.randint(0, 4)):
            chars[rng.randrange(len(chars))] = rng.choice(letters)
        lines.append((n, "".join(chars) if n % 3 else "".join(rng.choice(letters) for _ in range(20))))
    found = {(n, f, t) for n, _, f, t in check.near_test_lines(lines, tests, 0.8)}
    every = {
        (n, f, t)
        for n, text in lines
        for f, t, test_text in tests
        if difflib.SequenceMatcher(None, check.norm(text), check.norm(test_text)).ratio() >= 0.8
    }
    assert every and found == every


def test_near_without_a_file_or_with_a_bad_ratio_says_how_to_call_it(tmp_path: Path) -> None:
    (tmp_path / "test.tsv").write_text("none\t-\tsomething\n", encoding="utf-8")
    calls = (
        ["--near"],
        ["--near", str(tmp_path / "missing.tsv")],
        ["--near", str(tmp_path / "test.tsv"), "--ratio", "high"],
    )
    for extra in calls:
        command = [sys.executable, str(CHECK), str(tmp_path), *extra]
        out = subprocess.run(command, capture_output=True, text=True, check=False)
        assert out.returncode == 2 and out.stdout.startswith("usage: python corpus/check.py LANG --near FILE"), extra
        assert "Traceback" not in out.stderr
