"""Tesseract, registered like any third-party engine."""

from ..hookspecs import hookimpl


@hookimpl
def ocr_engine_names():
    return ["tesseract"]


@hookimpl
def get_ocr_engine(options):
    if options.engine != "tesseract":
        return None
    from ..ocr import TesseractEngine

    return TesseractEngine()
