"""One module per ``arsip`` subcommand, each with ``configure(parser)`` and ``run(args) -> int``.

Command modules import their heavy dependencies inside ``run`` so that ``arsip --help`` stays fast.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from archive.errors import ArsipError


def options_from(args: argparse.Namespace, cls, **given):
    """The options dataclass ``cls`` filled from the parsed arguments of the same names, with
    ``given`` for the fields whose argument is named differently or computed."""
    names = {field.name for field in dataclasses.fields(cls)}
    taken = {name: getattr(args, name) for name in names if hasattr(args, name)}
    return cls(**{**taken, **given})


def check_port(port: int, option: str = "--port") -> int:
    """``port`` if it is a TCP port number (0 picks a free one); one clear error otherwise."""
    if not 0 <= port <= 65535:
        raise ArsipError(f"{option} {port} is not a port number (0-65535; 0 picks a free one)")
    return port


def add_data_options(parser: argparse.ArgumentParser, collection_help: str | None = None) -> None:
    """``--data`` (a directory, ./data by default) and, given its help, ``--collection``/``-c``."""
    parser.add_argument("--data", type=Path, default=Path("data"), help="data directory (default ./data)")
    if collection_help is not None:
        parser.add_argument("--collection", "-c", help=collection_help)
