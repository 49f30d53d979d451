"""Plugin hooks of the archive (pluggy). Plugins register under the ``archive`` entry point."""

import pluggy

hookspec = pluggy.HookspecMarker("archive")
hookimpl = pluggy.HookimplMarker("archive")


@hookspec(firstresult=True)
def get_ocr_engine(options):
    """Return an ``OcrEngine`` for ``options.engine``, or None when it is not yours.

    Called in worker processes, once per process; the first non-None answer wins.
    """
