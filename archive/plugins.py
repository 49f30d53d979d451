"""The plugin manager: built-in plugins first, then the ``archive`` entry points."""

from __future__ import annotations

import functools

import pluggy

from . import hookspecs

DEFAULT_PLUGINS = ("archive.builtin_plugins.tesseract",)


@functools.lru_cache(maxsize=1)
def get_plugin_manager() -> pluggy.PluginManager:
    import importlib

    pm = pluggy.PluginManager("archive")
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name)
    pm.load_setuptools_entrypoints("archive")
    # A misspelled hook in a plugin fails here, at load time, not silently later.
    pm.check_pending()
    return pm


def get_ocr_engine(options):
    from .errors import MissingDependencyError

    engine = get_plugin_manager().hook.get_ocr_engine(options=options)
    if engine is None:
        raise MissingDependencyError(f"no OCR engine plugin answers to {options.engine!r}")
    return engine
