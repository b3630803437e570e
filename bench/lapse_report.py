"""Recall, false alarms and speed of the lapse phrases (locale/<lang>/lapse_phrases.yaml) on the
labelled screening corpus (corpus/<lang>/*.tsv: ``labels<TAB>tags<TAB>text``, AGREEMENTS 6).

    .venv/bin/python bench/lapse_report.py                    # corpus/ of this checkout
    .venv/bin/python bench/lapse_report.py --corpus DIR --misses

A line labelled ``lapse`` should open the lapse path; any other line should not (a crisis line
labelled both is counted as a lapse, but the crisis path wins in the engine). ``test.tsv`` is the
frozen split: reported apart, never tuned on.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.lapse import LapseFinder  # noqa: E402
from bot.screening.corpus import pool_files, test_files  # noqa: E402


def _read(path: Path) -> list[tuple[set[str], str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            continue
        labels, _tags, text = parts
        out.append(({x.strip() for x in labels.split(",")}, text))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--misses", action="store_true",
                    help="list every miss and false alarm of the train pool (never of the test splits)")
    args = ap.parse_args()
    finder = LapseFinder.from_dir(ROOT / "locale", base=ROOT)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}: nothing to measure")
        return 0
    for lang_dir in sorted(p for p in args.corpus.iterdir() if p.is_dir()):
        lang = lang_dir.name
        if lang not in finder.languages:
            continue
        for split, files in (("train pool", pool_files(args.corpus, lang)),
                             ("test (frozen)", test_files(args.corpus, lang))):
            rows = [row for f in files for row in _read(f)]
            if not rows:
                continue
            pos = [t for labels, t in rows if "lapse" in labels]
            neg = [t for labels, t in rows if "lapse" not in labels]
            hits = [t for t in pos if finder(t, lang)]
            alarms = [t for t in neg if finder(t, lang)]
            recall = len(hits) / len(pos) if pos else float("nan")
            print(f"{lang} {split}: {len(rows)} lines; lapse recall {len(hits)}/{len(pos)} = {recall:.1%}; "
                  f"false alarms {len(alarms)}/{len(neg)} = {len(alarms) / max(len(neg), 1):.2%}")
            if args.misses and split == "train pool":  # never look at the frozen split's misses
                for t in pos:
                    if t not in hits:
                        print(f"  miss   {t}")
                for t in alarms:
                    print(f"  alarm  {t}")
        texts = [t for f in sorted(lang_dir.glob("*.tsv")) for _, t in _read(f)] or ["i slipped"]
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            for t in texts:
                finder(t, lang)
            runs.append((time.perf_counter() - start) / len(texts))
        print(f"{lang} speed: median {statistics.median(runs) * 1e6:.1f} us per text ({len(texts)} texts, 5 runs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
