"""The data that flows between the stages, defined once.

Every object is a plain dataclass with ``to_dict()``, in the spirit of pdfplumber's
dicts: boxes are in page pixels as ``(x0, top, x1, bottom)``, confidences are
Tesseract's 0-100 scale. Text-only sources (an OCR text stream such as the seed) have
``bbox=None`` everywhere.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Optional

BBox = tuple[float, float, float, float]

class Kind(StrEnum):
    """What a block is. The one list of block kinds: stored as ``blocks.kind``.

    Layout gives most kinds from geometry, cleanup and segmentation refine them from
    the words. ``is_text``: the block holds text (OCR reads it, cleanup sees it);
    ``in_article``: its text belongs to an article's text (headline, body, caption,
    note...), where page furniture, photos and rules never do.
    """

    TEXT = "text"  # not yet classified: a line of an OCR text stream, a column segment
    HEADLINE = "headline"  # title type: headline, kicker or subtitle by its place in the title group
    KICKER = "kicker"
    SUBHEAD = "subhead"  # a crosshead inside an article's body
    BYLINE = "byline"
    BODY = "body"
    CAPTION = "caption"
    NOTE = "note"  # an author or source note, a jump line ("下转第N版")
    PHOTO = "photo"
    RULE = "rule"
    AD_MARKER = "ad_marker"  # 广告 and its kin: what follows is advertising
    FOOTNOTE = "footnote"  # smaller type at a column's foot, marked ①, [1], *: an article's note
    TABLE = "table"  # text set in a ruled grid: kept, never read as body
    # The page's own text, no article's:
    FURNITURE = "furniture"  # a line in the head or foot margin that is none of the below
    RUNNING_HEAD = "running_head"  # the paper's name, section, edition over or under the page
    PAGE_NUMBER = "page_number"  # the folio: 12, 第4版, - 3 -, Page 3
    DATELINE = "dateline"  # the date across the page: THURSDAY, MARCH 3, 1887
    MASTHEAD = "masthead"  # the paper's title in the largest type at the top of the front page

    @property
    def is_text(self) -> bool:
        return self not in (Kind.PHOTO, Kind.RULE)

    @property
    def is_furniture(self) -> bool:
        """The page's own text: kept in the blocks table, never in an article."""
        return self in (Kind.FURNITURE, Kind.RUNNING_HEAD, Kind.PAGE_NUMBER, Kind.DATELINE, Kind.MASTHEAD)

    @property
    def in_article(self) -> bool:
        return self.is_text and not self.is_furniture and self is not Kind.TABLE


# The kinds by their names, as the stages import them.
TEXT, HEADLINE, KICKER, SUBHEAD, BYLINE, BODY = (Kind.TEXT, Kind.HEADLINE, Kind.KICKER, Kind.SUBHEAD,
                                                 Kind.BYLINE, Kind.BODY)
CAPTION, NOTE, PHOTO, RULE, AD_MARKER, FURNITURE = (Kind.CAPTION, Kind.NOTE, Kind.PHOTO, Kind.RULE,
                                                    Kind.AD_MARKER, Kind.FURNITURE)
FOOTNOTE, TABLE = Kind.FOOTNOTE, Kind.TABLE
BLOCK_KINDS = tuple(Kind)


class RepairKind(StrEnum):
    """Every change cleanup and segmentation make to the text is one of these
    (``repairs.kind``)."""

    JOIN_WORD = "join_word"  # a word cut by a column break, joined
    JOIN_PARAGRAPH = "join_paragraph"  # a paragraph cut by a column break, joined
    DEHYPHENATE = "dehyphenate"  # a Latin word hyphenated at a line end, joined
    CAPTION_EXTRACTED = "caption_extracted"  # a caption lifted out of the running text
    HEADLINE_MOVED = "headline_moved"  # a column's headline printed after its body, moved back
    WHITESPACE = "whitespace"  # blank or space-only lines removed
    UNRESOLVED = "unresolved"  # a cut that could not be joined with certainty, left as it is


REPAIR_KINDS = tuple(RepairKind)


class ParagraphKind(StrEnum):
    PARAGRAPH = "paragraph"
    SUBHEAD = "subhead"


class SourceKind(StrEnum):
    """How a page was read (``pages.source_kind``)."""

    IMAGE = "image"
    PDF_TEXT = "pdf-text"  # a PDF page's text layer
    PDF_IMAGE = "pdf-image"  # a PDF page rasterised and OCR'd
    TEXT = "text"  # an OCR text stream, no geometry
    ALTO = "alto"  # an ALTO file: another engine's blocks, lines, words and confidences


def union_bbox(boxes) -> Optional[BBox]:
    """The smallest box holding every non-None box, or None when there is none."""
    boxes = [b for b in boxes if b is not None]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes), min(b[1] for b in boxes),
        max(b[2] for b in boxes), max(b[3] for b in boxes),
    )


@dataclass
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Line:
    text: str
    bbox: Optional[BBox] = None
    words: list[Word] = field(default_factory=list)
    weight: Optional[float] = None  # share of dark pixels in the line's box: bold type is heavier

    def to_dict(self) -> dict:
        return {"text": self.text, "bbox": self.bbox, "weight": self.weight,
                "words": [w.to_dict() for w in self.words]}


@dataclass
class Block:
    """A region of the page with one role: a paragraph of body text, a headline, a photo.

    ``starts_paragraph``/``ends_paragraph`` carry what geometry says about a column
    break (first line indented, last line short); ``None`` means geometry does not know
    and cleanup falls back on typography and language.
    """

    kind: Kind
    text: str = ""
    bbox: Optional[BBox] = None
    lines: list[Line] = field(default_factory=list)
    confidence: Optional[float] = None
    column: Optional[int] = None
    starts_paragraph: Optional[bool] = None
    ends_paragraph: Optional[bool] = None
    font_size: Optional[float] = None  # median glyph height in pixels, where measured
    article: Optional[int] = None  # index into the page's articles, set by segmentation
    region: Optional[int] = None  # article region found by layout (rules, headline spans)
    # Set in bold (measured by line weight): a crosshead's mark. None: not measured, or a
    # centred line, which may be a crosshead in body weight.
    bold: Optional[bool] = None
    # A paragraph cleanup joined across a column break keeps the pieces the page prints
    # (each its own box, lines and text): a box around both would cover the gutter and
    # whatever stands between them, so the archive stores the pieces.
    parts: list["Block"] = field(default_factory=list)

    def __post_init__(self):
        self.kind = Kind(self.kind)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["lines"] = [line.to_dict() for line in self.lines]
        return d


@dataclass
class Repair:
    """One change cleanup made: nothing is dropped or joined without a record."""

    kind: RepairKind
    before: str
    after: str
    detail: str = ""
    bbox: Optional[BBox] = None
    article: Optional[int] = None

    def __post_init__(self):
        self.kind = RepairKind(self.kind)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Caption:
    text: str
    credit: Optional[str] = None
    bbox: Optional[BBox] = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Paragraph:
    kind: ParagraphKind
    text: str
    bbox: Optional[BBox] = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Article:
    headline: Optional[str] = None
    kicker: Optional[str] = None
    subtitle: Optional[str] = None
    byline: Optional[str] = None
    authors: list[str] = field(default_factory=list)
    blocks: list[Paragraph] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    advertisement: bool = False
    bbox: Optional[BBox] = None
    reading_order: int = 0

    @property
    def body(self) -> str:
        """Paragraphs and subheads in order, separated by blank lines."""
        return "\n\n".join(b.text for b in self.blocks)

    def to_dict(self) -> dict:
        return {
            "headline": self.headline,
            "kicker": self.kicker,
            "subtitle": self.subtitle,
            "byline": self.byline,
            "authors": list(self.authors),
            "body": self.body,
            "blocks": [b.to_dict() for b in self.blocks],
            "captions": [c.to_dict() for c in self.captions],
            "notes": list(self.notes),
            "advertisement": self.advertisement,
            "bbox": self.bbox,
            "reading_order": self.reading_order,
        }


@dataclass
class PageLayout:
    """What the layout stage found on a page image (``layout.analyse``), the one result
    the OCR stage reads and fills in: every block (text, photos, rules) and the text
    blocks in reading order, with their article regions set."""

    image: object = field(repr=False)  # the flattened, deskewed grey page (numpy), in which boxes are
    blocks: list[Block] = field(default_factory=list)  # every block found: text, photos, rules
    ordered: list[Block] = field(default_factory=list)  # text blocks in reading order (regions set)
    text_height: float = 0.0  # median body glyph height, pixels
    body: float = 0.0  # the body type size, pixels (the size most of the text area is set in)
    dpi: Optional[int] = None  # the file's, else estimated from the type size
    skew: float = 0.0  # degrees undone
    regions: int = 0  # article regions found
    method: str = "blocks"  # how the text was segmented (``pages.layout``)

    @property
    def extras(self) -> list[Block]:
        """Photos and rules: stored with the page, outside the text flow."""
        return [b for b in self.blocks if not b.kind.is_text]


@dataclass
class Options:
    """What the user chose for a run; travels to worker processes, so it must pickle."""

    lang: str = "chi_sim+eng"
    ocr: str = "auto"  # always | auto | never: use a PDF's text layer or OCR it
    dpi: Optional[int] = None  # overrides what the file says
    engine: str = "tesseract"
    image_dir: Optional[str] = None  # where page images for the published archive go
    plugins: tuple[str, ...] = ()  # modules or .py files loaded besides the installed plugins
    engine_options: dict = field(default_factory=dict)  # KEY=VALUE for the engine (--engine-option)


@dataclass
class PageContext:
    """One page of one source file, as a worker sees it (picklable)."""

    source: Path
    page_number: int  # 1-based
    options: Options = field(default_factory=Options)
    work_dir: Optional[Path] = None
    sha256: Optional[str] = None  # of the source file, hashed once by the parent


@dataclass
class Page:
    source_path: str
    page_number: int
    source_kind: SourceKind
    width: Optional[int] = None
    height: Optional[int] = None
    dpi: Optional[int] = None
    image_path: Optional[str] = None
    blocks: list[Block] = field(default_factory=list)
    ocr_engine: Optional[str] = None
    layout: Optional[str] = None  # how the text was segmented: "blocks" (the archive's) or "engine (why)"
    encoding: Optional[str] = None  # of a text source, as found (utf-8, gb18030, utf-16...)
    skew_degrees: Optional[float] = None
    # Seconds per stage (read, layout, ocr, clean, segment, image) and, inside ocr, in the
    # OCR engine's own calls ("engine"): where a page's time went.
    timings: dict = field(default_factory=dict)
    # Words of a PDF text layer, before layout groups them into blocks.
    words: list[Word] = field(default_factory=list, repr=False)
    image: object = field(default=None, repr=False, compare=False)  # numpy array, never stored

    @property
    def mean_confidence(self) -> Optional[float]:
        confs = [w.conf for b in self.blocks for line in b.lines for w in line.words if w.conf >= 0]
        return round(sum(confs) / len(confs), 2) if confs else None

    def to_dict(self) -> dict:
        return {
            "source_path": self.source_path, "page_number": self.page_number,
            "source_kind": self.source_kind, "width": self.width, "height": self.height,
            "dpi": self.dpi, "image_path": self.image_path, "ocr_engine": self.ocr_engine, "layout": self.layout,
            "encoding": self.encoding,
            "mean_confidence": self.mean_confidence, "skew_degrees": self.skew_degrees,
            "timings": dict(self.timings), "blocks": [b.to_dict() for b in self.blocks],
        }


@dataclass
class PageResult:
    """What a worker hands back to the one writer: everything about one page."""

    page: Page
    articles: list[Article] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "page": self.page.to_dict(),
            "articles": [a.to_dict() for a in self.articles],
            "repairs": [r.to_dict() for r in self.repairs],
        }
