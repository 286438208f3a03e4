"""Errors the CLI turns into exit codes (see README, "Exit codes")."""


class BylinesError(Exception):
    """Base for errors reported to the user without a traceback."""

    exit_code = 2


class ConfigError(BylinesError):
    """Bad arguments, input folder or configuration: exit 2, nothing published."""

    exit_code = 2


class PublishBlocked(BylinesError):
    """The run's tables failed a check (or --strict saw quarantine): exit 1."""

    exit_code = 1
