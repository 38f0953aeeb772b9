"""Economic figures: the sample article against its gold labels, plus synthetic snippets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caravan.corpus import Article, read_article
from caravan.figures import extract_figures
from caravan.vocabularies import INDICATORS, QUALIFIERS

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "corpus" / "voa-2024-03-central-asian-migrants-backlash.txt"
GOLD = ROOT / "tests" / "data" / "gold" / "voa-2024-03-central-asian-migrants-backlash.json"
KEYS = {"subject", "indicator", "value", "unit", "currency", "qualifier", "period", "source", "raw", "sentence",
        "char_start", "char_end"}


def article(text: str, published: str | None = "2024-03-28") -> Article:
    """A synthetic article: the snippets below are written for these tests, not taken from the news."""
    precision = {4: "year", 7: "month", 10: "day"}.get(len(published or ""))
    return Article(article_id="art-test", outlet=None, url=None, title=None, published=published,
                   published_precision=precision, language="en", license=None, text=text, n_chars=len(text),
                   sha256="", source_path="test.txt", synthetic=True)


def figures(text: str, published: str | None = "2024-03-28") -> list[dict]:
    art = article(text, published)
    out = extract_figures(art)
    for rec in out:
        assert set(rec) == KEYS
        assert art.text[rec["char_start"]:rec["char_end"]] == rec["raw"]
        assert rec["raw"] in rec["sentence"]
    return out


def only(text: str, published: str | None = "2024-03-28") -> dict:
    out = figures(text, published)
    assert len(out) == 1, out
    return out[0]


# --- The sample article -----------------------------------------------------------------------------


def test_sample_article_gives_exactly_the_gold_figures():
    art = read_article(SAMPLE)
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["figures"]
    predicted = extract_figures(art)
    assert len(predicted) == len(gold) == 4
    for want in gold:
        matches = [p for p in predicted if p["unit"] == want["unit"] and abs(p["value"] - want["value"]) <= 0.005 * want["value"]]
        assert len(matches) == 1, want
        got = matches[0]
        for key in ("qualifier", "period", "indicator", "subject", "source"):
            assert got[key] == want[key], (key, got, want)
        assert art.text[got["char_start"]:got["char_end"]] == got["raw"]
        assert got["sentence"] == want["evidence"]
    assert [p["raw"] for p in predicted] == ["48%", "$5.7 billion", "$25 billion", "10 million"]
    assert [p["currency"] for p in predicted] == [None, "USD", "USD", None]


def test_sample_article_figures_use_the_controlled_vocabularies():
    for rec in extract_figures(read_article(SAMPLE)):
        assert rec["indicator"] in INDICATORS
        assert rec["qualifier"] in QUALIFIERS


# --- Money (synthetic) ------------------------------------------------------------------------------


@pytest.mark.parametrize("text, raw, value, unit", [
    ("Tajikistan received $5.7 billion in remittances.", "$5.7 billion", 5.7e9, "USD"),
    ("Tajikistan received 5.7 bn dollars in remittances.", "5.7 bn dollars", 5.7e9, "USD"),
    ("Kyrgyzstan received US$25bn in remittances.", "US$25bn", 25e9, "USD"),
    ("Kyrgyzstan received $25 billion in remittances.", "$25 billion", 25e9, "USD"),
    ("Russia will spend 2 trillion rubles on roads.", "2 trillion rubles", 2e12, "RUB"),
    ("The ruble budget adds 300 billion roubles.", "300 billion roubles", 3e11, "RUB"),
    ("The EU pledged €3 million to Tajikistan.", "€3 million", 3e6, "EUR"),
    ("The fund paid out 1.2 million somoni.", "1.2 million somoni", 1.2e6, "TJS"),
    ("Bishkek spent 500 million soms on schools.", "500 million soms", 5e8, "KGS"),
    ("Uzbek families received 900 billion Uzbek som.", "900 billion Uzbek som", 9e11, "UZS"),
    ("Astana set aside 40 billion tenge.", "40 billion tenge", 4e10, "KZT"),
    ("The project costs USD 4 billion.", "USD 4 billion", 4e9, "USD"),
    ("Russia earmarked half a billion dollars.", "half a billion dollars", 5e8, "USD"),
])
def test_money_forms(text, raw, value, unit):
    rec = only(text)
    assert (rec["raw"], rec["value"], rec["unit"], rec["currency"]) == (raw, value, unit, unit)


def test_money_value_is_exact_and_currency_keeps_its_iso_code():
    # synthetic
    rec = only("Remittances reached $5.7 billion.")
    assert rec["value"] == 5_700_000_000
    assert isinstance(rec["value"], float)
    assert only("Migrants sent home 2 trillion rubles.")["currency"] == "RUB"


def test_money_subject_is_the_list_of_receiving_countries_not_the_origin():
    # synthetic
    rec = only("Together, Tajikistan, Uzbekistan and Kyrgyzstan received about $30 billion in remittances from Russia.")
    assert rec["subject"] == "Tajikistan, Uzbekistan and Kyrgyzstan"
    assert rec["indicator"] == "remittances_usd"
    assert rec["qualifier"] == "about"


def test_money_indicators():
    # synthetic
    assert only("Kazakhstan's GDP was $260 billion in 2023.")["indicator"] == "gdp_usd"
    assert only("Migrants sent home $2 billion in 2023.")["indicator"] == "remittances_usd"
    assert only("Transfers from Kazakhstan to Uzbekistan rose to 1.1 bn dollars.")["indicator"] == "remittances_usd"
    assert only("Russia plans to spend 2 trillion rubles on roads.")["indicator"] == "other"
    assert only("The stadium cost $2 billion to build.")["indicator"] == "other"


def test_money_indicators_are_for_us_dollars_only():
    # synthetic: remittances in roubles keep their currency as unit, and the indicator is other
    rec = only("Individuals sent 2 trillion roubles abroad in remittances from Russia in 2022.")
    assert (rec["unit"], rec["indicator"]) == ("RUB", "other")


def test_national_currency_names_the_subject_when_no_country_is_named():
    # synthetic
    assert only("Migrants sent home 1.2 million somoni in May.")["subject"] == "Tajikistan"


def test_fines_paid_in_an_incident_are_not_figures():
    # synthetic
    assert figures("The court fined him 500,000 rubles for the post.") == []


# --- Percentages (synthetic) -------------------------------------------------------------------------


@pytest.mark.parametrize("text, raw", [
    ("Remittances were equal to 31% of Kyrgyzstan's GDP.", "31%"),
    ("Remittances were equal to 31 percent of Kyrgyzstan's GDP.", "31 percent"),
    ("Remittances were equal to 31 per cent of Kyrgyzstan's GDP.", "31 per cent"),
    ("Remittances were equal to thirty-one percent of Kyrgyzstan's GDP.", "thirty-one percent"),
])
def test_percent_forms(text, raw):
    rec = only(text)
    assert (rec["raw"], rec["value"], rec["unit"], rec["currency"]) == (raw, 31, "percent", None)
    assert rec["subject"] == "Kyrgyzstan"
    assert rec["indicator"] == "remittances_share_of_gdp"


def test_percent_without_remittances_of_gdp_is_other():
    # synthetic
    rec = only("Tajikistan's economy grew 8.3 percent last year, Tajstat reported.")
    assert (rec["indicator"], rec["period"], rec["source"], rec["subject"]) == ("other", "2023", "Tajstat", "Tajikistan")


def test_percentages_outside_economics_and_migration_are_ignored():
    # synthetic
    assert figures("The president won 87% of the vote.") == []
    assert figures("About 40% of the hall was empty when the concert began.") == []


# --- Counts of people (synthetic) -------------------------------------------------------------------


@pytest.mark.parametrize("text, value, qualifier, subject", [
    ("There are more than 10 million Central Asians in Russia.", 10e6, "more_than", "Central Asians in Russia"),
    ("About 1.5 million Tajik migrants work in Russia.", 1.5e6, "about", "Tajik migrants in Russia"),
    ("Some 600,000 Kyrgyz citizens live in Russia.", 6e5, "about", "Kyrgyz citizens in Russia"),
    ("Russia hosts nearly 3 million Uzbeks.", 3e6, "nearly", "Uzbeks in Russia"),
    ("The number of Uzbek labor migrants in Russia reached 1.3 million.", 1.3e6, "exact", "Uzbek labor migrants in Russia"),
    ("Half a million workers from Central Asia arrived in Russia.", 5e5, "exact", "workers from Central Asia in Russia"),
])
def test_persons_counts(text, value, qualifier, subject):
    rec = only(text)
    assert (rec["value"], rec["unit"], rec["currency"], rec["qualifier"]) == (value, "persons", None, qualifier)
    assert rec["subject"] == subject
    assert rec["indicator"] == "migrant_population"


def test_generic_people_count_only_in_a_migration_sense():
    # synthetic
    assert figures("The stadium holds 45,000 people.") == []
    assert only("About 2 million people from Central Asia work in Russia.")["indicator"] == "migrant_population"


@pytest.mark.parametrize("text", [
    "The attack on March 22, 2024, killed at least 139 people and injured nearly 200.",
    "A 35-year-old Tajik man was beaten in Kaluga in 2023.",
    "Police arrested seven people of Tajik origin.",
    "Unknown persons beat three Tajik migrants.",
    "Police detained more than 1,000 migrants in raids across Moscow.",
    "Officials said 80,000 migrants had been checked since the attack.",
    "Police carried out more than 2,000 raids, and the channel has 40,000 subscribers.",
    "In 2021, militants killed 2,500 soldiers.",
    "He was charged under Article 205 and the hearing starts at 10:30.",
    "In 2023 migrants faced new rules, and 2024 brought more.",
    "The law was passed in 1993 and amended in 2015.",
])
def test_dates_ages_casualties_and_small_groups_are_not_figures(text):
    # synthetic
    assert figures(text) == []


# --- Periods (synthetic) ----------------------------------------------------------------------------


@pytest.mark.parametrize("published", ["2024-03-28", "2024-03", "2024"])
def test_last_year_resolves_against_the_publication_date(published):
    assert only("Remittances to Tajikistan reached $5.7 billion last year.", published)["period"] == "2023"


def test_relative_period_without_publication_date_is_null():
    # synthetic
    assert only("Remittances to Tajikistan reached $5.7 billion last year.", None)["period"] is None


@pytest.mark.parametrize("text, period", [
    ("Remittances to Tajikistan reached $5.7 billion in 2023.", "2023"),
    ("Remittances to Tajikistan reached $5.7 billion for 2023.", "2023"),
    ("Remittances to Tajikistan reached $2.1 billion in the first half of 2024.", "2024"),
    ("Remittances to Tajikistan reached $400 million in January 2024.", "2024-01"),
    ("Remittances to Tajikistan reached $5.7 billion this year.", "2024"),
    ("Remittances to Tajikistan reached $400 million in February.", "2024-02"),
    ("Remittances to Tajikistan reached $400 million in May.", "2023-05"),
    ("Remittances to Tajikistan reached $5.7 billion.", None),
])
def test_period_forms(text, period):
    assert only(text)["period"] == period


def test_later_clause_inherits_the_period_and_the_final_source():
    # synthetic
    out = figures("Remittances last year made up 32% of Kyrgyzstan's GDP — about $3.1 billion, "
                  "according to the National Bank.", "2024-05-02")
    assert [(r["raw"], r["period"], r["source"]) for r in out] == [
        ("32%", "2023", "National Bank"), ("$3.1 billion", "2023", "National Bank")]
    assert [r["indicator"] for r in out] == ["remittances_share_of_gdp", "remittances_usd"]


@pytest.mark.parametrize("published, period", [("2023-11-20", "2023"), ("2023", "2023")])
def test_part_of_the_year_is_the_publication_year(published, period):
    # synthetic
    rec = figures("Transfers to Kyrgyzstan dropped 23% in the first half of the year to $1.1 billion.", published)
    assert [r["period"] for r in rec] == [period, period]


def test_a_new_clause_with_its_own_source_does_not_inherit_the_period():
    # synthetic
    out = figures("Uzbekistan received $11.4 billion in remittances last year, according to its central bank, "
                  "and Russian statistics show nearly 1.3 million Uzbek citizens registered there as labor migrants.",
                  "2024-09-13")
    assert [(r["raw"], r["period"], r["source"]) for r in out] == [
        ("$11.4 billion", "2023", "central bank"), ("1.3 million", None, "Russian statistics")]


def test_comparison_figures_keep_their_own_periods():
    # synthetic
    out = figures("Remittances fell to $2.7 billion in 2023, down from $3.2 billion in 2022.")
    assert [(r["value"], r["period"]) for r in out] == [(2.7e9, "2023"), (3.2e9, "2022")]


# --- Sources (synthetic) ----------------------------------------------------------------------------


@pytest.mark.parametrize("text, source", [
    ("Remittances reached $2.5 billion, the central bank said.", "central bank"),
    ("Data from Rosstat show 600,000 Kyrgyz citizens live in Russia.", "Rosstat"),
    ("About 1.5 million Tajik migrants work in Russia, UN figures show.", "UN"),
    ("According to the World Bank, remittances reached $2.5 billion.", "World Bank"),
    ("Remittances reached $2.5 billion, said the Central Bank of Russia.", "Central Bank of Russia"),
    ("Remittances reached $2.5 billion.", None),
    ("Remittances reached $2.5 billion, statistics show.", None),
])
def test_source_forms(text, source):
    assert only(text)["source"] == source


def test_the_bank_refers_back_to_the_bank_named_before():
    # synthetic
    out = figures("Uzbekistan received $16.7 billion in remittances last year, the World Bank said. "
                  "For Tajikistan, private transfers were equivalent to 51 percent of GDP in 2022, the bank said.",
                  "2023-11-20")
    assert [(r["source"], r["indicator"], r["period"]) for r in out] == [
        ("World Bank", "remittances_usd", "2022"), ("World Bank", "remittances_share_of_gdp", "2022")]


def test_the_bank_with_no_bank_named_before_has_no_source():
    # synthetic
    assert only("Remittances reached $2.5 billion, the bank said.")["source"] is None


def test_source_at_sentence_end_applies_to_every_figure_of_the_sentence():
    # synthetic
    out = figures("Tajikistan received $4 billion, Kyrgyzstan $2.5 billion and Uzbekistan $11 billion, "
                  "according to the World Bank. Kazakhstan received $1 billion.")
    assert [r["source"] for r in out] == ["World Bank", "World Bank", "World Bank", None]
    assert [r["subject"] for r in out] == ["Tajikistan", "Kyrgyzstan", "Uzbekistan", "Kazakhstan"]


# --- One fact, one record (synthetic) ---------------------------------------------------------------


def test_repeated_figure_is_kept_once_at_its_first_mention():
    text = ("Tajikistan received $5.7 billion in remittances last year.\n"
            "“The $5.7 billion that migrants sent home last year is vital,” an economist said.\n"
            "Remittances to Tajikistan totalled $5.7 billion last year.")
    out = figures(text)
    assert len(out) == 1
    assert out[0]["char_start"] == text.index("$5.7 billion")


def test_restated_figure_with_another_value_or_source_is_its_own_record():
    # synthetic
    out = figures("Tajikistan received $5.7 billion last year, the World Bank said. "
                  "Tajikistan received $5.7 billion last year, the IMF said. "
                  "Tajikistan received $5.9 billion last year.")
    assert [(r["value"], r["source"]) for r in out] == [(5.7e9, "World Bank"), (5.7e9, "IMF"), (5.9e9, None)]


def test_output_is_deterministic_and_in_text_order():
    # synthetic
    text = ("Some 600,000 Kyrgyz citizens live in Russia. Remittances were equal to 31% of Kyrgyzstan's GDP, "
            "or $2.9 billion.")
    first = figures(text)
    assert first == figures(text)
    assert [r["char_start"] for r in first] == sorted(r["char_start"] for r in first)


# --- Robustness -------------------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from([
    "$5.7 billion", "US$25bn", "48%", "48 per cent", "more than 10 million Central Asians", "2 trillion rubles",
    "in 2023", "last year", "according to the World Bank", "the central bank said", "\n", ", ", ". ", " — ",
    "Tajikistan’s GDP", "remittances", "the number of migrants reached", "1.5 million", "half a", "$", "%",
    "seventy-five", "million", "U.S. $", "5-6%", "COVID-19", "one", "Uzbekistan, Tajikistan and Kyrgyzstan",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_FRAGMENTS, st.text(max_size=20)), max_size=30).map(" ".join))
def test_arbitrary_text_never_raises_and_spans_match_raw(text):
    art = article(text)
    for rec in extract_figures(art):
        assert art.text[rec["char_start"]:rec["char_end"]] == rec["raw"]
        assert rec["raw"] in rec["sentence"]
        assert rec["unit"] and rec["qualifier"] in QUALIFIERS and rec["indicator"] in INDICATORS


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_unicode_text_never_raises(text):
    art = article(text)
    for rec in extract_figures(art):
        assert art.text[rec["char_start"]:rec["char_end"]] == rec["raw"]


# --- Personal pay, shares of a previous figure, citizens abroad (synthetic) -------------------------


def test_one_persons_pay_is_not_a_figure_but_an_average_is():
    # synthetic
    out = figures("A welder from Osh said his hourly rate had gone up to 900 rubles from 700 rubles. "
                  "The average monthly wage in the sector reached 95,000 rubles, officials said.")
    assert [(r["value"], r["unit"]) for r in out] == [(95000, "RUB")]
    assert figures("\"They promised me a salary of 150,000 roubles and never paid it,\" she said.") == []


def test_share_of_the_total_takes_its_economic_context_from_the_sentence_before():
    # synthetic
    out = figures("Private transfers to Kyrgyzstan rose to $2.9 billion last year, the central bank said. "
                  "Kazakhstan made up 11 percent of the total.")
    assert [(r["value"], r["unit"]) for r in out] == [(2.9e9, "USD"), (11, "percent")]
    # The same sentence after a paragraph break about something else is not a figure.
    assert figures("The match ended in a draw.\nThe home side had 60 percent of the total.") == []


def test_a_countrys_citizens_counted_in_another_country_are_migrants():
    # synthetic
    out = figures("Kyrgyzstan says roughly 900,000 of its citizens in Russia send money home.")
    assert [(r["value"], r["unit"], r["indicator"], r["qualifier"]) for r in out] == [
        (900000, "persons", "migrant_population", "about")]
    assert figures("Officials said 900,000 of its citizens voted.") == []
