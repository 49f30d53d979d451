"""Typed errors and exit codes. The library raises; the CLI prints one line and exits.

Every error here may cross a process boundary (a pool worker or a Dask worker hands
it back to the writer), so each keeps its constructor's arguments in ``args``: that is
what ``pickle`` passes to the class again. An error whose ``__init__`` takes other
arguments than it hands to ``Exception.__init__`` cannot be unpickled, and a process
pool that meets one marks itself broken and fails every page in flight.
"""

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    bad_args = 1  # click's own usage errors exit 2 as well; see cli.main
    input_file = 2  # at least one input file could not be read; the rest were stored
    missing_dependency = 3
    database = 4  # the archive file is not SQLite, is in use, or the disk is full
    cluster = 5  # the Dask scheduler could not be reached
    internal = 15  # a bug: a stage failed on a page for a reason that is not the file's
    ctrl_c = 130


class ArchiveError(Exception):
    """Base of the archive's errors; ``str(e)`` is the one line the CLI prints."""

    exit_code = ExitCode.bad_args


class InputFileError(ArchiveError):
    """A file that cannot be read as a page: corrupt, unsupported, empty."""

    exit_code = ExitCode.input_file

    def __init__(self, path, reason: str):
        super().__init__(str(path), reason)

    @property
    def path(self) -> str:
        return self.args[0]

    @property
    def reason(self) -> str:
        return self.args[1]

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class PageFailed(InputFileError):
    """A page whose processing failed for a reason that is not the file's: a bug in a
    stage (``kind`` names the exception) or a worker process that died under it."""

    exit_code = ExitCode.internal


class MissingDependencyError(ArchiveError):
    """A program or Tesseract language the run needs is not installed."""

    exit_code = ExitCode.missing_dependency


class DatabaseError(ArchiveError):
    """The archive cannot be opened or written: not SQLite, in use, disk full."""

    exit_code = ExitCode.database


class ClusterError(ArchiveError):
    """The distributed executor could not be reached or lost its workers."""

    exit_code = ExitCode.cluster


def all_error_types() -> list[type[ArchiveError]]:
    """Every error class defined here, for the test that pickles each."""
    out, todo = [], [ArchiveError]
    while todo:
        cls = todo.pop()
        out.append(cls)
        todo.extend(cls.__subclasses__())
    return out
