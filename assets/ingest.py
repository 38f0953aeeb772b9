"""Ingest area: the articles of the corpus into the warehouse."""

import dagster as dg

from assets.metadata import table_metadata
from datetime import datetime, timezone

from caravan.corpus import read_corpus
from caravan.tables import ARTICLES, QUARANTINE
from caravan.warehouse import article_rows, replace_table, to_arrow
from pipelines.resources import CorpusResource, WarehouseResource


@dg.asset(group_name="ingest", kinds={"duckdb", "python"}, owners=["team:caravan"], description=ARTICLES.description)
def articles(context: dg.AssetExecutionContext, corpus: CorpusResource, warehouse: WarehouseResource) -> dg.MaterializeResult:
    reading = read_corpus(corpus.folder, corpus.max_bytes, corpus.near_duplicate_similarity)
    found = reading.articles
    now = datetime.now(timezone.utc)
    for bad in reading.rejected:
        context.log.warning(f"{bad.path}: {bad.reason} (quarantined)")
    with warehouse.get_connection() as con:
        data = to_arrow(ARTICLES, article_rows(con, found, now))
        replace_table(con, ARTICLES, data)
        replace_table(con, QUARANTINE, to_arrow(QUARANTINE, [
            {"path": r.path, "reason": r.reason, "detected_at": now} for r in reading.rejected]))
    meta = table_metadata(ARTICLES, data, ("article_id", "outlet", "published", "n_chars", "source_path"))
    meta["corpus_folder"] = str(corpus.folder)
    meta["synthetic_articles"] = sum(a.synthetic for a in found)
    meta["quarantined_files"] = dg.MetadataValue.md(
        "\n".join(f"- `{r.path}`: {r.reason}" for r in reading.rejected) or "none")
    return dg.MaterializeResult(metadata=meta)


defs = dg.Definitions(assets=[articles])
