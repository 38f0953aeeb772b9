"""The incident merge on what changed equals a merge of every mention, step after step.

Every mention and article here is synthetic: rows written by the test, in a DuckDB warehouse in memory.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caravan.curate.incident_merge import merge_incidents_in_parts
from caravan.curate import merge_update
from caravan.curate.merge_update import merged_tables, update_merge
from caravan.store.tables import ARTICLES, STG_INCIDENT_MENTIONS
from caravan.store.warehouse import insert_rows, mentions_by_type, to_arrow
from tests.curate.test_incident_merge import KALUGA, MOSCOW, NO_CITY, mention

PLACES = (KALUGA, MOSCOW, NO_CITY, NO_CITY | {"region": "Kaluga Oblast"}, KALUGA | {"region": None, "geonames_id": None})
TYPES = ("assault", "terror_attack", "travel_advisory", "raid")
DATES = ("2024-03-20", "2024-03-22", "2024-03-27", "2024-03-30", "2024-04-02", "2024-04-12", "2024-03", "2024-04",
         "2024", "2023-12-30", None, "2024-02-30")
PUBLISHED = ("2024-03-21", "2024-03-25", "2024-03-28", "2024-04", "2024-04-03", "2024-04-15", None, "")

# A mention: type, country, place, date, article, and which of its article's two evidence spans.
mentions_st = st.tuples(st.sampled_from(TYPES), st.sampled_from(["RU", "RU", "KG", None]),
                        st.integers(0, len(PLACES) - 1), st.sampled_from(DATES), st.integers(0, 7), st.integers(0, 1))
# An article: its publication date and whether it is a synthetic test article.
articles_st = st.tuples(st.sampled_from(PUBLISHED), st.sampled_from([False, False, True]))
changes_st = st.one_of(
    st.tuples(st.just("add"), mentions_st),
    st.tuples(st.just("remove"), st.integers(0, 10**6)),
    st.tuples(st.just("date"), st.integers(0, 10**6), st.sampled_from(DATES)),
    st.tuples(st.just("place"), st.integers(0, 10**6), st.integers(0, len(PLACES) - 1)),
    st.tuples(st.just("type"), st.integers(0, 10**6), st.sampled_from(TYPES)),
    st.tuples(st.just("published"), st.integers(0, 7), st.sampled_from(PUBLISHED)),
    st.tuples(st.just("count"), st.integers(0, 10**6), st.integers(1, 5)),
)


def warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(ARTICLES.ddl())
    con.execute(STG_INCIDENT_MENTIONS.ddl())
    return con


def write(con: duckdb.DuckDBPyConnection, mentions: dict[str, dict], articles: dict[str, tuple]) -> None:
    """The warehouse's articles and mentions, as an extraction would leave them."""
    con.execute("DELETE FROM articles; DELETE FROM stg_incident_mentions")
    insert_rows(con, ARTICLES, to_arrow(ARTICLES, [
        {"article_id": a, "published": published, "synthetic": synthetic, "n_chars": 1, "sha256": a, "source_path": a}
        for a, (published, synthetic) in articles.items()]))
    columns = STG_INCIDENT_MENTIONS.column_names
    insert_rows(con, STG_INCIDENT_MENTIONS, to_arrow(STG_INCIDENT_MENTIONS,
                                                     [{c: m.get(c) for c in columns} for m in mentions.values()]))


def full_merge(con: duckdb.DuckDBPyConnection) -> tuple[pa.Table, pa.Table]:
    """What the curation step did before: every mention merged anew."""
    published = dict(con.execute("SELECT article_id, published FROM articles").fetchall())
    merged = [merge_incidents_in_parts(mentions_by_type(con, synthetic), published) for synthetic in (False, True)]
    return pa.concat_tables([m[0] for m in merged]), pa.concat_tables([m[1] for m in merged])


def row(i: int, spec: tuple) -> dict:
    type_, country, place, date, article, span = spec
    return mention(f"inc_{i:03d}", f"art_{article}", type=type_, country=country, place=PLACES[place], date=date,
                   char_start=100 * span + (i % 3 if type_ == "raid" else 0), victims=i % 4 or None)


def apply(change: tuple, mentions: dict[str, dict], articles: dict[str, tuple], next_id: int) -> None:
    kind = change[0]
    if kind == "add":
        mentions[f"inc_{next_id:03d}"] = row(next_id, change[1])
        return
    if kind == "published":
        article = f"art_{change[1]}"
        articles[article] = (change[2], articles[article][1])
        return
    if not mentions:
        return
    record_id = sorted(mentions)[change[1] % len(mentions)]
    m = mentions[record_id]
    if kind == "remove":
        del mentions[record_id]
    elif kind == "date":
        m["date"] = change[2]
        m["date_precision"] = {4: "year", 7: "month", 10: "day"}.get(len(change[2] or ""))
    elif kind == "place":
        m.update(PLACES[change[2]])
    elif kind == "type":
        m["type"] = change[2]
    else:
        m["victims"] = change[2]


def assert_update_equals_full_merge(con: duckdb.DuckDBPyConnection) -> None:
    update_merge(con)
    events, sources = full_merge(con)
    stored_events, stored_sources = merged_tables(con)
    assert stored_events.equals(events)
    assert stored_sources.equals(sources)


def assert_steps_equal_full_merges(initial, article_specs, steps) -> None:
    mentions = {f"inc_{i:03d}": row(i, spec) for i, spec in enumerate(initial)}
    articles = {f"art_{i}": spec for i, spec in enumerate(article_specs)}
    con = warehouse()
    write(con, mentions, articles)
    assert_update_equals_full_merge(con)
    next_id = len(initial)
    for changes in steps:
        for change in changes:
            apply(change, mentions, articles, next_id)
            next_id += 1
        write(con, mentions, articles)
        assert_update_equals_full_merge(con)


steps_st = (st.lists(mentions_st, max_size=40), st.lists(articles_st, min_size=8, max_size=8),
            st.lists(st.lists(changes_st, min_size=1, max_size=8), min_size=1, max_size=3))


# 60 examples, about 25 s in CI (each merges up to four times, by update and in full); every run draws new ones.
@settings(max_examples=60, deadline=None)
@given(*steps_st)
def test_an_update_equals_a_merge_of_every_mention(initial, article_specs, steps):
    """Mentions added, removed and changed (date, place, type, a count), articles' dates changed, in one or
    several steps: after each, the stored merge brought up to date gives the rows, in the order, of a full merge."""
    assert_steps_equal_full_merges(initial, article_specs, steps)


# 40 examples, about 15 s in CI.
@settings(max_examples=40, deadline=None)
@given(*steps_st)
def test_every_group_replayed_on_its_tail_equals_a_merge_of_every_mention(initial, article_specs, steps):
    """The same, with every changed group replayed on its tail (the mentions from its first change on) and the events
    it may reach, however much of the group the tail holds: where the changes lie is then the only guide."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(merge_update, "TAIL_SHARE", 1.0)
        assert_steps_equal_full_merges(initial, article_specs, steps)


def test_nothing_changed_reuses_the_stored_merge():
    mentions = {f"inc_{i:03d}": row(i, ("assault", "RU", i % 3, DATES[i % 6], i % 8, 0)) for i in range(30)}
    con = warehouse()
    write(con, mentions, {f"art_{i}": (PUBLISHED[i], False) for i in range(8)})
    first = update_merge(con)
    assert (first.changed_mentions, first.redecided) == (30, 30)
    merged = merged_tables(con)
    again = update_merge(con)
    assert (again.changed_mentions, again.redecided, again.rebuilt) == (0, 0, 0)
    assert all(a.equals(b) for a, b in zip(merged_tables(con), merged))


def test_a_change_far_from_the_others_redecides_little():
    """A new report in April leaves March's mentions where they were: they are not searched again."""
    mentions = {f"inc_{i:03d}": row(i, ("assault", "RU", i % 2, DATES[i % 2], i % 3, 0)) for i in range(30)}
    articles = {f"art_{i}": (PUBLISHED[i], False) for i in range(8)}
    con = warehouse()
    write(con, mentions, articles)
    update_merge(con)
    mentions["inc_100"] = row(100, ("assault", "RU", 0, "2024-04-12", 5, 0))
    write(con, mentions, articles)
    update = update_merge(con)
    assert (update.changed_mentions, update.redecided, update.rebuilt) == (1, 1, 1)
    assert merged_tables(con)[0].equals(full_merge(con)[0])


def test_an_earlier_report_takes_in_the_reports_that_fit_it():
    """A new report published before the stored ones starts an event that they, unchanged, now join."""
    articles = {f"art_{i}": (PUBLISHED[i], False) for i in range(8)}
    mentions = {"inc_000": row(0, ("assault", "RU", 0, "2024-03-20", 1, 0)),
                "inc_001": row(1, ("assault", "RU", 1, "2024-03-20", 2, 0))}
    con = warehouse()
    write(con, mentions, articles)
    update_merge(con)
    mentions["inc_002"] = row(2, ("assault", "RU", 0, "2024-03-22", 0, 0))  # art_0: published first
    write(con, mentions, articles)
    update = update_merge(con)
    assert (update.changed_mentions, update.redecided) == (1, 2)  # the Moscow report is not searched again
    events, sources = merged_tables(con)
    assert events.column("incident_id").to_pylist() == ["inc_002", "inc_001"]
    assert events.column("n_sources").to_pylist() == [2, 1]
    assert events.equals(full_merge(con)[0]) and sources.equals(full_merge(con)[1])


def test_a_new_merge_version_merges_everything_again(monkeypatch):
    mentions = {f"inc_{i:03d}": row(i, ("raid", "KG", 2, DATES[i % 4], i % 8, 0)) for i in range(12)}
    con = warehouse()
    write(con, mentions, {f"art_{i}": (PUBLISHED[i], i == 3) for i in range(8)})
    update_merge(con)
    monkeypatch.setattr("caravan.curate.merge_update.merge_version", lambda: "another version")
    update = update_merge(con)
    assert (update.changed_mentions, update.redecided) == (24, 12)
    assert merged_tables(con)[0].equals(full_merge(con)[0])


def test_a_record_id_twice_is_refused():
    con = warehouse()
    write(con, {"a": row(1, ("raid", "KG", 2, None, 0, 0)), "b": row(1, ("raid", "KG", 2, None, 1, 0))},
          {f"art_{i}": (None, False) for i in range(8)})
    with pytest.raises(ValueError, match="inc_001"):
        update_merge(con)


def merged_with(con: duckdb.DuckDBPyConnection, mentions: dict[str, dict], articles: dict[str, tuple]) -> list[list]:
    """The stored merge brought up to date with ``mentions``, checked against a full merge: each event's sources."""
    write(con, mentions, articles)
    assert_update_equals_full_merge(con)
    sources = merged_tables(con)[1]
    events: dict[str, list] = {}
    for source, event in zip(sources.column("source_id").to_pylist(), sources.column("incident_id").to_pylist()):
        events.setdefault(event, []).append(source)
    return list(events.values())


DAILY = {f"art_{i}": (f"2024-03-{i + 1:02d}", False) for i in range(8)}  # art_0 published first


def test_a_report_whose_event_lost_a_member_is_searched_again():
    """A cityless report joined the Moscow event, the closer in time; once that event's report of the 7th is gone, the
    Kaluga one (the 6th) is closer, and the report, unchanged itself, moves there."""
    mentions = {"inc_000": mention("inc_000", "art_0", place=MOSCOW, date="2024-03-05"),
                "inc_001": mention("inc_001", "art_1", place=MOSCOW, date="2024-03-07"),
                "inc_002": mention("inc_002", "art_2", place=KALUGA, date="2024-03-06"),
                "inc_003": mention("inc_003", "art_3", place=NO_CITY, date="2024-03-12")}
    con = warehouse()
    assert merged_with(con, mentions, DAILY) == [["inc_000", "inc_001", "inc_003"], ["inc_002"]]
    del mentions["inc_001"]
    assert merged_with(con, mentions, DAILY) == [["inc_000"], ["inc_002", "inc_003"]]


def test_a_report_whose_event_grew_moves_to_a_closer_new_event():
    """The Moscow event gains a report, and a new Kaluga event is closer in time to the cityless report of the 12th,
    which moves there."""
    mentions = {"inc_000": mention("inc_000", "art_0", place=MOSCOW, date="2024-03-05"),
                "inc_003": mention("inc_003", "art_5", place=NO_CITY, date="2024-03-12")}
    con = warehouse()
    assert merged_with(con, mentions, DAILY) == [["inc_000", "inc_003"]]
    mentions["inc_001"] = mention("inc_001", "art_1", place=MOSCOW, date="2024-03-06")
    mentions["inc_002"] = mention("inc_002", "art_2", place=KALUGA, date="2024-03-11")
    assert merged_with(con, mentions, DAILY) == [["inc_000", "inc_001"], ["inc_002", "inc_003"]]


ARCHIVE_PUBLISHED = ("2024-03-21", "2024-03-25", "2024-03-28", "2024-04", "2024-04-03", "2024-04-15")
NEWS_DAYS = ("-16", "", "-02")  # of a month after the archive's: a day, the month itself, an earlier day


# 40 examples, about 10 s in CI.
@settings(max_examples=40, deadline=None)
@given(st.lists(mentions_st, max_size=40), st.lists(st.sampled_from(ARCHIVE_PUBLISHED), min_size=8, max_size=8),
       st.lists(st.lists(st.tuples(mentions_st, st.integers(0, 2)), min_size=1, max_size=6), min_size=1, max_size=3))
def test_news_after_the_archive_merge_as_a_merge_of_every_mention(initial, published, steps):
    """A scheduled run's news (mentions of articles published after every other, dated anywhere) replayed on the
    news and the events near them only: the rows, in the order, of a full merge, step after step."""
    mentions = {f"inc_{i:03d}": row(i, spec) for i, spec in enumerate(initial)}
    articles = {f"art_{i}": (p, False) for i, p in enumerate(published)}
    con = warehouse()
    write(con, mentions, articles)
    update_merge(con)
    next_id = len(initial)
    for step, news in enumerate(steps):
        for spec, article in news:
            news_article = f"art_news_{step}_{article}"
            articles[news_article] = (f"2024-{6 + step:02d}{NEWS_DAYS[article]}", False)  # after every earlier one
            mentions[f"inc_{next_id:03d}"] = row(next_id, spec) | {"article_id": news_article}
            next_id += 1
        write(con, mentions, articles)
        assert_update_equals_full_merge(con)


def test_news_read_only_the_events_near_them():
    """A report published after the archive reads the events filed where it looks, not the whole group."""
    mentions = {f"inc_{i:03d}": row(i, ("assault", "RU", i % 2, DATES[i % 2], i % 3, 0)) for i in range(30)}
    articles = {f"art_{i}": (PUBLISHED[i], False) for i in range(6)}
    con = warehouse()
    write(con, mentions, articles)
    assert update_merge(con).read == 30
    articles["art_news_1"] = ("2024-05-02", False)
    mentions["inc_100"] = row(100, ("assault", "RU", 0, "2024-04-12", 1, 0)) | {"article_id": "art_news_1"}
    write(con, mentions, articles)
    update = update_merge(con)
    assert (update.changed_mentions, update.read, update.rebuilt) == (1, 1, 1)  # no event in its weeks or month
    assert merged_tables(con)[0].equals(full_merge(con)[0])
    articles["art_news_2"] = ("2024-05-03", False)
    mentions["inc_101"] = row(101, ("assault", "RU", 0, "2024-03-22", 1, 0)) | {"article_id": "art_news_2"}
    write(con, mentions, articles)
    update = update_merge(con)
    march_22 = [m for m in mentions.values() if m["date"] in ("2024-03-20", "2024-03-22") and m is not mentions["inc_101"]]
    assert update.changed_mentions == 1 and 1 < update.read <= len(march_22) + 1
    assert all(a.equals(b) for a, b in zip(merged_tables(con), full_merge(con)))
    # A report published before the last news is replayed with the news after it, and what they reach (here, the
    # March 22nd news reach every event).
    articles["art_late_1"] = ("2024-05-01", False)
    mentions["inc_102"] = row(102, ("assault", "RU", 0, "2024-04-12", 1, 0)) | {"article_id": "art_late_1"}
    write(con, mentions, articles)
    assert update_merge(con).changed_mentions == 1
    assert all(a.equals(b) for a, b in zip(merged_tables(con), full_merge(con)))


def test_news_dated_by_month_or_year_replay_the_tail_they_start():
    """A week's news after another's: reports dated only by their month or year come before the last week's news
    in the merge's order (a month before its days). The group is replayed from the first of them on, with the
    events that tail may reach, not whole; the merge is a full merge's, step after step."""
    archive = {f"art_{i}": (f"2023-0{1 + i % 6}-1{i % 10}", False) for i in range(12)}
    mentions = {f"inc_{i:03d}": row(i, ("assault", "RU", i % 3, f"2023-0{1 + i % 6}-0{1 + i % 9}", 0, 0))
                | {"article_id": f"art_{i % 12}"} for i in range(60)}
    con = warehouse()
    articles = dict(archive)
    write(con, mentions, articles)
    update_merge(con)
    next_id = 100
    for week, published in enumerate((("2024-01-03", "2024-01-05"), ("2024-01-10", "2024-01", "2024"))):
        for n, date in enumerate(published):
            article = f"art_week{week}_{n}"
            articles[article] = (date, False)
            for event_date in ("2024-01-02", "2024-01"):
                mentions[f"inc_{next_id:03d}"] = row(next_id, ("assault", "RU", n % 3, event_date, 0, 0)) | {
                    "article_id": article}
                next_id += 1
        write(con, mentions, articles)
        update = update_merge(con)
        assert all(a.equals(b) for a, b in zip(merged_tables(con), full_merge(con)))
        # The archive's 2023 events are nowhere a 2024 report looks: the tail reads the news and their events.
        assert update.read < 20 < len(mentions)
