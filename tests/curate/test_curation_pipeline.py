"""Merged incident reports and curation decisions, through the whole pipeline into the release."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from tests.conftest import SAMPLE_CORPUS, SampleBuild, run_build

# synthetic test article, written for this test: a second outlet reporting the Kaluga beating
SECOND_REPORT = ("Three Tajik migrants were beaten by unknown attackers in Kaluga, local media reported.\n"
                 "“We are afraid to go out at night,” said Sharif Nazarov, a community leader in Kaluga.\n")


def test_reports_of_one_event_in_two_articles_are_one_incident(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    (corpus / "second-outlet.txt").write_text(SECOND_REPORT, encoding="utf-8")
    (corpus / "second-outlet.meta.json").write_text(json.dumps({"published": "2024-03-27", "outlet": "Test outlet", "license": "CC BY 4.0"}), encoding="utf-8")
    assert run_build(corpus, tmp_path / "out").success
    release = tmp_path / "out" / "releases" / "2024.04.01"
    incidents = pq.read_table(release / "incidents.parquet").to_pylist()
    kaluga = [i for i in incidents if i["type"] == "assault" and i["city"] == "Kaluga"]
    assert len(kaluga) == 1
    event = kaluga[0]
    assert (event["n_sources"], event["n_articles"]) == (2, 2)
    assert "merged" in event["merge_rule"] and "Kaluga" in event["merge_rule"]
    sources = [s for s in pq.read_table(release / "incident_sources.parquet").to_pylist() if s["incident_id"] == event["incident_id"]]
    assert len({s["article_id"] for s in sources}) == 2
    texts = {a["article_id"]: a["text"] for a in pq.read_table(release / "articles.parquet").to_pylist()}
    assert all(texts[s["article_id"]][s["char_start"]:s["char_end"]] in s["sentence"] for s in sources)


def test_curation_decisions_are_visible_in_the_release(sample_build: SampleBuild, tmp_path: Path):
    first = sample_build.release  # without decisions
    quotes = pq.read_table(first / "quotes.parquet").to_pylist()
    incidents = pq.read_table(first / "incidents.parquet").to_pylist()
    figure = pq.read_table(first / "economic_figures.parquet").to_pylist()[0]
    harassment = next(i for i in incidents if i["type"] == "harassment")

    curation = tmp_path / "curation"
    curation.mkdir()
    (curation / "2024-04-02-review.yaml").write_text(f"""
- id: 2024-04-02-no-harassment
  action: reject
  table: incidents
  record_id: {harassment['incident_id']}
  reason: Calls on social media, not a discrete event.
  decided_by: test curator
  decided_on: 2024-04-02
- id: 2024-04-02-figure-source
  action: correct
  table: economic_figures
  record_id: {figure['record_id']}
  fields: {{source: World Bank (KNOMAD)}}
  reason: The source is the World Bank's KNOMAD brief.
  decided_by: test curator
  decided_on: 2024-04-02
- id: 2024-04-02-gone
  action: reject
  table: quotes
  record_id: quo_0000000000000000
  reason: A record of an older build.
  decided_by: test curator
  decided_on: 2024-04-02
""", encoding="utf-8")
    out = tmp_path / "curated"
    assert run_build(SAMPLE_CORPUS, out, curation_folder=str(curation)).success
    release = out / "releases" / "2024.04.01"
    log = {r["decision_id"]: r for r in pq.read_table(release / "curation_log.parquet").to_pylist()}
    assert log["2024-04-02-no-harassment"]["status"] == "applied"
    assert log["2024-04-02-figure-source"]["status"] == "applied"
    assert log["2024-04-02-gone"]["status"] == "record_not_found"  # reported, not dropped
    after = pq.read_table(release / "incidents.parquet").to_pylist()
    assert harassment["incident_id"] not in {i["incident_id"] for i in after}
    corrected = {f["record_id"]: f for f in pq.read_table(release / "economic_figures.parquet").to_pylist()}[figure["record_id"]]
    assert (corrected["source"], corrected["origin"]) == ("World Bank (KNOMAD)", "corrected")
    assert {q["origin"] for q in pq.read_table(release / "quotes.parquet").to_pylist()} == {"machine"}
    assert len(pq.read_table(release / "quotes.parquet")) == len(quotes)

    review = subprocess.run([str(Path(sys.executable).parent / "caravan"), "review", "--warehouse", str(out / "caravan.duckdb"),
                             "--curation", str(curation)], capture_output=True, text=True)
    assert review.returncode == 0, review.stderr
    assert figure["record_id"] not in review.stdout  # covered by a decision
    assert quotes[0]["record_id"] in review.stdout and quotes[0]["sentence"][:40] in review.stdout
    # Listed in table order whatever the stored order (curation writes only the rows that change).
    from caravan.store.tables import QUOTES
    con = duckdb.connect(str(out / "caravan.duckdb"))
    in_order = [r for (r,) in con.sql(f"SELECT record_id FROM quotes ORDER BY {QUOTES.order_by()}").fetchall()]
    con.execute("CREATE TEMP TABLE moved AS SELECT * FROM quotes WHERE record_id = ?", [in_order[0]])
    con.execute("DELETE FROM quotes WHERE record_id = ?", [in_order[0]])
    con.execute("INSERT INTO quotes SELECT * FROM moved")  # now stored last
    con.close()
    review = subprocess.run([str(Path(sys.executable).parent / "caravan"), "review", "--warehouse", str(out / "caravan.duckdb"),
                             "--curation", str(curation)], capture_output=True, text=True)
    listed = [line.split()[0] for line in review.stdout.splitlines() if line.split() and line.split()[0] in in_order]
    assert listed == in_order
    con = duckdb.connect(str(release / "caravan.duckdb"), read_only=True)
    assert con.sql("SELECT count(*) FROM curation_log WHERE status <> 'applied'").fetchone()[0] == 1


def test_a_bad_decision_file_stops_the_build_naming_the_file(tmp_path: Path):
    curation = tmp_path / "curation"
    curation.mkdir()
    (curation / "bad.yaml").write_text("- id: x\n  action: delete\n  table: quotes\n", encoding="utf-8")
    result = run_build(SAMPLE_CORPUS, tmp_path / "out", curation_folder=str(curation))
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    from pipelines.cli import root_error

    message = root_error(failure.event_specific_data.error)
    assert "bad.yaml" in message and "decision 'x'" in message
    assert not (tmp_path / "out" / "releases" / "2024.04.01").exists()
