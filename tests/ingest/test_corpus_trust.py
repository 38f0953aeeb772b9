"""The corpus folder as a trust boundary, and which of two copies of an article is kept."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from caravan.ingest.corpus import CorpusError, corpus_fingerprint, iter_corpus, read_corpus
from tests.conftest import REPO, SAMPLE_STEM

_STORY = ("Police in Kazan detained dozens of migrant workers during a raid on a vegetable market on Monday, "
          "according to the regional interior ministry. Witnesses said officers checked documents for hours "
          "and loaded several men into buses. A lawyer for the workers said many of them had valid permits "
          "and that the detentions were part of a wider campaign against migrants from Central Asia.")
_SECRET = "root:x:0:0:the build's secrets, which must never be published"


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """A corpus folder with one good article, and a folder elsewhere on the machine with a private file."""
    corpus, elsewhere = tmp_path / "corpus", tmp_path / "elsewhere"
    corpus.mkdir()
    elsewhere.mkdir()
    (corpus / "good.txt").write_text(_STORY, encoding="utf-8")
    (elsewhere / "secret.txt").write_text(_SECRET, encoding="utf-8")
    (elsewhere / "secret.meta.json").write_text(json.dumps({"outlet": "Leaked"}), encoding="utf-8")
    return corpus, elsewhere


_SCAN = """
import json, sys
from caravan.ingest.corpus import read_corpus
reading = read_corpus(sys.argv[1])
print(json.dumps({"articles": [[a.source_path, a.outlet, a.text] for a in reading.articles],
                  "rejected": [[r.path, r.reason] for r in reading.rejected]}))
"""


def _scan_in_a_child(corpus: Path) -> dict:
    """read_corpus in a child process, so that a scan that opens a named pipe fails the test instead of
    hanging the suite (a bound on a blocked process, not a timing assertion)."""
    try:
        done = subprocess.run([sys.executable, "-c", _SCAN, str(corpus)], capture_output=True, text=True,
                              timeout=300, check=True, cwd=REPO)  # the caravan of this working tree
    except subprocess.TimeoutExpired:
        pytest.fail("the corpus scan did not return: it opened a named pipe")
    return json.loads(done.stdout)


def test_a_link_to_a_file_outside_the_corpus_folder_is_quarantined_and_not_published(folders):
    corpus, elsewhere = folders
    (corpus / "leak.txt").symlink_to(elsewhere / "secret.txt")
    (corpus / "up.txt").symlink_to(Path("..") / "elsewhere" / "secret.txt")  # relative links too
    reading = read_corpus(corpus)
    assert [a.source_path for a in reading.articles] == ["good.txt"]
    assert [(r.path, r.reason) for r in reading.rejected] == [("leak.txt", "outside the corpus folder"),
                                                             ("up.txt", "outside the corpus folder")]
    assert not any(_SECRET in a.text for a in reading.articles)


def test_a_metadata_file_linked_from_outside_quarantines_its_article(folders):
    corpus, elsewhere = folders
    (corpus / "good.meta.json").symlink_to(elsewhere / "secret.meta.json")
    reading = read_corpus(corpus)
    assert reading.articles == []
    assert [(r.path, r.reason) for r in reading.rejected] == [("good.txt", "good.meta.json: outside the corpus folder")]


def test_the_metadata_of_an_article_outside_is_never_opened(folders):
    corpus, elsewhere = folders
    (corpus / "leak.txt").symlink_to(elsewhere / "secret.txt")
    os.mkfifo(corpus / "leak.meta.json")  # opening it would block the scan
    result = _scan_in_a_child(corpus)
    assert [a[0] for a in result["articles"]] == ["good.txt"]
    assert result["rejected"] == [["leak.txt", "outside the corpus folder"]]


def test_pipes_directories_loops_and_dangling_links_are_quarantined_without_blocking(folders):
    corpus, _ = folders
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "folder.txt").mkdir()
    (corpus / "loop-a.txt").symlink_to("loop-b.txt")
    (corpus / "loop-b.txt").symlink_to("loop-a.txt")
    (corpus / "dangling.txt").symlink_to("gone.txt")
    (corpus / "piped.txt").write_text("Remittances to Tajikistan fell sharply last year, the central bank said.",
                                      encoding="utf-8")
    os.mkfifo(corpus / "piped.meta.json")
    result = _scan_in_a_child(corpus)
    assert [a[0] for a in result["articles"]] == ["good.txt"]
    assert dict(result["rejected"]) == {
        "dangling.txt": "a link to a missing file (dangling link)",
        "folder.txt": "not a regular file: a directory",
        "loop-a.txt": "a symbolic link loop",
        "loop-b.txt": "a symbolic link loop",
        "pipe.txt": "not a regular file: a named pipe",
        "piped.txt": "piped.meta.json: not a regular file: a named pipe",
    }


def test_a_link_that_stays_inside_the_corpus_folder_is_an_ordinary_duplicate(folders):
    corpus, _ = folders
    (corpus / "sub").mkdir()
    (corpus / "sub" / "inner.txt").write_text("Remittances to Tajikistan fell sharply last year.", encoding="utf-8")
    (corpus / "link.txt").symlink_to("good.txt")
    (corpus / "inner.txt").symlink_to(Path("sub") / "inner.txt")
    reading = read_corpus(corpus)
    assert [a.source_path for a in reading.articles] == ["good.txt", "inner.txt"]
    assert [(r.path, r.reason) for r in reading.rejected] == [("link.txt", "duplicate of good.txt (same article)")]


def test_iter_corpus_refuses_a_file_outside_the_corpus_folder(folders):
    corpus, elsewhere = folders
    (corpus / "leak.txt").symlink_to(elsewhere / "secret.txt")
    with pytest.raises(CorpusError, match="leak.txt: outside the corpus folder"):
        list(iter_corpus(corpus))


def test_the_fingerprint_does_not_follow_links_outside(folders):
    corpus, elsewhere = folders
    (corpus / "leak.txt").symlink_to(elsewhere / "secret.txt")
    os.mkfifo(corpus / "pipe.txt")
    before = corpus_fingerprint(corpus)
    assert set(before) == {"good.txt", "leak.txt", "pipe.txt"}
    with open(elsewhere / "secret.txt", "a", encoding="utf-8") as outside:
        outside.write(" and more")
    assert corpus_fingerprint(corpus) == before  # what lies outside is not looked at


# --- which copy of an article is kept


def test_the_copy_with_metadata_is_kept_over_a_bare_copy_that_sorts_first(sample_corpus: Path):
    shutil.copy(sample_corpus / f"{SAMPLE_STEM}.txt", sample_corpus / "dup.txt")
    reading = read_corpus(sample_corpus)
    [kept] = reading.articles
    assert kept.source_path == f"{SAMPLE_STEM}.txt"
    assert (kept.outlet, kept.published, kept.published_precision) == ("Voice of America", "2024-03", "month")
    assert kept.license.startswith("Public domain")
    assert [(r.path, r.reason) for r in reading.rejected] == [("dup.txt", f"duplicate of {SAMPLE_STEM}.txt (same article)")]


@pytest.mark.parametrize("worse, better, why", [
    (None, {}, "valid metadata over none"),
    ({"outlet": "Fergana"}, {"outlet": "Fergana", "license": "CC BY 4.0"}, "more metadata fields"),
    ({"outlet": "Fergana"}, {"published": "2024-03"}, "a stated publication date"),
    ({"published": "2024-05-02"}, {"published": "2024-03"}, "the earlier publication date"),
    ({"outlet": "Fergana"}, {"outlet": "Fergana", "url": "https://example.org/raid"}, "a URL: another article id"),
])
def test_the_better_copy_is_kept_whatever_its_name(tmp_path: Path, worse, better, why):
    (tmp_path / "a-worse.txt").write_text(_STORY, encoding="utf-8")
    (tmp_path / "z-better.txt").write_text(_STORY, encoding="utf-8")
    if worse is not None:
        (tmp_path / "a-worse.meta.json").write_text(json.dumps(worse), encoding="utf-8")
    (tmp_path / "z-better.meta.json").write_text(json.dumps(better), encoding="utf-8")
    reading = read_corpus(tmp_path)
    [kept] = reading.articles
    assert kept.source_path == "z-better.txt", why
    assert (kept.outlet, kept.url, kept.published) == (better.get("outlet"), better.get("url"), better.get("published"))
    [rejected] = reading.rejected
    assert rejected.path == "a-worse.txt" and rejected.reason.startswith("duplicate of z-better.txt (same ")


def test_between_equal_copies_the_file_name_decides(tmp_path: Path):
    for name in ("b", "a"):
        (tmp_path / f"{name}.txt").write_text(_STORY, encoding="utf-8")
        (tmp_path / f"{name}.meta.json").write_text(json.dumps({"outlet": "Fergana", "published": "2024"}),
                                                    encoding="utf-8")
    reading = read_corpus(tmp_path)
    assert [a.source_path for a in reading.articles] == ["a.txt"]
    assert [(r.path, r.reason) for r in reading.rejected] == [("b.txt", "duplicate of a.txt (same article)")]


def test_a_syndicated_near_copy_gives_way_to_the_copy_with_metadata(tmp_path: Path):
    (tmp_path / "a-syndicated.txt").write_text(_STORY + " The ministry declined to comment.", encoding="utf-8")
    (tmp_path / "z-original.txt").write_text(_STORY + " The ministry did not comment.", encoding="utf-8")
    (tmp_path / "z-original.meta.json").write_text(json.dumps({"outlet": "Fergana", "published": "2024-03-04"}),
                                                   encoding="utf-8")
    reading = read_corpus(tmp_path)
    assert [(a.source_path, a.outlet) for a in reading.articles] == [("z-original.txt", "Fergana")]
    assert reading.rejected[0].path == "a-syndicated.txt"
    assert reading.rejected[0].reason.startswith("near-duplicate of z-original.txt (similarity 0.")


def test_a_plain_file_is_placed_without_resolving_its_path_and_a_repointed_folder_is_resolved_again(tmp_path: Path):
    """The fast way (one lstat for a plain file in a folder resolved before) gives the real path the slow way
    gives, also when the folder is reached through a link that is later pointed elsewhere."""
    from caravan.ingest.corpus import _real_file

    first, second, folder = tmp_path / "first", tmp_path / "second", tmp_path / "corpus"
    for real in (first, second):
        real.mkdir()
        (real / "a.txt").write_text("Text.", encoding="utf-8")
    folder.symlink_to(first)
    root = Path(os.path.realpath(folder))
    assert _real_file(folder / "a.txt", root) == Path(os.path.realpath(folder / "a.txt")) == first / "a.txt"
    folder.unlink()
    folder.symlink_to(second)  # the same folder name, now another folder
    root = Path(os.path.realpath(folder))
    assert _real_file(folder / "a.txt", root) == second / "a.txt"
    (second / "b.txt").symlink_to(first / "a.txt")  # a link takes the slow way and is found outside
    with pytest.raises(CorpusError, match="outside the corpus folder"):
        _real_file(folder / "b.txt", root)
