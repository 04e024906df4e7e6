"""Build ``data/c9-display.ttf``, the theme's display face: a blocky 5x7 pixel font (capitals,
digits, common punctuation; lower case maps to the capitals), deterministic to the byte.

    python -m crawler.demosite.make_font        # needs fontTools (matplotlib's dependency, test extra)

The site serves the stored file (the demo site itself never imports fontTools). A web font the
replay fails to load shows at once: headings fall back to a system face of another shape.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "c9-display.ttf"
FAMILY = "C9 Display"
PIXEL, ROWS, COLS = 100, 7, 5  # font units per pixel; cap height 700, advance 600
GLYPHS = {
    "A": ".###. #...# #...# ##### #...# #...# #...#",
    "B": "####. #...# #...# ####. #...# #...# ####.",
    "C": ".###. #...# #.... #.... #.... #...# .###.",
    "D": "####. #...# #...# #...# #...# #...# ####.",
    "E": "##### #.... #.... ####. #.... #.... #####",
    "F": "##### #.... #.... ####. #.... #.... #....",
    "G": ".###. #...# #.... #.### #...# #...# .####",
    "H": "#...# #...# #...# ##### #...# #...# #...#",
    "I": ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
    "J": "..### ...#. ...#. ...#. ...#. #..#. .##..",
    "K": "#...# #..#. #.#.. ##... #.#.. #..#. #...#",
    "L": "#.... #.... #.... #.... #.... #.... #####",
    "M": "#...# ##.## #.#.# #.#.# #...# #...# #...#",
    "N": "#...# #...# ##..# #.#.# #..## #...# #...#",
    "O": ".###. #...# #...# #...# #...# #...# .###.",
    "P": "####. #...# #...# ####. #.... #.... #....",
    "Q": ".###. #...# #...# #...# #.#.# #..#. .##.#",
    "R": "####. #...# #...# ####. #.#.. #..#. #...#",
    "S": ".#### #.... #.... .###. ....# ....# ####.",
    "T": "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
    "U": "#...# #...# #...# #...# #...# #...# .###.",
    "V": "#...# #...# #...# #...# #...# .#.#. ..#..",
    "W": "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
    "X": "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
    "Y": "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
    "Z": "##### ....# ...#. ..#.. .#... #.... #####",
    "0": ".###. #...# #..## #.#.# ##..# #...# .###.",
    "1": "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
    "2": ".###. #...# ....# ...#. ..#.. .#... #####",
    "3": "##### ...#. ..#.. ...#. ....# #...# .###.",
    "4": "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
    "5": "##### #.... ####. ....# ....# #...# .###.",
    "6": "..##. .#... #.... ####. #...# #...# .###.",
    "7": "##### ....# ...#. ..#.. .#... .#... .#...",
    "8": ".###. #...# #...# .###. #...# #...# .###.",
    "9": ".###. #...# #...# .#### ....# ...#. .##..",
    ".": "..... ..... ..... ..... ..... ..... ..#..",
    ",": "..... ..... ..... ..... ..... ..#.. .#...",
    ":": "..... ..... ..#.. ..... ..... ..#.. .....",
    "-": "..... ..... ..... .###. ..... ..... .....",
    "'": "..#.. ..#.. ..... ..... ..... ..... .....",
    '"': ".#.#. .#.#. ..... ..... ..... ..... .....",
    "!": "..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..",
    "?": ".###. #...# ....# ...#. ..#.. ..... ..#..",
    "%": "##..# ##..# ...#. ..#.. .#... #..## #..##",
    "(": "...#. ..#.. .#... .#... .#... ..#.. ...#.",
    ")": ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",
    "/": "....# ....# ...#. ..#.. .#... #.... #....",
    "&": ".##.. #..#. #.#.. .#... #.#.# #..#. .##.#",
}
ALIASES = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}


def glyph_name(char: str) -> str:
    return f"uni{ord(char):04X}"


def build() -> bytes:
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef", "space"] + [glyph_name(c) for c in GLYPHS]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    cmap = {0x20: "space", **{ord(c): glyph_name(c) for c in GLYPHS}}
    cmap.update({ord(c.lower()): glyph_name(c) for c in GLYPHS if c.isalpha()})
    cmap.update({ord(a): glyph_name(c) for a, c in ALIASES.items()})
    fb.setupCharacterMap(cmap)
    glyphs = {
        ".notdef": _draw(TTGlyphPen, "##### #...# #...# #...# #...# #...# #####"),
        "space": _draw(TTGlyphPen, ""),
    }
    glyphs.update({glyph_name(c): _draw(TTGlyphPen, rows) for c, rows in GLYPHS.items()})
    fb.setupGlyf(glyphs)
    advance = (COLS + 1) * PIXEL
    fb.setupHorizontalMetrics(
        {name: (advance, glyphs[name].xMin if glyphs[name].numberOfContours else 0) for name in names}
    )
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable(
        {
            "familyName": FAMILY,
            "styleName": "Regular",
            "version": "Version 1.000",
            "copyright": "Channel9.id demo site, public domain",
        }
    )
    fb.setupOS2(
        sTypoAscender=800,
        sTypoDescender=-200,
        usWinAscent=800,
        usWinDescent=200,
        sCapHeight=700,
        sxHeight=700,
    )
    fb.setupPost()
    head = fb.font["head"]
    head.created = head.modified = 3_600_000_000  # a fixed date (2018), so the bytes never change
    fb.font.recalcTimestamp = False
    out = BytesIO()
    fb.save(out)
    return out.getvalue()


def _draw(pen_class, rows: str):
    """One glyph from its rows of ``#`` (ink) and ``.``: a rectangle per horizontal run of ink,
    each one overlapping the row below a little so that no seam shows between rows."""
    pen = pen_class(None)
    for row, line in enumerate(rows.split()):
        top = (ROWS - row) * PIXEL
        col = 0
        while col < len(line):
            if line[col] != "#":
                col += 1
                continue
            start = col
            while col < len(line) and line[col] == "#":
                col += 1
            x0, x1, y0, y1 = start * PIXEL + 50, col * PIXEL + 50, top - PIXEL - 4, top
            pen.moveTo((x0, y0))  # clockwise, as TrueType outlines go
            pen.lineTo((x0, y1))
            pen.lineTo((x1, y1))
            pen.lineTo((x1, y0))
            pen.closePath()
    return pen.glyph()


if __name__ == "__main__":
    OUT.write_bytes(build())
    print(f"{OUT}: {OUT.stat().st_size} bytes")
