"""Comments: themes from a keyword list, frequent terms and phrases, optional lexicon sentiment."""

from __future__ import annotations

import re
from collections import Counter
from typing import Mapping

import numpy as np
import pandas as pd

STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her
here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only
or other our ours out over own same she should so some such than that the their them then there these they
this those through to too under until up very was we were what when where which while who whom why will
with would you your yours also really get got still much even one lot bit us its it's i'm i've don't
e removed phone mail
""".split())
_WORD = re.compile(r"[a-z][a-z']+")


def tag_themes(texts: pd.Series, themes: Mapping[str, list[str]]) -> pd.DataFrame:
    """One boolean column per theme: the comment contains one of its keywords (case-insensitive).

    >>> tag_themes(pd.Series(["Training was short", "VPN drops"]), {"Training": ["train"], "Network": ["vpn"]}).values.tolist()
    [[True, False], [False, True]]
    """
    codes, uniques = pd.factorize(texts.astype(str).str.lower())
    distinct = pd.Series(uniques, dtype=object)
    columns = {}
    for theme, words in themes.items():
        hit = (distinct.str.contains("|".join(re.escape(w.lower()) for w in words), regex=True).to_numpy(dtype=bool)
               if words and len(distinct) else np.zeros(len(distinct), dtype=bool))
        columns[theme] = hit[codes] if len(codes) else np.zeros(0, dtype=bool)
    return pd.DataFrame(columns, index=texts.index)


def theme_counts(texts: pd.Series, themes: Mapping[str, list[str]]) -> pd.DataFrame:
    """Comments per theme and their share of all comments (``Theme, Comments, Share of comments %``)."""
    tags = tag_themes(texts, themes)
    total = max(len(texts), 1)
    rows = [{"Theme": t, "Comments": int(tags[t].sum()), "Share of comments %": 100 * tags[t].sum() / total} for t in tags.columns]
    return pd.DataFrame(rows, columns=["Theme", "Comments", "Share of comments %"]).sort_values("Comments", ascending=False, kind="stable")


def frequent_terms(texts: pd.Series, top: int = 15) -> pd.DataFrame:
    """Most frequent words and two-word phrases (stop-words removed), counted once per comment.

    >>> frequent_terms(pd.Series(["Slow VPN login", "slow vpn again", "fast laptop"]), top=2)["Term"].tolist()
    ['slow', 'slow vpn']
    """
    words, phrases = Counter(), Counter()
    # Identical comments are common in large surveys: tokenise each distinct text once, weight by count.
    for text, count in texts.astype(str).value_counts(sort=False).items():
        tokens = _WORD.findall(text.lower())
        for word in {t for t in tokens if t not in STOPWORDS}:
            words[word] += count
        # A phrase is two neighbouring words of the comment itself, neither a stop-word.
        for phrase in {f"{a} {b}" for a, b in zip(tokens, tokens[1:]) if a not in STOPWORDS and b not in STOPWORDS}:
            phrases[phrase] += count
    ranked = [(w, c, "word") for w, c in words.items()] + [(p, c, "phrase") for p, c in phrases.items() if c > 1]
    ranked.sort(key=lambda r: (-r[1], r[0]))
    return pd.DataFrame(ranked[:top], columns=["Term", "Comments", "Kind"])


def sentiment(texts: pd.Series) -> pd.Series | None:
    """VADER compound sentiment (-1..1) per comment, or None when vaderSentiment is not installed."""
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    analyser = SentimentIntensityAnalyzer()
    return texts.astype(str).map(lambda t: analyser.polarity_scores(t)["compound"])
