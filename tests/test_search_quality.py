"""The stemmer stays only while it measurably helps: bench/search_quality.py's labelled queries."""

from __future__ import annotations

from bench.search_quality import evaluate


def test_stem_expansion_beats_plain_tokens_on_the_labelled_queries():
    result = evaluate(articles=120)
    plain_p, plain_r, plain_f1, plain_p10 = result["plain"]
    stems_p, stems_r, stems_f1, stems_p10 = result["stems"]
    assert stems_r == 1.0 and plain_r < 0.8  # every relevant article found: the point of stems
    assert stems_f1 > plain_f1 + 0.1
    assert stems_p10 >= plain_p10  # the exact word counts twice: it ranks first
