"""Finnish screening rules (locale/fi/screening.yaml): spoken Finnish, inflected words and
text-speak call for a crisis path; past events, hyperbole, negation and the program's own words
do not. Written for these tests, never taken from corpus/fi/test.tsv."""

from __future__ import annotations

import pytest
import yaml

from bot.lapse import LapseFinder
from bot.paths import REPO_ROOT
from bot.screening import Screener
from bot.screening.rules import CATEGORIES, PhraseRules


@pytest.fixture(scope="module")
def rules() -> Screener:
    """The phrase rules alone (the learned stage is trained separately)."""
    return Screener.from_dir(REPO_ROOT / "locale", base=REPO_ROOT)

FIRES = [
    ("mä haluun tappaa itteni", "suicide"),
    ("Mietin itsemurhaa koko ajan", "suicide"),
    ("en halua enää elää", "suicide"),
    ("oon ottanu kaikki mun unilääkkeet", "suicide"),
    ("pelkään että satutan lasta", "child_at_risk"),
    ("oon kahestaan sen 9v kanssa koko illan ja mua pelottaa", "child_at_risk"),
    ("oon 14", "minor"),
    ("käyn yläastetta", "minor"),
    ("minua käytettiin hyväksi lapsena", "abused"),
    ("mut raiskattiin viime vuonna", "abused"),
    ("mulla on paniikkikohtaus", "distress"),
    ("kaikki on ihan liikaa just nyt", "distress"),
    ("mulla on tosi kova halu kattoo niitä kuvia", "urge"),
    ("oon just menossa niille sivuille", "urge"),
]

QUIET = [
    "olin 12 kun näin sitä ekan kerran",  # past: not a minor now
    "mun poika on 15",
    "oon ollu 15 päivää ilman",
    "oon 34",
    "en koskaan satuttaisi lasta",
    "lapset niissä kuvissa on oikeita lapsia",
    "halu meni ohi kun lähdin kävelylle",
    "en halua katsoa enää",
    "haluan lopettaa katsomisen lopullisesti",
    "kuolen häpeästä jos joku saa tietää",
    "tapan itteni jos joudun kuuntelee tota mainosta lol",
    "ennen mä olin ihan sekasin, nyt vähemmän",
    "lasten seksuaalista hyväksikäyttöä esittävä materiaali on rikos",
    "kukaan ei ole koskaan käyttänyt minua hyväksi",
    "nuorena mulla oli itsetuhosia ajatuksia, terapia auttoi",
]


@pytest.mark.parametrize(("text", "category"), FIRES)
def test_finnish_crisis_messages_are_found(rules: Screener, text: str, category: str) -> None:
    assert list(rules.screen(text, "fi").sure) == [category]


@pytest.mark.parametrize("text", QUIET)
def test_finnish_everyday_talk_is_not_a_crisis(rules: Screener, text: str) -> None:
    assert rules.screen(text, "fi").sure == ()


def test_the_finnish_rules_are_marked_for_professional_review() -> None:
    spec = yaml.safe_load((REPO_ROOT / "locale" / "fi" / "screening.yaml").read_text(encoding="utf-8"))
    assert spec["needs_review"] is True and "review" in spec["review_note"]


# -- the lapse path's phrases (locale/fi/lapse_phrases.yaml) ---------------------------------

LAPSES = [
    "lipsahdin eilen illalla",
    "Retkahdin viime viikolla",
    "katoin taas niitä kuvia",
    "mä rikoin mun lupauksen",
    "failasin taas, ihan paska fiilis",
]

NOT_LAPSES = [
    "en oo kattonu kuukauteen",
    "pelkään että retkahdan",
    "katoin eilen koko sarjan",
    "mun kaveri retkahti alkoholiin",
    "mitä tarkoittaa lipsahdus tässä ohjelmassa",
]


@pytest.fixture(scope="module")
def lapses() -> LapseFinder:
    return LapseFinder.from_dir(REPO_ROOT / "locale", base=REPO_ROOT)


@pytest.mark.parametrize("text", LAPSES)
def test_a_finnish_lapse_is_recognised(lapses: LapseFinder, text: str) -> None:
    assert lapses(text, "fi")


@pytest.mark.parametrize("text", NOT_LAPSES)
def test_a_finnish_look_alike_is_not_a_lapse(lapses: LapseFinder, text: str) -> None:
    assert not lapses(text, "fi")


# -- the Finnish rules' dev set, line by line (tests/screening/dev.fi.tsv) ----------------------


def _dev_lines() -> list[tuple[frozenset[str], str]]:
    path = REPO_ROOT / "tests" / "screening" / "dev.fi.tsv"
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            labels, _tags, text = line.split("\t", 2)
            out.append((frozenset(labels.split(",")) & set(CATEGORIES), text))
    return out


@pytest.fixture(scope="module")
def phrase_rules() -> PhraseRules:
    return PhraseRules.from_dir(REPO_ROOT / "locale", base=REPO_ROOT)


def test_every_finnish_dev_line_screens_as_labelled(phrase_rules: PhraseRules) -> None:
    """Each everyday line a rule once fired on stays quiet, and each crisis line beside it (and
    each line a new phrase was written for) still fires: the dev set is a regression list."""
    wrong = []
    for wanted, text in _dev_lines():
        got = set(phrase_rules.screen(text, "fi"))
        if (not wanted and got) or not wanted <= got:
            wrong.append((text, sorted(wanted), sorted(got)))
    assert wrong == []
