"""Alternations of words written so that re finds them fast: re tries the alternatives of a group one after another at
each place it tries, unless the group opens with a character class or letters that let it skip at once to where one
may match."""

from __future__ import annotations


def by_first_letter(alternatives: str) -> str:
    """The top-level alternatives of a pattern that each open with a letter (and hold no escaped bracket), those
    with the same first letter side by side in their order: re then tests each first letter once instead of trying
    every alternative at every word, and alternatives that open with other letters cannot match where they do."""
    groups: dict[str, list[str]] = {}
    depth, start = 0, 0
    for i, ch in enumerate(alternatives + "|"):
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            groups.setdefault(alternatives[start], []).append(alternatives[start:i])
            start = i + 1
    return "|".join("(?:" + "|".join(group) + ")" for group in groups.values())


def word_first(words) -> str:
    """``\\b(?:w1|w2|…)`` for words that open with a letter and hold no pattern, each written to open with its letter
    and to tell only then that no letter comes before it: re then skips at once to the letters that open one, instead
    of trying every word at every place."""
    return "(?:" + "|".join(rf"{w}(?<!\w{w})" for w in words) + ")"
