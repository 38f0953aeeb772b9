"""Ingest area: the articles of the corpus into the warehouse."""

import dagster as dg

from assets.metadata import table_metadata
from caravan.corpus import iter_corpus
from caravan.tables import ARTICLES
from caravan.warehouse import article_rows, replace_table, to_arrow
from pipelines.resources import CorpusResource, WarehouseResource


@dg.asset(group_name="ingest", kinds={"duckdb", "python"}, owners=["team:caravan"], description=ARTICLES.description)
def articles(corpus: CorpusResource, warehouse: WarehouseResource) -> dg.MaterializeResult:
    found = list(iter_corpus(corpus.folder))
    with warehouse.get_connection() as con:
        data = to_arrow(ARTICLES, article_rows(con, found))
        replace_table(con, ARTICLES, data)
    meta = table_metadata(ARTICLES, data, ("article_id", "outlet", "published", "n_chars", "source_path"))
    meta["corpus_folder"] = str(corpus.folder)
    meta["synthetic_articles"] = sum(a.synthetic for a in found)
    return dg.MaterializeResult(metadata=meta)


defs = dg.Definitions(assets=[articles])
