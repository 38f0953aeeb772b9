"""Text lower-cased as re reads it when a pattern ignores case, and patterns that read such text.

re's IGNORECASE takes İ and ı for "i" and ſ for "s", which ``str.lower`` does not ("İ".lower() is "i" with a
combining dot). A word that such a pattern matched, looked up by its lower case in a table of ASCII words, must be
folded so, or the look-up fails on a text that spells it with one of those letters.
"""

from __future__ import annotations

import re

# The letters a pattern ignoring case takes for ASCII letters but lower-case otherwise (a test checks them against
# every character); in a text without them, str.lower reads every letter as such a pattern does, and keeps offsets.
UNLIKE_CASES = re.compile("[\u0130\u0131\u017f]")
_TO_ASCII = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})


def caseless(text: str) -> str:
    """``text`` lower-cased, each letter that a pattern ignoring case takes for an ASCII letter made that letter: an
    ASCII word that such a pattern finds in ``text`` is in the result, at the same offsets."""
    if text.isascii() or not UNLIKE_CASES.search(text):  # most texts: translating them costs ten times lowering
        return text.lower()
    return text.translate(_TO_ASCII).lower()


def holds_any(text: str, words) -> bool:
    """Whether ``text``, read as a pattern ignoring case reads it, holds one of the lower-case ASCII ``words``: a cheap
    test before a pattern each of whose matches holds one."""
    folded = caseless(text)
    return any(word in folded for word in words)


def lowered(pattern: re.Pattern) -> re.Pattern:
    """A pattern that ignores case, made to match lower-cased text in the same places, without ignoring case: re tries
    each branch of an alternation that ignores case at every character, and otherwise only those that open with the
    character. It matches as ``pattern`` where lower-casing reads every letter as re's IGNORECASE does (a text without
    ``UNLIKE_CASES``, or the text made ``caseless``): it has the same branches, in the same order, with lower-case
    letters."""
    assert pattern.flags & re.IGNORECASE and "(?-i" not in pattern.pattern
    # a letter lower-cased; an escape (\S) and the "(?P" of a named group kept
    source = re.sub(r"\\.|\(\?P|[A-Z]", lambda m: m.group().lower() if len(m.group()) == 1 else m.group(),
                    pattern.pattern)
    return re.compile(source, pattern.flags & ~re.IGNORECASE)
