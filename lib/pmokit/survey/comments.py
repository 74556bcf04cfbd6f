"""Comments: themes from a keyword list, frequent terms and phrases, lexicon sentiment (VADER)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Mapping

import numpy as np
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

STOPWORDS = frozenset(
    """
a about above after again against all am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her
here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only
or other our ours out over own same she should so some such than that the their them then there these they
this those through to too under until up very was we were what when where which while who whom why will
with would you your yours also really get got still much even one lot bit us its it's i'm i've don't
e removed phone mail
""".split()
)
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
        hit = (
            distinct.str.contains("|".join(re.escape(w.lower()) for w in words), regex=True).to_numpy(dtype=bool)
            if words and len(distinct)
            else np.zeros(len(distinct), dtype=bool)
        )
        columns[theme] = hit[codes] if len(codes) else np.zeros(0, dtype=bool)
    return pd.DataFrame(columns, index=texts.index)


def theme_counts(texts: pd.Series, themes: Mapping[str, list[str]]) -> pd.DataFrame:
    """Comments per theme and their share of all comments (``Theme, Comments, Share of comments %``)."""
    tags = tag_themes(texts, themes)
    total = max(len(texts), 1)
    rows = [
        {"Theme": t, "Comments": int(tags[t].sum()), "Share of comments %": 100 * tags[t].sum() / total}
        for t in tags.columns
    ]
    return pd.DataFrame(rows, columns=["Theme", "Comments", "Share of comments %"]).sort_values(
        "Comments", ascending=False, kind="stable"
    )


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


#: VADER's recommended cut-offs: compound >= 0.05 reads positive, <= -0.05 negative, neutral between.
POSITIVE_FROM = 0.05
NEGATIVE_TO = -0.05


def sentiment(texts: pd.Series) -> pd.Series:
    """VADER compound sentiment (-1 negative .. +1 positive) per comment.

    VADER is a lexicon and rules tuned to short informal text; its lexicon ships inside the
    package (no download). Each distinct text is scored once (about 60 microseconds each).

    Examples
    --------
    >>> sentiment(pd.Series(["great", "great", "ok then"])).round(4).tolist()  # 3.1 / sqrt(3.1**2 + 15)
    [0.6249, 0.6249, 0.296]
    """
    analyser = SentimentIntensityAnalyzer()
    codes, uniques = pd.factorize(texts.fillna("").astype(str))
    scores = np.array([analyser.polarity_scores(t)["compound"] for t in uniques], dtype=float)
    return pd.Series(scores[codes] if len(uniques) else np.zeros(0), index=texts.index, dtype=float)


def sentiment_label(scores: pd.Series) -> pd.Series:
    """positive / neutral / negative by VADER's cut-offs.

    Examples
    --------
    >>> sentiment_label(pd.Series([0.05, 0.049, -0.049, -0.05])).tolist()
    ['positive', 'neutral', 'neutral', 'negative']
    """
    labels = np.select([scores >= POSITIVE_FROM, scores <= NEGATIVE_TO], ["positive", "negative"], "neutral")
    return pd.Series(labels, index=scores.index, dtype="string")
