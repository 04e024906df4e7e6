"""Two captures' clean texts compared: a unified diff of lines for the terminal, and field by field
(title, category, every block) with word-level insertions and deletions for the side-by-side page."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from archive.search.text import parse_clean_text

SAME, CHANGED, ADDED, REMOVED = "same", "changed", "added", "removed"
PAIR_RATIO = 0.4  # blocks of a replaced run this similar are one block edited, not one removed + one added
_PIECES = re.compile(r"\s+|[^\s]+")

Segment = tuple[str, str]  # ("same" | "del" | "ins", text)


@dataclass(frozen=True)
class Row:
    """One field or block of the two texts: ``old``/``new`` as segments (empty on the missing side)."""

    field: str  # "title", "category" or "block"
    kind: str  # same, changed, added, removed
    old: tuple[Segment, ...]
    new: tuple[Segment, ...]


def unified(old: str, new: str, old_label: str = "old", new_label: str = "new", context: int = 3) -> str:
    """``diff -u`` of two texts, line by line."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), old_label, new_label, n=context
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def words_diff(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Word-level segments of ``old`` (same/del) and ``new`` (same/ins)."""
    a, b = _PIECES.findall(old), _PIECES.findall(new)
    left: list[Segment] = []
    right: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            left.append((SAME, "".join(a[i1:i2])))
            right.append((SAME, "".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            right.append(("ins", "".join(b[j1:j2])))
    return _merge(left), _merge(right)


def _merge(segments: list[Segment]) -> tuple[Segment, ...]:
    out: list[Segment] = []
    for op, text in segments:
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        elif text:
            out.append((op, text))
    return tuple(out)


def _field(name: str, old: str, new: str) -> Row:
    if old == new:
        return Row(name, SAME, ((SAME, old),) if old else (), ((SAME, new),) if new else ())
    left, right = words_diff(old, new)
    kind = ADDED if not old else REMOVED if not new else CHANGED
    return Row(name, kind, left, right)


def compare(old_text: str, new_text: str) -> list[Row]:
    """Title, category, then the blocks aligned (difflib over whole blocks; within a replaced run,
    similar blocks are paired and diffed word by word)."""
    old, new = parse_clean_text(old_text), parse_clean_text(new_text)
    rows = [_field("title", old.title, new.title), _field("category", old.category, new.category)]
    matcher = difflib.SequenceMatcher(None, old.blocks, new.blocks, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [Row("block", SAME, ((SAME, b),), ((SAME, b),)) for b in old.blocks[i1:i2]]
        else:
            rows += _replaced(old.blocks[i1:i2], new.blocks[j1:j2])
    return rows


def _replaced(olds: tuple[str, ...], news: tuple[str, ...]) -> list[Row]:
    rows: list[Row] = []
    j = 0
    for block in olds:
        best, best_ratio = None, PAIR_RATIO
        for k in range(j, len(news)):
            ratio = difflib.SequenceMatcher(None, block.split(), news[k].split(), autojunk=False).ratio()
            if ratio >= best_ratio:
                best, best_ratio = k, ratio
        if best is None:
            rows.append(Row("block", REMOVED, ((("del", block)),), ()))
            continue
        rows += [Row("block", ADDED, (), (("ins", b),)) for b in news[j:best]]
        rows.append(_field("block", block, news[best]))
        j = best + 1
    rows += [Row("block", ADDED, (), (("ins", b),)) for b in news[j:]]
    return rows


def changed_rows(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.kind != SAME]
