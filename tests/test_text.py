from caravan.text import paragraphs, sentence_at, sentences


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
