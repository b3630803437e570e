"""Phone numbers inside message text, found so a page can make them tap-to-call links.

Only the numbers the resource directory holds are found (every number a catalog writes must be
there, tests/test_resources.py), written with any spaces, dashes or dots between the digits:

    >>> finder = PhoneFinder({"08081000900", "988"})
    >>> finder.split("Call 0808 1000 900 or 988.")
    [('Call ', None), ('0808 1000 900', 'tel:08081000900'), (' or ', None), ('988', 'tel:988'), ('.', None)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["PhoneFinder", "tel_href"]


def tel_href(number: str) -> str:
    """``tel:`` plus the dialable form: digits, and a leading ``+`` if the number has one."""
    digits = re.sub(r"\D", "", number)
    return "tel:" + ("+" if number.strip().startswith("+") else "") + digits


class PhoneFinder:
    def __init__(self, digits: Iterable[str]) -> None:
        known = sorted({d for d in digits if d}, key=len, reverse=True)
        self.pattern: re.Pattern[str] | None = None
        if known:
            alternatives = "|".join(r"[ \-.]?".join(re.escape(c) for c in d) for d in known)
            self.pattern = re.compile(rf"(?<![\w+])\+?(?:{alternatives})(?![\w])")

    def split(self, text: str) -> list[tuple[str, str | None]]:
        """``text`` as pieces ``(words, None)`` and ``(number, "tel:...")``, in order."""
        if self.pattern is None:
            return [(text, None)]
        out: list[tuple[str, str | None]] = []
        at = 0
        for m in self.pattern.finditer(text):
            if m.start() > at:
                out.append((text[at:m.start()], None))
            out.append((m.group(0), tel_href(m.group(0))))
            at = m.end()
        if at < len(text):
            out.append((text[at:], None))
        return out
