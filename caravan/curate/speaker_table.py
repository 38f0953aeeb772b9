"""The speakers table: every quoted speaker once, with the descriptions the press gave them.

Made in the warehouse: the quotes never come into Python, only their distinct speaker names (a few hundred where
the quotes are a million), whose speaker and canonical name are decided here.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import duckdb
import pyarrow as pa

from caravan.common.ids import stable_id
from caravan.store.tables import SPEAKERS
from caravan.store.warehouse import replace_table_from_query

# The names of the quotes and their speakers, registered while the table is made.
_NAMES_VIEW = "_speaker_names"


def speaker_key(name: str) -> str:
    """Names differing only in case or spacing are one speaker."""
    return " ".join(name.split()).casefold()


def speaker_names(counts: dict[str, int]) -> list[dict]:
    """For each name as written in the quotes (``counts``: name -> its number of quotes), its speaker's id and
    canonical name: of the speaker's names (spaces normalised) the one most quoted, the first in code point order
    among equals. Empty names have no speaker."""
    by_key: dict[str, Counter] = defaultdict(Counter)
    for name, n in counts.items():
        if name:
            by_key[speaker_key(name)][" ".join(name.split())] += n
    canonical = {key: min(names, key=lambda name: (-names[name], name)) for key, names in by_key.items()}
    return [{"name": name, "speaker_id": stable_id("spk", speaker_key(name)), "speaker": canonical[speaker_key(name)]}
            for name in counts if name]


def write_speakers(con: duckdb.DuckDBPyConnection, quotes: str) -> int:
    """Replace the speakers table with one row per speaker of ``quotes`` (a query of quotes-table rows with at least
    speaker, speaker_description, article_id and medium), sorted by speaker id. Returns its rows."""
    counts = dict(con.execute(f"SELECT speaker, count(*) FROM ({quotes}) GROUP BY speaker").fetchall())
    names = pa.Table.from_pylist(speaker_names({n: c for n, c in counts.items() if n is not None}),
                                 schema=pa.schema([("name", pa.string()), ("speaker_id", pa.string()),
                                                   ("speaker", pa.string())]))
    con.register(_NAMES_VIEW, names)
    try:
        return replace_table_from_query(con, SPEAKERS, _speakers_sql(quotes))
    finally:
        con.unregister(_NAMES_VIEW)


def _speakers_sql(quotes: str) -> str:
    # Distinct descriptions and media, sorted (VARCHAR sorts by code point, as Python does) and '; '-joined; none
    # given (null or empty) is null.
    def joined(column: str) -> str:
        return f"string_agg(DISTINCT q.{column}, '; ' ORDER BY q.{column}) FILTER (WHERE q.{column} <> '')"
    return (f"SELECT n.speaker_id, any_value(n.speaker) AS speaker, {joined('speaker_description')} AS descriptions, "
            f"count(*) AS n_quotes, count(DISTINCT q.article_id) AS n_articles, {joined('medium')} AS media "
            f"FROM ({quotes}) q JOIN {_NAMES_VIEW} n ON n.name = q.speaker GROUP BY n.speaker_id")
