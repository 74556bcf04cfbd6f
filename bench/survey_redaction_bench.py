"""Benchmark (issue 15): redaction time against comment length, for the former and the current patterns.

The former e-mail pattern (``[\\w.+-]+@...`` without a left boundary) retried from every character of
a long run, so its time grew with the square of the length: one 100,000-character comment took
about half a minute. The current patterns (:func:`pmokit.sources.surveys.redact`) start only where
a run starts and never backtrack into one, so the time grows with the length. Also times
:func:`~pmokit.sources.surveys.cut_text` on a 50 MB cell (what reaches a report is 2,000 characters).

Usage: ``python bench/survey_redaction_bench.py [--lengths 10000,20000,40000] [--old]``
(``--old`` also times the former pattern; it is slow on purpose).
"""

from __future__ import annotations

import argparse
import re
import time

from pmokit.sources.surveys import cut_text, redact

OLD_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
OLD_PHONE = re.compile(r"(?<![\w])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d(?:[\s.-]?\d){6,}(?![\w])")
SHAPES = {
    "letters": lambda n: "a" * n,
    "dotted": lambda n: "a." * (n // 2),
    "digits and spaces": lambda n: "1 " * (n // 2) + "x",
    "words 'at'": lambda n: "a at " * (n // 5),
}


def seconds(function, text: str) -> float:
    start = time.perf_counter()
    function(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", default="10000,20000,40000,100000")
    parser.add_argument("--old", action="store_true", help="time the former patterns too (slow)")
    args = parser.parse_args()
    names = frozenset({"jo", "bloggs"})
    for shape, make in SHAPES.items():
        for length in map(int, args.lengths.split(",")):
            text = make(length)
            line = f"{shape:18} {length:>8,} chars  now {seconds(lambda t: redact(t, names), text):8.4f} s"
            if args.old:
                old = seconds(lambda t: OLD_PHONE.sub("", OLD_EMAIL.sub("", t)), text)
                line += f"  former {old:8.3f} s"
            print(line)
    big = "jo.bloggs@example.org " + "z" * 50_000_000
    start = time.perf_counter()
    cut, removed = cut_text(big, names)
    print(f"50 MB cell cut to {len(cut):,} characters ({removed:,} cut) in {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
