"""Economic figures: the sample article against its gold labels, plus synthetic snippets."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caravan.ingest.corpus import Article, read_article
from caravan.extract.figures import extract_figures
from caravan.store.vocabularies import INDICATORS, QUALIFIERS

ROOT = Path(__file__).resolve().parents[2]
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


@pytest.mark.parametrize("text, want", [
    # Migrants who send money send remittances.
    ("Kyrgyz migrant workers sent $2.9 billion to Kyrgyzstan in 2023.", [("$2.9 billion", "remittances_usd")]),
    ("Their transfers home, $900 million last year, keep villages alive.", [("$900 million", "remittances_usd")]),
    # The topic carries over to a sentence that refers back to it.
    ("Remittances to Kyrgyzstan grew in 2023. They came to $2.9 billion, up from $2.7 billion.",
     [("$2.9 billion", "remittances_usd"), ("$2.7 billion", "remittances_usd")]),
    ("Migrants sent home $2.9 billion in 2023. The 2023 total equaled 24% of Kyrgyzstan's GDP.",
     [("$2.9 billion", "remittances_usd"), ("24%", "remittances_share_of_gdp")]),
    # ... but not to a sentence about something else.
    ("Remittances to Kyrgyzstan grew in 2023. The new airport cost $300 million.", [("$300 million", "other")]),
    # A ratio of remittances to GDP; shares listed before the last share its "of GDP".
    ("Kyrgyzstan is third by the ratio of remittances to GDP, after Samoa (33.1%) and Haiti (30.2%).",
     [("33.1%", "remittances_share_of_gdp"), ("30.2%", "remittances_share_of_gdp")]),
    ("Remittances equal 24.1% and 39.3% of GDP respectively in the two countries.",
     [("24.1%", "remittances_share_of_gdp"), ("39.3%", "remittances_share_of_gdp")]),
    # A stock of migrants is a population; a yearly flow, or people something was done to, are other.
    ("About 450,000 Kyrgyz migrants live in Kazakhstan.", [("450,000", "migrant_population")]),
    ("About 450,000 Kyrgyz migrants were registered in Kazakhstan.", [("450,000", "migrant_population")]),
    ("Some 300,000 Kyrgyz migrants leave for Kazakhstan every year.", [("300,000", "other")]),
    ("Some 90,000 Kyrgyz migrants entered Kazakhstan in January.", [("90,000", "other")]),
    ("About 12,000 Kyrgyz migrants were helped to find work through the consulate.", [("12,000", "other")]),
    ("Kazakh police removed some 25,000 Kyrgyz migrants from the wanted list.", [("25,000", "other")]),
])
def test_indicators_of_real_reporting(text, want):
    # synthetic
    assert [(r["raw"], r["indicator"]) for r in figures(text)] == want


@pytest.mark.parametrize("text, want", [
    # Counts of documents issued are counted in persons, indicator other.
    ("Kazakhstan issued 8,200 work permits to foreign specialists in 2023.", [("8,200", "persons", "other")]),
    ("The number of patents issued in Tatarstan fell from 71,000 in 2022 to 64,000 in 2023.",
     [("71,000", "persons", "other"), ("64,000", "persons", "other")]),
    ("The number of residence permits rose by 12% to 45,000.", [("12%", "percent", "other"), ("45,000", "persons", "other")]),
    ("Of these, 5,100 were permits for seasonal farm work.", [("5,100", "persons", "other")]),
    # An exchange rate written as a bare number is in the currency the sentence (or the one before) names.
    ("The som weakened past 89 to the dollar in March.", [("89", "KGS", "other")]),
    ("The ruble slid again. It settled at about 97 per US dollar.", [("97", "RUB", "other")]),
    # ... not a rate someone imagines.
    ("If the ruble falls to 120 per dollar, many will leave.", []),
])
def test_documents_and_exchange_rates(text, want):
    # synthetic
    assert [(r["raw"], r["unit"], r["indicator"]) for r in figures(text)] == want


@pytest.mark.parametrize("text, want", [
    # Poll sizes and workers lacking or needed are counts of people, indicator other.
    ("A survey of more than 5,000 Kyrgyz workers found most wanted to stay.", [("5,000", "other")]),
    ("Kazakhstan's farms are 40,000 workers short this season.", [("40,000", "other")]),
    ("The minister said the country needed 300,000 more workers.", [("300,000", "other")]),
    # People stuck or held at a border are incident details, not figures.
    ("About 2,000 Kyrgyz migrants were stuck at the border crossing for two days.", []),
])
def test_poll_sizes_and_shortages(text, want):
    # synthetic
    assert [(r["raw"], r["indicator"]) for r in figures(text)] == want


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


@pytest.mark.parametrize("text, want", [
    # A month of last year, and the latest such month before publication (2024-03-28).
    ("In June last year, remittances to Kyrgyzstan reached $300 million.", [("$300 million", "2023-06")]),
    ("Remittances to Kyrgyzstan stood at $200 million as of last October.", [("$200 million", "2023-10")]),
    # What holds now is the publication year; the year compared with is not the figure's period.
    ("A work permit now costs 6,000 rubles, 25% more than in 2021.", [("6,000 rubles", "2024"), ("25%", "2024")]),
    ("Remittances to Kyrgyzstan are currently about $2 billion a year.", [("$2 billion", "2024")]),
    ("The tenge has lost 5% against the dollar this week.", [("5%", "2024-03")]),
    # Month ranges and "since" a date give the year.
    ("Remittances rose between February and August 2023 to $900 million.", [("$900 million", "2023")]),
    ("Transfers to Kyrgyzstan reached $700 million in January-February.", [("$700 million", "2024")]),
    ("Since March 1, 2024, a monthly patent in Kazan has cost 5,000 rubles.", [("5,000 rubles", "2024")]),
    ("Remittances reached $1.2 billion in the first quarter, the bank said.", [("$1.2 billion", "2024")]),
    ("Remittances hit a record: the 2023 total equaled 30 percent of Kyrgyzstan's GDP.", [("30 percent", "2023")]),
    # "A year earlier" is the year before the sentence's period, for the figure it follows.
    ("Remittances to Kyrgyzstan reached $3 billion in 2023, 10% more than the $2.7 billion sent a year earlier.",
     [("$3 billion", "2023"), ("10%", "2023"), ("$2.7 billion", "2022")]),
    # Several years are no single period.
    ("Remittances have fallen below 20% of Kyrgyzstan's GDP only twice, in 2009 and 2015.", [("20%", None)]),
    ("The som has lost 12% of its value against the dollar in recent years.", [("12%", None)]),
    ("Unemployment fell to 2.5%, the lowest since records began in 1991.", [("2.5%", None)]),
])
def test_period_forms_of_real_reporting(text, want):
    # synthetic
    assert [(r["raw"], r["period"]) for r in figures(text)] == want


@pytest.mark.parametrize("text, published, want", [
    # A sentence that opens by pointing back takes the last period stated before it.
    ("Kyrgyz banks handled $900 million in transfers in 2023. Of these, $600 million came from Russia.", "2024-03-28",
     [("$900 million", "2023"), ("$600 million", "2023")]),
    # A share of the total before it.
    ("Kyrgyzstan received $2.8 billion in remittances in 2022. Russia accounted for 83 percent of the total.",
     "2023-06-01", [("$2.8 billion", "2022"), ("83 percent", "2022")]),
    # A sentence setting the scene (a change in a period, no figure); "from A to B" compares with the year before.
    ("Remittances to Kyrgyzstan fell in the first half of 2023, the national bank said. "
     "Transfers dropped by 12%, from $1.3 billion to $1.1 billion.", "2023-09-01",
     [("12%", "2023"), ("$1.3 billion", "2022"), ("$1.1 billion", "2023")]),
    # What has changed is as of publication.
    ("The share of Russia in transfers to Kyrgyzstan has dropped to 71%.", "2024-03-28", [("71%", "2024")]),
    # A stock stated in the present after a dated sentence keeps no period.
    ("Remittances to Kyrgyzstan reached $2.8 billion in 2022. About 800,000 Kyrgyz migrants work in Russia.",
     "2023-06-01", [("$2.8 billion", "2022"), ("800,000", None)]),
])
def test_a_sentence_without_period_takes_one_from_the_sentences_before(text, published, want):
    # synthetic
    assert [(r["raw"], r["period"]) for r in figures(text, published)] == want


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


def test_count_retold_in_other_words_and_in_the_headline_is_one_record():
    # synthetic: the headline, the lead and a quote name the same 240,000 people in three ways
    text = ("Kazakhstan deregisters 240,000 Kyrgyz\n"
            "Kazakhstan's migration service has deregistered about 240,000 citizens of Kyrgyzstan, "
            "the Kyrgyz labour ministry said on Monday.\n"
            "“About 240,000 Kyrgyz nationals have been taken off the list,” the ministry added.")
    art = dataclasses.replace(article(text, "2025-06-02"), title="Kazakhstan deregisters 240,000 Kyrgyz")
    out = extract_figures(art)
    assert len(out) == 1
    assert out[0]["char_start"] == text.index("240,000", 40)
    assert out[0]["period"] == "2025"


def test_equal_shares_of_different_things_stay_apart():
    # synthetic
    out = figures("In 2023, 12% of migrant workers had no patent, and 12% of Tajik citizens had no job.")
    assert len(out) == 2


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


# --- Lists of counts of people (synthetic) ----------------------------------------------------------


def test_numbers_listed_before_the_people_they_count_share_them():
    out = figures("Germany and Poland are the next destinations for Armenian migrants, with 42,000 and 37,000 "
                  "people respectively.")
    assert [(r["value"], r["indicator"]) for r in out] == [(42000, "migrant_population"), (37000, "migrant_population")]


def test_number_with_only_a_place_counts_the_people_of_the_count_before_it():
    out = figures("At least 31,000 Uzbekistanis live in Turkey and 9,000 in Poland.")
    assert [(r["value"], r["subject"]) for r in out] == [(31000, "Uzbekistanis in Turkey"),
                                                        (9000, "Uzbekistanis in Poland")]


def test_small_count_after_a_statistic_is_a_figure_but_not_alone():
    out = figures("As a result, 4,120 Kyrgyz citizens were helped with paperwork, and 215 migrants got back "
                  "unpaid wages.")
    assert [(r["value"], r["indicator"]) for r in out] == [(4120, "other"), (215, "other")]
    assert figures("Police said 250 migrants were checked at the market.") == []
    assert [r["value"] for r in figures("Some 2,000 Tajik migrants live in Perm, and 3 of them run shops.")] == [2000]


def test_small_number_inside_a_period_does_not_hide_it():
    # synthetic: "10" in "the first 10 months" is no figure and does not stand between $1.9 billion and its period
    out = figures("Some 900,000 Armenian citizens work abroad. Transfers home reached $1.9 billion in the first 10 "
                  "months of last year, the central bank said.", "2024-02")
    assert [(r["value"], r["period"]) for r in out][-1] == (1.9e9, "2023")


# --- Periods stated around the figure (synthetic) ---------------------------------------------------


def test_by_a_month_of_a_year_is_that_years_total():
    out = figures("By November 2023 the ministry had issued 4,800 work permits to foreign workers.")
    assert [r["period"] for r in out] == ["2023"]


def test_as_of_a_date_binds_its_clause_however_far():
    out = figures("The agency's annual review for the first half of 2023 says 412,500 Kyrgyz citizens were working "
                  "abroad as of last October, most of them in Russia.")
    assert [r["period"] for r in out] == ["2023-10"]


def test_same_period_of_a_year_takes_the_month_of_the_sentence_before():
    out = figures("As of June 2023, 412,500 Kyrgyz migrants were registered in Kazakhstan. In the same period of "
                  "2022, the number of Kyrgyz migrants there stood at 390,210.")
    assert [r["period"] for r in out] == ["2023-06", "2022-06"]


def test_the_report_said_takes_the_period_of_the_report_named_before():
    out = figures("In its annual assessment, the IMF put remittances to Kyrgyzstan at $2.9 billion in 2022. The "
                  "report said Kyrgyzstan ranks third by the ratio of remittances to GDP, behind Samoa (31.5%) and "
                  "Haiti (21.8%).")
    assert [r["period"] for r in out] == ["2022", "2022", "2022"]


# --- The same people counted again (synthetic) ------------------------------------------------------


def test_from_a_to_b_counts_the_same_documents_with_periods_between():
    out = figures("The number of work visas issued to foreigners in Kazakhstan has fallen from 2.4 million in the "
                  "first half of 2022 to 2.1 million in the same period this year, officials said.")
    assert [(r["value"], r["period"], r["indicator"]) for r in out] == [
        (2.4e6, "2022", "other"), (2.1e6, "2024", "other")]


def test_that_number_and_of_them_count_the_people_named_before():
    out = figures("Officials said 540,000 Tajik migrants had been registered in Kazakhstan in 2022, while by the end "
                  "of 2023 that number had dropped to 310,000.")
    assert [(r["value"], r["period"], r["indicator"]) for r in out] == [
        (540000, "2022", "migrant_population"), (310000, "2023", "migrant_population")]
    out = figures("The service has removed about 95,000 Kyrgyz citizens from its list, and more than 40,000 of them "
                  "have since regained legal status.")
    assert [(r["value"], r["indicator"]) for r in out] == [(95000, "other"), (40000, "other")]


def test_hyphenated_change_that_points_back_is_of_the_later_period():
    # synthetic: a paragraph compares two counts, the next opens with the change between them
    text = ("As of March 2023, 212,400 Armenian migrants were registered in Russia. In the same period of 2022, "
            "the number of Armenian migrants stood at 230,800.\nThat 8-percent decline was smaller than feared.")
    out = figures(text)
    assert [(r["value"], r["unit"], r["period"]) for r in out][-1] == (8, "percent", "2023")


def test_source_named_before_carries_its_period_through_the_paragraph():
    # synthetic: "according to the deputy minister" points back to what he told in June last year
    told = ("In June last year, the deputy labour minister told reporters that 230,000 Armenian citizens were in "
            "Russia.\n")
    rest = ("Georgia and Poland come next as destinations for Armenian migrants, with 42,000 and 37,000 people "
            "respectively{}. At least 12,000 Armenians live in France and 9,000 in Spain.")
    out = figures(told + rest.format(", according to the deputy minister"), "2025-01")
    assert [r["period"] for r in out] == ["2024-06"] * 5
    out = figures(told + rest.format(""), "2025-01")
    assert [r["period"] for r in out] == ["2024-06", None, None, None, None]


def test_another_count_after_migrants_counted_counts_more_of_them():
    # synthetic
    out = figures("The consulate said 2,870 Kyrgyz migrants were helped to find work last year. Another 1,140 workers "
                  "got their wages paid, and more than 400 people in need received food aid.")
    assert [(r["value"], r["period"], r["indicator"]) for r in out] == [
        (2870, "2023", "other"), (1140, "2023", "other"), (400, "2023", "other")]
    # Workers that follow no count of migrants are no migrants.
    assert figures("The plant employs 2,870 workers. Another 1,140 workers joined a union.") == []


def test_fraction_of_gdp_is_a_share_in_percent():
    # synthetic
    out = figures("Money sent home by Kyrgyz working abroad makes up nearly a third of Kyrgyzstan's GDP, IMF data "
                  "show.")
    assert [(r["value"], r["raw"], r["qualifier"], r["indicator"]) for r in out] == [
        (33.33, "a third", "nearly", "remittances_share_of_gdp")]
    out = figures("Remittances equal two-thirds of the country's gross domestic product.")
    assert [r["value"] for r in out] == [66.67]
    assert figures("Half of the workers left; the economy shrank.") == []


def test_net_migration_and_the_count_it_is_compared_with():
    # synthetic: a balance of arrivals and departures with no noun after it, and the earlier count it is set against
    out = figures("In the first half of 2023, the net gain from people moving to Kazakhstan for permanent residence "
                  "was 41,200, well below the 47,900 recorded a year earlier.")
    assert [(r["value"], r["period"], r["indicator"]) for r in out] == [
        (41200, "2023", "other"), (47900, "2022", "other")]


def test_total_with_only_what_the_people_do_counts_the_people_before_it():
    # synthetic
    out = figures("A ministry official said that about 400,000 Tajik labour migrants are now in Kazakhstan, out of "
                  "some 1.1 million working abroad.")
    assert [(r["value"], r["indicator"], r["subject"]) for r in out] == [
        (400000, "migrant_population", "Tajik labour migrants in Kazakhstan"),
        (1.1e6, "migrant_population", "Tajik labour migrants")]


def test_previously_topped_is_over_and_of_no_named_period():
    # synthetic
    out = figures("In June last year, an official said 230,000 Armenians were in Russia, whereas the number of "
                  "migrants had previously topped 400,000.", "2025-01")
    assert [(r["value"], r["qualifier"], r["period"]) for r in out] == [
        (230000, "exact", "2024-06"), (400000, "over", None)]


def test_a_sentence_of_many_figures_is_not_read_again_for_each(monkeypatch):
    # The cheap word test before a pattern that ends at a figure must read the pattern's window only: it once read
    # the whole sentence for every figure, and a long sentence of figures took minutes instead of seconds.
    from caravan.extract import caseless, figures

    folded: list[int] = []

    def counting(text: str) -> str:
        folded.append(len(text))
        return text.lower()

    # every fold: the cheap word tests' (caseless.holds_any) and the figures' own
    monkeypatch.setattr(caseless, "caseless", counting)
    monkeypatch.setattr(figures, "caseless", counting)
    text = "Officials counted 5 million migrants and " * 300 + "nobody else.\n"
    assert extract_figures(article(text))  # the figures are still found
    assert sum(folded) < 40 * len(text), f"{sum(folded):,} characters folded for a text of {len(text):,}"


def test_counts_of_people_in_one_long_clause_do_not_each_read_it_to_its_end(monkeypatch):
    # Whether a count of people is a yearly flow ("leave every year") reads the rest of its clause: each count of a
    # clause without commas once read it to its end, and 5,000 counts in one took minutes.
    from caravan.extract import figures

    read: list[int] = []

    class Counting:
        def search(self, text, pos=0, end=None):
            end = len(text) if end is None else end
            match = flow.search(text, pos, end)
            read.append((match.end() if match else end) - pos)
            return match

        def match(self, text, pos=0, end=None):
            return flow.match(text, pos, len(text) if end is None else end)

    flow = figures._FLOW
    monkeypatch.setattr(figures, "_FLOW", Counting())
    text = "Officials say " + "".join(f"{i} million migrants and " for i in range(1, 401)) + "nobody else.\n"
    found = extract_figures(article(text))
    assert len(found) == 400 and all(f["indicator"] == "migrant_population" for f in found)
    assert sum(read) < 3 * len(text), f"{sum(read):,} characters read for a text of {len(text):,}"


@given(st.lists(st.sampled_from(["5,000", "migrants", "every", "year", "a", "month", "annually", "entered", "x",
                                 "_", "é", ",", ";", "(", " ", "  ", "Enter", "per", "yearly"]), max_size=30),
       st.lists(st.integers(0, 200), max_size=12))
def test_a_flow_in_the_clause_is_read_as_on_the_clause_alone(words, positions):
    """The kept first match answers as a search of the slice from each position to its clause's end, in any order
    of positions, inside words too."""
    from caravan.extract import figures
    from caravan.extract.text import Span

    text = "".join(words)
    ctx = figures._Context(Span(0, len(text), text), "2024-05-01", lambda: False)
    for pos in positions:
        pos = min(pos, len(text))
        end = figures._CLAUSE_BREAK.search(text, pos)
        plain = bool(figures._FLOW.search(text[pos:end.start() if end else len(text)]))
        assert ctx.flow_in_clause(pos) == plain, (text, pos)


def test_a_month_spelled_with_a_letter_re_reads_as_i_is_still_that_month():
    # A pattern ignoring case takes İ for "i": "Aprİl" matched the month, whose number was then looked up by
    # str.lower and not found, and the article's extraction stopped (StopIteration).
    for month in ("Aprİl", "Aprıl", "April"):
        found = extract_figures(article(f"Remittances fell 5% in {month} last year, the central bank said.\n",
                                        "2024-06-01"))
        assert [(f["value"], f["period"]) for f in found] == [(5.0, "2023-04")], month
