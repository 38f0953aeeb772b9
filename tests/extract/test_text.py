import re

from hypothesis import given, settings
from hypothesis import strategies as st

from caravan.extract.text import paragraphs, sentence_at, sentences


def test_sentence_spans_point_into_the_text():
    # synthetic snippet
    text = "First paragraph. It has two sentences.\n“A quote ends here,” he said. The U.S. embassy agreed."
    sents = sentences(text)
    assert [s.text for s in sents] == ["First paragraph.", "It has two sentences.",
                                       "“A quote ends here,” he said.", "The U.S. embassy agreed."]
    assert all(text[s.start:s.end] == s.text for s in sents)
    assert sentence_at(sents, text.index("embassy")).text == "The U.S. embassy agreed."


def test_paragraphs_have_offsets():
    text = "One.\nTwo two.\nThree."
    assert [(p.start, p.text) for p in paragraphs(text)] == [(0, "One."), (5, "Two two."), (14, "Three.")]


def _spacy_sentences(text: str) -> list[tuple[int, int]]:
    from caravan.extract.text import nlp

    return [(s.start_char, s.end_char) for s in nlp()(text).sents]


def test_sentence_split_is_exactly_spacys_sentencizer_on_the_sample():
    from caravan.ingest.corpus import iter_corpus
    from caravan.extract.text import _sentence_bounds, paragraphs
    from tests.conftest import SAMPLE_CORPUS

    for article in iter_corpus(SAMPLE_CORPUS):
        for para in paragraphs(article.text):
            assert _sentence_bounds(para.text) == _spacy_sentences(para.text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab .!?\"'”“)(…—-\t«»") + ["Mr.", "U.S.", "...", "?!", "  "]), max_size=40).map("".join))
def test_sentence_split_is_exactly_spacys_sentencizer_on_any_text(text: str):
    from caravan.extract.text import _sentence_bounds

    assert _sentence_bounds(text) == _spacy_sentences(text)


# Words parted by single spaces take the fast path (only the words with an end mark, and those after them, are
# tokenized): it must split exactly as the tokenizer and sentencizer would.
_WORDS = ["a", "Ab", "said.", "Mr.", "U.S.", "b.", "x.\"", "“Yes,”", "end.”", "(AP)", "...", "…", "?!", "”", "“", "\"",
          "'", ")", "(", "—", "-", "«Ok»", "2024.", "5.5%", "a.m.", "!", "?", "e.g.", "No.", "St.", "Hi!!", "I", "。", "𑁇"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=30).map(" ".join))
def test_the_fast_sentence_split_is_exactly_spacys_on_words_parted_by_single_spaces(text: str):
    from caravan.extract.text import _odd_spaces, _sentence_bounds

    assert not _odd_spaces(text)  # the fast path is the one taken
    assert _sentence_bounds(text) == _spacy_sentences(text)


def test_odd_spaces_take_the_tokenizers_path():
    from caravan.extract.text import _odd_spaces

    for text in ("a.  B", "a.\tB", "a.\u00a0B", "a.\u2009B", " a. B", "a. B ", "a.\n"):
        assert _odd_spaces(text), repr(text)
    assert not _odd_spaces("a. B. “C,” d.")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "B.", " ", "  ", "\t", "\n", "\u00a0", "\u2009", "\u3000", "“"]),
                max_size=12).map("".join))
def test_odd_spaces_are_the_plain_patterns(text: str):
    from caravan.extract.text import _odd_spaces

    plain = re.compile("[" + re.escape("".join(c for c in map(chr, range(0x10000)) if c.isspace() and c != " "))
                       + "]|  |^ | $")
    assert _odd_spaces(text) == bool(plain.search(text))


def test_the_other_spaces_are_every_space_of_unicode_but_the_plain_one():
    from caravan.extract.text import _OTHER_SPACE

    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace() and chr(c) != " "]
    assert [c for c in map(chr, range(0x110000)) if _OTHER_SPACE.fullmatch(c)] == spaces


def test_the_only_ascii_end_marks_are_the_period_and_the_marks_of_exclamation_and_question():
    # an ASCII text without "!" or "?" is split at its periods, found by a plain search
    from caravan.extract.text import nlp

    assert {m for m in nlp().get_pipe("sentencizer").punct_chars if m.isascii()} == {"!", ".", "?"}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([w for w in _WORDS if w.isascii() and "!" not in w and "?" not in w]), min_size=1,
                max_size=30).map(" ".join))
def test_an_ascii_text_without_exclamations_or_questions_is_split_as_spacy_splits_it(text: str):
    from caravan.extract.text import _sentence_bounds

    assert _sentence_bounds(text) == _spacy_sentences(text)



def _sentences_paragraph_by_paragraph(text: str) -> list[tuple[int, int, str]]:
    """The plain way: each paragraph split alone (``_sentence_bounds``), its sentences stripped."""
    from caravan.extract.text import _sentence_bounds

    out = []
    for para in paragraphs(text):
        for s, e in _sentence_bounds(para.text):
            sent = para.text[s:e]
            stripped = sent.strip()
            if stripped:
                start = para.start + s + sent.index(stripped)
                out.append((start, start + len(stripped), stripped))
    return out


# Words, and what parts them: single spaces mostly, line breaks between paragraphs, now and then another space.
_PARTS = st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from([" ", " ", " ", "\n", "\n\n", " \n", "  ", "\t",
                                                                      "\r\n", "\u00a0", "\u3000"])), max_size=40)


@settings(max_examples=500, deadline=None)
@given(_PARTS.map(lambda parts: " ".join(parts) if len(parts) % 3 else "".join(parts)))
def test_an_articles_sentences_read_in_place_are_those_of_each_paragraph_alone(text: str):
    # a text whose paragraphs all take the words' way is read in place, with its end marks searched for as one text
    sentences.cache_clear()
    assert [tuple(s) for s in sentences(text)] == _sentences_paragraph_by_paragraph(text)
    assert all(text[s.start:s.end] == s.text for s in sentences(text))


def test_a_paragraph_with_a_long_run_is_split_alone_among_paragraphs_read_in_place():
    from caravan.extract.text import MAX_RUN

    text = "A b. C d!\n" + "x." * (MAX_RUN // 2 + 1) + " E f. G\nH “i.” J?"
    sentences.cache_clear()
    assert [tuple(s) for s in sentences(text)] == _sentences_paragraph_by_paragraph(text)


def test_an_articles_sentences_read_in_place_on_the_sample():
    from caravan.ingest.corpus import iter_corpus
    from tests.conftest import SAMPLE_CORPUS

    for article in iter_corpus(SAMPLE_CORPUS):
        assert [tuple(s) for s in sentences(article.text)] == _sentences_paragraph_by_paragraph(article.text)


def test_single_spaces_are_those_of_every_paragraph():
    from caravan.extract.text import _odd_spaces, _single_spaces

    for text in ("A b. C d.\nE f!\n\nG “h.”", "a.  B\nc", "a. B\tc", "a.\u00a0B", "a\r\nb", " a. b \n c. ", "a.\n\nb"):
        # a stray space a line's strip takes off ("\\r") sends the text the longer way, which splits it alike
        assert not _single_spaces(text) or not any(_odd_spaces(p.text) for p in paragraphs(text)), repr(text)
    assert _single_spaces("A b. C d.\nE f!\n\nG “h.”") and not _single_spaces("a\r\nb")


def test_the_spaces_in_lines_are_every_space_of_unicode_but_the_plain_one_and_the_line_break():
    from caravan.extract.text import _SPACES_IN_LINES

    assert sorted(_SPACES_IN_LINES) == [chr(c) for c in range(0x110000) if chr(c).isspace() and chr(c) not in " \n"]
