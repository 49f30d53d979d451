"""The pipeline: read → layout → OCR → clean → segment, for one page.

``process_page`` runs in worker processes and returns plain data; ``archive.batch``
sends it pages and is the one writer. Each stage is a module with one entry point.
"""

from __future__ import annotations

import logging
from pathlib import Path

import cv2

from . import clean, layout, ocr, read, segment
from .errors import InputFileError
from .model import Options, Page, PageContext, PageResult, SourceKind

log = logging.getLogger(__name__)


def process_page(ctx: PageContext) -> PageResult:
    """Every stage for one page: a function of the page, returning plain data."""
    clock = ocr.Clock()
    with clock("read"):
        page = read.read_page(ctx)
    extras = []
    if page.source_kind == SourceKind.TEXT:
        units = page.blocks
    elif page.source_kind == SourceKind.ALTO:
        with clock("layout"):
            lay = layout.from_blocks(page)
            page.image, page.layout = lay.image, lay.method
            units = layout.text_units(lay)
        extras = lay.extras
    else:
        with clock("layout"):
            lay = layout.analyse(page)
        page.image, page.dpi, page.skew_degrees = lay.image, lay.dpi, lay.skew
        with clock("ocr"):
            ocr.read_text(page, lay, ctx.options, clock)
        page.layout = lay.method
        with clock("layout"):
            units = layout.text_units(lay)
        extras = lay.extras
    with clock("clean"):
        units, repairs = clean.clean(units)
    with clock("segment"):
        articles = segment.segment(units, repairs)
    if page.source_kind != SourceKind.TEXT and not any(u.text.strip() for u in units):
        raise InputFileError(ctx.source, f"page {ctx.page_number}: no text found "
                                         "(a blank page, or nothing the OCR could read)")
    page.blocks = clean.as_printed(units) + extras
    if page.image is not None and ctx.options.image_dir:
        with clock("image"):
            page.image_path = save_page_image(page, ctx)
    page.image = None  # pixels stay in the worker
    page.timings = clock.seconds
    return PageResult(page=page, articles=articles, repairs=repairs)


def save_page_image(page: Page, ctx: PageContext) -> str:
    """The (deskewed) page as a JPEG for the published archive; the scan itself is not
    altered. Boxes in the database are in this image's pixels."""
    out_dir = Path(ctx.options.image_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{(ctx.sha256 or read.sha256(ctx.source))[:16]}-p{ctx.page_number}"
    path = out_dir / f"{stem}.jpg"
    cv2.imwrite(str(path), page.image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    return str(path.resolve())


def clean_text_file(path: Path) -> PageResult:
    """Cleanup and segmentation of a plain OCR text file (``archive clean``)."""
    return process_page(PageContext(Path(path), 1, Options()))


def clean_text(text: str) -> PageResult:
    """Cleanup and segmentation of an OCR text stream held in memory."""
    units, repairs = clean.clean(read.text_blocks(text))
    articles = segment.segment(units, repairs)
    page = Page(source_path="<text>", page_number=1, source_kind=SourceKind.TEXT, blocks=units)
    return PageResult(page=page, articles=articles, repairs=repairs)

