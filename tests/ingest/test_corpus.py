import json
from pathlib import Path

import pytest

from caravan.ingest.corpus import CorpusError, iter_corpus, normalise_text, read_article
from tests.conftest import SAMPLE_CORPUS, SAMPLE_STEM


def test_sample_article_is_read_with_its_metadata():
    art = read_article(SAMPLE_CORPUS / f"{SAMPLE_STEM}.txt")
    assert art.outlet == "Voice of America"
    assert art.published == "2024-03" and art.published_precision == "month"
    assert art.text.startswith("Washington — Russian media")
    assert art.n_chars == len(art.text)
    assert art.article_id.startswith("art_") and not art.synthetic
    assert art.source_path == f"{SAMPLE_STEM}.txt"


def test_article_id_is_stable_and_depends_on_text_or_url(tmp_path: Path):
    (tmp_path / "a.txt").write_text("Some  text.\n\nMore text.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Some text.\nMore text.", encoding="utf-8")
    a, b = read_article(tmp_path / "a.txt"), read_article(tmp_path / "b.txt")
    assert a.article_id == read_article(tmp_path / "a.txt").article_id
    assert a.text == "Some  text.\nMore text."  # blank lines dropped, offsets refer to this text
    assert a.article_id == b.article_id  # whitespace does not make a new article
    (tmp_path / "b.meta.json").write_text(json.dumps({"url": "https://example.org/x"}), encoding="utf-8")
    assert read_article(tmp_path / "b.txt").article_id != a.article_id


def test_precision_is_inferred_and_checked(tmp_path: Path):
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"published": "2024-03-29"}), encoding="utf-8")
    assert read_article(tmp_path / "a.txt").published_precision == "day"
    (tmp_path / "a.meta.json").write_text(json.dumps({"published": "2024-03-29", "published_precision": "year"}), encoding="utf-8")
    with pytest.raises(CorpusError, match="a.meta.json"):
        read_article(tmp_path / "a.txt")
    (tmp_path / "a.meta.json").write_text(json.dumps({"published": "29/03/2024"}), encoding="utf-8")
    with pytest.raises(CorpusError, match="published"):
        read_article(tmp_path / "a.txt")


@pytest.mark.parametrize("content, problem", [(b"\xff\xfe bad", "not UTF-8"), (b"  \n \n", "empty")])
def test_bad_files_name_the_file(tmp_path: Path, content: bytes, problem: str):
    (tmp_path / "bad.txt").write_bytes(content)
    with pytest.raises(CorpusError, match=problem) as err:
        read_article(tmp_path / "bad.txt")
    assert "bad.txt" in str(err.value)


def test_bad_meta_json_names_the_file(tmp_path: Path):
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match="a.meta.json"):
        read_article(tmp_path / "a.txt")


def test_corpus_order_is_by_file_name(tmp_path: Path):
    for name in ("c", "a", "b"):
        (tmp_path / f"{name}.txt").write_text(f"Article {name}.", encoding="utf-8")
    assert [a.source_path for a in iter_corpus(tmp_path)] == ["a.txt", "b.txt", "c.txt"]
    with pytest.raises(CorpusError, match="does not exist"):
        list(iter_corpus(tmp_path / "missing"))


def test_normalise_text_is_nfc_with_unix_newlines():
    assert normalise_text("Cafe\u0301\r\n\r\n  x  \r\n") == "Café\n  x"


def test_read_corpus_sets_aside_bad_files_and_second_copies(tmp_path: Path):
    from caravan.ingest.corpus import read_corpus

    (tmp_path / "a.txt").write_text("An article about raids.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("An article  about raids.\n", encoding="utf-8")  # same text, other spacing
    (tmp_path / "c.txt").write_bytes(b"ok \xff\xfe")
    (tmp_path / "d.txt").write_text("Another article.", encoding="utf-8")
    reading = read_corpus(tmp_path)
    assert [a.source_path for a in reading.articles] == ["a.txt", "d.txt"]
    assert [r.path for r in reading.rejected] == ["b.txt", "c.txt"]
    assert reading.rejected[0].reason == "duplicate of a.txt (same article)"
    assert reading.rejected[1].reason.startswith("not UTF-8 text (byte 3)")


# synthetic texts for the corpus checks below
_STORY = ("Police in Kazan detained dozens of migrant workers during a raid on a vegetable market on Monday, "
          "according to the regional interior ministry. Witnesses said officers checked documents for hours "
          "and loaded several men into buses. A lawyer for the workers said many of them had valid permits "
          "and that the detentions were part of a wider campaign against migrants from Central Asia.")


@pytest.mark.parametrize("name, content, reason", [
    ("binary.txt", b"PK\x03\x04\x00\x00 zip bytes", "binary file (NUL bytes)"),
    ("controls.txt", ("text \x01\x02\x03\x04\x05\x06 " * 20).encode(), "binary file (control characters)"),
    ("page.txt", b"<!DOCTYPE html><html><body><p>Police raided a market.</p><div>more</div></body></html>", "HTML, not plain text"),
    ("cyrillic.txt", "Полиция задержала мигрантов на рынке в Казани в понедельник утром.".encode("cp1251"), "not UTF-8 text"),
])
def test_files_that_are_not_plain_articles_are_set_aside_with_the_reason(tmp_path: Path, name, content, reason):
    from caravan.ingest.corpus import read_corpus

    (tmp_path / "good.txt").write_text(_STORY, encoding="utf-8")
    (tmp_path / name).write_bytes(content)
    reading = read_corpus(tmp_path)
    assert [a.source_path for a in reading.articles] == ["good.txt"]
    assert [r.path for r in reading.rejected] == [name] and reason in reading.rejected[0].reason


def test_non_utf8_text_names_the_likely_encoding(tmp_path: Path):
    (tmp_path / "a.txt").write_bytes(("Полиция задержала мигрантов на рынке в Казани. " * 5).encode("cp1251"))
    with pytest.raises(CorpusError, match="it looks like .*convert it to UTF-8"):
        read_article(tmp_path / "a.txt")


def test_files_over_the_size_limit_are_refused(tmp_path: Path):
    from caravan.ingest.corpus import read_corpus

    (tmp_path / "big.txt").write_text(_STORY * 10, encoding="utf-8")
    reading = read_corpus(tmp_path, max_bytes=1000)
    assert reading.articles == [] and "over the limit of 1000" in reading.rejected[0].reason


def test_a_syndicated_near_copy_is_ingested_once(tmp_path: Path):
    from caravan.ingest.corpus import read_corpus

    (tmp_path / "a-original.txt").write_text(_STORY + " The ministry did not comment.", encoding="utf-8")
    (tmp_path / "b-syndicated.txt").write_text(_STORY + " The ministry declined to comment.", encoding="utf-8")
    (tmp_path / "c-other.txt").write_text("Remittances to Tajikistan fell sharply last year, the central bank said, "
                                           "as the rouble weakened and fewer workers travelled north.", encoding="utf-8")
    reading = read_corpus(tmp_path)
    assert [a.source_path for a in reading.articles] == ["a-original.txt", "c-other.txt"]
    assert reading.rejected[0].path == "b-syndicated.txt"
    assert reading.rejected[0].reason.startswith("near-duplicate of a-original.txt (similarity 0.")


def test_stored_signatures_give_the_same_answer_and_only_new_texts_are_hashed(tmp_path: Path, monkeypatch):
    from caravan.ingest import corpus
    from caravan.ingest.corpus import scan_corpus

    (tmp_path / "a-original.txt").write_text(_STORY + " The ministry did not comment.", encoding="utf-8")
    (tmp_path / "b-syndicated.txt").write_text(_STORY + " The ministry declined to comment.", encoding="utf-8")
    signatures: dict[str, bytes] = {}
    first = list(scan_corpus(tmp_path, signatures=signatures))
    assert len(signatures) == 2 and all(len(sig) == 64 * 4 for sig in signatures.values())

    hashed = []
    original = corpus.minhash_signature
    monkeypatch.setattr(corpus, "minhash_signature", lambda text: hashed.append(text[:20]) or original(text))
    (tmp_path / "c-other.txt").write_text("Remittances to Tajikistan fell sharply last year, the central bank said.",
                                          encoding="utf-8")
    second = list(scan_corpus(tmp_path, signatures=signatures))
    assert second[:2] == first  # the near-copy is found from the stored signature alone
    assert hashed == ["Remittances to Tajik"]  # only the new file's text was hashed
    assert len(signatures) == 3


def test_reading_on_several_cores_gives_what_one_process_gives(tmp_path: Path):
    from caravan.ingest.corpus import _PARALLEL_FROM, scan_corpus

    # synthetic files: distinct stories, some exact and near copies, and unreadable ones, past the parallel threshold
    for i in range(_PARALLEL_FROM + 40):
        text = f"Report {i}: " + " ".join(f"word{(i * 7 + k) % 997}" for k in range(60))
        (tmp_path / f"story-{i:04d}.txt").write_text(text, encoding="utf-8")
        if i % 50 == 0:
            (tmp_path / f"story-{i:04d}-copy.txt").write_text(text, encoding="utf-8")
            # the copy carries metadata, so it is the one kept, though its name sorts after the original's
            (tmp_path / f"story-{i:04d}-copy.meta.json").write_text('{"published": "2024-01"}', encoding="utf-8")
            (tmp_path / f"story-{i:04d}-edit.txt").write_text(text + " Updated.", encoding="utf-8")
            (tmp_path / f"story-{i:04d}-empty.txt").write_text("  ", encoding="utf-8")
    one, many = {}, {}
    in_one = list(scan_corpus(tmp_path, signatures=one, workers=1))
    in_many = list(scan_corpus(tmp_path, signatures=many, workers=2))
    assert in_many == in_one and many == one
    reasons = {r.reason.split(" ")[0] for r in in_one if not hasattr(r, "text")}
    assert reasons == {"duplicate", "near-duplicate", "the"}  # "the article is empty"
    duplicates = {r.path: r.reason for r in in_one if not hasattr(r, "text") and r.reason.startswith("duplicate")}
    assert duplicates["story-0050.txt"] == "duplicate of story-0050-copy.txt (same article)"


@pytest.mark.parametrize("text", ["", "One two.", "Five words make one shingle", SAMPLE_CORPUS.joinpath(SAMPLE_STEM + ".txt")
                                  .read_text(encoding="utf-8"), "Repeated words repeated words. " * 40 + "Ende ÄÖÜ über Straße."])
def test_a_signature_is_datasketchs_minhash_of_the_word_5_grams(text: str):
    """The shingles hashed in one pass give what datasketch's MinHash gives them one by one (stored
    signatures of earlier ingests must keep matching)."""
    import re

    from datasketch import MinHash

    from caravan.ingest import corpus

    words = re.findall(r"\w+", text.lower())
    shingles = sorted({" ".join(words[i:i + 5]) for i in range(max(1, len(words) - 4))})
    plain = MinHash(num_perm=64, seed=1, scheme="affine32")
    plain.update_batch([s.encode("utf-8") for s in shingles])
    assert corpus.minhash_signature(text) == plain.hashvalues.astype("<u4").tobytes()


def _datasketch_near_duplicates(threshold: float, signatures: list[tuple[str, bytes]]) -> list:
    """What NearDuplicates answered when it kept datasketch's MinHashLSH as its index: each signature's earlier
    near-copy (with the similarity), else None and it is remembered."""
    import numpy as np
    from datasketch import MinHash, MinHashLSH

    from caravan.ingest import corpus

    lsh, kept, answers = MinHashLSH(threshold=threshold, num_perm=64), {}, []
    for name, signature in signatures:
        values = np.frombuffer(signature, dtype="<u4")
        sig = MinHash(num_perm=64, seed=1, hashvalues=values, permutations=corpus._permutations(), scheme="affine32")
        best = max(((other, float(np.count_nonzero(values == np.frombuffer(kept[other], dtype="<u4"))) / 64)
                    for other in lsh.query(sig)), key=lambda x: (x[1], x[0]), default=None)
        if best and best[1] >= threshold:
            answers.append(best)
            continue
        lsh.insert(name, sig)
        kept[name] = signature
        answers.append(None)
    return answers


@pytest.mark.parametrize("threshold", [0.9, 0.7])
def test_the_band_index_answers_as_datasketchs_lsh(threshold: float):
    """Signatures that share all, some or none of their bands with an earlier one, at similarities around the
    threshold: NearDuplicates finds the near-copies datasketch's MinHashLSH finds, with the same similarity."""
    import numpy as np

    from caravan.ingest.corpus import NearDuplicates

    rng = np.random.default_rng(5)
    signatures = []
    for story in range(40):
        base = rng.integers(0, 2**32, 64, dtype=np.uint64).astype("<u4")
        signatures.append((f"{story:02d}-base", base.tobytes()))
        for variant, changed in enumerate((3, 6, 9, 14, 20, 30)):
            values = base.copy()
            # the changed values fall in one band, or are spread over all of them
            where = np.arange(changed) if variant % 2 else rng.choice(64, changed, replace=False)
            values[where] = rng.integers(0, 2**32, changed, dtype=np.uint64).astype("<u4")
            signatures.append((f"{story:02d}-v{variant}", values.tobytes()))
    order = [signatures[i] for i in rng.permutation(len(signatures))]
    near = NearDuplicates(threshold)
    answers = [near.find_or_add(name, signature) for name, signature in order]
    assert answers == _datasketch_near_duplicates(threshold, order)
    assert sum(answer is not None for answer in answers) >= 40  # near-copies there were
