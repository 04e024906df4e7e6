"""Files replaced whole: a reader sees the old file or the new one, never half of either.

The new content goes to ``<name>.tmp`` beside the target and is renamed over it once complete; a
write that fails (a full disk) removes the temporary file and leaves the target as it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: str | Path, mode: str = "w") -> Iterator:
    """An open temporary file (text mode is UTF-8) that replaces ``path`` when the block ends."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, mode, encoding=None if "b" in mode else "utf-8") as handle:
            yield handle
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def write_atomic(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data``."""
    with replacing(path, "wb") as handle:
        handle.write(data)
