"""Comment sentiment (VADER): scores worked out by hand from VADER's lexicon values.

VADER's compound score of a text is ``x / sqrt(x**2 + 15)`` where ``x`` sums the lexicon valences
(with its rules for negation, boosters and punctuation, none of which occur below). The lexicon
gives ``great`` 3.1 and ``bad`` -2.5; ``the laptop`` holds no lexicon word.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pmokit.survey import comments, tables

GREAT = 3.1 / math.sqrt(3.1**2 + 15)  # 0.6249
BAD = -2.5 / math.sqrt(2.5**2 + 15)  # -0.5423


def test_scores_follow_the_lexicon_formula():
    scores = comments.sentiment(pd.Series(["great", "bad", "the laptop", None]))
    assert scores.tolist() == pytest.approx([GREAT, BAD, 0.0, 0.0], abs=1e-4)


def test_negation_flips_the_sign():
    # VADER scales a negated word by -0.74: "not great" = -0.74 * 3.1 -> compound of -2.294
    assert comments.sentiment(pd.Series(["not great"])).iloc[0] == pytest.approx(
        -2.294 / math.sqrt(2.294**2 + 15), abs=1e-4
    )


def test_per_question_table_mean_and_shares():
    shown = pd.DataFrame(
        {"question": ["Went well", "Went well", "Went well", "Change"], "text": ["great", "bad", "the laptop", "great"]}
    )
    table = tables.comment_sentiment(shown).set_index("Question")
    assert table.loc["Went well", "Comments"] == 3 and table.loc["Change", "Comments"] == 1
    assert table.loc["Went well", "Mean sentiment (-1..1)"] == pytest.approx((GREAT + BAD + 0.0) / 3, abs=1e-4)
    assert table.loc["Went well", ["Positive %", "Neutral %", "Negative %"]].tolist() == pytest.approx([100 / 3] * 3)
    assert table.loc["Change", ["Positive %", "Neutral %", "Negative %"]].tolist() == [100.0, 0.0, 0.0]


def test_no_comments_gives_an_empty_table():
    empty = tables.comment_sentiment(pd.DataFrame({"question": [], "text": []}))
    assert empty.empty and "Negative %" in empty.columns
