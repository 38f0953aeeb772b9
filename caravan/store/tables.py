"""The published tables, written once: columns, types, keys and descriptions.

Everything else derives from these specs: the DuckDB DDL and ``COMMENT ON`` statements, the Arrow
schema of the Parquet release, the ``datapackage.json`` resources and the README data dictionary.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pyarrow as pa

from caravan.store.vocabularies import COUNT_KINDS

_ARROW = {"VARCHAR": pa.string(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(),
          "TIMESTAMP": pa.timestamp("us", tz="UTC"), "BLOB": pa.binary()}
_FRICTIONLESS = {"VARCHAR": "string", "BIGINT": "integer", "DOUBLE": "number", "BOOLEAN": "boolean",
                 "TIMESTAMP": "datetime", "BLOB": "string"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    required: bool = False
    # False for warehouse bookkeeping that would make releases differ between identical builds.
    published: bool = True
    # Long running text (article bodies, evidence sentences): the release's DuckDB copy stores it zstd-compressed.
    prose: bool = False

    @property
    def arrow_type(self) -> pa.DataType:
        return _ARROW[self.type]


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    primary_key: str
    columns: tuple[Column, ...]
    sort_by: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def published_columns(self) -> list[Column]:
        return [c for c in self.columns if c.published]

    def arrow_schema(self, published_only: bool = False) -> pa.Schema:
        cols = self.published_columns() if published_only else list(self.columns)
        fields = [pa.field(c.name, c.arrow_type, nullable=not c.required,
                           metadata={"description": c.description}) for c in cols]
        return pa.schema(fields, metadata={"description": self.description, "primary_key": self.primary_key})

    def order_by(self, alias: str = "") -> str:
        """The table's ORDER BY list (its sort columns, of ``alias`` when given)."""
        prefix = f"{alias}." if alias else ""
        return ", ".join(f'{prefix}"{c}"' for c in self.sort_by) or "1"

    def ddl(self, name: str | None = None) -> str:
        """CREATE TABLE of this table, or of a table ``name`` with its columns."""
        # No PRIMARY KEY: a DuckLake warehouse supports NOT NULL only, and one DDL serves both kinds. The
        # keys are unique by construction and checked by every table's expectation suite.
        cols = ",\n  ".join(f'"{c.name}" {c.type}' + (" NOT NULL" if c.required else "") for c in self.columns)
        return f'CREATE TABLE "{name or self.name}" (\n  {cols}\n)'

    def shape(self) -> str:
        """What its stored rows depend on: name, columns, types, NOT NULLs, key and order. Not the descriptions: a
        version that hashed them would make a documentation change extract, merge or check every record again."""
        types = ", ".join(f"{f.name}: {f.type}" for f in self.arrow_schema())
        return f"{self.ddl()}\nkey {self.primary_key}; order {self.order_by()}; arrow {types}"

    def comment_statements(self, published_only: bool = False) -> list[str]:
        def quote(s: str) -> str:
            return "'" + s.replace("'", "''") + "'"
        cols = self.published_columns() if published_only else self.columns
        stmts = [f'COMMENT ON TABLE "{self.name}" IS {quote(self.description)}']
        stmts += [f'COMMENT ON COLUMN "{self.name}"."{c.name}" IS {quote(c.description)}' for c in cols]
        return stmts

    def markdown(self, published_only: bool = False) -> str:
        """The data dictionary entry of this table (release README and project README)."""
        cols = self.published_columns() if published_only else self.columns
        lines = [self.description, "", "| column | type | description |", "| --- | --- | --- |"]
        lines += [f"| `{c.name}` | {c.type} | {c.description}" + ("" if c.published else " *(warehouse only)*") + " |" for c in cols]
        return "\n".join(lines)

    def frictionless_schema(self) -> dict:
        return {
            "fields": [{"name": c.name, "type": _FRICTIONLESS[c.type], "description": c.description,
                        **({"constraints": {"required": True}} if c.required else {})}
                       for c in self.published_columns()],
            "primaryKey": [self.primary_key],
        }


def _evidence(what: str) -> tuple[Column, ...]:
    return (
        Column("article_id", "VARCHAR", "Id of the article the record was extracted from (articles.article_id).", required=True),
        Column("sentence", "VARCHAR", "The sentence of the article holding the evidence.", required=True, prose=True),
        Column("char_start", "BIGINT", f"Offset of the first character of {what} in articles.text (0-based, Unicode code points).", required=True),
        Column("char_end", "BIGINT", f"Offset just past the last character of {what}: articles.text[char_start:char_end] is the evidence.", required=True),
    )


def _count(kind: str, what: str) -> tuple[Column, ...]:
    return (
        Column(kind, "BIGINT", f"Number of people {what}, as reported; null when the text gives no number."),
        Column(f"{kind}_qualifier", "VARCHAR", f"How the number of {kind} is qualified (exact, at_least, over, more_than, about, nearly, less_than, up_to)."),
    )


ARTICLES = Table(
    "articles",
    "News articles of the corpus, one row per distinct article, with their normalised text (in a release, where their licence allows).",
    "article_id",
    (
        Column("article_id", "VARCHAR", "Stable id: hash of the URL where the article has one, else of its whitespace-normalised text.", required=True),
        Column("outlet", "VARCHAR", "News outlet that published the article."),
        Column("url", "VARCHAR", "Address of the article, where known."),
        Column("title", "VARCHAR", "Headline, where known."),
        Column("published", "VARCHAR", "Publication date as YYYY, YYYY-MM or YYYY-MM-DD (as precise as known)."),
        Column("published_precision", "VARCHAR", "Precision of the publication date: day, month or year."),
        Column("language", "VARCHAR", "Language of the text (ISO 639-1)."),
        Column("license", "VARCHAR", "Licence or copyright status of the text."),
        # Not required: a release leaves out the texts its licence allow-list does not cover; the
        # articles suite checks that exactly those have text_withheld (so the warehouse has every text).
        Column("text", "VARCHAR", "Body text, Unicode NFC, paragraphs separated by newlines; every char_start/char_end in other tables points into it. "
               "Null in a release when the article's licence is not on the publication allow-list (see text_withheld; `caravan hydrate` fills it in from your copy of the article).",
               prose=True),
        Column("text_withheld", "VARCHAR", "Why text is null in this release: the article's licence is not on the publication allow-list "
               "(the release's README names it), or no licence is stated; null where the text is published, and always in the warehouse, which keeps every text."),
        Column("n_chars", "BIGINT", "Length of text in characters.", required=True),
        Column("sha256", "VARCHAR", "SHA-256 of text (UTF-8).", required=True),
        Column("source_path", "VARCHAR", "File name of the article in the corpus folder.", required=True),
        Column("synthetic", "BOOLEAN", "True for test articles written by the project (warehouse only: never published).", published=False),
        Column("ingested_at", "TIMESTAMP", "When this warehouse first ingested this text (warehouse only: not published, so identical builds give identical releases).", published=False),
    ),
    sort_by=("article_id",),
)

STG_QUOTES = Table(
    "stg_quotes",
    "Direct quotations in the articles, with the resolved speaker and the evidence span of the quoted words.",
    "record_id",
    (
        Column("record_id", "VARCHAR", "Stable id of the quote (hash of article, span and text).", required=True),
        Column("speaker", "VARCHAR", "Who is quoted: full name of a person, name of an organisation, or the description the text gives an unnamed speaker."),
        Column("speaker_description", "VARCHAR", "How the article describes the speaker (title, role, affiliation)."),
        Column("text", "VARCHAR", "The quoted words, without the quotation marks.", required=True),
        Column("partial", "BOOLEAN", "True when the quote is a fragment inside the reporter's own sentence.", required=True),
        Column("medium", "VARCHAR", "Where the words were said or written (\"told VOA\" gives VOA, \"wrote on X\" gives X); null when not stated."),
    ) + _evidence("the quoted words"),
    sort_by=("article_id", "char_start", "record_id"),
)

STG_INCIDENT_MENTIONS = Table(
    "stg_incident_mentions",
    "Discrete events reported in the articles (attacks, assaults, arson, evictions, raids, detentions, travel advisories, ...), one row per mention.",
    "record_id",
    (
        Column("record_id", "VARCHAR", "Stable id of the incident mention (hash of article, evidence span and type).", required=True),
        Column("type", "VARCHAR", "Kind of event, from the controlled vocabulary (terror_attack, assault, murder, arson, vandalism, eviction, raid, detention, deportation, arrest, threat, discrimination, harassment, travel_advisory, protest, other).", required=True),
        Column("city", "VARCHAR", "City where it happened, GeoNames English name; null when the text names none."),
        Column("region", "VARCHAR", "First-level region (e.g. Amur Oblast), where named or implied by the city."),
        Column("country", "VARCHAR", "ISO 3166-1 alpha-2 code of the country where it happened; for a travel advisory, the issuing country."),
        Column("latitude", "DOUBLE", "Latitude of the city (WGS84, GeoNames), where resolved."),
        Column("longitude", "DOUBLE", "Longitude of the city (WGS84, GeoNames), where resolved."),
        Column("geonames_id", "BIGINT", "GeoNames id of the city, where resolved."),
        Column("date", "VARCHAR", "Date of the event as YYYY, YYYY-MM or YYYY-MM-DD, resolved against the publication date."),
        Column("date_precision", "VARCHAR", "Precision of date: day, month or year."),
    )
    + tuple(col for kind, what in zip(COUNT_KINDS, ("killed", "injured", "harmed or targeted", "arrested or detained")) for col in _count(kind, what))
    + (
        Column("target_group", "VARCHAR", "Who was targeted, as the text says (e.g. Tajik migrants)."),
        Column("perpetrator", "VARCHAR", "Who acted, as the text says (e.g. unknown persons, police)."),
    ) + _evidence("the evidence sentence or clause"),
    sort_by=("article_id", "char_start", "type", "record_id"),
)

STG_ECONOMIC_FIGURES = Table(
    "stg_economic_figures",
    "Economic and demographic figures reported in the articles (remittances, GDP shares, migrant numbers), normalised.",
    "record_id",
    (
        Column("record_id", "VARCHAR", "Stable id of the figure (hash of article, span and indicator).", required=True),
        Column("subject", "VARCHAR", "What the figure is about: a country, several countries, or a group of people."),
        Column("indicator", "VARCHAR", "Indicator from the controlled list: remittances_usd, remittances_share_of_gdp, migrant_population, gdp_usd, other.", required=True),
        Column("value", "DOUBLE", "The number as a plain value (\"$5.7 billion\" is 5700000000).", required=True),
        Column("unit", "VARCHAR", "USD, percent, persons, or the ISO 4217 code of another currency.", required=True),
        Column("currency", "VARCHAR", "ISO 4217 code for money, null otherwise."),
        Column("qualifier", "VARCHAR", "How the number is qualified (exact, at_least, over, more_than, about, nearly, less_than, up_to).", required=True),
        Column("period", "VARCHAR", "Year (or YYYY-MM) the figure refers to, resolved against the publication date; null when not stated."),
        Column("source", "VARCHAR", "Source the article cites for the figure (e.g. World Bank); null when none."),
        Column("raw", "VARCHAR", "The number as written in the article (e.g. \"$5.7 billion\").", required=True),
    ) + _evidence("the number as written"),
    sort_by=("article_id", "char_start", "record_id"),
)

ORIGIN = Column("origin", "VARCHAR", "How the row came to be: machine (extracted by rule), corrected (a curation "
                "decision changed it) or hand_added (added by a curator with its evidence).", required=True)


def published(stage: Table, name: str, description: str) -> Table:
    """The published table made from a machine-extracted working table: the same columns plus origin."""
    return replace(stage, name=name, description=description, columns=stage.columns + (ORIGIN,))


QUOTES = published(STG_QUOTES, "quotes", "Direct quotations in the articles, with the resolved speaker and the evidence span of the quoted words.")
_MENTION = {c.name: c for c in STG_INCIDENT_MENTIONS.columns}
INCIDENTS = Table(
    "incidents",
    "Discrete events (attacks, assaults, arson, evictions, raids, detentions, travel advisories, ...), one row per event: "
    "mentions of the same event in several articles are merged (see incident_sources); the evidence columns are those of its first report.",
    "incident_id",
    (Column("incident_id", "VARCHAR", "Stable id of the event: the record id of its first report (earliest published), "
            "so it keeps its id when later reports are added.", required=True),)
    + tuple(_MENTION[c] for c in ("type", "city", "region", "country", "latitude", "longitude", "geonames_id", "date", "date_precision"))
    + tuple(_MENTION[c] for kind in COUNT_KINDS for c in (kind, f"{kind}_qualifier"))
    + (
        Column("count_notes", "VARCHAR", "Where reports give different numbers for a count: every reading with the articles giving it; null when they agree."),
        _MENTION["target_group"], _MENTION["perpetrator"],
        Column("n_sources", "BIGINT", "Number of mentions merged into the event (rows in incident_sources).", required=True),
        Column("n_articles", "BIGINT", "Number of distinct articles reporting the event.", required=True),
        Column("merge_rule", "VARCHAR", "Why these mentions are one event, in words (or 'single mention'), including curation decisions.", required=True),
    )
    + _evidence("the first report's evidence sentence or clause") + (ORIGIN,),
    sort_by=("article_id", "char_start", "type", "incident_id"),
)

INCIDENT_SOURCES = Table(
    "incident_sources",
    "Every report of an incident: one row per mention in an article, linked to its event in incidents.",
    "source_id",
    (
        Column("source_id", "VARCHAR", "Stable id of the mention (hash of article, evidence span and type).", required=True),
        Column("incident_id", "VARCHAR", "The event it reports (incidents.incident_id).", required=True),
    ) + _evidence("the mention's evidence sentence or clause") + (
        Column("date", "VARCHAR", "The event date as this article gives it (YYYY, YYYY-MM or YYYY-MM-DD)."),
        Column("date_precision", "VARCHAR", "Precision of date: day, month or year."),
        Column("city", "VARCHAR", "The city this article names (GeoNames English name), or null."),
        Column("country", "VARCHAR", "ISO 3166-1 alpha-2 country as this article gives it (for a travel advisory, the issuing country)."),
        ORIGIN,
    ),
    sort_by=("incident_id", "article_id", "char_start", "source_id"),
)

CURATION_LOG = Table(
    "curation_log",
    "Every curation decision of the curation folder and what became of it at this build.",
    "decision_id",
    (
        Column("decision_id", "VARCHAR", "Id of the curation decision (unique across the curation files).", required=True),
        Column("action", "VARCHAR", "reject, correct, merge, split or add.", required=True),
        Column("table", "VARCHAR", "Table the decision applies to: quotes, incidents or economic_figures.", required=True),
        Column("record_id", "VARCHAR", "Record the decision names (rejected, corrected, kept by a merge or split, or created by an add)."),
        Column("status", "VARCHAR", "applied, record_not_found, evidence_not_found or conflict: a decision that could not be applied is reported, never dropped.", required=True),
        Column("detail", "VARCHAR", "What changed, in words, or why it was not applied."),
        Column("reason", "VARCHAR", "Why the curator decided, as written in the decision.", required=True),
        Column("decided_by", "VARCHAR", "Who decided (name or handle of the curator).", required=True),
        Column("decided_on", "VARCHAR", "Date of the decision (YYYY-MM-DD).", required=True),
        Column("file", "VARCHAR", "Decision file in the curation folder.", required=True),
    ),
    sort_by=("file", "decision_id"),
)
ECONOMIC_FIGURES = published(STG_ECONOMIC_FIGURES, "economic_figures", "Economic and demographic figures reported in the articles (remittances, GDP shares, migrant numbers), normalised.")
STG_QUOTES = replace(STG_QUOTES, description="Working table: quotes as extracted by rule, before curation.")
STG_INCIDENT_MENTIONS = replace(STG_INCIDENT_MENTIONS, description="Working table: every incident mention as extracted by rule, before merging and curation.")
STG_ECONOMIC_FIGURES = replace(STG_ECONOMIC_FIGURES, description="Working table: economic figures as extracted by rule, before curation.")

EXTRACTION_STATE = Table(
    "stg_extraction_state",
    "Working table: which version of each article was extracted by which version of the extractors.",
    "article_id",
    (
        Column("article_id", "VARCHAR", "Article extracted.", required=True),
        Column("sha256", "VARCHAR", "SHA-256 of the article text that was extracted.", required=True),
        Column("extractor_version", "VARCHAR", "Hash of the extraction code and data that produced its records.", required=True),
    ),
    sort_by=("article_id",),
)

EXTRACTION_QUARANTINE = Table(
    "stg_extraction_quarantine",
    "Working table: articles whose extraction ran past the time budget, set aside without records (listed in "
    "quarantine) until their text, the extractors or the budget change.",
    "article_id",
    (
        Column("article_id", "VARCHAR", "Article set aside.", required=True),
        Column("sha256", "VARCHAR", "SHA-256 of the article text.", required=True),
        Column("extractor_version", "VARCHAR", "Hash of the extraction code and data that ran past the budget.", required=True),
        Column("time_budget", "DOUBLE", "The time budget per article, in seconds.", required=True),
        Column("reason", "VARCHAR", "Why, in words, as quarantine shows it.", required=True),
        Column("detected_at", "TIMESTAMP", "When the extraction that set it aside ran."),
    ),
    sort_by=("article_id",),
)

SPEAKERS = Table(
    "speakers",
    "Everyone quoted in the published articles, once: canonical name, the descriptions the press gave them, and how often they are quoted.",
    "speaker_id",
    (
        Column("speaker_id", "VARCHAR", "Stable id of the speaker (hash of the case-folded name).", required=True),
        Column("speaker", "VARCHAR", "Canonical name, as in quotes.speaker.", required=True),
        Column("descriptions", "VARCHAR", "Every distinct description seen, '; '-joined."),
        Column("n_quotes", "BIGINT", "Number of quotes of this speaker.", required=True),
        Column("n_articles", "BIGINT", "Number of articles quoting this speaker.", required=True),
        Column("media", "VARCHAR", "Media the speaker was quoted through (e.g. VOA, X), '; '-joined."),
    ),
    sort_by=("speaker_id",),
)

OFFICIAL_FIGURES = Table(
    "official_figures",
    "Official statistics on remittances, GDP and migrants, one row per publisher, publication (vintage), series, country and year; vintages side by side.",
    "record_id",
    (
        Column("record_id", "VARCHAR", "Stable id: hash of source kind, publisher, publication, series, country, year and retrieval time.", required=True),
        Column("source_kind", "VARCHAR", "Where the row came from: reference_csv (recorded reference figures) or world_bank_api (an API snapshot).", required=True),
        Column("publisher", "VARCHAR", "Statistical body behind the figure (World Bank, a central bank, MVD, UN DESA, ...).", required=True),
        Column("reported_as", "VARCHAR", "Publication or vintage that reported the figure, and through whom; for the API, the retrieval date.", required=True),
        Column("reported_date", "VARCHAR", "Date the publication states (YYYY-MM or YYYY-MM-DD); for the API, the series' last update."),
        Column("indicator_code", "VARCHAR", "World Bank indicator code, else PUBLISHER:series.", required=True),
        Column("indicator", "VARCHAR", "Caravan indicator the series measures (remittances_usd, remittances_share_of_gdp, migrant_population, gdp_usd, other).", required=True),
        Column("country_iso3", "VARCHAR", "ISO 3166-1 alpha-3 code of the recipient, host or origin country, as the series defines it.", required=True),
        Column("year", "BIGINT", "Year of the observation.", required=True),
        Column("value", "DOUBLE", "The official figure.", required=True),
        Column("unit", "VARCHAR", "Unit: percent_of_gdp, USD, persons or percent_of_entrants.", required=True),
        Column("qualifier", "VARCHAR", "Qualifier as published (exact, about, more_than, ...).", required=True),
        Column("note", "VARCHAR", "Scope limits (e.g. Jan-Nov only) or the API's observation status."),
        Column("found_at_url", "VARCHAR", "Page where the figure was found, or the API request URL.", required=True),
        Column("retrieved_at", "TIMESTAMP", "When an API snapshot was fetched (UTC); null for recorded reference figures."),
    ),
    sort_by=("indicator_code", "country_iso3", "year", "record_id"),
)

FIGURE_CHECKS = Table(
    "figure_checks",
    "Reported economic figures checked against official statistics: one row per figure and official vintage, with the figure's overall verdict and the rule that decided.",
    "record_id",
    (
        Column("record_id", "VARCHAR", "Stable id of the check (figure, series, publication and official rows).", required=True),
        Column("figure_record_id", "VARCHAR", "The checked figure (economic_figures.record_id).", required=True),
        Column("article_id", "VARCHAR", "Article the figure comes from (articles.article_id).", required=True),
        Column("subject", "VARCHAR", "The figure's subject as extracted."),
        Column("indicator", "VARCHAR", "The figure's indicator.", required=True),
        Column("countries", "VARCHAR", "ISO 3166-1 alpha-3 codes of the subject, ';'-joined (recipients, GDP countries, or migrants' origins)."),
        Column("counterpart_country", "VARCHAR", "Where remittances come from (\"from Russia\"), or the host country of migrants (\"in Russia\")."),
        Column("period", "VARCHAR", "Year checked (or the figure's period when it cannot be checked)."),
        Column("period_assumed", "BOOLEAN", "True when the article gave no period and the year before publication was used.", required=True),
        Column("reported_value", "DOUBLE", "Value reported in the article.", required=True),
        Column("reported_unit", "VARCHAR", "Unit reported in the article.", required=True),
        Column("qualifier", "VARCHAR", "The article's qualifier for the value.", required=True),
        Column("series_code", "VARCHAR", "Official series compared; null when none applies."),
        Column("comparison", "VARCHAR", "same_measure, official_upper_bound or official_lower_bound: how the series relates to what the article measures."),
        Column("official_value", "DOUBLE", "Official value, or the members' sum; null when incomplete or ambiguous."),
        Column("official_unit", "VARCHAR", "Unit of the official series."),
        Column("official_qualifier", "VARCHAR", "Official qualifier, when all members share one."),
        Column("official_detail", "VARCHAR", "Value per country with its qualifier, note or publication; 'no value' for missing members."),
        Column("publisher", "VARCHAR", "Publisher(s) of the official value, '; '-joined."),
        Column("reported_as", "VARCHAR", "Publication or vintage of the official value (\"combined: ...\" when members come from several)."),
        Column("reported_date", "VARCHAR", "Date of that publication, where known."),
        Column("found_at_url", "VARCHAR", "Source page(s) of the official value, '; '-joined."),
        Column("official_record_ids", "VARCHAR", "official_figures.record_id values compared, ';'-joined."),
        Column("vintage_verdict", "VARCHAR", "consistent, inconsistent or unverifiable, for this vintage.", required=True),
        Column("vintage_rule", "VARCHAR", "Why, for this vintage, in words.", required=True),
        Column("verdict", "VARCHAR", "Overall verdict for the figure: consistent, inconsistent or unverifiable.", required=True),
        Column("rule", "VARCHAR", "The whole rule that decided, in words a reader can follow.", required=True),
    ),
    sort_by=("article_id", "figure_record_id", "record_id"),
)

EXTRACTION_RUNS = Table(
    "stg_extraction_runs",
    "Working table: what each extraction partition of a run did, written in the partition's own transaction "
    "(steps on other machines report through the warehouse, not through files).",
    "step_id",
    (
        Column("step_id", "VARCHAR", "Run (the first run of a re-execution) and partition.", required=True),
        Column("run_id", "VARCHAR", "Dagster run id; a re-executed run keeps its first run's id.", required=True),
        Column("partition", "BIGINT", "Extraction partition.", required=True),
        Column("articles_extracted", "BIGINT", "Articles extracted (new, changed, or all when the extractors changed).", required=True),
        Column("articles_reused", "BIGINT", "Unchanged articles whose records stayed.", required=True),
        Column("articles_removed", "BIGINT", "Articles gone from the corpus, with their records.", required=True),
        Column("extracted_article_ids", "VARCHAR", "The first 100 extracted article ids, as a JSON list."),
    ),
    sort_by=("run_id", "partition"),
)

ARTICLE_SIGNATURES = Table(
    "stg_article_signatures",
    "Working table: the MinHash signature of every ingested text, so that the next ingest hashes only new texts.",
    "sha256",
    (
        Column("sha256", "VARCHAR", "SHA-256 of the article text.", required=True),
        Column("signature", "BLOB", "MinHash of its word 5-grams (64 unsigned 32-bit values, little-endian).",
               required=True),
    ),
    sort_by=("sha256",),
)

QUARANTINE = Table(
    "quarantine",
    "Corpus files set aside at the last ingest, or whose extraction ran past the time budget, with the reason (warehouse only: not published).",
    "path",
    (
        Column("path", "VARCHAR", "File name in the corpus folder.", required=True),
        Column("reason", "VARCHAR", "Why the file was not ingested, or not extracted.", required=True),
        Column("detected_at", "TIMESTAMP", "When the ingest or extraction that set it aside ran."),
    ),
    sort_by=("path",),
)

CORPUS_FILES = Table(
    "stg_corpus_files",
    "Working table: what the last ingest learnt of each corpus file it read, so that the next one reads only the "
    "files written since (a file is known by its directory entry: device, inode, size, modification and change "
    "times, and its metadata file's).",
    "source_path",
    (
        Column("source_path", "VARCHAR", "File name in the corpus folder.", required=True),
        Column("fingerprint", "VARCHAR", "The file's and its metadata file's directory entries when it was read.", required=True),
        Column("article_id", "VARCHAR", "Its article's id.", required=True),
        Column("sha256", "VARCHAR", "SHA-256 of its text.", required=True),
        Column("copy_rank", "VARCHAR", "Its rank among copies of one article (JSON), from its metadata.", required=True),
        Column("reader_version", "VARCHAR", "Hash of the reading code (and that of ingesting what changed), the articles "
               "table's columns, the size limit and the near-duplicate threshold it was read with: other ones read "
               "every file again.", required=True),
    ),
    sort_by=("source_path",),
)

FIGURE_CHECK_STATE = Table(
    "stg_figure_check_state",
    "Working table: the inputs each figure was last checked with (its row, its article's date, the official "
    "figures and the checking code, hashed): a figure is checked again only when they change.",
    "figure_record_id",
    (
        Column("figure_record_id", "VARCHAR", "The checked figure (economic_figures.record_id).", required=True),
        Column("input_hash", "VARCHAR", "DuckDB's 64-bit hash of the figure's inputs when its checks were written.", required=True),
    ),
    sort_by=("figure_record_id",),
)

# The last machine merge of the incident mentions, kept so that the next one re-decides only near what changed.
_MERGE_ORDER = (
    Column("synthetic", "BOOLEAN", "True for mentions of synthetic test articles, which merge only among themselves.", required=True),
    Column("published", "VARCHAR", "Publication date of the article, which orders the merge (null when unknown)."),
)
MERGED_INCIDENTS = Table(
    "stg_merged_incidents",
    "Working table: the events of the last machine merge of the incident mentions, before curation; the next merge "
    "rebuilds only the events whose mentions changed. published is that of the event's first report.",
    "incident_id",
    tuple(c for c in INCIDENTS.columns if c is not ORIGIN) + _MERGE_ORDER,
    sort_by=("synthetic", "published", "article_id", "char_start", "incident_id"),
)
MERGED_SOURCES = Table(
    "stg_merged_sources",
    "Working table: every mention of the last machine merge with its event, as incident_sources before curation, "
    "and what the next merge compares to find the mentions that changed.",
    "source_id",
    tuple(c for c in INCIDENT_SOURCES.columns if c is not ORIGIN) + (
        Column("member", "BIGINT", "Rank of the mention in its event, in merge order (0: the first report).", required=True),
        _MENTION["type"],
    ) + _MERGE_ORDER + (
        Column("fingerprint", "VARCHAR", "Hash of the mention's row, its article's publication date and synthetic "
               "flag, and the versions of the merging and extraction code: the mention changed when it differs.",
               required=True),
    ),
    sort_by=("incident_id", "member"),
)

TABLES: dict[str, Table] = {t.name: t for t in (ARTICLES, QUOTES, INCIDENTS, INCIDENT_SOURCES, ECONOMIC_FIGURES, SPEAKERS,
                                                OFFICIAL_FIGURES, FIGURE_CHECKS, CURATION_LOG)}
WORKING_TABLES: dict[str, Table] = {t.name: t for t in (QUARANTINE, STG_QUOTES, STG_INCIDENT_MENTIONS,
                                                        STG_ECONOMIC_FIGURES, EXTRACTION_STATE, EXTRACTION_QUARANTINE,
                                                        EXTRACTION_RUNS, ARTICLE_SIGNATURES, CORPUS_FILES,
                                                        FIGURE_CHECK_STATE, MERGED_INCIDENTS, MERGED_SOURCES)}
ALL_TABLES: dict[str, Table] = {**TABLES, **WORKING_TABLES}


def shapes(*tables: Table) -> str:
    """The shapes of ``tables`` (see ``Table.shape``), for the versions of the steps that store their rows."""
    return "\n".join(t.shape() for t in tables)


# What the extractors of caravan.extract.records produce, by their record kind.
EXTRACTED: dict[str, Table] = {"quotes": STG_QUOTES, "incidents": STG_INCIDENT_MENTIONS, "economic_figures": STG_ECONOMIC_FIGURES}
RECORD_TABLES = ("quotes", "incidents", "economic_figures")


def data_dictionary() -> str:
    """The README's table section, generated from the specs (``python -m caravan.store.tables``)."""
    parts = ["## Tables", "", "Published in every release, except what is marked *warehouse only*.", ""]
    for table in TABLES.values():
        parts += [f"### `{table.name}`", "", table.markdown(), ""]
    for table in WORKING_TABLES.values():
        parts += [f"### `{table.name}` (warehouse only)", "", table.markdown(), ""]
    return "\n".join(parts)


if __name__ == "__main__":
    print(data_dictionary(), end="")
