"""OCR engines that fail the way real ones do, for fault-injection tests (loaded with
``archive ingest --plugin tests/plugins/faulty_engines.py --engine NAME``).

- ``sigkill``: the worker process is killed under the page (as the OOM killer does);
- ``bug``: an unexpected exception in the stage;
- ``unpicklable``: an error type that cannot cross a process boundary (its ``__init__``
  takes other arguments than it gives ``Exception``), the bug issue 13 found.
"""

import os
import signal

from archive.errors import ArchiveError
from archive.hookspecs import hookimpl
from archive.ocr import OcrEngine

NAMES = ("sigkill", "bug", "unpicklable")


class BadlyMadeError(ArchiveError):
    def __init__(self, path, reason):
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason}")


class FaultyEngine(OcrEngine):
    def __init__(self, fault):
        self.name = fault

    def version(self):
        return "0"

    def languages(self):
        return {"chi_sim", "eng", "osd"}

    def recognise(self, image, lang, *, dpi):
        if self.name == "sigkill":
            os.kill(os.getpid(), signal.SIGKILL)
        if self.name == "bug":
            raise RuntimeError("injected bug")
        raise BadlyMadeError("somewhere.png", "cannot be unpickled")


@hookimpl
def ocr_engine_names():
    return list(NAMES)


@hookimpl
def get_ocr_engine(options):
    return FaultyEngine(options.engine) if options.engine in NAMES else None
