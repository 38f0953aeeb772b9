"""Text lower-cased as re reads it when a pattern ignores case.

re's IGNORECASE takes İ and ı for "i" and ſ for "s", which ``str.lower`` does not ("İ".lower() is "i" with a
combining dot). A word that such a pattern matched, looked up by its lower case in a table of ASCII words, must be
folded so, or the look-up fails on a text that spells it with one of those letters.
"""

from __future__ import annotations

# The letters a pattern ignoring case takes for ASCII letters but lower-case otherwise (a test checks them against
# every character).
_TO_ASCII = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})


def caseless(text: str) -> str:
    """``text`` lower-cased, each letter that a pattern ignoring case takes for an ASCII letter made that letter: an
    ASCII word that such a pattern finds in ``text`` is in the result, at the same offsets."""
    return (text if text.isascii() else text.translate(_TO_ASCII)).lower()
