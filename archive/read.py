"""Read: turn a source file into pages (image pixels, a PDF text layer, or OCR text).

What a source holds decides the route: an image goes to layout and OCR; a PDF page with
a text layer gives words with positions directly (unless ``--ocr always``); a PDF page
without one is rasterised and treated as an image; a ``.txt`` file is an OCR text
stream, one block per line, with no geometry.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from pathlib import Path

import numpy as np

from .errors import InputFileError
from .model import TEXT, Block, Options, Page, PageContext, SourceKind, Word

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
SUFFIXES = IMAGE_SUFFIXES | {".pdf", ".txt"}
DEFAULT_DPI = 300
PDF_RASTER_DPI = 300
# A PDF page with fewer characters than this in its text layer is treated as a scan.
MIN_TEXT_LAYER_CHARS = 20


def iter_sources(paths) -> list[Path | InputFileError]:
    """Files to ingest, in a stable order: directories walked (symbolic links to
    directories are not followed, so a link loop ends), unknown suffixes skipped. A path
    that does not exist and a directory that cannot be listed come back as errors in
    their place, for the batch to report and go on."""
    out: list[Path | InputFileError] = []
    for p in map(Path, paths):
        if p.is_dir():
            found: list[Path] = []

            def unlistable(e: OSError) -> None:
                out.append(InputFileError(e.filename or p, f"cannot list folder: {e.strerror or e}"))

            for root, dirs, files in os.walk(p, onerror=unlistable):
                dirs.sort()
                found.extend(Path(root) / f for f in files if Path(f).suffix.lower() in SUFFIXES)
            out.extend(sorted(found))
        elif p.exists() or p.is_symlink():
            out.append(p)
        else:
            out.append(InputFileError(p, "no such file or directory"))
    return out


# Chronicling America names pages by LCCN and issue: sn99021999_1887030301_0003.pdf.
LCCN_ISSUE_RE = re.compile(r"(?P<lccn>s[nf]\d{8,10})[_/-](?P<y>1[6-9]\d\d|20\d\d)(?P<m>\d\d)(?P<d>\d\d)\d{2}")
ISO_DATE_RE = re.compile(r"(?<!\d)(?P<y>1[6-9]\d\d|20\d\d)-(?P<m>\d\d)(?:-(?P<d>\d\d))?(?!\d)")


def source_metadata(path: Path) -> dict:
    """Newspaper title and issue date of a source, for faceting and date queries.

    From a sidecar ``NAME.meta.json`` (``{"title": ..., "date": ...}``) when there is
    one, else from the file name: a Chronicling America LCCN and issue number, or an ISO
    date (1887-03-03, or 2023-12 for a month).
    """
    path = Path(path)
    sidecar = path.with_name(path.name + ".meta.json")
    if sidecar.is_file():
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
            return {k: str(data[k]) for k in ("title", "date") if data.get(k)}
        except (ValueError, OSError):
            log.warning("%s: unreadable sidecar, ignored", sidecar)
    m = LCCN_ISSUE_RE.search(path.as_posix())
    if m:
        return {"title": m.group("lccn"), "date": f"{m['y']}-{m['m']}-{m['d']}"}
    m = ISO_DATE_RE.search(path.name)
    if m:
        return {"date": "-".join(filter(None, (m["y"], m["m"], m["d"])))}
    return {}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_type(path: Path) -> str:
    """image, pdf or text, by the file's suffix."""
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix == ".pdf":
        return "pdf"
    if suffix == ".txt":
        return "text"
    raise InputFileError(path, f"unsupported file type {suffix or '(none)'}; expected one of {', '.join(sorted(SUFFIXES))}")


def page_count(path: Path) -> int:
    """How many pages a source holds; raises InputFileError when it cannot be opened."""
    kind = file_type(path)
    try:
        if kind == "pdf":
            import pdfplumber

            with pdfplumber.open(path) as pdf:
                return len(pdf.pages)
        if kind == "image":
            from PIL import Image

            with Image.open(path) as im:
                frames = getattr(im, "n_frames", 1)
                if frames == 1:
                    im.verify()  # a truncated or corrupt image fails here, not in a worker
                return frames
        if path.stat().st_size == 0:
            raise InputFileError(path, "empty file")
        return 1
    except InputFileError:
        raise
    except Exception as e:  # any decoder failure means the file is unreadable
        raise InputFileError(path, f"cannot open as {kind}: {type(e).__name__}: {e}".rstrip(": ")) from e


def read_page(ctx: PageContext) -> Page:
    kind = file_type(ctx.source)
    if kind == "text":
        return _read_text(ctx)
    if kind == "pdf":
        return _read_pdf(ctx)
    return _read_image(ctx)


def _read_text(ctx: PageContext) -> Page:
    try:
        text = ctx.source.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputFileError(ctx.source, f"not UTF-8 text (byte {e.start})") from e
    if not text.strip():
        raise InputFileError(ctx.source, "no text in file")
    return Page(
        source_path=str(ctx.source), page_number=1, source_kind=SourceKind.TEXT,
        blocks=text_blocks(text),
    )


def text_blocks(text: str) -> list[Block]:
    """An OCR text stream as blocks, one per line: blank lines are kept for cleanup to see."""
    return [Block(TEXT, line) for line in text.replace("\r\n", "\n").split("\n")]


def _read_image(ctx: PageContext) -> Page:
    from PIL import Image, ImageOps

    try:
        with Image.open(ctx.source) as im:
            if ctx.page_number > 1:
                im.seek(ctx.page_number - 1)
            dpi = im.info.get("dpi")
            # A JPEG decoded straight to its luminance, the grey the pipeline works on:
            # 30 ms instead of 78 for a 300-dpi page decoded in colour and converted.
            im.draft("L", im.size)
            gray = np.array(ImageOps.grayscale(ImageOps.exif_transpose(im) if ctx.page_number == 1 else im))
    except Exception as e:
        raise InputFileError(ctx.source, f"cannot decode image: {type(e).__name__}: {e}") from e
    file_dpi = int(round(dpi[0])) if dpi and dpi[0] and dpi[0] > 1 else None
    return Page(
        source_path=str(ctx.source), page_number=ctx.page_number, source_kind=SourceKind.IMAGE,
        width=gray.shape[1], height=gray.shape[0], dpi=ctx.options.dpi or file_dpi, image=gray,
    )


def _read_pdf(ctx: PageContext) -> Page:
    import pdfplumber

    opts: Options = ctx.options
    try:
        with pdfplumber.open(ctx.source) as pdf:
            pg = pdf.pages[ctx.page_number - 1]
            scale = PDF_RASTER_DPI / 72.0
            words = []
            if opts.ocr != "always":
                for w in pg.extract_words(keep_blank_chars=False, use_text_flow=False, extra_attrs=["size"]):
                    words.append(Word(w["text"], w["x0"] * scale, w["top"] * scale,
                                      w["x1"] * scale, w["bottom"] * scale, conf=-1.0))
            has_text = sum(len(w.text) for w in words) >= MIN_TEXT_LAYER_CHARS
            gray = np.array(pg.to_image(resolution=PDF_RASTER_DPI).original.convert("L"))
    except IndexError as e:
        raise InputFileError(ctx.source, f"no page {ctx.page_number}") from e
    except Exception as e:
        raise InputFileError(ctx.source, f"cannot read PDF: {type(e).__name__}: {e}") from e
    page = Page(
        source_path=str(ctx.source), page_number=ctx.page_number,
        source_kind=SourceKind.PDF_TEXT if has_text and opts.ocr != "always" else SourceKind.PDF_IMAGE,
        width=gray.shape[1], height=gray.shape[0], dpi=PDF_RASTER_DPI, image=gray,
    )
    if page.source_kind == SourceKind.PDF_TEXT:
        page.words = words
    if opts.ocr == "never" and not has_text:
        raise InputFileError(ctx.source, f"page {ctx.page_number} has no text layer and --ocr never was given")
    return page
