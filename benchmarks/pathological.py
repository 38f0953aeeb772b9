"""How extraction time grows with pathological texts: runs of quotation marks, digits, "said", one huge
word, deeply nested brackets, and long runs of ordinary news.

    python benchmarks/pathological.py [--sizes 1000,2000,4000,8000] [--cases quotes,digits] [--cap 20]

For each case and size it builds the text (the case's unit repeated ``size`` times), then times every
stage of ``extract_article`` on it alone: sentence splitting, quotes, incidents, figures. The last
column is the ratio to the previous size's total: about 2 when the time is linear in the size, about 4
when it is quadratic. A stage that runs past ``--cap`` seconds is stopped and the case goes no further.
It prints the figures; nothing asserts them (the tests bound the work with the per-article time budget).
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from anywhere: `python benchmarks/pathological.py`

from caravan.extract import text as text_module  # noqa: E402
from caravan.ingest.corpus import Article  # noqa: E402
from caravan.extract.figures import extract_figures  # noqa: E402
from caravan.common.ids import sha256_text  # noqa: E402
from caravan.extract.incidents import extract_incidents  # noqa: E402
from caravan.extract.quotes import extract_quotes  # noqa: E402
from caravan.synthetic import article as synthetic_article  # noqa: E402


def _news(n: int, separator: str) -> str:
    """``n`` synthetic articles' paragraphs, joined by ``separator`` (one paragraph when a space)."""
    paras: list[str] = []
    i = 0
    while len(paras) < n:
        paras += [p for p in synthetic_article(0, i)[1].split("\n") if p]
        i += 1
    return separator.join(paras[:n])


def _soup(n: int, run: int) -> str:
    """``n`` random quotation marks and brackets (seeded), a space after every ``run``: no two runs alike,
    so that no tokenizer cache helps."""
    rng = random.Random(n)
    marks = "\"“”«»‘’'()[]{}.,!?"
    return " ".join("".join(rng.choice(marks) for _ in range(min(run, n - i))) for i in range(0, n, run))


# name → (what one unit is, text of n units)
CASES = {
    "straight_quotes": ('"', lambda n: '"' * n),
    "spaced_quotes": ('" ', lambda n: '" ' * n),
    "curly_quotes": ("“", lambda n: "“" * n),
    "curly_pairs": ("“a” ", lambda n: "“a” " * n),
    "quoted_words": ('"Word," ', lambda n: '"Word," ' * n),
    "single_quotes": ("'a' ", lambda n: "'a' " * n),
    "guillemets": ("«a» ", lambda n: "«a» " * n),
    "digits": ("1", lambda n: "1" * n),
    "spaced_digits": ("1 ", lambda n: "1 " * n),
    "grouped_digits": ("1,000 ", lambda n: "1,000 " * n),
    "said": ("said ", lambda n: "said " * n),
    "quote_said": ('"We will go," said Ivan Petrov. ', lambda n: '"We will go," said Ivan Petrov. ' * n),
    "names": ("Ivan Petrov ", lambda n: "Ivan Petrov " * n),
    "capitals": ("Aaa ", lambda n: "Aaa " * n),
    "places": ("Moscow, ", lambda n: "Moscow, " * n),
    "dates": ("March 22, ", lambda n: "March 22, " * n),
    "attacks": ("attack in Moscow ", lambda n: "attack in Moscow " * n),
    "money": ("$5 billion ", lambda n: "$5 billion " * n),
    "percents": ("5% of GDP ", lambda n: "remittances were 5% of GDP " * n),
    "people_counts": ("5 million migrants ", lambda n: "5 million migrants " * n),
    "years": ("in 2023 ", lambda n: "in 2023 " * n),
    "sources": ("according to the World Bank, ", lambda n: "according to the World Bank, " * n),
    "said_the_ministry": ("$5 billion, said the ministry, ", lambda n: "$5 billion, said the ministry, " * n),
    "countries": ("Russia, ", lambda n: "Russia, " * n),
    "detained": ("detained 5 migrants ", lambda n: "police detained 5 migrants " * n),
    "attacked_people": ("attacked Tajik migrants ", lambda n: "men attacked Tajik migrants " * n),
    "quoted_attacks": ("“attack” ", lambda n: "“they attacked us” " * n),
    "quote_paragraphs": ("“a,” he said.\n", lambda n: "“We are afraid,” he said.\n" * n),
    "said_names": ("said Ivan Petrov, ", lambda n: "“Go,” said Ivan Petrov, " * n),
    "said_the_driver": ("“Go,” said the driver. ", lambda n: "“Go,” said the driver. " * n),
    "namesakes": ("said Ivan1 Petrov. ", lambda n: "".join(f"“Go,” said Ivan{i:x} Petrov. Petrov said: “No.” "
                                                           .replace("Ivan", "Iv" + "abcdefghij"[i % 10]) for i in range(n))),
    "name_lists": ("Ivan Petrov, ", lambda n: "Anna Petrova, a lawyer, " + "Ivan Petrov, " * n + "said: “No.”"),
    "punct_soup_100": ("mark", lambda n: _soup(n, 100)),
    "punct_soup_1000": ("mark", lambda n: _soup(n, 1000)),
    "spaces": ("space", lambda n: "He said" + " " * n + "it. "),
    "according_spaces": ("space", lambda n: "$5 billion according to" + " " * n + "the bank."),
    "tabs_in_words": ("a\t", lambda n: "a\t" * n),
    "one_word": ("a", lambda n: "a" * n),
    "brackets": ("((", lambda n: "(" * n + ")" * n),
    "square_brackets": ("[[", lambda n: "[" * n + "]" * n),
    "periods": (".", lambda n: "." * n),
    "words_periods": ("a. ", lambda n: "a. " * n),
    "dashes": ("- ", lambda n: "- " * n),
    "news_paragraphs": ("paragraph", lambda n: _news(n, "\n")),
    "news_one_paragraph": ("paragraph", lambda n: _news(n, " ")),
}
STAGES = {
    "sentences": lambda a: text_module.sentences(a.text),
    "quotes": extract_quotes,
    "incidents": extract_incidents,
    "figures": extract_figures,
}


class _Cap(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Cap


def article_of(body: str) -> Article:
    text = body + "\n"
    return Article("bench", "Bench", None, None, "2024-03-30", "day", "en", None, text, len(text),
                   sha256_text(text), "bench.txt")


def time_stage(stage, article: Article, cap: float) -> float | None:
    """Seconds ``stage`` takes on ``article`` (with a fresh sentence cache); None past ``cap``."""
    text_module.sentences.cache_clear()
    if stage is not STAGES["sentences"]:
        text_module.sentences(article.text)  # each extractor asks for the sentences: not its own time
    signal.setitimer(signal.ITIMER_REAL, cap)
    start = time.perf_counter()
    try:
        stage(article)
        return time.perf_counter() - start
    except _Cap:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,2000,4000,8000", help="units per text, comma-separated")
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated, of: " + ", ".join(CASES))
    parser.add_argument("--cap", type=float, default=20.0, help="seconds after which a stage is stopped")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGALRM, _on_alarm)
    warm_up = article_of(_news(20, "\n"))  # the gazetteer, spaCy and the regexes load once
    for stage in STAGES.values():
        stage(warm_up)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'case':<20} {'size':>7} {'chars':>9} " + " ".join(f"{s:>10}" for s in STAGES) + f" {'total':>8} {'ratio':>6}")
    for name in args.cases.split(","):
        _, make = CASES[name]
        previous = None
        for size in sizes:
            article = article_of(make(size))
            times = [time_stage(stage, article, args.cap) for stage in STAGES.values()]
            shown = " ".join(f"{t:>10.3f}" if t is not None else f"{'>' + str(args.cap):>10}" for t in times)
            total = sum(t for t in times if t is not None)
            ratio = f"{total / previous:>6.1f}" if previous and None not in times else ""
            print(f"{name:<20} {size:>7} {article.n_chars:>9} {shown} {total:>8.3f} {ratio}", flush=True)
            if None in times:
                break
            previous = total
    return 0


if __name__ == "__main__":
    sys.exit(main())
