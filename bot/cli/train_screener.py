"""``redirection-bot train-screener``: train the learned stage from ``corpus/<lang>``.

Writes ``locale/<lang>/screening_model.npz`` for every language with a corpus, and prints, per
language, how long it took and the thresholds the dev part suggests for ``bands:`` in
``locale/<lang>/screening.yaml``, spending the file's ``check_budget:`` (the test splits are
never read). Deterministic: the same
corpus gives the same model. The two fits of every language run as separate jobs, one process
a core (each fit on one thread), the biggest pools first (:func:`bot.screening.train.train_languages`).
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
    import os
    from pathlib import Path

    from bot.screening.corpus import languages
    from bot.screening.rules import PhraseRules
    from bot.screening.train import TrainConfig, train_languages, write_model
    from bot.screening.tuning import band_text, budget_of, suggest_bands, write_bands

    corpus = Path(args.corpus) if args.corpus else args.content / "corpus"
    locale_dir = args.content / "locale"
    rules = PhraseRules.from_dir(locale_dir, base=args.content)
    config = TrainConfig()
    t_all = time.perf_counter()
    # a corpus with no language folder under locale/ (nothing to screen yet) is not trained on
    langs = args.lang or [lang for lang in languages(corpus) if lang in rules.languages]
    workers = max(1, min(2 * len(langs), os.cpu_count() or 1))
    for trained in train_languages(corpus, langs, config, workers):
        lang = trained.lang
        path = write_model(trained, locale_dir)
        fitted = len(trained.train) + (len(trained.dev) if config.refit else 0)
        print(
            f"{lang}: fits took {trained.seconds:.1f} s on {fitted} messages -> {path}; bands from "
            f"dev ({len(trained.dev)} messages) scored by the model fitted on the other {len(trained.train)}"
        )
        hits = [rules.screen(ex.text, lang) for ex in trained.dev]
        budget = budget_of(rules, lang)
        suggestions = suggest_bands(trained.dev, trained.dev_scores, hits, check_share=budget)
        print(
            f"  suggested bands for locale/{lang}/screening.yaml (tuned on dev: at most "
            f"{budget:.0%} of its negatives flagged, the file's check_budget):"
        )
        print("  bands:")
        for s in suggestions:
            print(
                f"    {s.category}: {band_text(s)}"
                f"   # dev recall {s.recall:.3f}, dev negatives flagged {s.negatives_flagged:.3f}"
            )
        if args.write_bands:
            yaml_path = locale_dir / lang / "screening.yaml"
            text = yaml_path.read_text(encoding="utf-8")
            yaml_path.write_text(write_bands(text, suggestions), encoding="utf-8")
            print(f"  wrote them to {yaml_path}")
    print(f"done in {time.perf_counter() - t_all:.1f} s")
    return 0
