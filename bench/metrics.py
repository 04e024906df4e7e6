"""Scores for extracted text: word 4-gram precision/recall/F1 and boilerplate leaks.

The 4-gram metric is the one of Scrapinghub's article-extraction-benchmark (``evaluate.py``):
``\\w+`` tokens, shingles of four, per page TP/FP/FN normalised to sum 1, precision and recall
averaged over pages, F1 from the two averages.
"""

from __future__ import annotations

import re
from collections import Counter
from statistics import mean

TOKEN = re.compile(r"\w+", re.UNICODE)
# Boilerplate a reader would notice in an article text file. Deliberately written apart from the
# extractor's own safety net, so the harness does not grade the extractor by its own rules.
LEAKS = [
    re.compile(p, re.I)
    for p in (
        r"tinggalkan (balasan|komentar)",
        r"leave a (reply|comment)",
        r"tidak akan dipublikasikan",
        r"will not be published",
        r"wajib ditandai",
        r"required fields are marked",
        r"^\s*\d*\s*\+\s*\d*\s*=\s*\d*\s*$",
        r"save my name, email",
        r"simpan nama, (email|surel)",
        r"post comment|kirim komentar",
        r"^(share|bagikan)( this| ini)?\s*:?$",
        r"^(facebook|twitter|whatsapp|telegram)$",
        r"click to share|klik untuk berbagi",
        r"^like this:?$",
        r"^(tags?|topik)\s*:",
        r"^(related posts?|berita terkait|artikel terkait|you may also like)$",
        r"^(terpopuler|populer|most popular)$",
        r"newsletter|berlangganan",
        r"cookies?\b.*\b(accept|setuju|terima)",
        r"all rights reserved|hak cipta dilindungi",
        r"^(advertisement|iklan)$",
        r"^(home|beranda)\s*[»>/›]",
    )
]


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text or "")


def shingles(text: str, n: int = 4) -> Counter:
    words = tokens(text)
    return Counter(tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1)) if words[i : i + n])


def tp_fp_fn(expected: str, predicted: str) -> tuple[float, float, float]:
    """Shingle matches of one page, normalised so long pages weigh no more than short ones."""
    true, pred = shingles(expected), shingles(predicted)
    tp = fp = fn = 0.0
    for key in true.keys() | pred.keys():
        t, p = true.get(key, 0), pred.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp, fp, fn):
    return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp, fp, fn):
    return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)


def page_f1(counts) -> float:
    p, r = _precision(*counts), _recall(*counts)
    return 2 * p * r / (p + r) if p + r else 0.0


def summary(all_counts) -> dict[str, float]:
    """Precision, recall (averaged over pages) and F1, as the benchmark computes them."""
    precisions = [_precision(*c) for c in all_counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in all_counts if c[0] + c[2] > 0]
    p = mean(precisions) if precisions else 0.0
    r = mean(recalls) if recalls else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def leaks(expected_blocks: list[str], predicted_blocks: list[str]) -> list[str]:
    """Predicted blocks that look like boilerplate and are not found in the expected text."""
    wanted = "\n".join(expected_blocks)
    return [b for b in predicted_blocks if b not in wanted and any(p.search(b) for p in LEAKS)]
