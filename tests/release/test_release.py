"""Releases people can cite and diff: versions, immutability, changelog, index, checksums."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
from datetime import date, datetime, timedelta, timezone
from functools import partial
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from caravan.release.table_files import WarehouseTables
from caravan.release.writer import RELEASE_TABLES, next_version, write_release
from caravan.release.duckdb_copy import write_duckdb_copy
from caravan.store.tables import TABLES
from tests.conftest import SAMPLE_CORPUS, SampleBuild, run_build

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


def test_a_published_release_is_never_overwritten(sample_build: SampleBuild, tmp_path: Path):
    shutil.copytree(sample_build.out / "releases", tmp_path / "releases", symlinks=True)
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
    result = run_build(corpus, tmp_path / "out", version="2024.04.08")
    assert result.success

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
    # The second's diff read the first release's kept row hashes; the second's are kept now, for the next one.
    assert [p.name for p in (releases / ".row-hashes").iterdir()] == ["2024.04.08"]

    # The release asset links the page, the changes and the Data Docs, and counts the changes.
    meta = result.asset_materializations_for_node("release")[-1].metadata
    assert (meta["status"].value, meta["changes/against"].value) == ("new release", "2024.04.01")
    assert {key: meta[key].value for key in ("page", "changes", "data_docs")} == {
        "page": str(second / "index.html"), "changes": str(second / "CHANGES.md"),
        "data_docs": str(second / "validation" / "index.html")}
    assert all(Path(meta[key].value).is_file() for key in ("page", "changes", "data_docs"))
    assert [meta[f"changes/{kind}"].value for kind in ("added", "removed", "changed")] == [len(expected), 0, 0]
    by_table = meta["changes/by_table"].value.splitlines()
    assert by_table[2:] == [f"| {name} | {sum(t == name for t, _ in expected)} | 0 | 0 |" for name in RELEASE_TABLES]

    index = json.loads((releases / "index.json").read_text())
    assert index["latest"] == "2024.04.08"
    assert [r["version"] for r in index["releases"]] == ["2024.04.08", "2024.04.01"]
    assert index["releases"][0]["rows"]["articles"] == 2


def test_a_build_with_nothing_new_publishes_nothing_new(sample_corpus: Path, tmp_path: Path, capsys):
    """Same tables as the latest release: no new release, and the build says so; a named version or a
    changed input still releases."""
    from pipelines.cli import main

    out, releases = tmp_path / "out", tmp_path / "out" / "releases"
    build = ["build", "--corpus", str(sample_corpus), "--out", str(out), "--warehouse", str(out / "caravan.duckdb")]
    assert main(build) == 0
    first = (releases / "latest").resolve()
    assert f"release {first.name}: {first}\nfirst release: every row is new\n" in capsys.readouterr().out

    result = run_build(sample_corpus, out, version=None)  # the daily schedule, with nothing new
    assert result.success
    meta = result.asset_materializations_for_node("release")[-1].metadata
    assert (meta["version"].value, meta["status"].value) == (first.name, f"no changes since {first.name}")
    assert [meta[f"changes/{kind}"].value for kind in ("added", "removed", "changed")] == [0, 0, 0]
    assert meta["page"].value == str(first / "index.html") and "changes" not in meta
    assert sorted(p.name for p in releases.iterdir() if not p.name.startswith(".")) == sorted(
        [first.name, "index.html", "index.json", "latest"])
    assert (releases / "latest").resolve() == first

    assert main(build + ["--version", "2024.05.01"]) == 0  # a named version is released all the same
    assert f"changes against release {first.name}: 0 rows added, 0 removed, 0 changed" in capsys.readouterr().out
    assert main(build) == 0
    assert ("no changes since 2024.05.01: the published tables are byte-identical to it, so no release was written; "
            f"latest stays {releases / '2024.05.01'}\n") in capsys.readouterr().out
    assert (releases / "latest").resolve().name == "2024.05.01"

    (sample_corpus / "kazan-raid.txt").write_text(EXTRA_ARTICLE, encoding="utf-8")
    assert main(build) == 0
    printed = capsys.readouterr().out
    newest = (releases / "latest").resolve()
    assert newest.name not in (first.name, "2024.05.01")
    assert f"release {newest.name}: {newest}\nchanges against release 2024.05.01: " in printed
    added = sum(1 for c in pq.read_table(newest / "changes.parquet").to_pylist() if c["change"] == "added")
    assert f": {added} rows added, 0 removed, 0 changed" in printed and added > 3


def test_release_files_are_checksummed_and_citable(sample_build: SampleBuild):
    release = sample_build.release
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


def _random_tables(folder: Path, rows: dict[str, int], seed: int = 7) -> dict[str, Path]:
    """Every release table as a Parquet file of seeded random rows (200, or ``rows[name]``): sentences of
    made-up words in the strings and NULLs in every nullable column, the shapes that DuckDB's compression
    choices and NULL slots are sensitive to."""
    rng = random.Random(seed)
    words = ["".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(1, 4)))
             for _ in range(600)]
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    values = {
        pa.string(): lambda: " ".join(rng.choice(words) for _ in range(rng.randint(2, 30))),
        pa.int64(): lambda: rng.randint(0, 3_000_000),
        pa.float64(): lambda: rng.uniform(-1e6, 1e6),
        pa.bool_(): lambda: rng.random() < 0.5,
        pa.timestamp("us", tz="UTC"): lambda: start + timedelta(seconds=rng.randint(0, 10**8)),
    }
    folder.mkdir()
    files = {}
    for name in RELEASE_TABLES:
        schema = TABLES[name].arrow_schema(published_only=True)
        columns = {f.name: [None if f.nullable and rng.random() < 0.3 else values[f.type]()
                            for _ in range(rows.get(name, 200))] for f in schema}
        files[name] = folder / f"{name}.parquet"
        pq.write_table(pa.table(columns, schema=schema), files[name])
    return files


def test_the_release_duckdb_file_is_byte_identical_wherever_it_is_written_from(tmp_path: Path, monkeypatch):
    """Tables of a few thousand rows (a 300-article corpus has 3,062 quotes): DuckDB's compression analysis
    samples vectors at random past the first 2,048 rows, and what lies in memory in the writing process
    depends on where it runs (here, how many files its working folder holds)."""
    tables = _random_tables(tmp_path / "tables", {"quotes": 9000, "incidents": 5000})
    copies = []
    for n, files in enumerate((0, 0, 3000)):
        cwd = tmp_path / f"cwd{n}"
        cwd.mkdir()
        for i in range(files):
            (cwd / f"{i}.txt").touch()
        monkeypatch.chdir(cwd)
        copies.append(tmp_path / f"copy{n}" / "caravan.duckdb")
        copies[-1].parent.mkdir()
        write_duckdb_copy(copies[-1], tables)
    con = duckdb.connect(str(copies[0]), read_only=True)
    assert con.sql("SELECT count(*) FROM quotes").fetchone()[0] == 9000
    con.close()
    first = copies[0].read_bytes()
    assert [c.read_bytes() == first for c in copies[1:]] == [True, True]


def test_the_duckdb_copy_keeps_prose_zstd_compressed_and_every_value_and_type_as_its_file(tmp_path: Path):
    """Texts and evidence sentences, uncompressed without FSST, are stored zstd; the copy's columns have the types
    and values of the Parquet files, and the file is smaller than the same tables written without zstd."""
    rng = random.Random(7)
    words = ["migrants", "Moscow", "raid", "police", "said", "patent", "Tajik", "workers", "market", "the"]
    texts = [" ".join(rng.choice(words) for _ in range(400)) for _ in range(3000)]
    sentences = [" ".join(rng.choice(words) for _ in range(30)) for _ in range(9000)]
    files = _random_tables(tmp_path / "tables", {"articles": 3000, "quotes": 9000})
    for name, column, values in (("articles", "text", texts), ("quotes", "sentence", sentences)):
        table = pq.read_table(files[name])
        table = table.set_column(table.schema.get_field_index(column), column, pa.array(values, pa.string()))
        pq.write_table(table, files[name])
    write_duckdb_copy(tmp_path / "caravan.duckdb", files)

    con = duckdb.connect(str(tmp_path / "caravan.duckdb"), read_only=True)
    stored = dict(con.sql("SELECT table_name || '.' || column_name, any_value(compression) FROM "
                          "(SELECT 'articles' AS table_name, * FROM pragma_storage_info('articles') UNION ALL "
                          " SELECT 'quotes', * FROM pragma_storage_info('quotes')) "
                          "WHERE segment_type = 'VARCHAR' GROUP BY ALL").fetchall())
    assert stored["articles.text"] == stored["quotes.sentence"] == "ZSTD"
    assert stored["quotes.record_id"] != "ZSTD"  # keys stay as DuckDB chooses, for lookups
    for name, path in files.items():
        assert (con.sql(f'DESCRIBE "{name}"').fetchall()
                == con.sql("DESCRIBE SELECT * FROM read_parquet(?)", params=[str(path)]).fetchall()), name
        assert (con.sql(f'SELECT * FROM "{name}"').fetchall()  # in the file's order, too
                == con.sql("SELECT * FROM read_parquet(?)", params=[str(path)]).fetchall()), name
    con.close()
    plain = duckdb.connect(str(tmp_path / "plain.duckdb"), config={"threads": 1})
    plain.execute("SET disabled_compression_methods = 'fsst'")
    for name, path in files.items():
        plain.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet(?)', [str(path)])
    plain.close()
    assert (tmp_path / "caravan.duckdb").stat().st_size < 0.75 * (tmp_path / "plain.duckdb").stat().st_size


def test_a_copy_that_follows_the_table_files_as_they_appear_is_the_same_file(tmp_path: Path):
    """Started before its tables' files exist, the copy takes each as it appears (in its order, whatever the order
    they are written in), and gives the file a copy of the finished files gives; a file still missing once every
    table is written is an error that names it."""
    import threading
    import time

    from caravan.release.duckdb_copy import DuckDBCopy, DuckDBCopyError

    tables = _random_tables(tmp_path / "tables", {"quotes": 3000, "incidents": 2000})
    # Each named caravan.duckdb (DuckDB keeps the catalog's name, from the file's, in the file).
    (tmp_path / "whole").mkdir()
    write_duckdb_copy(tmp_path / "whole" / "caravan.duckdb", tables)
    later = tmp_path / "later"
    later.mkdir()
    mark = tmp_path / "written"

    def write_later() -> None:
        for name in reversed(list(tables)):  # the last first: the copy waits for the first all the same
            time.sleep(0.05)
            shutil.copy(tables[name], later / f".{name}.partial")
            os.replace(later / f".{name}.partial", later / f"{name}.parquet")
        mark.touch()

    writer_thread = threading.Thread(target=write_later)
    with DuckDBCopy(later / "caravan.duckdb", {name: later / f"{name}.parquet" for name in tables},
                    written_mark=mark) as copy:
        writer_thread.start()
        copy.wait()
    writer_thread.join()
    assert (later / "caravan.duckdb").read_bytes() == (tmp_path / "whole" / "caravan.duckdb").read_bytes()

    with DuckDBCopy(tmp_path / "short.duckdb", {"quotes": later / "quotes.parquet", "speakers": later / "none.parquet"},
                    written_mark=mark) as copy:
        with pytest.raises(DuckDBCopyError, match=r"none\.parquet"):
            copy.wait()


def test_table_files_appear_whole(tmp_path: Path, monkeypatch):
    """Each table's file is written beside and renamed: under its name it is always complete, and nothing else is
    left."""
    from caravan.release import table_files
    from caravan.release.licences import DEFAULT

    seen = []
    replace = os.replace
    monkeypatch.setattr(table_files.os, "replace", lambda a, b: (seen.append((Path(a).name, Path(b).exists())),
                                                                  replace(a, b)))
    files = table_files.write_table_files(_empty_tables(), tmp_path, DEFAULT)
    assert sorted(name for name, _ in seen) == sorted(f".{name}.parquet.partial" for name in RELEASE_TABLES)
    assert not any(existed for _, existed in seen)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{name}.parquet" for name in RELEASE_TABLES)
    assert all(path.is_file() for path, _ in files.written.values())


def test_withheld_texts_leave_every_other_column_as_it_was():
    from caravan.release.licences import DEFAULT, AllowList
    from caravan.release.table_files import withhold_texts

    rows = [{"article_id": "a1", "license": "Public domain", "text": "One.", "text_withheld": None, "sha256": "s1"},
            {"article_id": "a2", "license": "CC BY-NC 4.0", "text": "Two.", "text_withheld": None, "sha256": "s2"},
            {"article_id": "a3", "license": None, "text": "Three.", "text_withheld": None, "sha256": "s3"}]
    published = withhold_texts(pa.Table.from_pylist(rows), DEFAULT).to_pylist()
    assert [(r["text"], r["text_withheld"]) for r in published] == [
        ("One.", None), (None, "licence 'CC BY-NC 4.0' is not on the publication allow-list"), (None, "licence not stated")]
    assert [{k: v for k, v in r.items() if k not in ("text", "text_withheld")} for r in published] == \
        [{k: v for k, v in r.items() if k not in ("text", "text_withheld")} for r in rows]
    # A table without the column gets it; another allow-list publishes other texts.
    older = pa.Table.from_pylist([{k: v for k, v in r.items() if k != "text_withheld"} for r in rows])
    wider = withhold_texts(older, AllowList.of(["public domain", "CC BY-NC"]))
    assert wider.column("text").to_pylist() == ["One.", "Two.", None]
    assert wider.column("text_withheld").to_pylist() == [None, None, "licence not stated"]


def _quotes_rows(n: int) -> pa.Table:
    """Quote rows of the published schema (made up for the test; only their shape matters)."""
    schema = TABLES["quotes"].arrow_schema(published_only=True)
    filler = {pa.types.is_string: "x", pa.types.is_boolean: False, pa.types.is_integer: 0, pa.types.is_floating: 0.0}
    values = {f.name: [None if f.nullable else next(v for test, v in filler.items() if test(f.type))] * n
              for f in schema}
    values["record_id"] = [f"quo_{i:06d}" for i in range(n)]
    values["article_id"] = [f"art_{i % 7}" for i in range(n)]
    values["text"] = [f"Words number {i}." for i in range(n)]
    return pa.table(values).cast(schema)


@pytest.mark.parametrize("batch_rows", [1, 7, 1000, 5000])
def test_a_stream_of_batches_gives_the_same_parquet_bytes_as_the_whole_table(tmp_path: Path, batch_rows: int):
    """The writer regroups the stream into row groups of fixed size: the bytes depend on the rows, not on how
    the warehouse hands them over; and no row group is larger than the bound (the memory the writer holds)."""
    from caravan.release.table_files import write_parquet

    data = _quotes_rows(2500)
    whole, streamed = tmp_path / "whole.parquet", tmp_path / "streamed.parquet"
    assert write_parquet(TABLES["quotes"], data, whole, row_group_rows=1000) == 2500
    reader = pa.RecordBatchReader.from_batches(data.schema, data.to_batches(max_chunksize=batch_rows))
    assert write_parquet(TABLES["quotes"], reader, streamed, row_group_rows=1000) == 2500
    assert streamed.read_bytes() == whole.read_bytes()
    meta = pq.ParquetFile(streamed).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [1000, 1000, 500]
    assert pq.read_table(streamed).equals(data)


def test_a_release_written_from_streams_equals_one_written_from_whole_tables(sample_build: SampleBuild, tmp_path: Path):
    from caravan.store.warehouse import connect, read_publishable, stream_publishable

    con = connect(sample_build.warehouse, read_only=True)
    try:
        whole = write_release({n: read_publishable(con, n) for n in RELEASE_TABLES}, tmp_path / "a", "2024.04.01")
        # Each stream on a cursor of its own, as the release asset does: two tables are written at once, and
        # a new query on a connection ends its previous one's stream. Read in parts of a few rows each.
        streams = write_release({n: partial(stream_publishable, con.cursor(), n, rows=3, part_rows=4)
                                 for n in RELEASE_TABLES}, tmp_path / "b", "2024.04.01")
    finally:
        con.close()
    # As the release asset does: the warehouse read by a child process of its own.
    apart = write_release(WarehouseTables(str(sample_build.warehouse)), tmp_path / "c", "2024.04.01")
    assert whole.row_counts == streams.row_counts == apart.row_counts and sum(whole.row_counts.values()) > 50
    for release in (streams, apart):
        for name in RELEASE_TABLES:
            assert (release.path / f"{name}.parquet").read_bytes() == (whole.path / f"{name}.parquet").read_bytes(), name
        assert (release.path / "README.md").read_text() == (whole.path / "README.md").read_text()  # texts counted alike


def test_tables_with_the_latest_releases_digest_are_not_written_again(sample_build: SampleBuild, tmp_path: Path):
    """The digest of the tables a release was written from, kept beside the releases, tells the next build with the
    same tables that nothing changed before any file is written; a changed row, other licences or a lost digest
    file do not pass for it."""
    from caravan.release.licences import DEFAULT, AllowList
    from caravan.release.table_files import tables_digest
    from caravan.store.warehouse import connect

    db, releases = tmp_path / "caravan.duckdb", tmp_path / "releases"
    shutil.copy(sample_build.warehouse, db)  # changed below
    first = write_release(WarehouseTables(str(db)), releases)
    digests = json.loads((releases / ".tables-digests.json").read_text())
    assert list(digests) == [first.version] and first.unchanged_since is None

    # The latest release's files are not read: spoil one, and the same tables are still found unchanged.
    quotes = first.path / "quotes.parquet"
    original = quotes.read_bytes()
    quotes.chmod(0o644)
    quotes.write_bytes(b"spoiled")
    again = write_release(WarehouseTables(str(db)), releases)
    assert again.unchanged_since == first.version and again.row_counts == first.row_counts
    assert sorted(p.name for p in releases.iterdir() if not p.name.startswith(".")) == sorted(
        [first.version, "index.html", "index.json", "latest"])
    quotes.write_bytes(original)

    con = connect(db, read_only=True)
    try:
        assert tables_digest(con, DEFAULT)[0] == digests[first.version]
        assert tables_digest(con, AllowList(frozenset()))[0] != digests[first.version]  # texts withheld otherwise
    finally:
        con.close()

    # A lost or unreadable digest file: the tables are written and compared byte for byte, and it is made again.
    (releases / ".tables-digests.json").write_text("{not json")
    assert write_release(WarehouseTables(str(db)), releases).unchanged_since == first.version
    assert json.loads((releases / ".tables-digests.json").read_text()) == digests

    con = duckdb.connect(str(db))
    con.execute("UPDATE quotes SET speaker_description = 'a spokesman' "
                "WHERE record_id = (SELECT min(record_id) FROM quotes)")
    con.close()
    changed = write_release(WarehouseTables(str(db)), releases)
    assert changed.unchanged_since is None and changed.previous == first.version
    assert {c.table: c.counts["changed"] for c in changed.changes}["quotes"] == 1
    assert set(json.loads((releases / ".tables-digests.json").read_text())) == {first.version, changed.version}


def test_a_warehouse_the_child_cannot_read_fails_naming_it_and_leaves_no_half_release(tmp_path: Path):
    import duckdb

    from caravan.release.table_files import TableFilesError

    broken = tmp_path / "broken.duckdb"
    duckdb.connect(str(broken)).close()  # a DuckDB file without Caravan's tables
    with pytest.raises(TableFilesError, match=r"broken\.duckdb: writing the release's Parquet files failed: "
                                              r".*Table with name \w+ does not exist"):
        write_release(WarehouseTables(str(broken)), tmp_path / "releases", "2024.04.01")
    _assert_no_half_release(tmp_path / "releases")


def _empty_tables() -> dict[str, pa.Table]:
    return {name: TABLES[name].arrow_schema(published_only=True).empty_table() for name in RELEASE_TABLES}


def _failing_quotes_stream() -> pa.RecordBatchReader:
    """A batch of quotes, then an error, as when the warehouse fails mid-read."""
    def batches():
        yield from _quotes_rows(10).to_batches()
        raise OSError("the warehouse went away")
    return pa.RecordBatchReader.from_batches(TABLES["quotes"].arrow_schema(published_only=True), batches())


def _assert_no_half_release(releases: Path) -> None:
    assert [p.name for p in releases.iterdir()] == [], "a staging folder or a release was left behind"


def test_a_table_failing_midway_leaves_no_half_release(tmp_path: Path):
    tables = {**_empty_tables(), "quotes": _failing_quotes_stream}
    with pytest.raises(OSError, match="the warehouse went away"):
        write_release(tables, tmp_path / "releases", "2024.04.01")
    _assert_no_half_release(tmp_path / "releases")


def test_each_release_file_is_hashed_once_for_the_package_and_the_checksums(tmp_path: Path, monkeypatch):
    from caravan.release import writer

    hashed: list[str] = []
    real = writer.sha256_file
    monkeypatch.setattr(writer, "sha256_file", lambda path: hashed.append(str(path)) or real(path))
    release = write_release({**_empty_tables(), "quotes": _quotes_rows(10)}, tmp_path / "releases", "2024.04.01").path
    assert sorted(hashed) == sorted(set(hashed))  # none twice
    assert ({f"{name}.parquet" for name in RELEASE_TABLES} | {"changes.parquet", "caravan.duckdb"}
            <= {Path(p).name for p in hashed})
    sums = dict(reversed(line.split("  ")) for line in (release / "SHA256SUMS").read_text().splitlines())
    package = {r["path"]: r["hash"] for r in json.loads((release / "datapackage.json").read_text())["resources"]}
    assert package == {name: f"sha256:{sums[name]}" for name in package}
    assert all(hashlib.sha256((release / name).read_bytes()).hexdigest() == digest for name, digest in sums.items())


def test_a_failing_duckdb_copy_leaves_no_half_release(tmp_path: Path, monkeypatch):
    from caravan.release import writer
    from caravan.release.duckdb_copy import DuckDBCopy, DuckDBCopyError

    # The child process is given a table file that does not exist, so it fails as a real one would.
    monkeypatch.setattr(writer, "DuckDBCopy", lambda path, files, **kw: DuckDBCopy(
        path, {**files, "quotes": tmp_path / "gone.parquet"}, **kw))
    with pytest.raises(DuckDBCopyError, match=r"caravan\.duckdb: writing the release's DuckDB copy failed: .*gone\.parquet"):
        write_release(_empty_tables(), tmp_path / "releases", "2024.04.01")
    _assert_no_half_release(tmp_path / "releases")


def test_an_error_beside_the_running_children_ends_them_and_leaves_no_half_release(tmp_path: Path, monkeypatch):
    import subprocess

    from caravan.release import writer

    children, popen = [], subprocess.Popen

    def recorded(*args, **kwargs):
        children.append(popen(*args, **kwargs))
        return children[-1]

    def descriptions_fail(*args):
        raise RuntimeError("the descriptions failed")

    monkeypatch.setattr(writer, "_write_descriptions", descriptions_fail)  # written beside the running copy
    monkeypatch.setattr("caravan.release.child.subprocess.Popen", recorded)
    with pytest.raises(RuntimeError, match="the descriptions failed"):
        write_release(_empty_tables(), tmp_path / "releases", "2024.04.01")
    # The DuckDB copy's, the changelog's (waited for), the Data Docs' and the page's: none left writing into a removed
    # folder.
    assert len(children) == 4 and all(child.poll() is not None for child in children)
    _assert_no_half_release(tmp_path / "releases")


def test_a_failing_changelog_names_the_release_and_leaves_no_half_release(tmp_path: Path, monkeypatch):
    from caravan.release.reports import ReportsError

    # The previous release's quotes are not a Parquet file, and its kept row hashes are gone (else the diff reads
    # them instead): the child's changelog fails as on a damaged release.
    write_release(_empty_tables(), tmp_path / "releases", "2024.04.01")
    (tmp_path / "releases" / "2024.04.01" / "quotes.parquet").write_bytes(b"not parquet")
    shutil.rmtree(tmp_path / "releases" / ".row-hashes")
    with pytest.raises(ReportsError, match=r"\.2024\.04\.02\.\w+: writing the release's changelog failed: "
                                           r"ArrowInvalid: Parquet magic bytes not found"):
        write_release(_empty_tables(), tmp_path / "releases", "2024.04.02")
    # Nothing of the failed release is left, its row hashes neither.
    assert sorted(p.name for p in (tmp_path / "releases").iterdir()) == ["2024.04.01", "index.html", "index.json",
                                                                         "latest"]
    assert (tmp_path / "releases" / "latest").resolve().name == "2024.04.01"


def _assert_data_docs_fail(releases: Path, cause: str) -> None:
    """Writing a release fails naming its staging folder, the Data Docs and ``cause``, and leaves nothing behind."""
    from caravan.release.reports import ReportsError

    with pytest.raises(ReportsError, match=r"\.2024\.04\.01\.\w+: writing the release's Data Docs failed: " + cause):
        write_release(_empty_tables(), releases, "2024.04.01")
    _assert_no_half_release(releases)


def test_failing_data_docs_name_the_release_and_leave_no_half_release(tmp_path: Path, monkeypatch):
    from caravan.release import writer
    from caravan.release.reports import DataDocs

    def undated(staging: Path, version: str, spill: Path) -> DataDocs:
        return DataDocs(staging, "undated", spill)  # the child cannot date the run: it fails, the changelog not

    monkeypatch.setattr(writer, "DataDocs", undated)
    _assert_data_docs_fail(tmp_path / "releases", r"ValueError: .*undated")


def test_data_docs_failing_to_render_name_the_release_and_leave_no_half_release(tmp_path: Path, monkeypatch):
    # The child evaluates the suites; the pages are rendered in this process, from what it handed back.
    from caravan.release import reports

    def render_fails(outcomes, suites, out_dir, **run):
        assert set(outcomes) == set(RELEASE_TABLES) and all(o.table == name for name, o in outcomes.items())
        assert run["run_time"].isoformat() == "2024-04-01T00:00:00+00:00"
        raise OSError("disk full")

    monkeypatch.setattr(reports, "render_data_docs", render_fails)
    _assert_data_docs_fail(tmp_path / "releases", r"OSError: disk full")


def test_a_failing_page_names_the_release_and_leaves_no_half_release(tmp_path: Path, monkeypatch):
    from caravan.release import writer
    from caravan.release.page import ReleasePageError

    checksums = writer._checksums

    def checksums_then_damage(folder: Path, digests: dict[Path, str]) -> str:
        (folder / "datapackage.json").write_text("not json", encoding="utf-8")  # read as the page is written
        return checksums(folder, digests)

    monkeypatch.setattr(writer, "_checksums", checksums_then_damage)
    with pytest.raises(ReleasePageError, match=r"\.2024\.04\.01\.\w+: writing the release's page failed: "
                                               r"JSONDecodeError"):
        write_release(_empty_tables(), tmp_path / "releases", "2024.04.01")
    _assert_no_half_release(tmp_path / "releases")


def test_the_page_failing_to_read_the_tables_names_it_and_leaves_no_half_release(tmp_path: Path, monkeypatch):
    from caravan.release import writer
    from caravan.release.page import ReleasePageError, TableSections

    # The child that draws the page's sections from the tables is given a quotes file that is not Parquet.
    (tmp_path / "damaged").mkdir()
    (tmp_path / "damaged" / "quotes.parquet").write_bytes(b"not parquet")
    monkeypatch.setattr(writer, "TableSections", lambda staging: TableSections(tmp_path / "damaged"))
    with pytest.raises(ReleasePageError, match=r"damaged: writing the release's page failed: ArrowInvalid"):
        write_release(_empty_tables(), tmp_path / "releases", "2024.04.01")
    _assert_no_half_release(tmp_path / "releases")


def test_the_duckdb_copy_holds_a_row_group_of_articles_unless_a_memory_limit_is_set(monkeypatch):
    from caravan.release.duckdb_copy import copy_memory_limit

    monkeypatch.delenv("CARAVAN_DUCKDB_MEMORY_LIMIT", raising=False)
    assert copy_memory_limit() == "768MB"  # 122,880 articles' texts (430 MB) and the Parquet reader's buffers
    monkeypatch.setenv("CARAVAN_DUCKDB_MEMORY_LIMIT", "64MB")
    assert copy_memory_limit() == "64MB"


def test_the_duckdb_copy_is_bounded_as_the_warehouse_connections_are(tmp_path: Path, monkeypatch):
    from caravan.release.duckdb_copy import DuckDBCopyError

    files = {}
    for name, data in _empty_tables().items():
        pq.write_table(data, tmp_path / f"{name}.parquet")
        files[name] = tmp_path / f"{name}.parquet"
    monkeypatch.setenv("CARAVAN_DUCKDB_MEMORY_LIMIT", "a lot")  # the child process takes the setting too
    with pytest.raises(DuckDBCopyError, match="(?i)memory"):
        write_duckdb_copy(tmp_path / "a.duckdb", files)
    monkeypatch.setenv("CARAVAN_DUCKDB_MEMORY_LIMIT", "64MB")
    write_duckdb_copy(tmp_path / "b.duckdb", files)
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # nothing spilled is left


def test_the_data_docs_connection_is_bounded_and_spills_outside_the_release(tmp_path: Path, monkeypatch):
    # The limit the warehouse's connections take applies: a bad one fails the release, which leaves nothing.
    from caravan.release.reports import ReportsError

    monkeypatch.setenv("CARAVAN_DUCKDB_MEMORY_LIMIT", "a lot")  # the child process takes the setting too
    with pytest.raises(ReportsError, match="(?i)memory"):
        write_release(_empty_tables(), tmp_path / "releases", "2024.04.01")
    _assert_no_half_release(tmp_path / "releases")
    monkeypatch.setenv("CARAVAN_DUCKDB_MEMORY_LIMIT", "64MB")
    rel = write_release(_empty_tables(), tmp_path / "releases", "2024.04.01")
    assert sorted(p.name for p in (tmp_path / "releases").iterdir() if p.name.startswith(".")) == [".row-hashes"]
    assert not any(p.name.startswith(".spill") for p in rel.path.rglob("*"))
