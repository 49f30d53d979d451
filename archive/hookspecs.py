"""Plugin hooks of the archive (pluggy). Plugins register under the ``archive`` entry
point, or are named for one run with ``archive ingest --plugin MODULE_OR_FILE``."""

import pluggy

hookspec = pluggy.HookspecMarker("archive")
hookimpl = pluggy.HookimplMarker("archive")


@hookspec(firstresult=True)
def get_ocr_engine(options):
    """Return an ``OcrEngine`` for ``options.engine``, or None when it is not yours.

    Called in worker processes, once per process; the first non-None answer wins.
    """


@hookspec
def ocr_engine_names():
    """Return the names of the engines this plugin offers (for ``--engine``)."""
