"""A build from articles under several licences publishes texts only under the allow-list, and
`caravan hydrate` fills the others in from a local corpus, checking every span."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from caravan.release.hydrate import SPAN_TABLES
from caravan.store.validation import validate_table
from pipelines.cli import main
from tests.conftest import SAMPLE_CORPUS, run_build

# Articles written for this test, each with a quote, an incident and a figure, under licences a fetch
# meets: (file stem, licence or None for no metadata at all, text).
ARTICLES = [
    ("steppe-wire-raid", "all rights reserved",
     "Police in Yekaterinburg detained 25 migrants from Tajikistan during a raid on a construction site on "
     "Tuesday, the regional police said.\n"
     "“They took our passports and kept us for hours,” said Farrukh Nazarov, a bricklayer from Khujand.\n"
     "Remittances to Tajikistan reached $5.1 billion in 2023, according to the World Bank.\n"),
    ("north-review-arson", "CC BY-NC 4.0",
     "Unknown attackers set fire to a cafe owned by a Kyrgyz family in Surgut on Saturday night, local media reported.\n"
     "“We are afraid to open again,” said Aizada Toktogulova, the owner of the cafe.\n"
     "About 1 million citizens of Kyrgyzstan work in Russia, according to the Kyrgyz labour ministry.\n"),
    ("open-siberia-assault", "https://creativecommons.org/licenses/by-sa/4.0/",
     "A group of men assaulted two Uzbek taxi drivers in Novosibirsk on Sunday, police said.\n"
     "“Nobody stopped to help us,” said Sherzod Alimov, one of the drivers.\n"
     "Remittances to Uzbekistan reached $11.4 billion last year, according to the central bank.\n"),
    ("unsigned-advisory", None,
     "The foreign ministry of Kyrgyzstan advised its citizens on Monday to avoid travelling to Russia.\n"
     "“Our citizens are being turned back at the border for no reason,” the ministry said in a statement.\n"),
]
WITHHELD = {"steppe-wire-raid": "licence 'all rights reserved' is not on the publication allow-list",
            "north-review-arson": "licence 'CC BY-NC 4.0' is not on the publication allow-list",
            "unsigned-advisory": "licence not stated"}


def _write_corpus(folder: Path, stems: set[str] | None = None) -> Path:
    """The sample article and the test articles (those of ``stems`` only, when given)."""
    shutil.copytree(SAMPLE_CORPUS, folder)
    for stem, licence, text in ARTICLES:
        if stems is not None and stem not in stems:
            continue
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
        if licence is not None:
            meta = {"outlet": stem.split("-")[0].title(), "url": f"https://news.example/{stem}",
                    "published": "2024-04-02", "language": "en", "license": licence}
            (folder / f"{stem}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("licences")
    corpus = _write_corpus(root / "corpus")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("CARAVAN_PUBLISH_LICENCES", raising=False)  # the default allow-list
        assert run_build(corpus, root / "out").success
    release = root / "out" / "releases" / "2024.04.01"
    articles = {r["source_path"].removesuffix(".txt"): r for r in pq.read_table(release / "articles.parquet").to_pylist()}
    return {"root": root, "corpus": corpus, "release": release, "warehouse": root / "out" / "caravan.duckdb",
            "articles": articles}


def _records_by_article(release: Path) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for name in SPAN_TABLES:
        for row in pq.read_table(release / f"{name}.parquet", columns=["article_id", "sentence"]).to_pylist():
            assert row["sentence"]
            counts.setdefault(row["article_id"], {}).setdefault(name, 0)
            counts[row["article_id"]][name] += 1
    return counts


def test_the_release_publishes_texts_only_under_the_allow_list(built):
    articles, release = built["articles"], built["release"]
    assert set(articles) == {"voa-2024-03-central-asian-migrants-backlash", *(stem for stem, _, _ in ARTICLES)}
    con = duckdb.connect(str(built["warehouse"]), read_only=True)
    try:
        kept = dict(con.sql("SELECT source_path, text FROM articles WHERE text_withheld IS NULL").fetchall())
    finally:
        con.close()
    assert len(kept) == len(articles)  # the warehouse keeps every text
    records = _records_by_article(release)
    for stem, row in articles.items():
        assert row["text_withheld"] == WITHHELD.get(stem), stem
        assert row["text"] == (None if stem in WITHHELD else kept[f"{stem}.txt"]), stem
        # What lets a reader find and check the text is published all the same, with the records.
        assert row["sha256"] and row["n_chars"] == len(kept[f"{stem}.txt"])
        assert {"quotes", "incidents"} <= set(records.get(row["article_id"], {})), stem
    assert articles["steppe-wire-raid"]["url"] == "https://news.example/steppe-wire-raid"
    schema = pq.read_schema(release / "articles.parquet")
    assert schema.field("text").nullable and b"allow-list" in schema.field("text_withheld").metadata[b"description"]


def test_the_release_readme_and_licence_say_which_texts_are_withheld(built):
    said = ("Article texts are published only under a licence of the publication allow-list (public domain, CC0, "
            "CC BY, CC BY-SA): 2 of 5 article(s) have their text in `articles.text`. For the other 3, `text` is null "
            "and `text_withheld` names their licence")
    readme = (built["release"] / "README.md").read_text(encoding="utf-8")
    licence = (built["release"] / "LICENSE.md").read_text(encoding="utf-8")
    assert said in readme and said in licence
    assert "`caravan hydrate RELEASE_DIR --corpus DIR --out FILE`" in readme
    assert "| `text_withheld` | VARCHAR | Why text is null in this release" in readme


def test_the_release_validates_with_withheld_texts(built):
    """The release's own expectation suites (its Data Docs) pass: spans are checked where the text is
    published, and a withheld text must say why."""
    con = duckdb.connect(str(built["release"] / "caravan.duckdb"), read_only=True)
    try:
        outcomes = {name: validate_table(con, name) for name in ("articles", *SPAN_TABLES)}
    finally:
        con.close()
    assert {name: o.success for name, o in outcomes.items()} == dict.fromkeys(outcomes, True)
    by_name = {r.columns: r for r in outcomes["quotes"].results}
    matched = by_name[("span_matches_evidence",)]
    assert matched.missing_count > 0 and matched.element_count - matched.missing_count > 0
    docs = (built["release"] / "validation" / "index.html").read_text(encoding="utf-8")
    assert "Failed" not in docs


def test_hydrate_restores_every_withheld_text_and_checks_the_spans(built, tmp_path, capsys):
    out = tmp_path / "articles-full.parquet"
    assert main(["hydrate", str(built["release"]), "--corpus", str(built["corpus"]), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "3 of 3 withheld texts restored, 0 not found (5 articles in the release)" in printed
    n_records = sum(pq.read_metadata(built["release"] / f"{name}.parquet").num_rows for name in SPAN_TABLES)
    assert f"spans checked: {n_records} records, 0 not at their evidence\n" in printed

    filled = pq.read_table(out)
    assert filled.schema == pq.read_schema(built["release"] / "articles.parquet")
    con = duckdb.connect(str(built["warehouse"]), read_only=True)
    try:
        texts = dict(con.sql("SELECT article_id, text FROM articles").fetchall())
    finally:
        con.close()
    assert {r["article_id"]: r["text"] for r in filled.to_pylist()} == texts
    # text_withheld stays: those texts may still not be passed on.
    published = pq.read_table(built["release"] / "articles.parquet")
    assert filled.column("text_withheld").to_pylist() == published.column("text_withheld").to_pylist()


def test_hydrate_from_part_of_the_corpus_reports_what_it_could_not_find(built, tmp_path, capsys):
    corpus = _write_corpus(tmp_path / "partial", {"steppe-wire-raid"})
    (corpus / "notes.txt").write_bytes(b"\x00\x01 not an article \x02\x03" * 10)
    out = tmp_path / "articles.parquet"
    assert main(["hydrate", str(built["release"]), "--corpus", str(corpus), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "1 of 3 withheld texts restored, 2 not found (5 articles in the release)" in printed
    assert "1 corpus files could not be read as articles and were skipped" in printed
    missing = {built["articles"][stem]["article_id"] for stem in ("north-review-arson", "unsigned-advisory")}
    assert {line.removeprefix("  not found: ") for line in printed.splitlines() if line.startswith("  not found: ")} == missing
    assert "records of articles still without text not checked" in printed
    filled = {r["article_id"]: r["text"] for r in pq.read_table(out).to_pylist()}
    assert sum(text is None for text in filled.values()) == 2
    assert all(filled[a] is None for a in missing)


def test_hydrate_fails_when_a_span_does_not_point_at_its_evidence(built, tmp_path, capsys):
    """A release whose record moved by one character: the filled text shows it."""
    release = tmp_path / "release"
    shutil.copytree(built["release"], release)
    withheld = built["articles"]["steppe-wire-raid"]["article_id"]
    quotes = pq.read_table(release / "quotes.parquet")
    moved = pc.if_else(pc.equal(quotes.column("article_id"), withheld), pc.add(quotes.column("char_start"), 1),
                       quotes.column("char_start"))
    quotes = quotes.set_column(quotes.schema.get_field_index("char_start"), quotes.schema.field("char_start"), moved)
    pq.write_table(quotes, release / "quotes.parquet")
    record = next(r["record_id"] for r in quotes.to_pylist() if r["article_id"] == withheld)

    out = tmp_path / "articles.parquet"
    assert main(["hydrate", str(release), "--corpus", str(built["corpus"]), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert f"  quotes {record} (article {withheld}, characters " in captured.out
    assert "the span does not match the evidence" in captured.out
    assert "records do not point at their evidence" in captured.err


def test_hydrate_never_writes_into_a_release(built, capsys):
    latest = built["release"].parent / "latest"
    before = sorted(p.name for p in built["release"].iterdir())
    assert main(["hydrate", str(latest), "--corpus", str(built["corpus"]), "--out", str(latest / "full.parquet")]) == 2
    assert "releases are immutable" in capsys.readouterr().err
    assert sorted(p.name for p in built["release"].iterdir()) == before
    assert main(["hydrate", str(built["corpus"]), "--corpus", str(built["corpus"]),
                 "--out", str(built["root"] / "x.parquet")]) == 2
    assert "no articles.parquet: not a Caravan release folder" in capsys.readouterr().err
