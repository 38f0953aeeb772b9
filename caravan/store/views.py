"""Convenience views over the published tables, created in every DuckDB file a user may open."""

from __future__ import annotations

import duckdb

VIEWS = {
    "incidents_with_sources": (
        "Every report of every incident: the event, then the reporting article (outlet, title, URL, date) and its evidence.",
        """SELECT i.*, s.source_id, s.article_id AS source_article_id, s.sentence AS source_sentence,
                  s.char_start AS source_char_start, s.char_end AS source_char_end, s.date AS source_date,
                  a.outlet, a.title, a.url, a.published, a.license
           FROM incidents i JOIN incident_sources s USING (incident_id) JOIN articles a ON a.article_id = s.article_id""",
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
