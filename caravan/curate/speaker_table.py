"""The speakers table: every quoted speaker once, with the descriptions the press gave them."""

from __future__ import annotations

from collections import defaultdict

from caravan.common.ids import stable_id


def speaker_key(name: str) -> str:
    """Names differing only in case or spacing are one speaker."""
    return " ".join(name.split()).casefold()


def speaker_rows(quotes: list[dict]) -> list[dict]:
    """One row per speaker of ``quotes`` (quotes-table rows), sorted by speaker id."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for quote in quotes:
        if quote.get("speaker"):
            groups[speaker_key(quote["speaker"])].append(quote)
    rows = []
    for key, items in groups.items():
        names = sorted({" ".join(q["speaker"].split()) for q in items}, key=lambda n: (-sum(
            " ".join(q["speaker"].split()) == n for q in items), n))
        descriptions = sorted({q["speaker_description"] for q in items if q.get("speaker_description")})
        rows.append({
            "speaker_id": stable_id("spk", key),
            "speaker": names[0],
            "descriptions": "; ".join(descriptions) or None,
            "n_quotes": len(items),
            "n_articles": len({q["article_id"] for q in items}),
            "media": "; ".join(sorted({q["medium"] for q in items if q.get("medium")})) or None,
        })
    return sorted(rows, key=lambda r: r["speaker_id"])
