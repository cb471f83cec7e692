"""The errors a ``relay`` command ends with, and their exit codes.

Their own module so that adapters (e.g. ``relay.telegram.login``) can raise them without
importing the command line's entry point.
"""

from __future__ import annotations

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """A command failed for a reason the operator can act on; ``str`` is one line. Exit 1."""


class UsageError(Exception):
    """Bad arguments; ``str`` is one line. Exit code 2."""
