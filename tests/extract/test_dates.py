import pytest

from caravan.extract.dates import find_dates, publication_date, resolve_date


@pytest.mark.parametrize("expression, published, expected", [
    # explicit dates take the year of the publication, or the year before when later in the calendar
    ("on March 22", "2024-03", ("2024-03-22", "day")),
    ("on March 22", "2024-03-28", ("2024-03-22", "day")),
    ("22 March 2024", "2024-04-02", ("2024-03-22", "day")),
    ("Sept. 3, 2023", "2024-03-28", ("2023-09-03", "day")),
    ("on December 5", "2024-01-10", ("2023-12-05", "day")),
    ("2024-03-01", None, ("2024-03-01", "day")),
    ("in March 2023", "2024-03-28", ("2023-03", "month")),
    ("in March", "2024-03-28", ("2024-03", "month")),
    ("in 2021", "2024-03", ("2021", "year")),
    # relative dates against a publication day
    ("yesterday", "2024-03-01", ("2024-02-29", "day")),
    ("on Friday", "2024-03-28", ("2024-03-22", "day")),
    ("last Thursday", "2024-03-28", ("2024-03-21", "day")),
    ("last week", "2024-03-28", ("2024-03", "month")),
    ("last week", "2024-03-05", ("2024-02", "month")),
    ("three days ago", "2024-03-28", ("2024-03-25", "day")),
    ("last month", "2024-01-15", ("2023-12", "month")),
    ("last year", "2024-03-28", ("2023", "year")),
    ("earlier this month", "2024-03-28", ("2024-03", "month")),
    # a month-precision publication date gives at most month precision
    ("last week", "2024-03", ("2024-03", "month")),
    ("yesterday", "2024-03", ("2024-03", "month")),
    ("on Friday", "2024-03", ("2024-03", "month")),
    ("last month", "2024-03", ("2024-02", "month")),
    ("last year", "2024-03", ("2023", "year")),
    # and a year-precision one at most year precision
    ("last week", "2024", ("2024", "year")),
    ("last month", "2024", ("2024", "year")),
    # ... also for a month or a day named without its year (tests/data/synthetic/README.md: "In March" gives the year)
    ("in March", "2023", ("2023", "year")),
    ("on March 22", "2024", ("2024", "year")),
    ("in March 2022", "2023", ("2022-03", "month")),
])
def test_resolve_date(expression, published, expected):
    assert resolve_date(expression, published) == expected


def test_relative_dates_need_a_publication_date():
    assert resolve_date("last week", None) is None
    assert resolve_date("on March 22", None) is None
    assert resolve_date("in 2021", None) == ("2021", "year")


def test_results_never_depend_on_the_clock():
    # synthetic snippet: a date long past resolves the same way every run
    assert resolve_date("on Friday", "1999-06-15") == ("1999-06-11", "day")
    assert resolve_date("on March 2", "1999-06-15") == ("1999-03-02", "day")


def test_find_dates_gives_offsets_into_the_text():
    # synthetic snippet
    text = "Police raided a market on Tuesday, a week after the attack last month, and again in 2021."
    found = find_dates(text, "2024-03-28")
    assert [(text[d.start:d.end], d.value, d.precision) for d in found] == [
        ("on Tuesday", "2024-03-26", "day"), ("last month", "2024-02", "month"), ("in 2021", "2021", "year")]


def test_words_that_look_like_dates_are_not():
    # synthetic snippet: "may" the verb, "march" the noun, a percentage
    assert find_dates("Migrants may march on the square; 48% of them said so.", "2024-03-28") == []


def test_publication_date():
    assert publication_date("2024-03") == ("2024-03", "month")
    assert publication_date("2024-03-28") == ("2024-03-28", "day")
    assert publication_date(None) == (None, None)


def test_a_date_counted_from_an_earlier_one():
    from caravan.extract.dates import find_anchored, shift_date
    text = "The next day, police came back."
    assert find_anchored(text, 0, len(text)) == (12, "day", 1)
    assert find_anchored("Three months later, it closed.", 0, 30) == (18, "month", 3)
    assert find_anchored("A week earlier, it opened.", 0, 26) == (14, "week", -1)
    assert find_anchored("Police came back the next day.", 0, 30) is None  # only at the start: another anchor
    assert shift_date("2024-02-28", "day", "day", 2) == ("2024-03-01", "day")
    assert shift_date("2024-11", "month", "month", 3) == ("2025-02", "month")
    assert shift_date("2024-11", "month", "day", 1) == ("2024-11", "month")
