"""The resource directory: helplines and services as data, in ``resources/resources.yaml``.

Each entry has its name and description in every language of the program, says who it serves
(one country or ``"*"``, the languages it answers in, the crisis categories it fits), where its
number is published (``source``), when that page was read (``read``) and when a person checked
it live (``checked``, null until someone has)::

    - id: us_988
      name: {en: 988 Suicide & Crisis Lifeline, es: Línea 988 de prevención del suicidio y crisis}
      description: {en: Call or text 988 ..., es: Llama al 988 y marca 2 ...}
      contact: {phone: "988", sms: "988", url: "https://988lifeline.org/"}
      kind: crisis_line
      countries: [US]
      languages: [en, es]
      categories: [suicide, distress, general]
      source: https://988lifeline.org/get-help/what-to-expect/
      read: "2026-12-01"
      checked: null

Every list the bot shows comes from two functions: ``Directory.for_category`` (the first reply
of a crisis path, S6) and ``Directory.for_help`` (the help flow, the help page, error pages).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from bot.content import schema_problems
from bot.problems import Place, Problem, did_you_mean, display_path
from bot.session import ResourceView
from bot.yamlsource import Source, YamlError, load_yaml

__all__ = [
    "GENERAL_CATEGORIES",
    "KINDS",
    "RESOURCES_FILE",
    "Contact",
    "Directory",
    "Resource",
    "lint_resources",
    "load_resources",
    "phone_digits",
    "plain_line",
]

RESOURCES_FILE = "resources.yaml"
GENERAL_CATEGORIES = frozenset({"general", "report"})
"""Categories besides the program's crisis categories: any-time help, and reporting material."""
STALE_AFTER = dt.timedelta(days=365)

Kind = Literal["emergency", "crisis_line", "prevention", "youth", "survivors", "reporting"]
KINDS: tuple[str, ...] = get_args(Kind)
"""In the order lists show them: emergency numbers first, reporting last."""

Country = Annotated[str, StringConstraints(pattern=r"^([A-Z]{2}|\*)$")]
Language = Annotated[str, StringConstraints(pattern=r"^([a-z]{2,3}|\*)$")]
Url = Annotated[str, StringConstraints(pattern=r"^https://\S+$", max_length=300)]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 -]*[0-9]$", max_length=30)]
Tel = Annotated[str, StringConstraints(pattern=r"^\+?[0-9]+$", max_length=20)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=280)]
Category = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(_Strict):
    """How to reach a service: at least one of a phone number, a web address, an SMS number."""

    phone: Phone | None = None
    """As people write it: ``0808 1000 900``."""
    tel: Tel | None = None
    """The dialable form for a ``tel:`` link, when it is not just the digits of ``phone``."""
    sms: Phone | None = None
    url: Url | None = None

    @model_validator(mode="after")
    def _something(self) -> Contact:
        if self.phone is None and self.url is None and self.sms is None:
            raise ValueError("a contact needs at least one of phone, url or sms")
        if self.tel is not None and self.phone is None:
            raise ValueError("`tel` is the dialable form of `phone`: give the phone too")
        return self

    def dial(self) -> str | None:
        """``+441372847161``, ``988``: what a ``tel:`` link dials."""
        if self.tel is not None:
            return self.tel
        if self.phone is None:
            return None
        return ("+" if self.phone.startswith("+") else "") + phone_digits(self.phone)


class Resource(_Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
    name: dict[Language, Annotated[str, StringConstraints(min_length=1, max_length=120)]]
    """The name in every language of the program, each in that language."""
    description: dict[Language, Text]
    """One line saying who it is for and how it works, in every language of the program."""
    contact: Contact
    kind: Kind
    countries: list[Country] = Field(min_length=1, max_length=1)
    """One country (or ``"*"``): lists are grouped by country."""
    languages: list[Language] = Field(min_length=1)
    """The languages the service answers in."""
    categories: list[Category] = Field(min_length=1)
    not_for: list[Category] = Field(default_factory=list)
    """Categories the organisation says it is not for: never shown there."""
    note: str | None = None
    """For designers; never shown to users."""
    source: Url
    """The organisation's own page where the number or address is published."""
    read: dt.date | None = None
    """When ``source`` was read for this entry."""
    checked: dt.date | None
    """When a person checked the entry live against ``source``; null until someone has."""

    @model_validator(mode="after")
    def _not_for(self) -> Resource:
        both = sorted(set(self.categories) & set(self.not_for))
        if both:
            raise ValueError(f"categories and not_for both name {', '.join(both)}")
        return self

    @property
    def country(self) -> str | None:
        return None if self.countries[0] == "*" else self.countries[0]

    def serves_country(self, country: str) -> bool:
        return self.countries[0] in ("*", country)

    def speaks(self, language: str) -> bool:
        return "*" in self.languages or language in self.languages

    def view(self, locale: str) -> ResourceView:
        """The entry as a reply carries it, in ``locale`` (which lint guarantees it has)."""
        return ResourceView(
            id=self.id,
            name=self.name[locale],
            description=self.description[locale],
            number=self.contact.phone,
            tel=self.contact.dial(),
            sms=self.contact.sms,
            url=self.contact.url,
            country=self.country,
            kind=self.kind,
        )


class _File(_Strict):
    resources: list[Resource]


class Directory:
    """The loaded entries, in file order, and where each one is written."""

    def __init__(
        self,
        resources: Sequence[Resource],
        places: dict[str, Place] | None = None,
        unchecked_allowed: str | None = None,
    ) -> None:
        self.resources = list(resources)
        self.places = places or {}
        self.unchecked_allowed = unchecked_allowed
        """The file's documented reason for shipping entries nobody has checked yet."""
        self._shown: dict[Hashable, tuple[ResourceView, ...]] = {}

    def shown(
        self, key: Hashable, choose: Callable[[], Iterable[Resource]], locale: str
    ) -> tuple[ResourceView, ...]:
        """``choose()``'s entries as ``locale`` shows them, kept under ``key``: the directory
        never changes, so each list is chosen once (a turn is a dictionary lookup)."""
        views = self._shown.get(key)
        if views is None:
            views = self._shown[key] = self.views(choose(), locale)
        return views

    def _fits(self, res: Resource, locale: str, country: str | None) -> bool:
        if locale not in res.name or locale not in res.description:
            return False  # never another language's words (lint reports the gap)
        if country is not None:
            return res.serves_country(country)
        return res.speaks(locale)

    def _ordered(self, chosen: Iterable[Resource], country: str | None, locale: str) -> list[Resource]:
        order = {r.id: i for i, r in enumerate(self.resources)}
        return sorted(
            chosen,
            key=lambda r: (
                r.country is None,  # "*" entries after a country's own
                country is not None and not r.speaks(locale),
                KINDS.index(r.kind),
                order[r.id],
            ),
        )

    def for_category(self, locale: str, category: str, country: str | None = None) -> list[Resource]:
        """Help first (S6): emergency numbers, crisis lines, and the category's own services,
        for ``country`` when the person has said it, else for people who speak ``locale``;
        never a service that says it is not for ``category``."""
        chosen = [
            r
            for r in self.resources
            if self._fits(r, locale, country)
            and category not in r.not_for
            and category in r.categories
        ]
        return self._ordered(chosen, country, locale)

    def for_help(self, locale: str, country: str | None = None, *, report: bool = True) -> list[Resource]:
        """Every service for ``country`` (or for people who speak ``locale``), grouped by country
        and kind: the in-chat help, the help page and error pages all show this list."""
        chosen = [
            r
            for r in self.resources
            if self._fits(r, locale, country) and (report or r.kind != "reporting")
        ]
        by_country = self._ordered(chosen, country, locale)
        first_seen: dict[str | None, int] = {}
        for i, r in enumerate(by_country):
            first_seen.setdefault(r.country, i)
        return sorted(by_country, key=lambda r: (r.country is None, first_seen[r.country]))

    def views(self, resources: Iterable[Resource], locale: str) -> tuple[ResourceView, ...]:
        return tuple(r.view(locale) for r in resources)

    def phone_numbers(self) -> set[str]:
        """Digits of every phone and SMS number in the directory."""
        return {
            phone_digits(n)
            for r in self.resources
            for n in (r.contact.phone, r.contact.sms)
            if n is not None
        }


def plain_line(view: ResourceView) -> str:
    """How a resource reads as one plain line: ``Stop It Now (UK): 0808 1000 900 (https://...)``."""
    if view.number is not None:
        return f"{view.name}: {view.number}" + (f" ({view.url})" if view.url else "")
    return f"{view.name}: {view.url or view.sms}"


def phone_digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def load_resources(folder: Path, *, base: Path | None = None) -> tuple[Directory, list[Problem]]:
    """Load ``folder/resources.yaml``; never raises for bad content (problems say where)."""
    path = folder / RESOURCES_FILE
    name = display_path(path, base)
    if not path.exists():
        return Directory([]), [Problem(Place(name), "the resource directory is missing")]
    try:
        src = load_yaml(path, name)
    except YamlError as err:
        problem = err.problem
        if "timestamp" in problem.message:  # an unquoted date: YAML would make it a datetime
            problem = Problem(problem.place, 'a date must be in quotes, like checked: "2026-12-01"')
        return Directory([]), [problem]
    if not isinstance(src.data, dict):
        return Directory([]), [Problem(src.place(), "expected `resources:` and a list of entries")]
    problems: list[Problem] = []
    unknown = sorted(set(src.data) - {"resources", "unchecked"})
    for key in unknown:
        problems.append(Problem(src.place((key,)), f"unknown key '{key}' (known: resources, unchecked)"))
    allowance = src.data.get("unchecked")
    if allowance is not None and not (isinstance(allowance, str) and allowance.strip()):
        problems.append(
            Problem(src.place(("unchecked",)), "`unchecked` must say why unchecked entries ship")
        )
        allowance = None
    entries = src.data.get("resources")
    if not isinstance(entries, list):
        return Directory([]), [Problem(src.place(("resources",)), "`resources` must be a list")]
    good: list[Resource] = []
    places: dict[str, Place] = {}
    for i, entry in enumerate(entries):
        try:
            res = _File.model_validate({"resources": [entry]}).resources[0]
        except ValidationError as err:
            problems.extend(_placed(err, src, i))
            continue
        if res.id in places:
            problems.append(
                Problem(
                    src.place(("resources", i, "id")),
                    f"resource id '{res.id}' is also used at {places[res.id]}",
                )
            )
            continue
        good.append(res)
        places[res.id] = src.place(("resources", i, "id"))
    return Directory(good, places, allowance), problems


def _placed(err: ValidationError, src: Source, index: int) -> list[Problem]:
    """Schema problems for entry ``index``, each named by the entry's id."""
    out = []
    entry = src.data["resources"][index]
    label = (
        f"resource '{entry['id']}'"
        if isinstance(entry, dict) and "id" in entry
        else f"resource {index + 1}"
    )
    for p in schema_problems(err, src):
        message = p.message
        if message.startswith("file: "):
            message = message.removeprefix("file: ")
        if "'checked' is required" in message or "'source' is required" in message:
            message += " (where the organisation publishes it; null until a person checked it)"
        out.append(Problem(p.place, f"{label}: {message}", p.severity))
    return out


def lint_resources(
    directory: Directory,
    categories: Iterable[str],
    languages: Iterable[str] = ("en",),
    *,
    today: dt.date | None = None,
) -> list[Problem]:
    """Unknown categories and missing languages are errors; year-old checks are warnings;
    entries nobody has checked are ``unchecked`` problems (warnings that ``lint --strict``
    accepts only while the file says why, in its top-level ``unchecked:`` allowance)."""
    today = today or dt.date.today()
    known = set(categories) | GENERAL_CATEGORIES
    out = []
    for res in directory.resources:
        place = directory.places.get(res.id, Place(RESOURCES_FILE))
        for cat in (*res.categories, *res.not_for):
            if cat not in known:
                out.append(
                    Problem(
                        place,
                        f"resource '{res.id}': unknown category '{cat}'{did_you_mean(cat, known)}; "
                        f"categories are {', '.join(sorted(known))}",
                    )
                )
        for lang in languages:
            for field, texts in (("name", res.name), ("description", res.description)):
                if lang not in texts:
                    out.append(
                        Problem(
                            place,
                            f"resource '{res.id}': no {field} in '{lang}': add `{lang}:` under "
                            f"`{field}` (pages never show another language's words)",
                        )
                    )
        if res.checked is None:
            out.append(
                Problem(
                    place,
                    f"resource '{res.id}' has not been checked yet (checked: null): check it "
                    f"against {res.source} and set the date",
                    "unchecked" if directory.unchecked_allowed else "warning",
                )
            )
        elif today - res.checked > STALE_AFTER:
            out.append(
                Problem(
                    place,
                    f"resource '{res.id}' was last checked on {res.checked.isoformat()}, more "
                    f"than 12 months ago: check it against {res.source} and update `checked`",
                    "warning",
                )
            )
    return out
