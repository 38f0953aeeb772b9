"""Builds that merge only what changed: after each change of the corpus, the incidents and incident_sources tables,
and every other published table, equal those of a build from scratch of the same corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from caravan.curate.merge_update import update_merge
from caravan.store.tables import INCIDENT_SOURCES, INCIDENTS, TABLES
from tests.conftest import SAMPLE_CORPUS, run_build

# Synthetic test articles, written for this test: other outlets' reports of the sample's events and of new ones.
KALUGA = ("Three Tajik migrants were beaten by unknown attackers in Kaluga, local media reported.\n"
          "“We are afraid to go out at night,” said Sharif Nazarov, a community leader in Kaluga.\n")
EARLY_KALUGA = "Unknown attackers beat three Tajik migrants in Kaluga, the regional police said.\n"
RAID = "Police detained 40 migrants in a raid on a market in Moscow on March 20, the interior ministry said.\n"
ARTICLES = {"second-outlet": (KALUGA, "2024-03-27"), "early-outlet": (EARLY_KALUGA, "2024-03-24"),
            "raid-report": (RAID, "2024-03-21")}
# A scheduled run's news, published after every other report: merged on the events near it only.
NEWS = ("Police detained 12 migrants in a raid on a market in Kaluga on March 20, the regional police said a month "
        "later.\nThree Tajik migrants were beaten by unknown attackers in Kaluga in March, local media reported.\n")
# The next run's news, dated only by its month: it comes before the last run's news of that month (a month before its
# days), so the merge replays from it on, the last news included.
MONTH_NEWS = "Unknown attackers beat two Uzbek migrants in Kaluga in April, a rights group said.\n"


def write(corpus: Path, name: str, text: str, published: str) -> None:
    (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    (corpus / f"{name}.meta.json").write_text(json.dumps({"published": published, "outlet": "Test outlet",
                                                          "license": "CC BY 4.0"}), encoding="utf-8")


def merged_tables(out: Path, tables=(INCIDENTS, INCIDENT_SOURCES)) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(out / "caravan.duckdb"), read_only=True)
    try:
        def names(columns) -> str:
            return ", ".join(f'"{c}"' for c in columns)
        return {t.name: con.sql(f"SELECT {names(c.name for c in t.published_columns())} FROM {t.name} "
                                f"ORDER BY {names(t.sort_by)}").fetchall() for t in tables}
    finally:
        con.close()


def test_each_build_merges_as_a_build_from_scratch(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    out = tmp_path / "out"
    assert run_build(corpus, out).success
    steps = [  # reports added; then one changed and one removed in the same run; then the news of a later day; then
        # a report dated only by that day's month
        lambda: [write(corpus, name, text, published) for name, (text, published) in ARTICLES.items()],
        lambda: [write(corpus, "raid-report", RAID.replace("Moscow", "Kaluga"), "2024-03-21"),
                 *((corpus / f"early-outlet{suffix}").unlink() for suffix in (".txt", ".meta.json"))],
        lambda: write(corpus, "later-news", NEWS, "2024-04-22"),
        lambda: write(corpus, "month-news", MONTH_NEWS, "2024-04"),
    ]
    for i, change in enumerate(steps):
        change()
        assert run_build(corpus, out, version=f"2024.04.0{i + 2}").success
        scratch = tmp_path / f"scratch_{i}"
        assert run_build(corpus, scratch).success
        assert merged_tables(out) == merged_tables(scratch), f"step {i}"
        # Every published table, as a build from scratch of the same corpus makes it.
        assert merged_tables(out, TABLES.values()) == merged_tables(scratch, TABLES.values()), f"step {i}"
        con = duckdb.connect(str(out / "caravan.duckdb"))
        try:  # the build kept its merge: nothing is left to merge again
            assert update_merge(con).changed_mentions == 0
        finally:
            con.close()
        if i == 0:  # the sample's Kaluga beating told by both new reports
            kaluga = [r for r in merged_tables(out)["incidents"] if r[2] == "Kaluga" and r[1] == "assault"]
            assert len(kaluga) == 1 and kaluga[0][INCIDENTS.column_names.index("n_articles")] == 3
