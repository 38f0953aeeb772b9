"""Ingest area: the articles of the corpus into the warehouse, streamed in batches."""

from datetime import datetime, timezone
from itertools import islice

import dagster as dg

from assets.fetch import fetched_articles
from assets.metadata import table_metadata
from caravan.ingest.corpus import Rejected, Unchanged, scan_corpus
from caravan.store.tables import ARTICLE_SIGNATURES, ARTICLES, CORPUS_FILES, QUARANTINE
from caravan.store.warehouse import (article_rows, file_state_rows, file_states, first_seen, has_table, reader_version,
                                     replace_table, replace_table_batches, to_arrow, update_articles)
from assets.resources import CorpusResource, WarehouseResource

_BATCH = 2000


@dg.asset(deps=[fetched_articles], group_name="ingest", kinds={"duckdb", "python"}, owners=["team:caravan"],
          description=ARTICLES.description)
def articles(context: dg.AssetExecutionContext, corpus: CorpusResource, warehouse: WarehouseResource) -> dg.MaterializeResult:
    now = datetime.now(timezone.utc)
    rejected: list[Rejected] = []
    kept: list[str] = []  # articles of files unchanged since the last ingest: their stored rows stay
    states: dict = {}
    read = [0]  # articles read anew

    def batches(seen, signatures, known):
        items = scan_corpus(corpus.folder, corpus.max_bytes, corpus.near_duplicate_similarity, signatures,
                            known=known, states=states)
        while chunk := list(islice(items, _BATCH)):
            found = []
            for item in chunk:
                if isinstance(item, Rejected):
                    context.log.warning(f"{item.path}: {item.reason} (quarantined)")
                    rejected.append(item)
                elif isinstance(item, Unchanged):
                    kept.append(item.article_id)
                else:
                    found.append(item)
            read[0] += len(found)
            yield to_arrow(ARTICLES, article_rows(None, found, now, seen))

    with warehouse.get_connection() as con:
        signatures = dict(con.execute(f"SELECT sha256, signature FROM {ARTICLE_SIGNATURES.name}").fetchall()
                          if has_table(con, ARTICLE_SIGNATURES.name) else [])
        stored = len(signatures)
        version = reader_version(corpus.max_bytes)
        known = file_states(con, version)
        if known:  # only the files written since the last ingest are read
            update_articles(con, batches(first_seen(con), signatures, known), kept)
        else:
            replace_table_batches(con, ARTICLES, batches(first_seen(con), signatures, {}))
        replace_table(con, CORPUS_FILES, file_state_rows(states, version))
        # Kept for the texts still in the corpus only, so the table does not grow with every edit.
        kept_texts = [h for (h,) in con.execute("SELECT sha256 FROM articles").fetchall()]
        replace_table(con, ARTICLE_SIGNATURES, to_arrow(ARTICLE_SIGNATURES, [
            {"sha256": h, "signature": signatures[h]} for h in kept_texts]))
        replace_table(con, QUARANTINE, to_arrow(QUARANTINE, [
            {"path": r.path, "reason": r.reason, "detected_at": now} for r in rejected]))
        preview = con.sql("SELECT * FROM articles ORDER BY published DESC NULLS LAST, article_id LIMIT 5").to_arrow_table()
        count, synthetic = con.sql("SELECT count(*), count(*) FILTER (WHERE synthetic) FROM articles").fetchone()
    meta = table_metadata(ARTICLES, preview, ("article_id", "outlet", "published", "n_chars", "source_path"))
    meta["dagster/row_count"] = count
    meta["corpus_folder"] = str(corpus.folder)
    meta["synthetic_articles"] = synthetic
    meta["articles_read"] = read[0]
    meta["articles_unchanged"] = len(kept)  # their files untouched since the last ingest: not read again
    meta["texts_hashed"] = len(signatures) - stored  # new or changed texts: the others' signatures were stored
    meta["quarantined_files"] = dg.MetadataValue.md("\n".join(f"- `{r.path}`: {r.reason}" for r in rejected) or "none")
    return dg.MaterializeResult(metadata=meta)


defs = dg.Definitions(assets=[articles])
