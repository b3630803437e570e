"""``redirection-bot train-screener``: train the learned stage from ``corpus/<lang>``.

Writes ``locale/<lang>/screening_model.npz`` for every language with a corpus, and prints, per
language, how long it took and the thresholds the dev part suggests for ``bands:`` in
``locale/<lang>/screening.yaml`` (the test split is never read). Deterministic: the same
corpus gives the same model.
"""

from __future__ import annotations

import argparse
import time

from bot.paths import add_content_argument


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "train-screener",
        help="train the screening model from corpus/ (needs the dev tools)",
        description="Train the learned screening stage from corpus/<lang>/*.tsv (not test.tsv) "
        "and write locale/<lang>/screening_model.npz; print dev-tuned thresholds.",
    )
    add_content_argument(p)
    p.add_argument("--corpus", default=None, help="corpus folder (default: CONTENT/corpus)")
    p.add_argument("--lang", action="append", help="only this language (repeatable)")
    p.add_argument(
        "--write-bands", action="store_true",
        help="also write the suggested thresholds into locale/<lang>/screening.yaml (bands:)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.screening.corpus import languages
    from bot.screening.model import LearnedStage
    from bot.screening.rules import PhraseRules
    from bot.screening.train import TrainConfig, train_language, write_model
    from bot.screening.tuning import band_text, suggest_bands, write_bands

    corpus = Path(args.corpus) if args.corpus else args.content / "corpus"
    locale_dir = args.content / "locale"
    rules = PhraseRules.from_dir(locale_dir, base=args.content)
    config = TrainConfig()
    t_all = time.perf_counter()
    # a corpus with no language folder under locale/ (nothing to screen yet) is not trained on
    for lang in args.lang or [lang for lang in languages(corpus) if lang in rules.languages]:
        trained = train_language(corpus, lang, config)
        path = write_model(trained, locale_dir)
        model = LearnedStage.load(path, str(path))
        scores = [model.scores(ex.text) for ex in trained.dev]
        hits = [rules.screen(ex.text, lang) for ex in trained.dev]
        print(
            f"{lang}: trained on {len(trained.train)} messages in {trained.seconds:.1f} s -> {path}; "
            f"dev {len(trained.dev)} messages"
        )
        suggestions = suggest_bands(trained.dev, scores, hits)
        print(f"  suggested bands for locale/{lang}/screening.yaml (tuned on dev):")
        print("  bands:")
        for s in suggestions:
            print(
                f"    {s.category}: {band_text(s)}"
                f"   # dev recall {s.recall:.3f}, dev negatives flagged {s.negatives_flagged:.3f}"
            )
        if args.write_bands:
            yaml_path = locale_dir / lang / "screening.yaml"
            yaml_path.write_text(write_bands(yaml_path.read_text(encoding="utf-8"), suggestions), encoding="utf-8")
            print(f"  wrote them to {yaml_path}")
    print(f"done in {time.perf_counter() - t_all:.1f} s")
    return 0
