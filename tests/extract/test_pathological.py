"""No input may stall extraction: pathological texts are extracted within a generous time budget, and an
article past its budget is stopped and set aside with the reason instead of holding the build.

The bound is checked through the budget mechanism itself, never by timing: before the extractors were made
linear, these texts took minutes to hours (12,000 quotation marks took 12 s, and the time grew with the
square of their number); now each takes well under a second, far inside the budget.
"""

from __future__ import annotations

import gc
import signal
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caravan.extract import records as extract
from caravan.ingest.corpus import Article, iter_corpus
from caravan.extract.records import budget_reason, extract_article, extract_batches, extract_corpus, extract_within_budget
from caravan.common.ids import sha256_text
from caravan.extract.text import MAX_RUN, sentences
from tests.conftest import REPO

# Far more than any of these texts needs now, far less than any needed before.
GENEROUS_BUDGET = 30.0

# (what is repeated, how often at most): each family once made some extractor quadratic.
FAMILIES = {
    "straight quotes": ('"', 60_000),
    "curly quotes": ("“", 60_000),
    "closing quotes": ("”", 60_000),
    "quote pairs": ("“a” ", 20_000),
    "single quotes": ("'a' ", 20_000),
    "guillemets": ("«a» ", 20_000),
    "digits": ("1", 100_000),
    "grouped digits": ("1,000 ", 15_000),
    "money": ("$5 billion ", 8_000),
    "percentages": ("remittances were 5% of GDP ", 4_000),
    "counts of people": ("5 million migrants ", 5_000),
    "said": ("said ", 20_000),
    "quotes with speakers": ('"We will go," said Ivan Petrov. ', 3_000),
    "quotes said by the driver": ("“Go,” said the driver. ", 4_000),
    "lists of names": ("Ivan Petrov, ", 8_000),
    "sources": ("$5 billion, said the ministry, ", 3_000),
    "attacks": ("attack in Moscow ", 6_000),
    "detentions": ("police detained 5 migrants ", 4_000),
    "quoted attacks": ("“they attacked us” ", 5_000),
    "dates": ("March 22, ", 10_000),
    "nested brackets": ("(", 100_000),
    "punctuation": ("“(»’[.", 20_000),
    "spaces": (" ", 100_000),
}


def article_of(text: str, article_id: str = "pathological") -> Article:
    return Article(article_id, "Test", None, None, "2024-03-30", "day", "en", None, text, len(text), sha256_text(text),
                   f"{article_id}.txt")


def _well_formed(text: str, records: dict[str, list[dict]]) -> None:
    for row in records["quotes"]:
        assert text[row["char_start"]:row["char_end"]] == row["text"]
    for row in records["economic_figures"]:
        assert text[row["char_start"]:row["char_end"]] == row["raw"]


@st.composite
def pathological_texts(draw) -> str:
    """One to three families, each repeated up to its limit, in one paragraph or several."""
    names = draw(st.lists(st.sampled_from(sorted(FAMILIES)), min_size=1, max_size=3, unique=True))
    parts = []
    for name in names:
        unit, most = FAMILIES[name]
        count = draw(st.integers(min_value=most // 2, max_value=most))
        parts.append(unit * count + (")" * count if name == "nested brackets" else ""))
    return draw(st.sampled_from([" ", "\n"])).join(parts) + "\n"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(pathological_texts())
def test_pathological_texts_are_extracted_within_a_generous_budget(text):
    result = extract_within_budget(article_of(text), GENEROUS_BUDGET)
    assert not isinstance(result, str), f"{result} on a text of {len(text):,} characters"
    _well_formed(text, result)


@pytest.mark.parametrize("text", [
    "a" * 2_000_000,  # a single word of 2 MB, the size limit of a corpus file
    "(" * 1_000_000 + ")" * 1_000_000,  # brackets nested a million deep
    '"' * 1_000_000,  # a run of quotation marks as long as a file may hold
], ids=["2 MB word", "nested brackets", "quotation marks"])
def test_a_file_of_one_run_within_the_size_limit_is_extracted_within_the_budget(text):
    result = extract_within_budget(article_of(text + "\n"), GENEROUS_BUDGET)
    assert not isinstance(result, str)


def test_a_long_run_without_spaces_is_one_word_and_a_long_paragraph_is_split():
    run = "x." * (MAX_RUN // 2 + 1)  # short, it would end a sentence at every period
    text = f"One sentence. {run} Two sentences.\n"
    assert [s.text for s in sentences(text)] == ["One sentence.", f"{run} Two sentences."]
    # More than the million characters a spaCy pipeline takes by default, in one paragraph.
    long = "It rained. " * 100_000
    assert len(sentences(long)) == 100_000


def test_an_article_past_its_budget_is_stopped_with_the_reason(slow_extractor):
    handler = signal.getsignal(signal.SIGPROF)
    assert extract_within_budget(article_of("SLOW-MARKER Remittances fell 5%.\n"), 0.3) == \
        "extraction exceeded the time budget of 0.3 s"
    assert signal.getsignal(signal.SIGPROF) is handler  # the process is left as it was
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    ordinary = article_of("Remittances to Tajikistan fell 5% last year, the World Bank said.\n")
    assert extract_within_budget(ordinary, 0.3) == extract_article(ordinary)


def test_the_budget_counts_cpu_time_not_the_clock(monkeypatch):
    quotes = extract._EXTRACTORS["quotes"]

    def waiting(article):  # waits for the clock without using the CPU, as on a machine busy with other work
        time.sleep(1.5)
        return quotes(article)

    monkeypatch.setitem(extract._EXTRACTORS, "quotes", waiting)
    article = article_of("“We are afraid,” said Ivan Petrov.\n")
    gc.collect()  # the garbage of earlier tests, whose collection would count as this process's CPU time
    assert extract_within_budget(article, 0.5) == extract_article(article)


def test_a_timer_set_before_runs_on_after_the_budget():
    handler = signal.signal(signal.SIGPROF, lambda signum, frame: None)
    try:
        signal.setitimer(signal.ITIMER_PROF, 600)
        extract_within_budget(article_of("“We are afraid,” said Ivan Petrov.\n"), 10)
        assert 0 < signal.getitimer(signal.ITIMER_PROF)[0] <= 600.1  # the kernel counts CPU time in ticks
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, handler)


def test_the_budget_arms_a_timer_only_when_set(monkeypatch):
    armed = []
    quotes = extract._EXTRACTORS["quotes"]

    def watching(article):
        armed.append(signal.getitimer(signal.ITIMER_PROF)[0] > 0)
        return quotes(article)

    monkeypatch.setitem(extract._EXTRACTORS, "quotes", watching)
    article = article_of("“We are afraid,” said Ivan Petrov.\n")
    assert extract_within_budget(article, 0) == extract_article(article)
    extract_within_budget(article, 10)
    assert armed == [False, False, True]  # no limit, extract_article itself, then the budget


def test_worker_processes_set_aside_an_article_past_its_budget(slow_extractor):
    articles = list(iter_corpus(REPO / "tests" / "data" / "synthetic" / "corpus")) * 6  # 60: the pool of processes
    slow = article_of("SLOW-MARKER Remittances fell 5%.\n", "slow")
    [(batch, records, quarantined)] = extract_batches([articles + [slow]], workers=2, time_budget=0.5)
    assert quarantined == {"slow": budget_reason(0.5)}
    assert records == extract_corpus(articles, workers=1)


@pytest.mark.parametrize("variant", [{"i": "ı"}, {"i": "İ", "I": "İ"}, {"s": "ſ"}], ids=["ı", "İ", "ſ"])
def test_letters_a_pattern_ignoring_case_reads_as_ascii_stop_no_extractor(variant):
    # A word such a pattern matched and then looked up by str.lower stopped the article's extraction three times
    # (KeyError, StopIteration): every extractor must read the project's test articles, and sentences of the phrasings
    # that were looked up so, with those letters.
    own = article_of("Remittances fell 5% in April last year and rose in March, the central bank said. In excess of "
                     "500 migrants were detained in Moscow on March 3, according to him. “We are afraid,” said Ivan "
                     "Petrov, a lawyer, in an interview with the BBC.\n", "own-sentences")
    for article in [own, *iter_corpus(REPO / "tests" / "data" / "synthetic" / "corpus")]:
        text = article.text.translate(str.maketrans(variant))
        records = extract_article(article_of(text, article.article_id))
        _well_formed(text, records)
