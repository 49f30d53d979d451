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

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".jp2", ".j2k", ".jpx", ".jpf", ".bmp", ".webp"}
SUFFIXES = IMAGE_SUFFIXES | {".pdf", ".txt", ".xml"}
# The resolution the image shown with an ALTO page is made at, when it comes from a PDF
# or is missing: enough to read on screen and to find rules in.
ALTO_IMAGE_DPI = 150
DEFAULT_DPI = 300
PDF_RASTER_DPI = 300
# A PDF page with fewer characters than this in its text layer is treated as a scan.
MIN_TEXT_LAYER_CHARS = 20
# The largest page image read: a broadsheet (22 x 30 inches) scanned at 600 dpi is
# 13,200 x 18,000 = 238 megapixels. Anything larger is refused as a likely
# decompression bomb (Pillow's own limit, 89 megapixels, refused such a scan).
MAX_PIXELS = 260_000_000


def iter_sources(paths) -> list[Path | InputFileError]:
    """Files to ingest, in a stable order: directories walked (symbolic links to
    directories are not followed, so a link loop ends), unknown suffixes skipped. A path
    that does not exist and a directory that cannot be listed come back as errors in
    their place, for the batch to report and go on.

    METS/ALTO: a batch file stands for its issues, an issue METS for its pages' ALTO
    files; an ALTO file is a page, and the image or PDF beside it (named by the METS,
    or of the same name) is its picture, not a page of its own. Other XML found in a
    folder (a reel's METS, a schema) is passed over; named on the command line it is an
    error."""
    out: list[Path | InputFileError] = []
    for p in map(Path, paths):
        if p.is_dir():
            found: list[Path] = []

            def unlistable(e: OSError) -> None:
                out.append(InputFileError(e.filename or p, f"cannot list folder: {e.strerror or e}"))

            for root, dirs, files in os.walk(p, onerror=unlistable):
                dirs.sort()
                found.extend(Path(root) / f for f in files if Path(f).suffix.lower() in SUFFIXES)
            out.extend(_expand_xml(sorted(found), named=False))
        elif p.exists() or p.is_symlink():
            out.extend(_expand_xml([p], named=True))
        else:
            out.append(InputFileError(p, "no such file or directory"))
    # ALTO pages own their pictures; a page reached twice (two METS of one issue) is one
    alto = [s for s in out if isinstance(s, Path) and s.suffix.lower() == ".xml"]
    pictures = {str(pic) for a in alto for pic in alto_pictures(a)}
    seen: set[str] = set()
    kept: list[Path | InputFileError] = []
    for s in out:
        if isinstance(s, Path):
            key = str(s.resolve())
            if key in seen or (s.suffix.lower() != ".xml" and key in pictures):
                continue
            seen.add(key)
        kept.append(s)
    return kept


def _expand_xml(paths: list[Path], named: bool) -> list[Path | InputFileError]:
    from .formats import mets

    out: list[Path | InputFileError] = []
    for p in paths:
        if not (p.exists() or p.is_symlink()):
            out.append(InputFileError(p, "no such file or directory (named by a METS or batch file)"))
            continue
        if p.suffix.lower() != ".xml":
            out.append(p)
            continue
        kind = mets.xml_kind(p)
        try:
            if kind == "alto":
                out.append(p)
            elif kind == "mets":
                out.extend(page.alto for page in mets.issue_pages(p))
            elif kind == "batch":
                out.extend(_expand_xml(mets.batch_issues(p), named=True))
            elif named:
                out.append(InputFileError(p, "XML that is neither ALTO, an issue METS nor a batch file"))
        except Exception as e:  # a METS that does not parse
            out.append(InputFileError(p, f"cannot read METS: {type(e).__name__}: {e}"))
    return out


def alto_pictures(alto: Path) -> list[Path]:
    """The image or PDF of an ALTO page, best first: those its issue METS names, then
    files of the same name beside it. Only those that exist."""
    from .formats import mets

    from .formats import alto as alto_format

    issue = mets.issue_for(alto)
    named = issue.images if issue else []
    own = alto_format.image_name(alto)
    if own and "://" not in own:
        named = [*named, alto.parent / own]
    beside = [alto.with_suffix(s) for s in (".jp2", ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".pdf")]
    out, seen = [], set()
    for p in [*named, *beside]:
        key = str(p.resolve())
        if key not in seen and p.is_file():
            seen.add(key)
            out.append(p.resolve())
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
    if path.suffix.lower() == ".xml":
        from .formats import mets

        issue = mets.issue_for(path)
        if issue and issue.meta:
            return dict(issue.meta)
    sidecar = path.with_name(path.name + ".meta.json")
    if sidecar.is_file():
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
            out = {k: str(data[k]) for k in ("title", "date", "edition") if data.get(k)}
            if data.get("page"):
                out["page_label"] = str(data["page"])
            return out
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
    if suffix == ".xml":
        return "alto"
    raise InputFileError(path, f"unsupported file type {suffix or '(none)'}; expected one of {', '.join(sorted(SUFFIXES))}")


def page_count(path: Path) -> int:
    """How many pages a source holds; raises InputFileError when it cannot be opened."""
    kind = file_type(path)
    try:
        if path.stat().st_size == 0:
            raise InputFileError(path, "empty file")
        if kind == "pdf":
            import pdfplumber

            with pdfplumber.open(path) as pdf:
                n = len(pdf.pages)
            if n == 0:
                raise InputFileError(path, "a PDF of no pages")
            return n
        if kind == "alto":
            from .formats import mets

            if mets.xml_kind(path) != "alto":
                raise InputFileError(path, "not an ALTO file (no alto root element, or not XML)")
            return 1
        if kind == "image":
            with _open_image(path) as im:
                frames = getattr(im, "n_frames", 1)
                if frames == 1:
                    im.verify()  # a truncated or corrupt image fails here, not in a worker
                return frames
        return 1
    except InputFileError:
        raise
    except Exception as e:  # any decoder failure means the file is unreadable
        raise InputFileError(path, _why(kind, e)) from e


def _why(kind: str, e: Exception) -> str:
    name = type(e).__name__
    # pdfplumber wraps pdfminer's errors: the cause is in the arguments
    causes = " ".join([name, str(e)] + [type(a).__name__ for a in e.args if isinstance(a, Exception)])
    if "Password" in causes or "encrypt" in causes.lower():
        return "an encrypted PDF: it needs its password (qpdf --decrypt --password=... IN OUT)"
    return f"cannot open as {kind}: {name}: {e}".rstrip(": ")


def _open_image(path: Path):
    """Pillow's image, with the archive's own size limit: Pillow warns above its limit
    and refuses at twice it; here anything over MAX_PIXELS is refused."""
    import warnings

    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(path)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as e:
            raise InputFileError(path, f"image too large ({e}), refused as a likely decompression bomb") from e


def read_page(ctx: PageContext) -> Page:
    kind = file_type(ctx.source)
    if kind == "text":
        return _read_text(ctx)
    if kind == "pdf":
        return _read_pdf(ctx)
    if kind == "alto":
        return _read_alto(ctx)
    return _read_image(ctx)


def _read_alto(ctx: PageContext) -> Page:
    """An ALTO page: its blocks in the pixels of its picture (the image or PDF beside
    it; a blank page of its size when there is none). With ``--ocr always`` only the
    picture is kept, to be read again."""
    from .formats import alto

    try:
        doc = alto.read(ctx.source)
    except Exception as e:
        raise InputFileError(ctx.source, f"cannot read ALTO: {type(e).__name__}: {e}") from e
    per_inch = {"inch1200": 1200.0, "mm10": 254.0 / 1.0, "pixel": None}.get(doc.unit.lower())
    gray, dpi = None, None
    for pic in alto_pictures(Path(ctx.source)):
        try:
            gray, dpi = _picture(pic, per_inch, doc)
            break
        except Exception as e:  # a picture that will not open: the next one, or none
            log.warning("%s: picture %s unreadable (%s)", ctx.source, pic, e)
    if gray is None:
        if ctx.options.ocr == "always":
            raise InputFileError(ctx.source, "--ocr always, and no image or PDF of this ALTO page was found")
        scale = ALTO_IMAGE_DPI / per_inch if per_inch else 1.0
        gray = np.full((max(1, round(doc.height * scale)), max(1, round(doc.width * scale))), 255, np.uint8)
        dpi = ALTO_IMAGE_DPI if per_inch else None
    sx, sy = gray.shape[1] / max(doc.width, 1), gray.shape[0] / max(doc.height, 1)
    page = Page(source_path=str(ctx.source), page_number=1, source_kind=SourceKind.ALTO,
                width=gray.shape[1], height=gray.shape[0], dpi=dpi, image=gray)
    if ctx.options.ocr == "always":
        page.source_kind = SourceKind.IMAGE
        return page
    page.blocks = doc.scaled(sx, sy)
    page.ocr_engine = f"ALTO ({doc.software})" if doc.software else "ALTO"
    if not any(b.text.strip() for b in page.blocks):
        raise InputFileError(ctx.source, "an ALTO page with no text")
    return page


def _picture(path: Path, per_inch: float | None, doc) -> tuple[np.ndarray, int | None]:
    """The grey picture of an ALTO page and its resolution. A PDF is rasterised at
    ALTO_IMAGE_DPI; an image is read as it is."""
    if path.suffix.lower() == ".pdf":
        pdf = _pdf(path)
        pg = pdf.pages[0]
        try:
            return np.array(pg.to_image(resolution=ALTO_IMAGE_DPI).original.convert("L")), ALTO_IMAGE_DPI
        finally:
            pg.close()
    with _open_image(path) as im:
        dpi = im.info.get("dpi", (None,))[0]
        if not dpi and per_inch:
            dpi = im.width / (doc.width / per_inch)
        return to_gray(im), int(round(dpi)) if dpi else None


def _read_text(ctx: PageContext) -> Page:
    raw = ctx.source.read_bytes()
    text, encoding = decode_text(raw)
    if text is None:
        raise InputFileError(ctx.source, "not text in any encoding found (binary data?)")
    if not text.strip():
        raise InputFileError(ctx.source, "no text in file")
    return Page(
        source_path=str(ctx.source), page_number=1, source_kind=SourceKind.TEXT,
        blocks=text_blocks(text), encoding=encoding,
    )


# Most common first, for OCR text files: Chinese exports, then Western ones.
COMMON_ENCODINGS = ["gb18030", "big5", "cp1252", "latin_1", "shift_jis", "euc_kr", "cp1250", "cp1251", "koi8_r"]


def decode_text(raw: bytes) -> tuple[str | None, str | None]:
    """(text, encoding) of an OCR text file: UTF-8, or UTF-16/32 by their byte order
    mark, else what charset-normalizer finds (GB18030 and Big5 for Chinese text,
    Latin-1 and cp1252 for old exports); (None, None) for bytes that are no text."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
                     (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(enc), enc
            except UnicodeDecodeError:
                break
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    results = from_bytes(raw)
    best = results.best()
    if best is None:
        return None, None
    # Equally plausible readings (é, è, à decode alike in every Latin code page) are
    # settled by how common the encoding is, not by the order the library tried them.
    tied = [r for r in results if (r.chaos, r.coherence) == (best.chaos, best.coherence)]
    best = min(tied, key=lambda r: COMMON_ENCODINGS.index(r.encoding)
               if r.encoding in COMMON_ENCODINGS else len(COMMON_ENCODINGS))
    text = str(best)
    # Control characters other than line ends mean binary data read as text.
    junk = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    return (text, best.encoding) if junk <= 0.01 * max(1, len(text)) else (None, None)


def text_blocks(text: str) -> list[Block]:
    """An OCR text stream as blocks, one per line: blank lines are kept for cleanup to see."""
    return [Block(TEXT, line) for line in text.replace("\r\n", "\n").split("\n")]


def _read_image(ctx: PageContext) -> Page:
    from PIL import ImageOps

    try:
        with _open_image(ctx.source) as im:
            if ctx.page_number > 1:
                im.seek(ctx.page_number - 1)
            dpi = im.info.get("dpi")
            if ctx.page_number == 1:
                im = ImageOps.exif_transpose(im)
            gray = to_gray(im)
    except InputFileError:
        raise
    except Exception as e:
        raise InputFileError(ctx.source, f"cannot decode image: {type(e).__name__}: {e}") from e
    file_dpi = int(round(dpi[0])) if dpi and dpi[0] and dpi[0] > 1 else None
    return Page(
        source_path=str(ctx.source), page_number=ctx.page_number, source_kind=SourceKind.IMAGE,
        width=gray.shape[1], height=gray.shape[0], dpi=ctx.options.dpi or file_dpi, image=gray,
    )


def to_gray(im) -> np.ndarray:
    """A page image as 8-bit grey, whatever it was stored as: 16- and 32-bit greys
    scaled down (not clipped: a 16-bit scan's 8-bit clip is white), transparency laid
    on white paper (a transparent background is black in its colour channels), bilevel
    and palette images expanded."""
    from PIL import Image, ImageOps

    if im.format == "JPEG":
        # Decoded straight to its luminance, the grey the pipeline works on: 30 ms
        # instead of 78 for a 300-dpi page decoded in colour and converted.
        im.draft("L", im.size)
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        a = np.asarray(im, dtype=np.float64)
        top = a.max() if im.mode in ("I", "F") else 65535.0
        return np.clip(a * (255.0 / max(1.0, top)), 0, 255).astype(np.uint8)
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(paper, rgba)
    return np.array(ImageOps.grayscale(im))


_open_pdfs: dict = {}


def _pdf(path: Path):
    """The PDF at ``path``, opened once per process: opening a 2,000-page PDF takes half
    a second, which every page would pay again. Two are kept open (files interleave);
    a thread has its own, as a parser is not shared between threads."""
    import threading

    import pdfplumber

    st = path.stat()
    key = (threading.get_ident(), str(path), st.st_mtime_ns, st.st_size)
    if key not in _open_pdfs:
        while len(_open_pdfs) >= 2:
            _open_pdfs.pop(next(iter(_open_pdfs))).close()
        _open_pdfs[key] = pdfplumber.open(path)
    return _open_pdfs[key]


def _read_pdf(ctx: PageContext) -> Page:
    opts: Options = ctx.options
    try:
        pdf = _pdf(Path(ctx.source))
        pg = pdf.pages[ctx.page_number - 1]
        try:
            scale = PDF_RASTER_DPI / 72.0
            words = []
            if opts.ocr != "always":
                for w in pg.extract_words(keep_blank_chars=False, use_text_flow=False, extra_attrs=["size"]):
                    words.append(Word(w["text"], w["x0"] * scale, w["top"] * scale,
                                      w["x1"] * scale, w["bottom"] * scale, conf=-1.0))
            has_text = sum(len(w.text) for w in words) >= MIN_TEXT_LAYER_CHARS
            gray = np.array(pg.to_image(resolution=PDF_RASTER_DPI).original.convert("L"))
        finally:
            pg.close()  # memory stays bounded: the page's parsed objects are let go
    except IndexError as e:
        raise InputFileError(ctx.source, f"no page {ctx.page_number}") from e
    except Exception as e:
        raise InputFileError(ctx.source, _why("pdf", e)) from e
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
