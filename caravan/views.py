"""Convenience views over the published tables, created in every DuckDB file a user may open."""

from __future__ import annotations

import duckdb

VIEWS = {
    "incidents_with_sources": (
        "Incidents with the article that reports them (outlet, title, URL, publication date).",
        """SELECT i.*, a.outlet, a.title, a.url, a.published, a.license
           FROM incidents i JOIN articles a USING (article_id)""",
    ),
    "quotes_with_speakers": (
        "Quotes with their speaker's entry in speakers and the article they appear in.",
        """SELECT q.*, s.speaker_id, s.descriptions AS speaker_descriptions, s.n_quotes AS speaker_n_quotes,
                  a.outlet, a.title, a.url, a.published
           FROM quotes q JOIN articles a USING (article_id)
           LEFT JOIN speakers s ON lower(s.speaker) = lower(q.speaker)""",
    ),
    "figures_with_checks": (
        "Economic figures with their overall verdict against official statistics and the rule that decided.",
        """SELECT f.*, c.verdict, c.rule, c.period_assumed
           FROM economic_figures f
           LEFT JOIN (SELECT DISTINCT figure_record_id, verdict, rule, period_assumed FROM figure_checks) c
             ON c.figure_record_id = f.record_id""",
    ),
}


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    for name, (description, sql) in VIEWS.items():
        con.execute(f'CREATE OR REPLACE VIEW "{name}" AS {sql}')
        con.execute(f"COMMENT ON VIEW \"{name}\" IS '{description.replace(chr(39), chr(39) * 2)}'")
