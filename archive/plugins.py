"""The plugin manager: built-in plugins, then the ``archive`` entry points, then the
modules a run names with ``--plugin`` (as OCRmyPDF does), in that order."""

from __future__ import annotations

import functools
import importlib
import importlib.util
from pathlib import Path

import pluggy

from . import hookspecs
from .errors import ArchiveError, MissingDependencyError

DEFAULT_PLUGINS = ("archive.builtin_plugins.tesseract",)


@functools.lru_cache(maxsize=8)
def get_plugin_manager(plugins: tuple[str, ...] = ()) -> pluggy.PluginManager:
    """``plugins``: module names or paths of ``.py`` files. Each worker process builds
    its own manager from the run's options, so a Dask worker on another host loads the
    same plugins as the parent."""
    pm = pluggy.PluginManager("archive")
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name)
    pm.load_setuptools_entrypoints("archive")
    for name in plugins:
        pm.register(_load(name), name)
    # A misspelled hook in a plugin fails here, at load time, not silently later.
    pm.check_pending()
    return pm


def _load(name: str):
    path = Path(name)
    if path.suffix == ".py":
        if not path.is_file():
            raise ArchiveError(f"plugin {name}: no such file")
        spec = importlib.util.spec_from_file_location(f"archive_plugin_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    try:
        return importlib.import_module(name)
    except ImportError as e:
        raise ArchiveError(f"plugin {name}: {e}") from e


def get_ocr_engine(options):
    engine = get_plugin_manager(tuple(options.plugins)).hook.get_ocr_engine(options=options)
    if engine is None:
        raise MissingDependencyError(f"no OCR engine plugin answers to {options.engine!r}")
    return engine


def engine_names(plugins: tuple[str, ...] = ()) -> list[str]:
    """The engines the loaded plugins offer, for ``--engine``'s help and error."""
    names = get_plugin_manager(tuple(plugins)).hook.ocr_engine_names()
    return sorted({n for group in names for n in group})
