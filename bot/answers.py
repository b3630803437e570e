"""Yes, no and "not sure" typed in the person's own words, on a question whose options are those.

A check-in asks "Are you having thoughts of ending your life right now?" with the options Yes /
No / Not sure. A frightened person often types instead of tapping: "yeah right now", "i think
so", "idk". Only the exact label or id chose an option until session 27, so they were asked
the same question again.

Each language lists, in ``locale/<lang>/system.yaml``, the words that answer (comma-separated,
matched on the folded text like an option's label, :func:`bot.catalog.normalise`):

- ``system.typed_yes`` and ``system.typed_not_sure``: an answer that *starts* with one of them
  chooses the option labelled ``common.opt_yes`` / ``common.opt_not_sure`` ("yeah, right now",
  "idk maybe"). A wrong yes costs a person one screen of help, which they can leave;
- ``system.typed_no``: only a whole answer that *is* one of them chooses ``common.opt_no``
  ("nope", "no im fine"). "no one would miss me" must never be read as a "No" to a question
  about ending one's life;
- ``system.typed_courtesy``: words that may follow a Yes or Not sure and are the answer's own
  ("yes please", "sí, gracias", "joo kiitos", "tak, proszę"), never an answer alone. Session 33:
  a retrained en model read "please" alone, screened as the words after "yes", as a crisis.

Unlike an option's exact label, these words are the person's own: the engine screens them
first (a crisis in them interrupts, as anywhere), and takes the option only if nothing did. A
short answer (at most ``engine.SHORT_ANSWER_WORDS`` words) whose words after the answer's own
are screened clean ("yes please", not "yeah took pills") is taken as the answer whatever the
learned stage reads in it; a phrase rule's hit or ask still counts (``Engine._short_answer``,
since session 30). At any other question, words that are only a listed answer ("yes", "nie
wiem", :func:`is_bare`) are its answer, not a crisis (``Engine._bare_answer``, session 34).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.catalog import Catalog, normalise
from bot.flow import Option

__all__ = ["TYPED_ANSWERS", "Phrase", "answer_and_rest", "bare_phrases", "is_bare", "phrases_for", "typed_answer"]

TYPED_ANSWERS: Mapping[str, tuple[str, bool]] = {
    "common.opt_not_sure": ("system.typed_not_sure", False),
    "common.opt_yes": ("system.typed_yes", False),
    "common.opt_no": ("system.typed_no", True),
}
"""Option label -> (the key listing the words that choose it, whether the whole answer must be
one of them). "Not sure" comes before yes, so that "not sure" words that start like a yes win."""

TYPED_COURTESY = "system.typed_courtesy"
"""The key listing words of courtesy that follow an answer ("please", "thanks")."""

COURTESY = -1
"""The option index of a courtesy phrase (:data:`Phrase`): it answers nothing on its own."""

Phrase = tuple[tuple[str, ...], int, bool]
"""(folded words, option index or :data:`COURTESY`, whole answer only)."""


def phrases_for(catalog: Catalog, options: Sequence[Option]) -> list[Phrase]:
    """The typed answers of a state with ``options`` in ``catalog``'s language, longest first
    (so that "not sure" is tried before "no"), and the words of courtesy that may follow them."""
    index_of: dict[str, int] = {}
    for i, opt in enumerate(options):
        index_of.setdefault(opt.label, i)
    return _phrases(catalog, index_of)


def bare_phrases(catalog: Catalog) -> list[Phrase]:
    """Every typed answer of ``catalog``'s language, whatever the question's options (each list
    its own index), and the words of courtesy: what :func:`is_bare` reads."""
    return _phrases(catalog, {label: i for i, label in enumerate(TYPED_ANSWERS)})


def _phrases(catalog: Catalog, index_of: Mapping[str, int]) -> list[Phrase]:
    """The phrases of each :data:`TYPED_ANSWERS` label in ``index_of`` (with its index), longest
    first, and the words of courtesy if there is any answer."""
    out: list[Phrase] = [
        (words, index_of[label], whole)
        for label, (key, whole) in TYPED_ANSWERS.items()
        if label in index_of
        for words in _listed(catalog, key)
    ]
    if out:
        out += [(words, COURTESY, False) for words in _listed(catalog, TYPED_COURTESY)]
    return sorted(out, key=lambda p: -len(p[0]))


def is_bare(phrases: Sequence[Phrase], folded: str) -> bool:
    """Whether ``folded`` is a yes, a no or a "not sure" and nothing more ("yes", "nie wiem",
    "no sé, gracias", "yeah sure"), with :func:`bare_phrases`. Typed at a question that is not
    a yes / no one, such words answer it and say nothing of a crisis; session 34 found "yes",
    "not sure", "tak", "nie", "nie wiem", "joo" and "en tiedä" typed at any of the program's
    free-text questions asking about suicide or distress, because the corpus's check-in replies
    ("yes. tonight") teach the learned stage that a bare yes is a crisis."""
    found = answer_and_rest(phrases, folded)
    return found is not None and not found[1]


def _listed(catalog: Catalog, key: str) -> list[tuple[str, ...]]:
    """The comma-separated phrases of ``key`` in ``catalog``, folded into words (none if the
    catalog lacks the key)."""
    message = catalog.messages.get(key)
    if message is None:
        return []
    folded = (tuple(normalise(phrase).split()) for phrase in message.render(None).split(","))
    return [words for words in folded if words]


def typed_answer(phrases: Sequence[Phrase], folded: str) -> int | None:
    """The option that ``folded`` (typed text, :func:`bot.catalog.normalise`) answers, if any."""
    found = answer_and_rest(phrases, folded)
    return None if found is None else found[0]


def answer_and_rest(phrases: Sequence[Phrase], folded: str) -> tuple[int, str] | None:
    """The option that ``folded`` answers and the words after the answer's own ("yes it did":
    the Yes option and "it did"), if it answers one. Words that answer the same way again, and
    words of courtesy, are the answer's own too ("sí, claro", "yeah sure", "yes please", "tak,
    jasne": the Yes option and nothing after): session 32 found "claro" alone, screened as the
    words after "sí", asked about suicide, and session 33 "please"."""
    words = tuple(folded.split())
    for phrase, index, whole in phrases:
        if index == COURTESY:
            continue
        if words == phrase or (not whole and words[: len(phrase)] == phrase):
            rest = words[len(phrase) :]
            while rest and not whole:
                again = next(
                    (p for p, i, w in phrases if i in (index, COURTESY) and not w and rest[: len(p)] == p), None
                )
                if again is None:
                    break
                rest = rest[len(again) :]
            return index, " ".join(rest)
    return None
