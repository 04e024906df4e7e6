"""One module per ``arsip`` subcommand, each with ``configure(parser)`` and ``run(args) -> int``.

Command modules import their heavy dependencies inside ``run`` so that ``arsip --help`` stays fast.
"""

from __future__ import annotations

import argparse
import dataclasses


def options_from(args: argparse.Namespace, cls, **given):
    """The options dataclass ``cls`` filled from the parsed arguments of the same names, with
    ``given`` for the fields whose argument is named differently or computed."""
    names = {field.name for field in dataclasses.fields(cls)}
    taken = {name: getattr(args, name) for name in names if hasattr(args, name)}
    return cls(**{**taken, **given})
