"""Scoring extraction against gold labels, as docs/EVALUATION.md specifies.

Matching is one-to-one and greedy: every admissible (prediction, gold) pair is ranked, best first, and
taken unless one side is already used. Ties fall back to gold order, then prediction order, so the
same input always gives the same matches. P/R/F1 are pooled over all articles (micro-averaged), and so
are the accuracies over matches.

Choices the specification leaves open:
- Nothing to find and nothing predicted gives P = R = F1 = 1.0. Predictions with nothing to find, or
  nothing predicted with something to find, give P = R = F1 = 0.0 (a division by zero counts as 0).
- Accuracies over zero matches are None: null in JSON, "-" in the table, 0.000 in the summary line.
- Incident accuracies are over true positives only: a match with an optional gold incident is not
  scored at all, as it is neither a true nor a false positive.
- Tie-breaks among equally good pairs: quotes prefer the right speaker, figures the same indicator and
  then the same period. Fields are compared exactly where the specification says "equal", and
  case-insensitively only where it says so (city, speaker surname).
- Quote texts: lower-cased; apostrophes inside words are dropped ("don’t" = "don't" = "dont"); every
  other punctuation mark, quotation marks included (straight, curly, guillemets, single), separates
  tokens. Token F1 is over bags of tokens.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from caravan.ingest.corpus import Article, iter_corpus
from caravan.extract.records import extract_article
from caravan.store.vocabularies import COUNT_KINDS

QUOTE_THRESHOLD = 0.8
FIGURE_TOLERANCE = 0.005  # relative to the gold value
KINDS = ("quotes", "incidents", "figures")
# What is reported over the matches of each kind, in table order.
CHECKS = {
    "quotes": ("attribution", "partial", "medium"),
    "incidents": ("date",) + COUNT_KINDS,
    "figures": ("qualifier", "period", "indicator"),
}
_TABLE_OF_KIND = {"quotes": "quotes", "incidents": "incidents", "figures": "economic_figures"}
_APOSTROPHES = "'’ʼ"
_EXTRA_MARKS = "`´"  # used as quotation marks but not in Unicode's punctuation categories
_NAME_PUNCTUATION = ".,;:()\"'’‘“”«»"


class EvaluationError(ValueError):
    """Gold and corpus folders that cannot be scored; the message names the file or folder."""


@dataclass(frozen=True)
class KindScore:
    """Counts of one kind (quotes, incidents or figures); ``right`` counts correct matches per check."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    right: dict[str, int] = field(default_factory=dict)

    def __add__(self, other: KindScore) -> KindScore:
        return KindScore(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn,
                         dict(Counter(self.right) + Counter(other.right)))

    @property
    def precision(self) -> float:
        return _prf(self.tp, self.fp, self.fn)[0]

    @property
    def recall(self) -> float:
        return _prf(self.tp, self.fp, self.fn)[1]

    @property
    def f1(self) -> float:
        return _prf(self.tp, self.fp, self.fn)[2]

    def accuracy(self, check: str) -> float | None:
        """Share of the matches (true positives) where ``check`` is right; None without matches."""
        return self.right.get(check, 0) / self.tp if self.tp else None

    @property
    def attributed_f1(self) -> float:
        """F1 counting only matches with the right speaker as true positives (quotes)."""
        right = self.right.get("attribution", 0)
        wrong = self.tp - right
        return _prf(right, self.fp + wrong, self.fn + wrong)[2]


@dataclass(frozen=True)
class Report:
    articles: dict[str, dict[str, KindScore]]  # stem -> kind -> score, in stem order
    skipped: tuple[str, ...] = ()  # corpus articles without a gold file

    @property
    def overall(self) -> dict[str, KindScore]:
        total = {kind: KindScore() for kind in KINDS}
        for scores in self.articles.values():
            total = {kind: total[kind] + scores[kind] for kind in KINDS}
        return total

    def summary(self) -> dict[str, float]:
        overall = self.overall
        return {
            "quotes_f1": overall["quotes"].f1,
            "attribution": overall["quotes"].accuracy("attribution") or 0.0,
            "incidents_f1": overall["incidents"].f1,
            "figures_f1": overall["figures"].f1,
        }


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    if tp + fp + fn == 0:
        return 1.0, 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn)
    return precision, recall, f1


# --- matching -----------------------------------------------------------------------------------

def _greedy(candidates: list[tuple[tuple, int, int]]) -> list[tuple[int, int]]:
    """One-to-one pairs (pred, gold) from (rank key, pred, gold) candidates, lowest key first."""
    used_pred, used_gold, pairs = set(), set(), []
    for _, p, g in sorted(candidates):
        if p not in used_pred and g not in used_gold:
            used_pred.add(p)
            used_gold.add(g)
            pairs.append((p, g))
    return pairs


def quote_tokens(text: str | None) -> list[str]:
    """Tokens of a quote text: lower-cased, without punctuation or quotation marks."""
    if not text:
        return []
    text, chars = text.casefold(), []
    for i, ch in enumerate(text):
        if ch in _APOSTROPHES and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum():
            continue  # "don't": one word, whichever apostrophe the writer used
        chars.append(" " if unicodedata.category(ch).startswith("P") or ch in _EXTRA_MARKS else ch)
    return "".join(chars).split()


def token_f1(predicted: str | None, gold: str | None) -> float:
    pred_tokens, gold_tokens = quote_tokens(predicted), quote_tokens(gold)
    if not pred_tokens or not gold_tokens:
        return 0.0
    overlap = sum((Counter(pred_tokens) & Counter(gold_tokens)).values())
    # 2·overlap/(|p|+|g|) equals 2PR/(P+R) and is exact at the 0.8 threshold (no rounding below it).
    return 2 * overlap / (len(pred_tokens) + len(gold_tokens))


def _surname(speaker: str | None) -> str | None:
    tokens = [t.strip(_NAME_PUNCTUATION) for t in (speaker or "").split()]
    tokens = [t for t in tokens if t]
    return tokens[-1].casefold() if tokens else None


def _same_speaker(pred: dict, gold: dict) -> bool:
    surname = _surname(gold.get("speaker"))
    return surname is not None and _surname(pred.get("speaker")) == surname


def _fold(name: str | None) -> str | None:
    """Case-insensitive, accent-free form of a place name ("Kalúga" = "KALUGA")."""
    if name is None:
        return None
    decomposed = unicodedata.normalize("NFKD", name)
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().split())


def _score_quotes(pred: list[dict], gold: list[dict]) -> KindScore:
    candidates = []
    for g, gq in enumerate(gold):
        for p, pq in enumerate(pred):
            f1 = token_f1(pq.get("text"), gq.get("text"))
            if f1 >= QUOTE_THRESHOLD:
                candidates.append(((-f1, not _same_speaker(pq, gq), g, p), p, g))
    pairs = _greedy(candidates)
    right = Counter()
    for p, g in pairs:
        right["attribution"] += _same_speaker(pred[p], gold[g])
        right["partial"] += pred[p].get("partial") == gold[g].get("partial")
        right["medium"] += pred[p].get("medium") == gold[g].get("medium")
    return KindScore(len(pairs), len(pred) - len(pairs), len(gold) - len(pairs), dict(right))


def _incident_matches(pred: dict, gold: dict) -> bool:
    return (pred.get("type") == gold.get("type") and pred.get("country") == gold.get("country")
            and (gold.get("city") is None or _fold(pred.get("city")) == _fold(gold.get("city"))))


def _same_count(pred: dict | None, gold: dict | None) -> bool:
    if pred is None or gold is None:
        return pred is None and gold is None
    return pred.get("value") == gold.get("value") and pred.get("qualifier") == gold.get("qualifier")


def _score_incidents(pred: list[dict], gold: list[dict]) -> KindScore:
    candidates = []
    for g, gi in enumerate(gold):
        for p, pi in enumerate(pred):
            if _incident_matches(pi, gi):
                key = (bool(gi.get("optional")), pi.get("date") != gi.get("date"),
                       _fold(pi.get("city")) != _fold(gi.get("city")), g, p)
                candidates.append((key, p, g))
    pairs = _greedy(candidates)
    required = [(p, g) for p, g in pairs if not gold[g].get("optional")]
    right = Counter()
    for p, g in required:
        right["date"] += pred[p].get("date") == gold[g].get("date")
        for kind in COUNT_KINDS:
            right[kind] += _same_count(pred[p].get(kind), gold[g].get(kind))
    n_required = sum(not gi.get("optional") for gi in gold)
    # Predictions matched to optional gold incidents count neither way.
    fp = len(pred) - len(pairs)
    return KindScore(len(required), fp, n_required - len(required), dict(right))


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _score_figures(pred: list[dict], gold: list[dict]) -> KindScore:
    candidates = []
    for g, gf in enumerate(gold):
        gold_value = _number(gf.get("value"))
        for p, pf in enumerate(pred):
            value = _number(pf.get("value"))
            if gold_value is None or value is None or pf.get("unit") != gf.get("unit"):
                continue
            gap = abs(value - gold_value)
            # The small slack keeps a value exactly 0.5 % off inside despite float rounding.
            if gap <= FIGURE_TOLERANCE * abs(gold_value) * (1 + 1e-9):
                closeness = gap / abs(gold_value) if gold_value else 0.0
                key = (closeness, pf.get("indicator") != gf.get("indicator"), pf.get("period") != gf.get("period"), g, p)
                candidates.append((key, p, g))
    pairs = _greedy(candidates)
    right = Counter()
    for p, g in pairs:
        for check in CHECKS["figures"]:
            right[check] += pred[p].get(check) == gold[g].get(check)
    return KindScore(len(pairs), len(pred) - len(pairs), len(gold) - len(pairs), dict(right))


_SCORERS = {"quotes": _score_quotes, "incidents": _score_incidents, "figures": _score_figures}


def score(predictions: dict[str, dict], gold: dict[str, dict]) -> Report:
    """Score predictions against gold, both keyed by article stem and in the gold format.

    An article with gold but no predictions scores as if nothing was predicted.
    """
    orphans = sorted(set(predictions) - set(gold))
    if orphans:
        raise EvaluationError(f"predictions for articles without gold labels: {', '.join(orphans)}")
    articles = {}
    for stem in sorted(gold):
        pred = predictions.get(stem) or {}
        articles[stem] = {kind: _SCORERS[kind](list(pred.get(kind) or []), list(gold[stem].get(kind) or []))
                          for kind in KINDS}
    return Report(articles)


# --- from extracted rows to the gold format ----------------------------------------------------

def predictions_for(article: Article, records: dict[str, list[dict]]) -> dict:
    """The rows of ``extract_article(article)`` in the gold format of EVALUATION.md."""

    def evidence(row: dict) -> str | None:
        start, end = row.get("char_start"), row.get("char_end")
        return article.text[start:end] if start is not None and end is not None else None

    def count(row: dict, kind: str) -> dict | None:
        if row.get(kind) is None:
            return None
        return {"value": row[kind], "qualifier": row.get(f"{kind}_qualifier")}

    rows = {kind: records.get(_TABLE_OF_KIND[kind]) or [] for kind in KINDS}
    return {
        "quotes": [{"speaker": r.get("speaker"), "speaker_description": r.get("speaker_description"),
                    "text": r.get("text"), "partial": r.get("partial"), "medium": r.get("medium")}
                   for r in rows["quotes"]],
        "incidents": [{"type": r.get("type"), "city": r.get("city"), "region": r.get("region"),
                       "country": r.get("country"), "date": r.get("date"),
                       **{kind: count(r, kind) for kind in COUNT_KINDS},
                       "target_group": r.get("target_group"), "perpetrator": r.get("perpetrator"),
                       "evidence": evidence(r)}
                      for r in rows["incidents"]],
        "figures": [{"subject": r.get("subject"), "indicator": r.get("indicator"), "value": r.get("value"),
                     "unit": r.get("unit"), "qualifier": r.get("qualifier"), "period": r.get("period"),
                     "source": r.get("source"), "evidence": evidence(r)}
                    for r in rows["figures"]],
    }


# --- folders -----------------------------------------------------------------------------------

def read_gold(path: Path) -> dict:
    """One gold file, checked for the shape scoring relies on; errors name the file."""
    path = Path(path)
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvaluationError(f"{path}: gold file is not valid UTF-8 JSON ({exc})") from exc
    if not isinstance(gold, dict):
        raise EvaluationError(f"{path}: gold file must be a JSON object")
    for kind in KINDS:
        records = gold.get(kind, [])
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise EvaluationError(f"{path}: '{kind}' must be a list of objects")
        for i, rec in enumerate(records):
            if kind == "quotes" and not isinstance(rec.get("text"), str):
                raise EvaluationError(f"{path}: quotes[{i}] has no text")
            if kind == "incidents" and not (rec.get("type") and rec.get("country")):
                raise EvaluationError(f"{path}: incidents[{i}] needs a type and a country")
            if kind == "figures" and (_number(rec.get("value")) is None or not rec.get("unit")):
                raise EvaluationError(f"{path}: figures[{i}] needs a numeric value and a unit")
    return gold


def evaluate_folder(corpus_dir: Path, gold_dir: Path) -> Report:
    """Extract every article of ``corpus_dir`` that has a gold ``STEM.json`` in ``gold_dir``, and score.

    Articles without a gold file are listed in ``Report.skipped``; a gold file without an article is
    an error, as is a gold folder without any gold file (scoring nothing would look perfect).
    """
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise EvaluationError(f"{gold_dir}: gold folder does not exist")
    # Article metadata files are not gold, should the two folders be the same.
    gold_paths = {p.name.removesuffix(".json"): p for p in sorted(gold_dir.glob("*.json"))
                  if not p.name.endswith(".meta.json")}
    if not gold_paths:
        raise EvaluationError(f"{gold_dir}: no gold files (STEM.json)")
    articles = list(iter_corpus(Path(corpus_dir)))
    orphans = [str(gold_paths[stem]) for stem in gold_paths if stem not in {a.stem for a in articles}]
    if orphans:
        raise EvaluationError(f"gold files without an article STEM.txt in {corpus_dir}: {', '.join(orphans)}")
    gold = {stem: read_gold(path) for stem, path in gold_paths.items()}
    predictions, skipped = {}, []
    for article in articles:
        if article.stem in gold:
            predictions[article.stem] = predictions_for(article, extract_article(article))
        else:
            skipped.append(article.stem)
    return replace(score(predictions, gold), skipped=tuple(skipped))


# --- output ------------------------------------------------------------------------------------

def _check_key(check: str) -> str:
    return check if check == "attribution" else f"{check}_accuracy"


def _kind_json(kind: str, s: KindScore) -> dict:
    out = {"tp": s.tp, "fp": s.fp, "fn": s.fn, "precision": s.precision, "recall": s.recall, "f1": s.f1}
    for check in CHECKS[kind]:
        out[_check_key(check)] = s.accuracy(check)
        if check == "attribution":
            out["attributed_f1"] = s.attributed_f1
    return out


def report_json(report: Report) -> dict:
    """The figures of the table, overall and per article, as plain JSON values."""
    return {
        "summary": report.summary(),
        "overall": {kind: _kind_json(kind, s) for kind, s in report.overall.items()},
        "articles": {stem: {kind: _kind_json(kind, s) for kind, s in scores.items()}
                     for stem, scores in report.articles.items()},
        "skipped": list(report.skipped),
    }


_HEADERS = {"precision": "P", "recall": "R", "f1": "F1", "attribution": "attr", "attributed_f1": "attr_F1"}


def _cell(value) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def format_table(report: Report) -> str:
    """A terminal table per kind (one row per article, then overall); the last line is the summary."""
    lines = []
    for kind in KINDS:
        rows = [(stem, _kind_json(kind, scores[kind])) for stem, scores in report.articles.items()]
        rows.append(("overall", _kind_json(kind, report.overall[kind])))
        keys = list(rows[0][1])
        headers = [kind.upper()] + [_HEADERS.get(k, k.removesuffix("_accuracy")) for k in keys]
        table = [[name] + [_cell(fields[k]) for k in keys] for name, fields in rows]
        widths = [max(len(row[i]) for row in [headers] + table) for i in range(len(headers))]
        for row in [headers] + table:
            lines.append("  ".join([row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]))
        lines.append("")
    if report.skipped:
        lines.append(f"skipped (no gold file): {', '.join(report.skipped)}")
        lines.append("")
    summary = report.summary()
    lines.append(" ".join(f"{name}={value:.3f}" for name, value in summary.items()))
    return "\n".join(lines)
