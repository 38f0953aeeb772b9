"""Curation: reviewed decisions, kept as YAML data, applied to the extracted records.

A curator never edits code or the extracted tables. They write decisions in ``curation/*.yaml``, each
naming the record, the action, the reason, who decided and when (the format is in
``curation/README.md``). ``apply_decisions`` applies them in (file name, order in file) order, marks
every row with its ``origin`` and returns a ``curation_log`` row per decision, including the decisions
that could not be applied: a record that is gone is reported, never silently dropped.

Actions: ``reject`` a record, ``correct`` some of its fields, ``merge`` incidents, ``split`` mentions
off an incident into a new one, ``add`` a record by hand with its evidence. Ids of records made by
curation are derived from the decision id, so they are the same in every build.

YAML is read with ``yaml.safe_load`` only: a decision file is data and can never run code.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import duckdb
import pycountry
import yaml

from caravan.common.ids import stable_id
from caravan.store.tables import TABLES, Column
from caravan.extract.text import sentence_at, sentences
from caravan.store.vocabularies import DATE_PRECISIONS, INCIDENT_TYPES, INDICATORS, QUALIFIERS, UNITS
from caravan.store.warehouse import sql_string, sync_table_from_query, to_arrow

ACTIONS = ("reject", "correct", "merge", "split", "add")
CURATED_TABLES = ("quotes", "incidents", "economic_figures")
STATUSES = ("applied", "record_not_found", "evidence_not_found", "conflict")
ORIGINS = ("machine", "corrected", "hand_added")
LOG_COLUMNS = ("decision_id", "action", "table", "record_id", "status", "detail", "reason", "decided_by",
               "decided_on", "file")

KEYS = {"quotes": "record_id", "incidents": "incident_id", "economic_figures": "record_id"}
SOURCES, SOURCE_KEY = "incident_sources", "source_id"
# Prefixes of the ids curation makes: the extractors' own, so that ids look alike in every table.
ID_PREFIXES = {"quotes": "quo", "incidents": "inc", "economic_figures": "fig"}
EVIDENCE = ("article_id", "sentence", "char_start", "char_end")
# Columns a decision may not set: ids, evidence (only an ``add`` computes it, from the article) and what
# the pipeline derives from the rows themselves.
_DERIVED = ("origin", "n_sources", "n_articles", "merge_rule")
# Columns of the incident row that its mentions in incident_sources repeat.
_SOURCE_COLUMNS = ("date", "date_precision", "city", "country")

_ID_FORM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_EXPONENT = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+$")
_DATE_FORM = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_REQUIRED = ("id", "action", "table", "reason", "decided_by", "decided_on")
_ACTION_KEYS = {
    "reject": ("record_id",),
    "correct": ("record_id", "fields", "expect"),
    "merge": ("incident_ids",),
    "split": ("incident_id", "source_ids"),
    "add": ("record",),
}


class CurationError(ValueError):
    """A decision file or decision that cannot be used; the message names the file, the id and the problem."""

    def __init__(self, file: str, decision_id: str | None, problem: str):
        where = f"{file}: decision {decision_id!r}" if decision_id else file
        super().__init__(f"{where}: {problem}")
        self.file, self.decision_id, self.problem = file, decision_id, problem


@dataclass(frozen=True)
class Decision:
    id: str
    action: str
    table: str
    reason: str
    decided_by: str
    decided_on: str  # YYYY-MM-DD
    file: str  # file name inside the curation folder
    record_id: str | None = None  # reject, correct
    fields: dict = field(default_factory=dict)  # correct: column → new value
    expect: dict = field(default_factory=dict)  # correct: column → value the curator saw (else conflict)
    incident_ids: tuple[str, ...] = ()  # merge: [keep, other, ...]
    incident_id: str | None = None  # split
    source_ids: tuple[str, ...] = ()  # split
    record: dict = field(default_factory=dict)  # add: columns, plus article_id or source_url, and evidence

    @property
    def new_id(self) -> str | None:
        """Id of the record this decision creates (add, split), derived from the decision id alone."""
        if self.action in ("add", "split"):
            return stable_id(ID_PREFIXES[self.table], "curation", self.action, self.id)
        return None

    def named_ids(self) -> tuple[str, ...]:
        """The records of the decision's table that it names (or creates)."""
        ids = (self.record_id, *self.incident_ids, self.incident_id, self.new_id)
        return tuple(i for i in ids if i)


# --- Loading -------------------------------------------------------------------------------------------


def load_decisions(folder: Path) -> list[Decision]:
    """Every decision of ``folder``'s *.yaml and *.yml files, by file name then order in the file."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CurationError(str(folder), None, "curation folder does not exist")
    decisions: list[Decision] = []
    seen: dict[str, str] = {}
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml")):
        for decision in _load_file(path):
            if decision.id in seen:
                raise CurationError(path.name, decision.id, f"duplicate decision id (first used in {seen[decision.id]})")
            seen[decision.id] = path.name
            decisions.append(decision)
    return decisions


def _load_file(path: Path) -> list[Decision]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise CurationError(path.name, None, f"not UTF-8 text (byte {exc.start})") from exc
    except yaml.YAMLError as exc:
        raise CurationError(path.name, None, f"YAML error: {exc}") from exc
    except ValueError as exc:  # what PyYAML raises for an impossible unquoted date such as 2024-02-30
        raise CurationError(path.name, None, f"YAML error: {exc} (an impossible date?)") from exc
    if data is None:
        return []
    if not isinstance(data, list):
        raise CurationError(path.name, None, "a decision file holds a list of decisions (items starting with '- ')")
    return [_decision(path.name, i, item) for i, item in enumerate(data, start=1)]


def _decision(file: str, position: int, item: object) -> Decision:
    if not isinstance(item, dict):
        raise CurationError(file, None, f"item {position} is not a mapping of keys to values")
    did = item.get("id")
    if not isinstance(did, str) or not _ID_FORM.match(did):
        raise CurationError(file, None, f"item {position}: 'id' must be a word of letters, digits, '.', '_' or '-', not {did!r}")

    def fail(problem: str):
        raise CurationError(file, did, problem)

    for key in _REQUIRED:
        if item.get(key) in (None, ""):
            fail(f"missing {key!r}")
    action, table = item["action"], item["table"]
    if action not in ACTIONS:
        fail(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
    if table not in CURATED_TABLES:
        fail(f"unknown table {table!r} (one of {', '.join(CURATED_TABLES)})")
    if action in ("merge", "split") and table != "incidents":
        fail(f"{action} applies to incidents only, not {table}")
    unknown = sorted(set(item) - set(_REQUIRED) - set(_ACTION_KEYS[action]))
    if unknown:
        fail(f"unknown key(s) for {action}: {', '.join(unknown)}")
    for key in ("reason", "decided_by"):
        if not isinstance(item[key], str) or not item[key].strip():
            fail(f"{key!r} must be text")
    decided_on = _decided_on(item["decided_on"])
    if decided_on is None:
        fail(f"'decided_on' must be a date YYYY-MM-DD, not {item['decided_on']!r}")
    base = dict(id=did, action=action, table=table, reason=item["reason"].strip(), decided_by=item["decided_by"].strip(),
                decided_on=decided_on, file=file)
    try:
        if action == "reject":
            return Decision(**base, record_id=_text(item, "record_id"))
        if action == "correct":
            fields = _columns(table, _mapping(item, "fields"), "fields")
            expect = _columns(table, _mapping(item, "expect", optional=True), "expect")
            return Decision(**base, record_id=_text(item, "record_id"), fields=_with_precision(fields), expect=expect)
        if action == "merge":
            ids = _ids(item, "incident_ids")
            if len(ids) < 2:
                raise ValueError("'incident_ids' lists the incident to keep and at least one to merge into it")
            return Decision(**base, incident_ids=ids)
        if action == "split":
            return Decision(**base, incident_id=_text(item, "incident_id"), source_ids=_ids(item, "source_ids"))
        return Decision(**base, record=_add_record(table, _mapping(item, "record")))
    except ValueError as exc:
        fail(str(exc))
    raise AssertionError("unreachable")


def _decided_on(value: object) -> str | None:
    # YAML reads an unquoted 2024-04-02 as a date; a quoted one stays text.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    return None


def _text(item: dict, key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key!r} must be a record id (text)")
    return value.strip()


def _mapping(item: dict, key: str, optional: bool = False) -> dict:
    value = item.get(key)
    if value is None and optional:
        return {}
    if not isinstance(value, dict) or not value:
        raise ValueError(f"{key!r} must be a mapping of column names to values")
    return value


def _ids(item: dict, key: str) -> tuple[str, ...]:
    value = item.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{key!r} must be a list of ids")
    ids = tuple(v.strip() for v in value)
    if len(set(ids)) != len(ids):
        raise ValueError(f"{key!r} names an id twice")
    return ids


def _editable(table: str) -> dict[str, Column]:
    spec = TABLES[table]
    protected = {KEYS[table], spec.primary_key, *EVIDENCE, *_DERIVED}
    return {c.name: c for c in spec.columns if c.name not in protected}


def _columns(table: str, values: dict, what: str) -> dict:
    """``values`` checked against the table's editable columns and their types (and vocabularies)."""
    editable = _editable(table)
    out = {}
    for name, value in values.items():
        if name not in editable:
            known = {*TABLES[table].column_names, KEYS[table], *EVIDENCE, *_DERIVED}
            why = "cannot be set by a decision" if name in known else "unknown column"
            raise ValueError(f"{what}: {name!r}: {why} (editable: {', '.join(editable)})")
        out[name] = _checked(editable[name], value, what)
    return out


def _checked(col: Column, value: object, what: str) -> object:
    where = f"{what}: {col.name!r}"
    if value is None:
        if col.required:
            raise ValueError(f"{where} is required and cannot be null")
        return None
    if col.type == "VARCHAR":
        if isinstance(value, dt.date):  # YAML's unquoted dates
            value = value.isoformat()
        if not isinstance(value, str):
            raise ValueError(f"{where} must be text, not {type(value).__name__} {value!r} (quote it in YAML)")
        value = unicodedata.normalize("NFC", value)
    elif col.type == "BIGINT":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{where} must be a whole number, not {type(value).__name__} {value!r}")
    elif col.type == "DOUBLE":
        if isinstance(value, str) and _EXPONENT.match(value):  # YAML 1.1 reads 5.7e9 (no dot, no sign) as text
            value = float(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{where} must be a number, not {type(value).__name__} {value!r}")
        value = float(value)
    elif col.type == "BOOLEAN":
        if not isinstance(value, bool):
            raise ValueError(f"{where} must be true or false, not {type(value).__name__} {value!r}")
    else:
        raise ValueError(f"{where}: {col.type} columns cannot be set by a decision")
    problem = _vocabulary_problem(col.name, value)
    if problem:
        raise ValueError(f"{where}: {problem}")
    return value


def _vocabulary_problem(name: str, value: object) -> str | None:
    """The controlled vocabularies of EVALUATION.md, so that a decision cannot break the published suites."""
    allowed = {"type": INCIDENT_TYPES, "date_precision": DATE_PRECISIONS, "indicator": INDICATORS}.get(name)
    if name == "qualifier" or name.endswith("_qualifier"):
        allowed = QUALIFIERS
    if allowed is not None and value not in allowed:
        return f"{value!r} is not one of {', '.join(allowed)}"
    if name == "date" and not _date_precision(value):
        return f"{value!r} is not a date YYYY, YYYY-MM or YYYY-MM-DD"
    if name == "period" and not re.match(r"^\d{4}(-\d{2})?$", value):
        return f"{value!r} is not a period YYYY or YYYY-MM"
    if name == "country" and pycountry.countries.get(alpha_2=value) is None:
        return f"{value!r} is not an ISO 3166-1 alpha-2 country code"
    if name == "unit" and value not in UNITS and not re.match(r"^[A-Z]{3}$", value):
        return f"{value!r} is not one of {', '.join(UNITS)} or an ISO 4217 currency code"
    if name == "currency" and not re.match(r"^[A-Z]{3}$", value):
        return f"{value!r} is not an ISO 4217 currency code"
    return None


def _date_precision(value: str) -> str | None:
    if not _DATE_FORM.match(value):
        return None
    try:
        dt.date.fromisoformat((value + "-01-01")[:10])
    except ValueError:
        return None
    return {4: "year", 7: "month", 10: "day"}[len(value)]


def _with_precision(values: dict) -> dict:
    """A date set without its precision gets the precision of its form ("2024-03" is month)."""
    if "date" in values and "date_precision" not in values:
        values = {**values, "date_precision": _date_precision(values["date"]) if values["date"] else None}
    return values


def _add_record(table: str, record: dict) -> dict:
    record = dict(record)
    out: dict = {}
    for key in ("article_id", "source_url"):
        if key in record:
            value = record.pop(key)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"record: {key!r} must be text")
            out[key] = value.strip()
    if not out:
        raise ValueError("record: give the article as 'article_id' or 'source_url'")
    evidence = record.pop("evidence", None)
    if not isinstance(evidence, str) or not evidence.strip():
        raise ValueError("record: 'evidence' must be the verbatim words of the article that show the record")
    out["evidence"] = unicodedata.normalize("NFC", evidence.strip())
    # The evidence of a quote is its words, of a figure the number as written: they default to it.
    default = {"quotes": "text", "economic_figures": "raw"}.get(table)
    if default and default not in record:
        record[default] = out["evidence"]
    values = _with_precision(_columns(table, record, "record"))
    missing = [c.name for c in _editable(table).values() if c.required and values.get(c.name) is None]
    if missing:
        raise ValueError(f"record: missing required column(s) {', '.join(missing)}")
    return {**out, **values}


# --- Applying ------------------------------------------------------------------------------------------


def apply_decisions(tables: dict[str, list[dict]], articles: dict[str, dict],
                    decisions: list[Decision]) -> tuple[dict[str, list[dict]], list[dict]]:
    """The curated tables (each row with its ``origin``) and one curation_log row per decision.

    ``tables`` holds quotes, incidents, economic_figures and incident_sources rows (missing ones count as
    empty); ``articles`` maps article_id → {"text", "url", "published"}. Nothing is modified in place.
    """
    state = _State(tables, articles)
    log = []
    for decision in sorted(decisions, key=lambda d: d.file):  # stable: keeps the order inside a file
        log.append(_log_row(decision, _APPLY[decision.action](state, decision)))
    return state.tables(), log


def needed_articles(decisions: list[Decision], urls: dict[str, str | None]) -> set[str]:
    """The articles whose text ``decisions`` read: those an ``add`` names by id or by url (``urls``:
    article_id → url of every article). Only their text needs loading."""
    needed: set[str] = set()
    for d in decisions:
        if d.action != "add":
            continue
        if "article_id" in d.record:
            needed.add(d.record["article_id"])
        if "source_url" in d.record:
            needed |= {a for a, url in urls.items() if _same_url(url, d.record["source_url"])}
    return needed


def decision_articles(con: duckdb.DuckDBPyConnection, decisions: list[Decision]) -> dict[str, dict]:
    """The articles of the warehouse that ``decisions`` read (``needed_articles``), article_id → {"url", "published",
    "synthetic", "text"}: all that applying them needs of the articles. Every url is read only when an ``add`` names
    its article by url."""
    by_url = any(d.action == "add" and "source_url" in d.record for d in decisions)
    urls = dict(con.execute("SELECT article_id, url FROM articles").fetchall()) if by_url else {}
    needed = sorted(needed_articles(decisions, urls))
    rows = con.execute("SELECT article_id, url, published, synthetic, text FROM articles "
                       "WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [needed]).fetchall()
    return {a: {"url": url, "published": published, "synthetic": synthetic, "text": text}
            for a, url, published, synthetic, text in rows}


def publish_curated(con: duckdb.DuckDBPyConnection, machine: Mapping[str, str], articles: dict[str, dict],
                    decisions: list[Decision], unordered: Mapping[str, str] | None = None) -> list[dict]:
    """``apply_decisions`` inside the warehouse, so that no table is read whole: each record table of ``machine``
    (name -> a query of its machine-made rows, in the table's columns but ``origin``, in the order decisions apply
    to them) is brought to what is published, writing only the rows that differ from the stored table's
    (``sync_table_from_query``). ``unordered``, when given, holds the same rows' queries in no order, cheaper to
    read whole: what the stored tables are compared with.

    Only the rows a decision can reach go through Python: the records it names, every record of an article an
    ``add`` reads (its evidence is checked against them), and for incidents their mentions and the incidents of
    those mentions. Every other row is machine-made and is copied in SQL with origin machine. ``articles`` needs
    those of ``needed_articles`` only (``decision_articles``). Returns the curation log."""
    every = unordered or machine
    ids: dict[str, set[str]] = {"read": needed_articles(decisions, {a: v.get("url") for a, v in articles.items()}),
                                # a split names mentions, perhaps of other incidents
                                "split": {source for d in decisions for source in d.source_ids}}
    for d in decisions:
        ids.setdefault(d.table, set()).update(d.named_ids())

    def among(kind: str, column: str) -> str:
        # Constants, not a subquery: DuckDB then filters below a query's ORDER BY, which sorts only what it keeps. As
        # there, a null (an unknown article or key) reaches nothing.
        values = ids.get(kind)
        return f"coalesce({column}, '') IN ({_sql_texts(values)})" if values else "false"

    reached = {name: f"({among(name, KEYS[name])} OR {among('read', 'article_id')})" for name in CURATED_TABLES}
    reached[SOURCES] = (f"({among('split', 'source_id')} OR {among('read', 'article_id')} "
                        f"OR {among('incidents', 'incident_id')})")
    # The incidents of those mentions: an ``add`` compares its type with theirs.
    ids["of_sources"] = {i for (i,) in con.sql(f"SELECT DISTINCT incident_id FROM ({every[SOURCES]}) "
                                               f"WHERE {reached[SOURCES]}").fetchall() if i is not None}
    reached["incidents"] = f"({reached['incidents']} OR {among('of_sources', 'incident_id')})"
    subset = {name: con.sql(f"SELECT * FROM ({query}) WHERE {reached[name]}").to_arrow_table().to_pylist()
              for name, query in machine.items()}
    curated, log = apply_decisions(subset, articles, decisions)
    for name, rows in curated.items():
        spec = TABLES[name]
        present = set(con.sql(f"SELECT * FROM ({machine[name]}) LIMIT 0").columns)
        columns = ", ".join("'machine' AS origin" if c.name == "origin" else f'"{c.name}"' if c.name in present
                            else f'NULL::{c.type} AS "{c.name}"' for c in spec.columns)
        con.register("_curated", to_arrow(spec, rows))
        try:
            sync_table_from_query(con, spec, f"SELECT {columns} FROM ({every[name]}) WHERE NOT {reached[name]} "
                                             "UNION ALL SELECT * FROM _curated")
        finally:
            con.unregister("_curated")
    return log


def _sql_texts(values) -> str:
    """``values`` as SQL text constants, separated by commas."""
    return ", ".join(sql_string(v) for v in sorted(values))


# What applying a decision gives: (status, record_id, detail), one curation_log row.
_Result = tuple[str, str | None, str]


class _State:
    """The rows being curated, by table and id, in their original order (new rows at the end)."""

    def __init__(self, tables: dict[str, list[dict]], articles: dict[str, dict]):
        self.names = list(dict.fromkeys([*tables, *CURATED_TABLES, SOURCES]))
        self.rows: dict[str, dict[str, dict]] = {}
        self.columns: dict[str, list[str]] = {}
        for name in self.names:
            key = KEYS.get(name, SOURCE_KEY if name == SOURCES else None)
            rows = [{**row, "origin": "machine"} for row in tables.get(name, [])]
            self.rows[name] = {row[key]: row for row in rows} if key else {str(i): row for i, row in enumerate(rows)}
            spec = TABLES[name].column_names if name in TABLES else []
            first = list(rows[0]) if rows else []
            self.columns[name] = list(dict.fromkeys([*first, *spec, *([key] if key else []), "origin"]))
        self.articles = articles
        self.gone: dict[tuple[str, str], str] = {}  # (table, id) → what removed it

    def tables(self) -> dict[str, list[dict]]:
        return {name: list(self.rows[name].values()) for name in self.names}

    def missing(self, table: str, record_id: str) -> _Result | None:
        """Why ``record_id`` cannot be curated (removed by an earlier decision, or never extracted), else None."""
        if record_id in self.rows[table]:
            return None
        if (table, record_id) in self.gone:
            return "conflict", record_id, f"{record_id} was {self.gone[table, record_id]}"
        return "record_not_found", record_id, f"no {_singular(table)} {record_id} in the extracted records"

    def sources_of(self, incident_id: str) -> list[dict]:
        return [s for s in self.rows[SOURCES].values() if s.get("incident_id") == incident_id]

    def recount(self, incident: dict) -> None:
        sources = self.sources_of(incident["incident_id"])
        incident["n_sources"] = len(sources)
        incident["n_articles"] = len({s.get("article_id") for s in sources})
        spans = {tuple(s.get(c) for c in EVIDENCE) for s in sources}
        if sources and tuple(incident.get(c) for c in EVIDENCE) not in spans:
            # Its evidence went with the mentions that left: show the first mention it still has.
            incident.update({c: sources[0].get(c) for c in EVIDENCE})


def _touch(row: dict) -> None:
    """Mark a row a decision changed: a machine row becomes corrected, a hand-added one stays so."""
    if row["origin"] == "machine":
        row["origin"] = "corrected"


def _add_rule(incident: dict, words: str) -> None:
    incident["merge_rule"] = f"{incident['merge_rule']}; {words}" if incident.get("merge_rule") else words


# --- Actions: each applies one decision to the state and says what came of it ---------------------------


def _reject(state: _State, d: Decision) -> _Result:
    missing = state.missing(d.table, d.record_id)
    if missing:
        return missing
    row = state.rows[d.table].pop(d.record_id)
    state.gone[d.table, d.record_id] = f"rejected by decision {d.id}"
    detail = f"removed: {summary(d.table, row)}"
    if d.table == "incidents":
        sources = state.sources_of(d.record_id)
        for source in sources:
            del state.rows[SOURCES][source[SOURCE_KEY]]
            state.gone[SOURCES, source[SOURCE_KEY]] = f"rejected with incident {d.record_id} by decision {d.id}"
        detail += f" (and its {len(sources)} mention(s))"
    return "applied", d.record_id, detail


def _correct(state: _State, d: Decision) -> _Result:
    missing = state.missing(d.table, d.record_id)
    if missing:
        return missing
    row = state.rows[d.table][d.record_id]
    stale = [f"expected {c} {v!r}, found {row.get(c)!r}" for c, v in d.expect.items() if row.get(c) != v]
    if stale:
        return "conflict", d.record_id, "the record changed since the decision: " + "; ".join(stale)
    changes = [f"{c}: {row.get(c)!r} → {v!r}" for c, v in d.fields.items() if row.get(c) != v]
    if not changes:
        return "applied", d.record_id, "no change: the record already has these values"
    row.update(d.fields)
    _touch(row)
    return "applied", d.record_id, "; ".join(changes)


def _merge(state: _State, d: Decision) -> _Result:
    keep, *others = d.incident_ids
    for incident_id in d.incident_ids:
        missing = state.missing("incidents", incident_id)
        if missing:
            return missing[0], keep, missing[2]
    incident = state.rows["incidents"][keep]
    moved = 0
    for other in others:
        for source in state.sources_of(other):
            source["incident_id"] = keep
            _touch(source)
            moved += 1
        del state.rows["incidents"][other]
        state.gone["incidents", other] = f"merged into {keep} by decision {d.id}"
    state.recount(incident)
    _add_rule(incident, f"merged by curation decision {d.id}")
    _touch(incident)
    return "applied", keep, (f"{', '.join(others)} merged into {keep}: {moved} mention(s) moved; now "
                             f"{incident['n_sources']} mention(s) in {incident['n_articles']} article(s)")


def _split(state: _State, d: Decision) -> _Result:
    missing = state.missing("incidents", d.incident_id)
    if missing:
        return missing
    sources = state.rows[SOURCES]
    absent = [s for s in d.source_ids if s not in sources]
    if absent:
        status = "conflict" if all((SOURCES, s) in state.gone for s in absent) else "record_not_found"
        return status, d.incident_id, f"no mention(s) {', '.join(absent)} in incident_sources"
    elsewhere = [f"{s} (in {sources[s].get('incident_id')})" for s in d.source_ids
                 if sources[s].get("incident_id") != d.incident_id]
    if elsewhere:
        return "conflict", d.incident_id, f"mention(s) not part of {d.incident_id}: {', '.join(elsewhere)}"
    if len(state.sources_of(d.incident_id)) == len(d.source_ids):
        return "conflict", d.incident_id, f"the split would leave {d.incident_id} without mentions"
    original = state.rows["incidents"][d.incident_id]
    new_id = d.new_id
    moving = [s for s in sources.values() if s[SOURCE_KEY] in d.source_ids]  # in table order
    for source in moving:
        source["incident_id"] = new_id
        _touch(source)
    new = {**original, "incident_id": new_id, "merge_rule": f"split from {d.incident_id} by curation decision {d.id}",
           "origin": "corrected", **{c: moving[0].get(c) for c in EVIDENCE}}
    state.rows["incidents"][new_id] = new
    state.recount(new)
    state.recount(original)
    _add_rule(original, f"mention(s) split off by curation decision {d.id}")
    _touch(original)
    return "applied", d.incident_id, (f"{len(moving)} mention(s) moved from {d.incident_id} to new incident "
                                      f"{new_id} (its fields copied from {d.incident_id})")


def _add(state: _State, d: Decision) -> _Result:
    new_id, rec = d.new_id, d.record
    if new_id in state.rows[d.table]:
        return "conflict", new_id, f"{new_id} already exists"
    article_id, problem = _article(state.articles, rec)
    if problem:
        return problem[0], new_id, problem[1]
    text = state.articles[article_id].get("text") or ""
    found = _occurrences(text, rec["evidence"])
    if not found:
        return "evidence_not_found", new_id, f"the evidence {_short(rec['evidence'])!r} is not in article {article_id}"
    start, end = found[0].start(), found[0].end()
    evidence = {"article_id": article_id, "sentence": _sentence(text, start, end), "char_start": start, "char_end": end}
    values = {k: v for k, v in rec.items() if k not in ("article_id", "source_url", "evidence")}
    same = _same_evidence(state, d.table, evidence, values)
    if same:
        return "conflict", new_id, f"{same} already has this evidence; reject one of them"
    row = {**{c: None for c in state.columns[d.table]}, **values, **evidence, KEYS[d.table]: new_id,
           "origin": "hand_added"}
    if d.table == "incidents":
        # As for a machine event of one mention (caravan.curate.incident_merge), the mention's id is the event's.
        source = {**{c: None for c in state.columns[SOURCES]}, SOURCE_KEY: new_id, "incident_id": new_id,
                  **evidence, **{c: values.get(c) for c in _SOURCE_COLUMNS}, "origin": "hand_added"}
        state.rows[SOURCES][new_id] = source
        row.update(n_sources=1, n_articles=1, merge_rule=f"added by curation decision {d.id}")
    state.rows[d.table][new_id] = row
    where = f" (first of {len(found)} occurrences)" if len(found) > 1 else ""
    return "applied", new_id, f"added: {summary(d.table, row)}; evidence at {start}-{end} of {article_id}{where}"


_APPLY = {"reject": _reject, "correct": _correct, "merge": _merge, "split": _split, "add": _add}


def _log_row(decision: Decision, result: _Result) -> dict:
    """The curation_log row of ``decision``: what came of it, and who decided it, when and why."""
    status, record_id, detail = result
    return {"decision_id": decision.id, "action": decision.action, "table": decision.table,
            "record_id": record_id, "status": status, "detail": detail, "reason": decision.reason,
            "decided_by": decision.decided_by, "decided_on": decision.decided_on, "file": decision.file}


# --- The evidence of an added record: its article, its place in the text, no record already on it ----


def _article(articles: dict[str, dict], rec: dict) -> tuple[str | None, tuple[str, str] | None]:
    """The article an ``add`` names by id and/or url, or (status, detail) of why it names none."""
    by_url = None
    if "source_url" in rec:
        matches = sorted(a for a, art in articles.items() if _same_url(art.get("url"), rec["source_url"]))
        if not matches:
            return None, ("record_not_found", f"no article has the url {rec['source_url']}")
        by_url = matches[0]
    article_id = rec.get("article_id", by_url)
    if article_id not in articles:
        return None, ("record_not_found", f"no article {article_id} in the corpus")
    if by_url and by_url != article_id:
        return None, ("conflict", f"article_id {article_id} and source_url {rec['source_url']} name different articles")
    return article_id, None


def _occurrences(text: str, evidence: str) -> list[re.Match]:
    """Where the words of ``evidence`` stand in ``text``, whatever the spaces or line breaks between them."""
    return list(re.finditer(r"\s+".join(re.escape(w) for w in evidence.split()), text))


def _same_evidence(state: _State, table: str, evidence: dict, values: dict) -> str | None:
    """The id of a record of ``table`` already on this span (of the same type or indicator), else None."""
    span = tuple(evidence[c] for c in ("article_id", "char_start", "char_end"))
    if table == "incidents":
        incidents = state.rows["incidents"]
        for source in state.rows[SOURCES].values():
            incident = incidents.get(source.get("incident_id"), {})
            if tuple(source.get(c) for c in ("article_id", "char_start", "char_end")) == span \
                    and incident.get("type") == values.get("type"):
                return source["incident_id"]
        return None
    for record_id, row in state.rows[table].items():
        if tuple(row.get(c) for c in ("article_id", "char_start", "char_end")) == span \
                and (table != "economic_figures" or row.get("indicator") == values.get("indicator")):
            return record_id
    return None


def _same_url(a: str | None, b: str) -> bool:
    return bool(a) and a.strip().rstrip("/") == b.strip().rstrip("/")


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence(s) holding text[start:end]."""
    sents = sentences(text)
    first, last = sentence_at(sents, start), sentence_at(sents, end - 1)
    if first is None or last is None:
        return text[start:end]
    return text[first.start:last.end]


def _singular(table: str) -> str:
    return {"quotes": "quote", "incidents": "incident", "economic_figures": "economic figure"}.get(table, table)


# --- Review --------------------------------------------------------------------------------------------


def _short(text: str | None, words: int = 10) -> str:
    parts = (text or "").split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def summary(table: str, row: dict) -> str:
    """One line that says what a record is, for the review list and the log."""
    if table == "quotes":
        return f"{row.get('speaker') or 'unattributed'}: “{_short(row.get('text'))}”"
    if table == "incidents":
        place = ", ".join(p for p in (row.get("city"), row.get("region"), row.get("country")) if p) or "no place"
        counts = ", ".join(f"{k} {row[k]}" for k in ("killed", "injured", "victims", "arrested") if row.get(k) is not None)
        mentions = f" [{row['n_sources']} mentions]" if (row.get("n_sources") or 0) > 1 else ""
        return f"{row.get('type')} in {place} on {row.get('date') or 'no date'}" + (f" ({counts})" if counts else "") + mentions
    if table == "economic_figures":
        value = row.get("value")
        number = f"{value:,.15g}" if isinstance(value, (int, float)) else str(value)
        qualifier = "" if row.get("qualifier") in (None, "exact") else f"{row['qualifier']} "
        period = f", {row['period']}" if row.get("period") else ""
        return f"{qualifier}{number} {row.get('unit')} ({row.get('indicator')}) of {row.get('subject') or 'no subject'}{period}"
    return str(row)


def uncovered(tables: dict[str, list[dict]], decisions: list[Decision]) -> list[dict]:
    """Records of quotes, incidents and economic_figures that no decision names yet, in table order."""
    named = {(d.table, i) for d in decisions for i in d.named_ids()}
    out = []
    for table in CURATED_TABLES:
        key = KEYS[table]
        for row in tables.get(table, []):
            if (table, row[key]) not in named:
                out.append({"table": table, "record_id": row[key], "article_id": row.get("article_id"),
                            "summary": summary(table, row), "sentence": row.get("sentence")})
    return out


def format_review(rows: list[dict]) -> str:
    """What ``caravan review`` prints: the uncovered records by table, each with its evidence sentence."""
    if not rows:
        return "Every record is covered by a curation decision.\n"
    counts = {t: sum(1 for r in rows if r["table"] == t) for t in dict.fromkeys(r["table"] for r in rows)}
    lines = [f"{len(rows)} record(s) no curation decision covers yet: "
             + ", ".join(f"{t} {n}" for t, n in counts.items()), ""]
    for table, n in counts.items():
        lines.append(f"== {table} ({n}) ==")
        for row in (r for r in rows if r["table"] == table):
            lines.append(f"{row['record_id']}  {row['summary']}")
            lines.append(f"    article {row.get('article_id')}: {' '.join((row.get('sentence') or '').split())}")
        lines.append("")
    return "\n".join(lines)
