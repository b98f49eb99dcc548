"""Subcommands of ``kommunrapport``: one module each, with ``register(subparsers)``."""
