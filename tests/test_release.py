"""Releases people can cite and diff: versions, immutability, changelog, index, checksums."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from caravan.release import next_version, write_release
from caravan.tables import TABLES
from tests.conftest import SAMPLE_CORPUS, run_build

# synthetic test article, written for this test (never part of a release the project publishes)
EXTRA_ARTICLE = (
    "Police in Kazan detained 40 migrants from Uzbekistan during a raid on a market on Friday, "
    "the regional interior ministry said.\n"
    "“We were treated like criminals,” said Rustam Karimov, a spokesman for an Uzbek diaspora group in Kazan.\n"
    "Remittances to Uzbekistan reached $11.4 billion last year, according to the central bank.\n"
)


def test_next_version_is_calendar_based_with_a_suffix(tmp_path: Path):
    assert next_version(tmp_path, date(2024, 4, 1)) == "2024.04.01"
    (tmp_path / "2024.04.01").mkdir()
    assert next_version(tmp_path, date(2024, 4, 1)) == "2024.04.01.2"
    (tmp_path / "2024.04.01.2").mkdir()
    assert next_version(tmp_path, date(2024, 4, 1)) == "2024.04.01.3"


def test_a_published_release_is_never_overwritten(tmp_path: Path):
    assert run_build(SAMPLE_CORPUS, tmp_path).success
    before = (tmp_path / "releases" / "2024.04.01" / "quotes.parquet").read_bytes()
    with pytest.raises(FileExistsError, match="immutable"):
        write_release({}, tmp_path / "releases", "2024.04.01")
    with pytest.raises(ValueError, match="calendar version"):
        write_release({}, tmp_path / "releases", "../escape")
    assert (tmp_path / "releases" / "2024.04.01" / "quotes.parquet").read_bytes() == before


def test_two_builds_with_one_added_article_change_exactly_its_records(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    assert run_build(corpus, tmp_path / "out", version="2024.04.01").success
    (corpus / "kazan-raid.txt").write_text(EXTRA_ARTICLE, encoding="utf-8")
    (corpus / "kazan-raid.meta.json").write_text(json.dumps({"published": "2024-04-06", "outlet": "Test"}), encoding="utf-8")
    assert run_build(corpus, tmp_path / "out", version="2024.04.08").success

    releases = tmp_path / "out" / "releases"
    first, second = releases / "2024.04.01", releases / "2024.04.08"
    new_article = [a for a in pq.read_table(second / "articles.parquet").to_pylist() if a["source_path"] == "kazan-raid.txt"]
    assert len(new_article) == 1
    new_id = new_article[0]["article_id"]

    expected = {("articles", new_id)}
    for name in ("quotes", "incidents", "incident_sources", "economic_figures", "figure_checks"):
        key = TABLES[name].primary_key
        expected |= {(name, r[key]) for r in pq.read_table(second / f"{name}.parquet").to_pylist()
                     if r["article_id"] == new_id}
    new_speakers = {q["speaker"] for q in pq.read_table(second / "quotes.parquet").to_pylist() if q["article_id"] == new_id}
    old_speakers = {r["speaker"] for r in pq.read_table(first / "speakers.parquet").to_pylist()}
    expected |= {("speakers", r["speaker_id"]) for r in pq.read_table(second / "speakers.parquet").to_pylist()
                 if r["speaker"] in new_speakers - old_speakers}
    assert len(expected) > 3  # the new article brought records of its own
    changes = pq.read_table(second / "changes.parquet").to_pylist()
    assert {(c["table"], c["record_id"]) for c in changes} == expected
    assert {c["change"] for c in changes} == {"added"}
    md = (second / "CHANGES.md").read_text()
    assert "against release 2024.04.01" in md
    assert all(f"`{rid}`" in md for _, rid in expected)
    # the first release listed everything as new, and still does
    assert "first release" in (first / "CHANGES.md").read_text()

    index = json.loads((releases / "index.json").read_text())
    assert index["latest"] == "2024.04.08"
    assert [r["version"] for r in index["releases"]] == ["2024.04.08", "2024.04.01"]
    assert index["releases"][0]["rows"]["articles"] == 2


def test_release_files_are_checksummed_and_citable(tmp_path: Path):
    assert run_build(SAMPLE_CORPUS, tmp_path).success
    release = tmp_path / "releases" / "2024.04.01"
    sums = dict(reversed(line.split("  ")) for line in (release / "SHA256SUMS").read_text().splitlines())
    files = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()}
    assert set(sums) == files - {"SHA256SUMS", "index.html"}
    assert "validation/index.html" in sums  # the Great Expectations Data Docs of the release
    for name, digest in sums.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest
    licence = (release / "LICENSE.md").read_text()
    assert "CC BY 4.0" in licence and "- Voice of America (news outlet, 1 article(s)): Public domain" in licence
    assert "- World Bank (official statistics)" in licence
    cff = (release / "CITATION.cff").read_text()
    assert 'version: "2024.04.01"' in cff and "license: CC-BY-4.0" in cff
    package = json.loads((release / "datapackage.json").read_text())
    assert {r["name"] for r in package["resources"]} == set(TABLES) | {"changes"}
    assert {"Voice of America", "World Bank"} <= {s["title"] for s in package["sources"]}
