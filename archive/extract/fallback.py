"""The generic body layer: trafilatura on the already parsed tree, its output cut into blocks."""

from __future__ import annotations

import logging

from archive.extract.blocks import element_blocks
from archive.extract.wordpress import drop_appendix_tables

logger = logging.getLogger(__name__)


def trafilatura_blocks(root, url: str | None) -> tuple[list[str], str | None]:
    """Body blocks by trafilatura (comments excluded, precision favoured): (blocks, None) or ([], why not)."""
    import trafilatura

    try:
        # trafilatura copies a tree it is given, so the page's tree stays intact for the other layers.
        doc = trafilatura.bare_extraction(
            root,
            url=url,
            include_comments=False,
            include_tables=True,
            with_metadata=False,
            favor_precision=True,  # leaves out more link lists and teasers; the benchmark's F1 rises
        )
    except Exception as exc:  # noqa: BLE001 - trafilatura raises assorted errors on odd trees; a crawl must go on
        logger.debug("trafilatura failed on %s: %r", url, exc)
        return [], f"trafilatura failed: {type(exc).__name__}"
    # a dict only comes back with as_dict=True (deprecated), which is never passed here
    assert not isinstance(doc, dict)
    if doc is None or doc.body is None:
        return [], "trafilatura found no main text"
    drop_appendix_tables(doc.body, "table", "row")
    return element_blocks(doc.body, trafilatura=True), None
