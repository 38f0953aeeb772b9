"""Ingest area: the articles of the corpus into the warehouse, streamed in batches."""

from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from itertools import islice
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa

from assets.fetch import fetched_articles
from assets.metadata import table_metadata
from caravan.ingest.changes import ChangedFiles, corpus_prints
from caravan.ingest.corpus import Rejected, scan_corpus
from caravan.store.tables import ARTICLE_SIGNATURES, ARTICLES, CORPUS_FILES, QUARANTINE
from caravan.store.warehouse import (article_rows, file_state_rows, files_to_read, first_seen, has_file_states,
                                     has_table, last_signatures, reader_version, replace_table, replace_table_batches,
                                     stage_articles, to_arrow, unchanged_neighbours, update_ingest)
from assets.resources import CorpusResource, WarehouseResource

_BATCH = 2000


@dataclass(frozen=True)
class _Ingested:
    rejected: list[Rejected]
    read: int  # articles read anew
    unchanged: int  # articles of files unchanged since the last ingest: their stored rows stay
    hashed: int  # new or changed texts: the others' signatures were stored


@dg.asset(deps=[fetched_articles], group_name="ingest", kinds={"duckdb", "python"}, owners=["team:caravan"],
          description=ARTICLES.description)
def articles(context: dg.AssetExecutionContext, corpus: CorpusResource, warehouse: WarehouseResource) -> dg.MaterializeResult:
    now = datetime.now(timezone.utc)
    with warehouse.get_connection() as con:
        version = reader_version(corpus.max_bytes, corpus.near_duplicate_similarity)
        ingest = _ingest_changes if has_file_states(con, version) else _ingest_all
        ingested = ingest(con, corpus, version, now)
        for r in ingested.rejected:
            context.log.warning(f"{r.path}: {r.reason} (quarantined)")
        replace_table(con, QUARANTINE, to_arrow(QUARANTINE, [
            {"path": r.path, "reason": r.reason, "detected_at": now} for r in ingested.rejected]))
        preview = con.sql("SELECT * FROM articles ORDER BY published DESC NULLS LAST, article_id LIMIT 5").to_arrow_table()
        count, synthetic = con.sql("SELECT count(*), count(*) FILTER (WHERE synthetic) FROM articles").fetchone()
    meta = table_metadata(ARTICLES, preview, ("article_id", "outlet", "published", "n_chars", "source_path"))
    meta["dagster/row_count"] = count
    meta["corpus_folder"] = str(corpus.folder)
    meta["synthetic_articles"] = synthetic
    meta["articles_read"] = ingested.read
    meta["articles_unchanged"] = ingested.unchanged  # their files untouched since the last ingest: not read again
    meta["texts_hashed"] = ingested.hashed
    meta["quarantined_files"] = dg.MetadataValue.md("\n".join(f"- `{r.path}`: {r.reason}" for r in ingested.rejected)
                                                    or "none")
    return dg.MaterializeResult(metadata=meta)


def _ingest_all(con: duckdb.DuckDBPyConnection, corpus: CorpusResource, version: str, now: datetime) -> _Ingested:
    """Every file read: the first ingest, or one after the reading code or the settings changed."""
    signatures = dict(con.execute(f"SELECT sha256, signature FROM {ARTICLE_SIGNATURES.name}").fetchall()
                      if has_table(con, ARTICLE_SIGNATURES.name) else [])
    stored = len(signatures)
    seen = first_seen(con)
    states: dict = {}
    rejected: list[Rejected] = []
    read = [0]

    def batches():
        items = scan_corpus(corpus.folder, corpus.max_bytes, corpus.near_duplicate_similarity, signatures,
                            states=states)
        while chunk := list(islice(items, _BATCH)):
            found = []
            for item in chunk:
                (rejected if isinstance(item, Rejected) else found).append(item)
            read[0] += len(found)
            yield to_arrow(ARTICLES, article_rows(None, found, now, seen))

    replace_table_batches(con, ARTICLES, batches())
    replace_table(con, CORPUS_FILES, file_state_rows(states, version))
    # Kept for the texts still in the corpus only, so the table does not grow with every edit.
    kept_texts = [h for (h,) in con.execute("SELECT sha256 FROM articles").fetchall()]
    kept_signatures = pa.table({"sha256": kept_texts, "signature": [signatures[h] for h in kept_texts]},
                               schema=ARTICLE_SIGNATURES.arrow_schema())
    replace_table(con, ARTICLE_SIGNATURES, kept_signatures)
    return _Ingested(rejected, read[0], 0, len(signatures) - stored)


def _ingest_changes(con: duckdb.DuckDBPyConnection, corpus: CorpusResource, version: str, now: datetime) -> _Ingested:
    """Only the files that are new, written since the last ingest or set aside by it are read; the decisions about
    copies are made again where those files could move them (``ChangedFiles``)."""
    prints = corpus_prints(Path(corpus.folder))
    to_read = files_to_read(con, prints)
    signatures = last_signatures(con, to_read)
    changed = ChangedFiles(Path(corpus.folder), corpus.max_bytes, corpus.near_duplicate_similarity)

    def batches():
        items = changed.read({name: prints[name] for name in to_read}, signatures)
        while chunk := list(islice(items, _BATCH)):
            yield to_arrow(ARTICLES, article_rows(None, chunk, now, first_seen(con, [a.sha256 for a in chunk])))

    stage_articles(con, batches())
    outcome = changed.decide(partial(unchanged_neighbours, con))
    update_ingest(con, outcome.kept, outcome.set_aside, file_state_rows(changed.states, version))
    hashed = len({c.sha256 for c in changed.candidates} - signatures.keys())
    return _Ingested(outcome.rejected, len(outcome.kept), len(prints) - len(to_read) - len(outcome.set_aside), hashed)


defs = dg.Definitions(assets=[articles])
