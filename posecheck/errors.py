"""User-facing errors: one line, a fix, an exit code; never a traceback."""


class UserError(Exception):
    """An error caused by input or environment, shown as one line.

    exit_code follows interface.md: 1 = a check/input failed, 2 = bad usage.
    """

    exit_code = 1

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(UserError):
    """Bad usage: unknown stretch id, bad option, malformed stretch file."""

    exit_code = 2


class InputError(UserError):
    """An input (video, image, camera, model file) that cannot be used."""

    exit_code = 1
