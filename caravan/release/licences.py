"""Which article texts a release may publish: the publication allow-list, and licence statements matched to it.

Licence statements are free text: "public domain (VOA, U.S. government work)", "CC BY 4.0",
"https://creativecommons.org/licenses/by-sa/4.0/", "all rights reserved". ``licence_kind`` recognises the
public domain and the Creative Commons licences and dedications, by name or URL, whatever their version.
Anything else is no kind, and so never on an allow-list: a text is withheld unless its licence plainly
allows republishing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

PUBLIC_DOMAIN, CC0 = "public domain", "CC0"
# Every kind licence_kind names; an allow-list is a set of these.
KINDS = (PUBLIC_DOMAIN, CC0, "CC BY", "CC BY-SA", "CC BY-ND", "CC BY-NC", "CC BY-NC-SA", "CC BY-NC-ND")
# Licences that allow anyone to republish the text as part of an open dataset (no NC, no ND).
DEFAULT_ALLOW_LIST = (PUBLIC_DOMAIN, CC0, "CC BY", "CC BY-SA")
NOT_STATED = "licence not stated"

_ELEMENTS = ("nc", "nd", "sa")  # in the order of the licences' names: BY-NC-SA, BY-NC-ND
_CC_URL = re.compile(r"creativecommons\.org/licen[cs]es/([a-z]+(?:-[a-z]+)*)")
_CC_PUBLIC_DOMAIN_URL = re.compile(r"creativecommons\.org/publicdomain/([a-z]+)")
_CC_ZERO = re.compile(r"(?<![a-z0-9])cc[ -]?(?:0|zero)(?![a-z0-9])|creative commons zero")
# Ends where the name does: "CC BY-SAX" is no licence, not CC BY.
_CC_NAME = re.compile(r"(?<![a-z0-9/])cc[ -]?by((?:[ -](?:nc|nd|sa))*)(?!-?[a-z])")
_LONG_ELEMENT = r"non[ -]?commercial|share[ -]?alike|no[ -]?deriv(?:ative)?s"
_CC_LONG_NAME = re.compile(rf"creative commons attribution((?:[ -]+(?:{_LONG_ELEMENT}))*)")
_PUBLIC_DOMAIN = re.compile(r"(?<![a-z])public[ -]domain(?![a-z])")
# Statements that deny rather than grant: "all rights reserved", "not in the public domain".
_DENIAL = re.compile(r"all rights reserved|(?<![a-z])not(?![a-z])")


def _cc_by(elements: Iterable[str]) -> str | None:
    """ "CC BY" with its elements (nc, nd, sa) in the order of the licence names; None for no licence
    (ND and SA together)."""
    found = set(elements)
    if not found <= set(_ELEMENTS) or {"nd", "sa"} <= found:
        return None
    return "CC BY" + "".join(f"-{e.upper()}" for e in _ELEMENTS if e in found)


def _words(suffix: str) -> list[str]:
    """The licence elements of "-noncommercial-sharealike" or " nc-sa"."""
    words = re.findall(rf"{_LONG_ELEMENT}|nc|nd|sa", suffix)
    return ["nc" if w.startswith("non") or w == "nc" else "sa" if w.startswith("s") else "nd" for w in words]


def licence_kind(statement: str | None) -> str | None:
    """The kind of licence ``statement`` grants (one of KINDS), or None when it names none, names several,
    or denies (all rights reserved, "not ...")."""
    if not statement:
        return None
    text = " ".join(statement.lower().replace("_", " ").split())
    if _DENIAL.search(text):
        return None
    kinds: set[str | None] = set()
    for match in _CC_URL.finditer(text):
        code = match.group(1)
        # Old URLs: licenses/publicdomain/ (CC's public domain certification).
        kinds.add(PUBLIC_DOMAIN if code == "publicdomain" else
                  _cc_by(code.split("-")[1:]) if code.split("-")[0] == "by" else None)
    for match in _CC_PUBLIC_DOMAIN_URL.finditer(text):
        kinds.add({"zero": CC0, "mark": PUBLIC_DOMAIN}.get(match.group(1)))
    if _CC_ZERO.search(text):
        kinds.add(CC0)
    for pattern in (_CC_NAME, _CC_LONG_NAME):
        for match in pattern.finditer(text):
            kinds.add(_cc_by(_words(match.group(1))))
    if _PUBLIC_DOMAIN.search(text):
        kinds.add(PUBLIC_DOMAIN)
    if CC0 in kinds:  # CC0's own name: "CC0 1.0 Universal Public Domain Dedication"
        kinds.discard(PUBLIC_DOMAIN)
    return kinds.pop() if len(kinds) == 1 else None


@dataclass(frozen=True)
class AllowList:
    """The licences under which a release publishes an article's text."""

    kinds: frozenset[str]

    @classmethod
    def of(cls, names: Iterable[str]) -> AllowList:
        """The allow-list of ``names``, each a licence as an article would state it ("CC BY", "public
        domain", a Creative Commons URL); ValueError for a name that is no licence caravan recognises."""
        kinds = set()
        for name in names:
            kind = licence_kind(name)
            if kind is None:
                raise ValueError(f"publication allow-list: {name!r} is not a licence caravan recognises "
                                 f"(one of: {', '.join(KINDS)}, by name or Creative Commons URL)")
            kinds.add(kind)
        return cls(frozenset(kinds))

    def describe(self) -> str:
        return ", ".join(k for k in KINDS if k in self.kinds) or "none"

    def withheld_reason(self, licence: str | None) -> str | None:
        """Why an article under ``licence`` is published without its text; None when the text is published."""
        if not licence or not licence.strip():
            return NOT_STATED
        if licence_kind(licence) in self.kinds:
            return None
        shown = " ".join(licence.split())
        shown = shown if len(shown) <= 100 else shown[:99] + "…"
        return f"licence '{shown}' is not on the publication allow-list"


DEFAULT = AllowList.of(DEFAULT_ALLOW_LIST)
