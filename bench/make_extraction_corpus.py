"""Regenerate the fixture-site part of the extraction corpus (``tests/data/extraction/c9-*``).

    python -m bench.make_extraction_corpus [--out DIR] [--count N]

Renders the two seed articles (``c9-seed-000``, ``c9-seed-003``) and a spread of other articles of the bundled demo site (the
embedded default: 60 articles, seed 9) as served, with their expected texts and the channel9
seed's hints. The files are stored so the test corpus stays fixed; review a regeneration as a diff.
The hand-written pages beside them are not touched.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.extraction import CORPUS, ROOT

BASE_URL = "http://127.0.0.1:8000"
# The golden files' numbers (seeds/NNN_<hash16>.txt) and the slugs of those articles on the site.
SEED_ARTICLES = {
    "000": "amerika-serikat-khawatir-ada-potensi-bisnis-senjata-korea-utara-rusia",
    "003": "pakar-internasional-sebut-negara-barat-sulit-hentikan-kerja-sama-korea-utara-rusia",
}


def _toml_hints(hints) -> str:
    # JSON strings are valid TOML basic strings.
    lines = [
        f"{key} = {json.dumps(value)}"
        for key in ("title", "category", "body", "author", "published")
        if (value := getattr(hints, key))
    ]
    return "[extract]\n" + "\n".join(lines) + f"\ndrop = {json.dumps(list(hints.drop))}\n"


def pick(corpus, count: int) -> list[tuple[str, object]]:
    """(name, article): the two seed articles, then others spread evenly over the corpus."""
    chosen = [(f"c9-seed-{number}", corpus.by_slug[slug]) for number, slug in SEED_ARTICLES.items()]
    taken = {article.slug for _, article in chosen}
    rest = [a for a in corpus.articles if a.slug not in taken]
    step = max(1, len(rest) // max(1, count))
    return chosen + [(f"c9-fixture-{n:02d}", a) for n, a in enumerate(rest[::step][:count])]


def write(out: Path, count: int) -> int:
    from crawler.demosite import SiteConfig, build_corpus
    from crawler.seed import load_seed

    corpus = build_corpus(SiteConfig(articles=60, seed=9))
    hints = _toml_hints(load_seed(ROOT / "seeds" / "channel9.toml").hints)
    out.mkdir(parents=True, exist_ok=True)
    for name, article in pick(corpus, count):
        (out / f"{name}.html").write_bytes(corpus.render_article(article, BASE_URL))
        (out / f"{name}.txt").write_text(corpus.expected_text(article), encoding="utf-8")
        url = article.url(BASE_URL)
        (out / f"{name}.toml").write_text(f'# {article.slug}\nurl = "{url}"\n\n{hints}', encoding="utf-8")
    return count + len(SEED_ARTICLES)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.make_extraction_corpus", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--out", type=Path, default=CORPUS)
    parser.add_argument("--count", type=int, default=12)
    args = parser.parse_args(argv)
    print(f"wrote {write(args.out, args.count)} fixture pages to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
