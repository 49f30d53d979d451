"""Typed errors and exit codes. The library raises; the CLI prints one line and exits."""

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    bad_args = 1  # click uses 2 for usage errors; we keep 1 for our own argument checks
    input_file = 2  # at least one input file could not be read; the rest were processed
    missing_dependency = 3
    database = 4
    cluster = 5  # the Dask scheduler could not be reached
    ctrl_c = 130


class ArchiveError(Exception):
    exit_code = ExitCode.bad_args


class InputFileError(ArchiveError):
    """A file that cannot be read as a page: corrupt, unsupported, empty."""

    exit_code = ExitCode.input_file

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class MissingDependencyError(ArchiveError):
    """A program or Tesseract language the run needs is not installed."""

    exit_code = ExitCode.missing_dependency


class DatabaseError(ArchiveError):
    exit_code = ExitCode.database


class ClusterError(ArchiveError):
    """The distributed executor could not be reached or lost its workers."""

    exit_code = ExitCode.cluster
