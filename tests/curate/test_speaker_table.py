from collections import defaultdict

import duckdb
import pyarrow as pa

from caravan.common.ids import stable_id
from caravan.curate.speaker_table import speaker_names, write_speakers

_QUOTE_COLUMNS = ("speaker", "speaker_description", "article_id", "medium")


def _speakers(quotes: list[dict]) -> list[dict]:
    """The speakers table ``write_speakers`` makes of ``quotes`` in a warehouse of its own."""
    con = duckdb.connect()
    con.register("q", pa.Table.from_pylist(quotes, schema=pa.schema([(c, pa.string()) for c in _QUOTE_COLUMNS])))
    write_speakers(con, "SELECT * FROM q")
    return con.sql("SELECT * FROM speakers").to_arrow_table().to_pylist()


def _quote(speaker, description=None, article="a1", medium=None) -> dict:
    return {"speaker": speaker, "speaker_description": description, "article_id": article, "medium": medium}


def test_speakers_group_quotes_by_name():
    quotes = [_quote("Edward Lemon", "president of X", "a1", "VOA"), _quote("edward  lemon", None, "a2"),
              _quote("Edward Lemon", "analyst", "a2"), _quote("the ministry"), _quote(None)]
    rows = {r["speaker"]: r for r in _speakers(quotes)}
    assert set(rows) == {"Edward Lemon", "the ministry"}
    lemon = rows["Edward Lemon"]
    assert (lemon["n_quotes"], lemon["n_articles"], lemon["descriptions"], lemon["media"]) == (3, 2, "analyst; president of X", "VOA")
    assert lemon["speaker_id"] == stable_id("spk", "edward lemon")
    assert _speakers(list(reversed(quotes))) == _speakers(quotes)


def _reference_rows(quotes: list[dict]) -> list[dict]:
    """The speakers table as it was made in Python, quote by quote, before it was made in the warehouse."""
    groups = defaultdict(list)
    for quote in quotes:
        if quote.get("speaker"):
            groups[" ".join(quote["speaker"].split()).casefold()].append(quote)
    rows = []
    for key, items in groups.items():
        written = [" ".join(q["speaker"].split()) for q in items]
        names = sorted(set(written), key=lambda n: (-written.count(n), n))
        descriptions = sorted({q["speaker_description"] for q in items if q.get("speaker_description")})
        rows.append({"speaker_id": stable_id("spk", key), "speaker": names[0],
                     "descriptions": "; ".join(descriptions) or None, "n_quotes": len(items),
                     "n_articles": len({q["article_id"] for q in items}),
                     "media": "; ".join(sorted({q["medium"] for q in items if q.get("medium")})) or None})
    return sorted(rows, key=lambda r: r["speaker_id"])


def test_speakers_in_the_warehouse_are_those_made_quote_by_quote():
    # Case folding beyond ASCII (ß), Unicode spaces, a tie between spellings, descriptions and media whose code point
    # order is not their alphabetical one, empty and missing values, an empty and a blank name.
    quotes = [
        _quote("Straße Rat", "Zed", "a1", "X"), _quote("STRASSE  RAT", "Émile", "a2", "VOA"),
        _quote("strasse\u00a0rat", "", "a2", ""), _quote("Anna Li", "b", "a3"), _quote("anna li", "B", "a4"),
        _quote("Anna\u3000Li", None, "a4", "x"), _quote("anna li", "b", "a5", "X"), _quote("", "none", "a1"),
        _quote("  ", "blank", "a6"), _quote("Ölaf", None, "a7"), _quote("ölaf", "émigré", "a7"),
    ]
    assert _speakers(quotes) == _reference_rows(quotes)


def test_speaker_names_take_the_most_quoted_spelling():
    names = {n["name"]: n for n in speaker_names({"anna li": 2, "Anna  Li": 1, "Anna Li": 2, "": 4})}
    assert set(names) == {"anna li", "Anna  Li", "Anna Li"}
    assert {n["speaker"] for n in names.values()} == {"Anna Li"}  # three quotes to two, spaces normalised
