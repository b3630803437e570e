"""A tiny, valid program written into a temporary folder, for tests to break one piece at a time.

    root = write_content(tmp_path, flows={"menu.yaml": MENU.replace(...)})
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

PROGRAM = """\
program:
  start: menu
  menu: menu
  help: help
  resume: resume
  crisis: {}
"""

MENU = """\
flow: menu
start: choose
states:
  choose:
    say: [menu.intro]
    options:
      - id: breathe
        label: menu.opt_breathe
        go: breathe
      - id: bye
        label: menu.opt_bye
        go: bye
  breathe:
    say: [menu.breathe]
    ask: feeling
    go: reflect
  reflect:
    say: [menu.reflect]
    go: choose
  bye:
    say: [menu.bye]
    end: true
"""

HELP = """\
flow: help
start: now
states:
  now:
    say: [help.now]
    options:
      - id: back
        label: help.opt_back
        back: true
"""

RESUME = """\
flow: resume
start: offer
states:
  offer:
    say: [resume.offer]
    options:
      - id: resume
        label: help.opt_back
        back: true
      - id: menu
        label: resume.opt_menu
        flow: menu
"""

MESSAGES = {
    "en": """\
menu.intro: What now?
menu.opt_breathe: Breathe
menu.opt_bye: Leave
menu.breathe: How do you feel?
menu.reflect: 'You feel: {feeling}.'
menu.bye: Bye.
help.now: Help is here.
help.opt_back: Back
resume.offer: Continue?
resume.opt_menu: Menu
system.not_understood: Sorry?
system.too_long: Too long, under {max} please.
system.empty: Say something.
system.goodbye: Goodbye.
""",
    "es": """\
menu.intro: ¿Y ahora?
menu.opt_breathe: Respirar
menu.opt_bye: Salir
menu.breathe: ¿Cómo te sientes?
menu.reflect: 'Te sientes: {feeling}.'
menu.bye: Adiós.
help.now: Aquí hay ayuda.
help.opt_back: Volver
resume.offer: ¿Seguimos?
resume.opt_menu: Menú
system.not_understood: ¿Perdón?
system.too_long: Demasiado largo, menos de {max}, por favor.
system.empty: Di algo.
system.goodbye: Adiós.
""",
}

LANGUAGE = {
    "en": "language: en\nname: English\ncommands:\n  help: [help]\n  menu: [menu]\n  end: [end]\n",
    "es": "language: es\nname: Español\nneeds_review: true\ncommands:\n"
    "  help: [ayuda]\n  menu: [menú]\n  end: [fin]\n",
}


SCREENING = {
    "en": """\
categories:
  child_at_risk: {phrases: [a child is in danger]}
  suicide: {phrases: [kill myself]}
  minor: {phrases: ["i am {10-17}"]}
  abused: {phrases: [i was abused]}
  distress: {phrases: [panic attack]}
  urge: {phrases: [strong urge right now]}
""",
    "es": """\
categories:
  child_at_risk: {phrases: [un niño está en peligro]}
  suicide: {phrases: [matarme]}
  minor: {phrases: ["tengo {10-17} años"]}
  abused: {phrases: [abusaron de mí]}
  distress: {phrases: [ataque de pánico]}
  urge: {phrases: [ganas muy fuertes ahora]}
""",
}


def write_content(
    root: Path,
    *,
    flows: dict[str, str | None] | None = None,
    locale: dict[str, str | None] | None = None,
) -> Path:
    """Write the tiny program under ``root``; ``flows``/``locale`` replace or (None) remove files.

    ``locale`` keys are paths inside locale/, such as ``"es/messages.yaml"``.
    """
    files: dict[str, str | None] = {
        "flows/program.yaml": PROGRAM,
        "flows/menu.yaml": MENU,
        "flows/help.yaml": HELP,
        "flows/resume.yaml": RESUME,
    }
    for lang in ("en", "es"):
        files[f"locale/{lang}/language.yaml"] = LANGUAGE[lang]
        files[f"locale/{lang}/messages.yaml"] = MESSAGES[lang]
        files[f"locale/{lang}/screening.yaml"] = SCREENING[lang]
    for name, text in (flows or {}).items():
        files[f"flows/{name}"] = None if text is None else dedent(text)
    for name, text in (locale or {}).items():
        files[f"locale/{name}"] = None if text is None else dedent(text)
    for rel, text in files.items():
        if text is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
