"""The resource directory: helplines and services as data, in ``resources/resources.yaml``.

Each entry says who it serves (countries, languages, crisis categories) and where its number is
published (``source``) and when a person last checked it (``verified``)::

    - id: lifeline_988
      name: 988 Suicide & Crisis Lifeline
      contact: {phone: "988", url: https://988lifeline.org/}
      kind: crisis_line
      countries: [US]
      languages: [en, es]
      categories: [suicide, distress, general]
      source: https://988lifeline.org/
      verified: "2026-11-25"
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Literal

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
from bot.yamlsource import Source, YamlError, load_yaml

__all__ = [
    "GENERAL_CATEGORIES",
    "RESOURCES_FILE",
    "Contact",
    "Directory",
    "Resource",
    "lint_resources",
    "load_resources",
    "phone_digits",
]

RESOURCES_FILE = "resources.yaml"
GENERAL_CATEGORIES = frozenset({"general", "report"})
"""Categories besides the program's crisis categories: any-time help, and reporting material."""
STALE_AFTER = dt.timedelta(days=365)

Kind = Literal[
    "emergency",
    "crisis_line",
    "prevention_helpline",
    "child_helpline",
    "youth_service",
    "survivor_support",
    "reporting",
]
Country = Annotated[str, StringConstraints(pattern=r"^([A-Z]{2}|\*)$")]
Language = Annotated[str, StringConstraints(pattern=r"^([a-z]{2,3}|\*)$")]
Url = Annotated[str, StringConstraints(pattern=r"^https://\S+$", max_length=300)]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 -]*[0-9]$", max_length=30)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(_Strict):
    """How to reach a service: at least one of a phone number, a web address, an SMS number."""

    phone: Phone | None = None
    url: Url | None = None
    text: Phone | None = None

    @model_validator(mode="after")
    def _something(self) -> Contact:
        if self.phone is None and self.url is None and self.text is None:
            raise ValueError("a contact needs at least one of phone, url or text")
        return self


class Resource(_Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    contact: Contact
    kind: Kind
    countries: list[Country] = Field(min_length=1)
    languages: list[Language] = Field(min_length=1)
    categories: list[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]] = Field(
        min_length=1
    )
    hours: str | None = None
    note: str | None = None
    source: Url
    """The organisation's own page where the number or address is published."""
    verified: dt.date | None
    """When a person last checked the entry against ``source``; null until someone does."""

    def serves_country(self, country: str) -> bool:
        return "*" in self.countries or country in self.countries

    def speaks(self, language: str) -> bool:
        return "*" in self.languages or language in self.languages


class _File(_Strict):
    resources: list[Resource]


class Directory:
    """The loaded entries, in file order, and where each one is written."""

    def __init__(
        self, resources: Sequence[Resource], places: dict[str, Place] | None = None
    ) -> None:
        self.resources = list(resources)
        self.places = places or {}

    def select(
        self, locale: str, country: str | None = None, categories: Iterable[str] = ()
    ) -> list[Resource]:
        """Services for a user: emergency numbers first, then the rest in file order.

        With a ``country`` (kept only for the conversation) every service there is chosen, those
        in the user's language first; without one, the services that speak ``locale``. With
        ``categories``, only services for at least one of them (emergency numbers always).
        """
        wanted = set(categories)
        chosen = []
        for res in self.resources:
            if country is not None:
                if not res.serves_country(country):
                    continue
            elif not res.speaks(locale):
                continue
            if wanted and res.kind != "emergency" and not wanted & set(res.categories):
                continue
            chosen.append(res)
        return sorted(
            chosen,
            key=lambda r: (r.kind != "emergency", country is not None and not r.speaks(locale)),
        )

    def phone_numbers(self) -> set[str]:
        """Digits of every phone and SMS number in the directory."""
        return {
            phone_digits(n)
            for r in self.resources
            for n in (r.contact.phone, r.contact.text)
            if n is not None
        }


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
            problem = Problem(
                problem.place, 'a date must be in quotes, like verified: "2026-11-25"'
            )
        return Directory([]), [problem]
    if not isinstance(src.data, dict):
        return Directory([]), [Problem(src.place(), "expected `resources:` and a list of entries")]
    problems: list[Problem] = []
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
    return Directory(good, places), problems


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
        if "'verified' is required" in message or "'source' is required" in message:
            message += " (where the organisation publishes it, and when a person checked it)"
        out.append(Problem(p.place, f"{label}: {message}", p.severity))
    return out


def lint_resources(
    directory: Directory,
    categories: Iterable[str],
    *,
    today: dt.date | None = None,
) -> list[Problem]:
    """Unknown categories are errors; unchecked or year-old entries are warnings."""
    today = today or dt.date.today()
    known = set(categories) | GENERAL_CATEGORIES
    out = []
    for res in directory.resources:
        place = directory.places.get(res.id, Place(RESOURCES_FILE))
        for cat in res.categories:
            if cat not in known:
                out.append(
                    Problem(
                        place,
                        f"resource '{res.id}': unknown category '{cat}'{did_you_mean(cat, known)}; "
                        f"categories are {', '.join(sorted(known))}",
                    )
                )
        if res.verified is None:
            out.append(
                Problem(
                    place,
                    f"resource '{res.id}' has not been checked yet (verified: null): check it "
                    f"against {res.source} and set the date",
                    "warning",
                )
            )
        elif today - res.verified > STALE_AFTER:
            out.append(
                Problem(
                    place,
                    f"resource '{res.id}' was last checked on {res.verified.isoformat()}, more "
                    f"than 12 months ago: check it against {res.source} and update `verified`",
                    "warning",
                )
            )
    return out

