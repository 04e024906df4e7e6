"""One module per ``arsip`` subcommand, each with ``configure(parser)`` and ``run(args) -> int``.

Command modules import their heavy dependencies inside ``run`` so that ``arsip --help`` stays fast.
"""
