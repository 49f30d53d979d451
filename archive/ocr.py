"""OCR: the text of a page's blocks, with word boxes and confidences.

The strategy lives here: one language per page (chosen by what the CJK model reads),
crops scaled to the glyph size the engine reads best, all of a page's crops in one
engine call, the words placed back in page pixels; a PDF's text layer is taken as it
is. Engines implement ``OcrEngine`` and are plugins: Tesseract
(``builtin_plugins/tesseract.py``) is registered like any other.
"""

from __future__ import annotations

import abc
import time
from contextlib import contextmanager

import cv2
import numpy as np

from . import patterns as P
from .errors import MissingDependencyError
from .layout.columns import _runs
from .layout.geometry import _inside, components
from .layout.regions import dark_ground
from .model import HEADLINE, PHOTO, SUBHEAD, TEXT, Block, Line, Options, Page, PageLayout, Word, union_bbox


class OcrEngine(abc.ABC):
    """What the archive needs of an OCR engine; engines are plugins (``hookspecs``).

    An engine reads images of text blocks: ``recognise`` returns lines of words with
    boxes relative to the image and confidences 0-100, in the engine's reading order.
    How it reads (page segmentation modes, threads, models) is its own business, set
    from ``options.engine_options`` when it is made. ``install_hint`` says how to get a
    language it lacks.
    """

    name = "engine"

    @abc.abstractmethod
    def version(self) -> str: ...

    @abc.abstractmethod
    def languages(self) -> set[str]: ...

    @abc.abstractmethod
    def recognise(self, image: np.ndarray, lang: str, *, dpi: int) -> list[Line]:
        """Lines of words in a block's image, boxes relative to ``image``."""

    def recognise_many(self, images: list[np.ndarray], lang: str, *, dpi: int) -> list[list[Line]]:
        """``recognise`` for each image; engines with a per-call start-up cost batch them."""
        return [self.recognise(im, lang, dpi=dpi) for im in images]

    def install_hint(self, missing: list[str]) -> str:
        return f"install the {self.name} model(s) for {', '.join(missing)}"

    def check_languages(self, lang: str) -> None:
        missing = [x for x in lang.split("+") if x not in self.languages()]
        if missing:
            raise MissingDependencyError(
                f"{self.name} language(s) {', '.join(missing)} not installed: {self.install_hint(missing)}")

    def detect_script(self, image: np.ndarray, *, dpi: int) -> str | None:
        """'Han', 'Latin', … when the engine can tell; None otherwise."""
        return None

    def read_page(self, image: np.ndarray, lang: str, *, dpi: int) -> list[list[Line]] | None:
        """A whole page by the engine's own segmentation: paragraphs of lines in its
        reading order (page pixels). The safety net when the archive's layout fails a
        page; None for an engine that has none."""
        return None


class Clock:
    """Wall seconds per named stage: ``with clock("ocr"): ...`` adds to seconds["ocr"]."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str):
        t = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = round(self.seconds.get(stage, 0.0) + time.perf_counter() - t, 4)


_engines: dict = {}


def engine_for(options: Options) -> OcrEngine:
    """One OCR engine per worker process and engine choice."""
    key = (options.engine, tuple(options.plugins), tuple(sorted(options.engine_options.items())))
    if key not in _engines:
        from .plugins import get_ocr_engine

        _engines[key] = get_ocr_engine(options)
    return _engines[key]


def read_text(page: Page, lay: PageLayout, options: Options, clock: Clock | None = None) -> None:
    """Fill the layout's text blocks with their lines: from the PDF's text layer when
    the page has one, else by the engine. Sets ``page.ocr_engine``."""
    clock = clock or Clock()
    if page.words:
        _assign_words(lay.ordered, page.words)
        page.ocr_engine = "pdf-text-layer"
        return
    engine = engine_for(options)
    from .layout.image import despeckle

    image = despeckle(lay.image, lay.text_height)
    reverse = reverse_blocks(lay)
    if reverse:
        image = image.copy()
    for b in reverse:  # dark on light, as the engine reads (the scan's: light type's holes are no specks)
        x0, y0, x1, y1 = crop_box(b.bbox, image.shape)
        image[y0:y1, x0:x1] = 255 - lay.image[y0:y1, x0:x1]
    lang = read_blocks(engine, image, lay.ordered, options.lang, lay.dpi, clock, lay.body)
    drop_unread_reverse(lay, reverse)
    page.ocr_engine = f"{engine.name} {engine.version()} ({lang})"
    from .layout.image import binarise

    ink = binarise(image)
    read_skipped_lines(engine, image, ink, lay.ordered, lang, lay.dpi, clock, lay.body)
    if _split_languages(lang)[0]:
        closing_marks(ink, lay.ordered)
    doubt = implausible(lay)
    if doubt:
        with clock("engine"):
            paragraphs = engine.read_page(image, lang, dpi=lay.dpi)
        if paragraphs and _better(paragraphs, lay):
            from .layout import engine_layout

            engine_layout(lay, paragraphs, doubt)
            page.ocr_engine += ", page segmentation: engine"
    pictures_read_as_text(lay)


# Tesseract, reading a block as one uniform text (psm 6), leaves out a short line at the
# block's top now and then: the tail of a paragraph carried to the head of the next
# column ("点。" over the column's first indented line; devset, 300 dpi). The rows of ink
# in a block that none of the engine's lines stands on are read again.
SKIPPED_LINE_MIN_HEIGHT = 0.5  # of the em: lower rows are specks, rules' edges, a lone stop
MIN_SKIPPED_CONFIDENCE = 50.0


def skipped_rows(ink: np.ndarray, b: Block, em: float) -> list[tuple[int, int]]:
    """Runs of ink rows (page y, end exclusive) inside a read block that no line the
    engine gave for it covers."""
    x0, y0, x1, y1 = (int(v) for v in b.bbox)
    region = ink[max(0, y0):y1 + 1, max(0, x0):x1 + 1]
    if not region.size:
        return []
    rows = np.count_nonzero(region, axis=1) > 0
    covered = np.zeros(len(rows), dtype=bool)
    for ln in b.lines or ():
        if not ln.words:
            continue
        top, bottom = (v - max(0, y0) for v in _glyph_row(ln))
        covered[max(0, int(top)):max(0, int(bottom) + 1)] = True
    runs = _runs(rows)
    # a line's glyphs may leave blank rows across it (点's dots under its frame): runs
    # closer than a line's leading, together no taller than a line, are one line
    merged: list[tuple[int, int]] = []
    for a, z in runs:
        if merged and a - merged[-1][1] < 0.3 * em and z - merged[-1][0] <= 1.3 * em:
            merged[-1] = (merged[-1][0], z)
        else:
            merged.append((a, z))
    out = []
    for a, z in merged:
        if z - a >= SKIPPED_LINE_MIN_HEIGHT * em and covered[a:z].mean() < 0.25:
            out.append((a + max(0, y0), z + max(0, y0)))
    return out


def _glyph_row(ln: Line) -> tuple[float, float]:
    """The top and bottom of a read line's glyphs: the medians of its words' (the
    engine's box of a mark may run a line long)."""
    return float(np.median([w.top for w in ln.words])), float(np.median([w.bottom for w in ln.words]))


def _line_of(words: list[Word]) -> Line:
    """A line of positioned words, in their order: its text and the box round them."""
    return Line(text=P.cjk_punctuation(join_words(words)), words=words, bbox=(
        min(w.x0 for w in words), min(w.top for w in words), max(w.x1 for w in words), max(w.bottom for w in words)))


def read_skipped_lines(engine, image: np.ndarray, ink: np.ndarray, blocks: list[Block], lang: str, dpi: int,
                       clock: Clock, body: float = 0.0) -> int:
    """Read the lines the engine left out of the blocks it read (``skipped_rows``) and
    put those read as text into their blocks in their place; returns how many.

    Alone, such a line is one or two glyphs, and the engine reads those badly ("点。" as
    扣。 at 18; Tesseract's line recogniser wants a line's context): each is read set
    before a neighbouring line of its block, in the same type, and only the words over
    its own part are kept."""
    jobs = []
    for b in blocks:
        if not b.bbox or not b.lines or not b.kind.is_text:
            continue
        em = b.font_size or body
        if not em:
            continue
        for top, bottom in skipped_rows(ink, b, em):
            strip = _skipped_strip(image, ink, b, top, bottom, em)
            if strip is not None:
                jobs.append((b, *strip))
    if not jobs:
        return 0
    with clock("engine"):
        results = engine.recognise_many([j[4] for j in jobs], lang, dpi=dpi)
    n = 0
    for (b, x0, y0, width, _), lines in zip(jobs, results):
        # a word the engine doubts is left out on its own; a line-end 。 it drops is
        # given back from its ring by closing_marks
        words = [w for ln in lines for w in ln.words
                 if w.text.strip() and (w.x0 + w.x1) / 2 < width and w.conf >= MIN_SKIPPED_CONFIDENCE]
        for w in words:
            w.x0, w.x1, w.top, w.bottom = w.x0 + x0, w.x1 + x0, w.top + y0, w.bottom + y0
        if not any(c.isalnum() for w in words for c in w.text):
            continue
        b.lines = sorted(b.lines + [_line_of(words)], key=lambda ln: ln.bbox[1])
        b.text = "\n".join(ln.text for ln in b.lines)
        n += 1
    return n


def _skipped_strip(image: np.ndarray, ink: np.ndarray, b: Block, top: int, bottom: int, em: float):
    """(x0, y0, width of the skipped line's part, image): the skipped line's ink, from the
    block's left edge, then the nearest line the engine read in the block, from its
    first ink (an indent's blank of two ems between them cost 点 its reading: 25 for 93
    at half an em), level with it."""
    x0, _, x1, _ = crop_box(b.bbox, image.shape)
    cols = np.flatnonzero(np.count_nonzero(ink[top:bottom, x0:x1], axis=0))
    if not cols.size:
        return None
    width = int(cols[-1]) + int(0.5 * em)
    n_top, n_bottom = min((_glyph_row(ln) for ln in b.lines if ln.words), key=lambda row: abs(row[0] - top))
    shift = int((n_top + n_bottom) / 2 - (top + bottom) / 2)
    y0, y1 = max(0, top - CROP_PAD), min(image.shape[0], bottom + CROP_PAD)
    ny0, ny1 = y0 + shift, y1 + shift
    if ny0 < 0 or ny1 > image.shape[0]:
        return None
    other = np.flatnonzero(np.count_nonzero(ink[int(n_top):int(n_bottom) + 1, x0:x1], axis=0))
    if not other.size:
        return None
    own = image[y0:y1, x0:x0 + width]
    paper = np.median(own[ink[y0:y1, x0:x0 + width] == 0]) if own.size else 255
    gap = np.full((y1 - y0, int(0.5 * em)) + image.shape[2:], paper, dtype=image.dtype)
    near_part = image[ny0:ny1, x0 + max(0, int(other[0]) - CROP_PAD):x1]
    return x0, y0, width, np.hstack([own, gap, near_part])


# chi_sim drops the full stop that ends a line, most of all the short last line of a
# paragraph (devset, 300 dpi: 20 stops lost, nearly all at a line's end), though its
# ring is on the page. The 。 is the one small closed ring of Chinese type: a Han
# character is a full em, a digit or a Latin o stands taller than half an em, and 。 sits
# low in its cell. A line of Chinese whose text ends in a character while the last ink
# on its row is such a ring gets its stop back, as a word with the ring's box.
STOP_SIDE = (0.22, 0.5)  # of the em: smallest and largest side of the ring
# It drops the comma that ends a line too (devset, 300 dpi: 12 of 15 commas lost). A
# comma never ends a paragraph, so its line runs the full measure: the comma's cell is
# the line's last, flush with the column's edge. In it the ， is a small upright tear
# low on the left (0.13-0.19 em wide, 0.23-0.34 em tall where the engine read it),
# its tail straight down or to the left; the 、 is as wide as tall and runs down to the
# right; a speck is a dot.
COMMA_WIDTH = (0.08, 0.25)  # of the em
COMMA_HEIGHT = (0.18, 0.42)
FULL_MEASURE = 0.35  # of the em: how far a full line's last cell may end from the column's edge


def closing_marks(ink: np.ndarray, blocks: list[Block]) -> int:
    """Give back the 。 and ， the engine dropped at lines' ends; returns how many."""
    n = 0
    for b in blocks:
        changed = False
        for ln in b.lines or ():
            if not ln.bbox or not ln.text or not P.is_han(ln.text.rstrip()[-1:]):
                continue
            # the row from characters whose boxes are a glyph's (the engine's boxes of
            # several characters, or of a mark, may run down into the next line)
            em = b.font_size or 0.0
            han = [w for w in ln.words if w.text and all(P.is_han(c) for c in w.text)
                   and 0.6 * em <= w.bottom - w.top <= 1.4 * em]
            if em <= 4 or not han:
                continue
            top = float(np.median([w.top for w in han])) - 0.1 * em
            bottom = top + 1.2 * em
            # the last character and the cell after it, where a 。 is set (a paragraph's
            # short last line leaves the rest of the row open to specks further on)
            end = max(w.x1 for w in ln.words)
            x0 = int(end - em)
            x1 = min(crop_box(b.bbox, ink.shape)[2], int(end + 1.5 * em))  # within what the engine saw
            band = ink[max(0, int(top)):int(bottom) + 1, max(0, x0):x1]
            if band.size == 0:
                continue
            mark, box = "。", _last_ring(band, em)
            if box is None and abs(b.bbox[2] - (end + em)) <= FULL_MEASURE * em:
                mark, box = "，", _last_comma(band, em, end - max(0, x0))
            if box is None:
                continue
            rx, ry, rw, rh = box
            gx0, gy0 = max(0, x0) + rx, max(0, int(top)) + ry
            ln.words.append(Word(mark, float(gx0), float(gy0), float(gx0 + rw), float(gy0 + rh), 0.0))
            ln.text = ln.text.rstrip() + mark
            ln.bbox = (ln.bbox[0], ln.bbox[1], max(ln.bbox[2], gx0 + rw), ln.bbox[3])
            changed = True
            n += 1
        if changed:
            b.text = "\n".join(ln.text for ln in b.lines)
    return n


def _last_comma(band: np.ndarray, em: float, end: float) -> tuple[int, int, int, int] | None:
    """The box of the rightmost ink on a line's row when it is a ， set in the cell
    after the last character (``end``, in the band)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(band, connectivity=8)
    if count < 2:
        return None
    right = stats[1:, 0] + stats[1:, 2]
    i = 1 + int(np.argmax(right))
    x, y, w, h, _ = (int(v) for v in stats[i])
    if np.count_nonzero(right > x) > 1:
        return None  # not alone in its cell
    if not (end - 0.05 * em <= x <= end + 0.45 * em):
        return None  # not on the left of the cell after the last character
    if not (COMMA_WIDTH[0] * em <= w <= COMMA_WIDTH[1] * em and COMMA_HEIGHT[0] * em <= h <= COMMA_HEIGHT[1] * em):
        return None
    # low in its cell: the band starts a tenth of an em over the characters
    if h < 1.3 * w or y < 0.55 * em:
        return None
    comp = labels[y:y + h, x:x + w] == i
    third = max(1, h // 3)
    cols = np.arange(w)

    def centre(rows: np.ndarray) -> float:
        return float((rows.sum(axis=0) * cols).sum() / max(1, rows.sum()))

    if centre(comp[-third:]) - centre(comp[:third]) > 0.05 * em:
        return None  # runs down to the right: a 、
    return x, y, w, h


def _last_ring(band: np.ndarray, em: float) -> tuple[int, int, int, int] | None:
    """The box of the rightmost ink on a line's row when it is a 。's ring."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(band, connectivity=8)
    if count < 2:
        return None
    i = 1 + int(np.argmax(stats[1:, 0] + stats[1:, 2]))
    x, y, w, h, area = (int(v) for v in stats[i])
    lo, hi = STOP_SIDE[0] * em, STOP_SIDE[1] * em
    # 。 sits low in its cell: its centre three quarters down the em (the band starts a
    # tenth of an em over the characters)
    if not (lo <= w <= hi and lo <= h <= hi) or y + h / 2 < 0.7 * em:
        return None
    if np.count_nonzero(stats[1:, 0] + stats[1:, 2] > x + w // 2) > 1:
        return None  # other ink reaches as far right: the ring is inside a character
    # a worn ring breaks open (a "c"): a gap of a few pixels is closed first; a comma
    # or a dot has no paper inside to close. The margin keeps the closing off the
    # box's edge, where it would wall the flood out of a stroke's other side.
    k = max(3, int(round(0.07 * em)) | 1)
    filled = np.pad((labels[y:y + h, x:x + w] == i).astype(np.uint8), k // 2 + 1)
    filled = cv2.morphologyEx(filled, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    cv2.floodFill(filled, None, (0, 0), 1)
    hole = np.count_nonzero(filled == 0)  # paper the flood from outside could not reach
    return (x, y, w, h) if hole >= 0.1 * w * h else None


# Light type on a dark ground is found wherever a photo's box holds light strokes in
# lines (``layout.find_reversed_text``); the engine, reading it inverted, tells type
# from a lit window or a shower of sparks by its confidence: on the magazine page
# printed light on dark the words of its body read at 87 and of its caption at 90; a
# block read under 70 is taken for picture (the safety net counts a page read at 65 as
# read badly).
MIN_REVERSE_CONFIDENCE = 70.0


def reverse_blocks(lay: PageLayout) -> list[Block]:
    """The text blocks set in light type: on a dark ground within a photo's box (where
    only ``find_reversed_text`` puts text blocks)."""
    photos = [p.bbox for p in lay.blocks if p.kind == PHOTO and p.bbox]
    return [b for b in lay.ordered if b.bbox and any(_inside(b.bbox, p, 0) for p in photos)
            and dark_ground(lay.image, b.bbox)]


def drop_unread_reverse(lay: PageLayout, reverse: list[Block]) -> None:
    """Take out of the layout the light-on-dark blocks the engine did not read as text."""
    gone = {id(b) for b in reverse if b.confidence is None or b.confidence < MIN_REVERSE_CONFIDENCE}
    if gone:
        lay.ordered = [b for b in lay.ordered if id(b) not in gone]
        lay.blocks = [b for b in lay.blocks if id(b) not in gone]


# The safety net. A page whose photos cover most of it (light text on a dark ground
# taken for one photo, where the reverse-type finder read none of it), or read at a mean word confidence under 65 (Tesseract's words
# on sound text are at 85 and more; 73 on the worst real page that read well), is read
# again by the engine's own segmentation, which is kept when it reads with more
# confidence. Measured on the real pages: the magazine page of light text on dark
# (photos 89% of the page, confidence 57) is the one caught.
MAX_PHOTO_SHARE = 0.5
MIN_MEAN_CONFIDENCE = 65.0


def implausible(lay: PageLayout) -> str | None:
    """Why the layout's reading of a page is not to be trusted, or None."""
    h, w = lay.image.shape[:2]
    # A photo's box that holds lines of light type read as text is a dark ground the
    # type is printed on, not a picture; its text is in the layout.
    reverse = [b.bbox for b in reverse_blocks(lay) if b.lines]
    photos = sum((b.bbox[2] - b.bbox[0]) * (b.bbox[3] - b.bbox[1]) for b in lay.blocks
                 if b.kind.value == "photo" and not any(_inside(r, b.bbox, 0) for r in reverse))
    if photos > MAX_PHOTO_SHARE * w * h:
        return f"photos cover {photos / (w * h):.0%} of the page"
    confs = _confidences(b.lines for b in lay.ordered)
    if not confs:
        return "no text read"
    mean = sum(confs) / len(confs)
    if mean < MIN_MEAN_CONFIDENCE:
        return f"mean word confidence {mean:.0f}"
    return None


# A block the engine reads at under half the confidence of the page's words holds no
# text it can read: the strokes of a drawing or a map, or a photo's grain, that the
# layout cut into text blocks. On the Evening Star of 1916 (drawings of the war), 166
# such blocks read at 21 on average, the page's words at 85, and added "ee", "=" and
# "Pie ro ee ee" to the page and to search. Worn type is read at more than that: the
# advertisements of 1861 at 50-60 on a page at 70; a page of German Fraktur read as
# English has nine in ten of its paragraphs over 60. Light type on dark has its own
# floor (MIN_REVERSE_CONFIDENCE).
UNREADABLE_SHARE = 0.5


def pictures_read_as_text(lay: PageLayout) -> list[Block]:
    """The text blocks read at under ``UNREADABLE_SHARE`` of the page's mean word
    confidence, on a page read soundly (``MIN_MEAN_CONFIDENCE``), taken out of the text
    and made pictures (photos, outside the text flow), one for each group of them
    touching or a line apart; returns the pictures."""
    confs = _confidences(b.lines for b in lay.ordered)
    mean = sum(confs) / len(confs) if confs else 0.0
    # on a page read badly throughout (the Evening Star of 1863 p. 431, at 51) a block
    # read worse still is no sign of a picture: taking those away there lost words ABBYY
    # reads as well (word-bag F1 against its ALTO 0.214 -> 0.210)
    if mean < MIN_MEAN_CONFIDENCE:
        return []
    floor = UNREADABLE_SHARE * mean
    gone = [b for b in lay.ordered if b.confidence is not None and b.confidence < floor]
    if not gone:
        return []
    ids = {id(b) for b in gone}
    lay.ordered = [b for b in lay.ordered if id(b) not in ids]
    # the pieces of one drawing, touching or a line apart, are one picture of it
    pictures = [Block(PHOTO, bbox=box, region=group[0].region)
                for box, group in _touching(gone, lay.body or lay.text_height)]
    lay.blocks = [b for b in lay.blocks if id(b) not in ids] + pictures
    return pictures


def _touching(blocks: list[Block], gap: float) -> list[tuple[tuple, list[Block]]]:
    """The blocks in groups of boxes that touch or lie within ``gap`` of each other (a
    group's box may reach another group: grouped again until none does), with each
    group's box."""
    groups = [[b] for b in blocks if b.bbox]
    while True:
        boxes = [union_bbox(b.bbox for b in g) for g in groups]
        near = ((i, j) for i, a in enumerate(boxes) for j in range(i + 1, len(boxes))
                if a[0] - gap <= boxes[j][2] and boxes[j][0] - gap <= a[2]
                and a[1] - gap <= boxes[j][3] and boxes[j][1] - gap <= a[3])
        joined = components(len(groups), near)
        if len(joined) == len(groups):
            return list(zip(boxes, groups))
        groups = [[b for k in ids for b in groups[k]] for ids in joined]


def _confidences(groups_of_lines) -> list[float]:
    """The confidences of the words of these groups of lines (blocks' lines, or the
    engine's paragraphs)."""
    return [wd.conf for lines in groups_of_lines for ln in lines for wd in ln.words]


def _better(paragraphs: list[list[Line]], lay: PageLayout) -> bool:
    ours = _confidences(b.lines for b in lay.ordered)
    theirs = _confidences(paragraphs)
    if not theirs:
        return False
    if not ours:
        return True
    if across_columns(paragraphs, lay) > MAX_ACROSS:
        return False
    return sum(theirs) / len(theirs) > sum(ours) / len(ours)


# A line of text does not cross a column gutter. Tesseract's own segmentation of a
# blurred page (a 150-dpi scan of tightly set columns) reads its lines straight across
# the columns, and its word confidences are no lower for it (65 against 64 for our
# blocks, on a page it then read at 92% CER against our 23%). Where more than this
# share of its lines lies over two of our blocks side by side, ours stands.
MAX_ACROSS = 0.2


def across_columns(paragraphs: list[list[Line]], lay: PageLayout) -> float:
    """The share of the engine's lines that lie over two of our text blocks side by side
    (each under half the line's height or more, one wholly left of the other)."""
    blocks = [b.bbox for b in lay.ordered if b.bbox and b.lines]
    lines = [ln.bbox for p in paragraphs for ln in p if ln.bbox]
    if not lines:
        return 0.0
    crossing = 0
    for x0, y0, x1, y1 in lines:
        under = sorted(b for b in blocks if min(y1, b[3]) - max(y0, b[1]) >= 0.5 * (y1 - y0)
                       and min(x1, b[2]) - max(x0, b[0]) >= y1 - y0)
        if any(a[2] <= b[0] for a in under for b in under):
            crossing += 1
    return crossing / len(lines)


# The language the last page this process read turned out to be in, by --lang: the
# pages of a batch are mostly in one language, so the next one is first read in it.
_last_script: dict[str, str] = {}


def read_blocks(engine, image: np.ndarray, blocks: list[Block], lang: str, dpi: int, clock: Clock,
                body: float = 0.0) -> str:
    """OCR every block with the one model chosen for the page, and return that model.

    Given a CJK and a Latin model (chi_sim+eng), the page is read with the CJK one
    straight away and its largest block decides, by the Han share of its letters; a
    Latin page is then read again with the Latin model. A batch of Chinese pages so pays
    nothing for the choice (sampling first cost 0.3 s a page). After a Latin page the
    process samples first instead (``choose_language``), so that a batch of Latin pages
    is not read twice."""
    cjk, latin = _split_languages(lang)
    if cjk and latin and _last_script.get(lang) != "latin":
        engine.check_languages(cjk[0])
        _ocr_blocks(engine, image, blocks, cjk[0], dpi, clock, body)
        big = _largest_text_block(blocks)
        script = _script_of(big.text if big else "")
        if script is None:
            with clock("engine"):
                script = _osd_script(engine, image, dpi)
        chosen = "+".join(latin) if script == "latin" else cjk[0]
        if chosen != cjk[0]:
            engine.check_languages(chosen)
            _ocr_blocks(engine, image, blocks, chosen, dpi, clock, body)
    else:
        with clock("engine"):
            chosen = choose_language(engine, image, lang, dpi, blocks, body)
        engine.check_languages(chosen)
        _ocr_blocks(engine, image, blocks, chosen, dpi, clock, body)
    if cjk and latin:
        _last_script[lang] = "cjk" if chosen == cjk[0] else "latin"
    return chosen


def choose_language(engine, image: np.ndarray, lang: str, dpi: int, blocks: list[Block] = (),
                    body: float = 0.0) -> str:
    """One model per page: a combined chi_sim+eng model turns Chinese into Latin
    garbage (NOTES.md). Between a CJK and a Latin model, two inches of the page's
    largest text block are read with the CJK one: a Chinese page gives mostly Han
    characters, a Latin page mostly letters (the CJK models know Latin too). Tesseract's
    script detection (OSD) said Latin for Chinese pages scanned at 200 dpi, even on the
    whole page, and took 2.3 s on a whole 300-dpi page; this takes 0.3 s."""
    cjk, latin = _split_languages(lang)
    if not cjk or not latin:
        return cjk[0] if cjk else lang
    big = _largest_text_block(blocks)
    script = None
    if big is not None:
        x0, y0, x1, y1 = map(int, big.bbox)
        crop = image[y0:min(y1, y0 + 2 * dpi), x0:x1]
        scale = ocr_scale(body, cjk[0])  # read at the size the page itself is read at
        if scale != 1.0:
            crop = cv2.resize(crop, None, fx=scale, fy=scale,
                              interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
        sample = "".join(ln.text for ln in engine.recognise(crop, cjk[0], dpi=int(dpi * scale)))
        script = _script_of(sample)
    if script is None:  # too little text in the sample to tell
        script = _osd_script(engine, image, dpi)
    return "+".join(latin) if script == "latin" else cjk[0]


def _split_languages(lang: str) -> tuple[list[str], list[str]]:
    langs = [x for x in lang.split("+") if x]
    cjk = [x for x in langs if x.startswith(("chi", "jpn", "kor"))]
    return cjk, [x for x in langs if x not in cjk]


def _largest_text_block(blocks: list[Block]) -> Block | None:
    text_blocks = [b for b in blocks if b.kind.is_text and b.bbox]
    return max(text_blocks, key=lambda b: (b.bbox[2] - b.bbox[0]) * (b.bbox[3] - b.bbox[1]), default=None)


def _script_of(text: str) -> str | None:
    """'han' or 'latin' by the Han share of the letters read with a CJK model; None
    below ten letters."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 10:
        return None
    return "han" if sum(P.is_han(c) for c in letters) >= 0.5 * len(letters) else "latin"


def _osd_script(engine, image: np.ndarray, dpi: int) -> str | None:
    script = engine.detect_script(image, dpi=dpi)
    if not script:
        return None
    return "han" if script in ("Han", "Japanese", "Korean", "Hangul") else "latin"


# Tesseract's Han models read best with glyphs about 25 px tall: crops of rendered
# 300-dpi pages (37 px glyphs) shrunk to 25 px read at 1.50% CER instead of 1.90%, and 13%
# faster (8 pages); 18 px (0.5x) and 31 px (0.8x) were both worse. Latin glyphs are
# only enlarged: Tesseract asks for an x-height of 20 px at least, and a 150-ppi scan
# of small type gives less.
HAN_GLYPH_PX = 25.0
MIN_LATIN_GLYPH_PX = 24.0
# Tesseract reads nothing at all of some headlines set 70 px tall (psm 6 and 7, a
# clean serif bold line of the devset), and reads them right at half that size: type
# over MAX_GLYPH_PX is brought down to LARGE_GLYPH_PX.
MAX_GLYPH_PX = 48.0
LARGE_GLYPH_PX = 36.0


def ocr_scale(body: float, lang: str) -> float:
    """How much to resize crops before OCR, given the body glyph height in pixels."""
    if not body:
        return 1.0
    if _split_languages(lang)[0]:
        scale = HAN_GLYPH_PX / body
    else:
        scale = max(1.0, MIN_LATIN_GLYPH_PX / body)
    return 1.0 if abs(scale - 1.0) < 0.1 else min(3.0, max(0.5, scale))


# Page around each block's box as cut for the engine: its box is the union of its
# glyphs', and a glyph's antialiased edge lies a few pixels past it.
CROP_PAD = 6


def crop_box(bbox, shape) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1), end exclusive: the pixels the engine is given for a block."""
    x0, y0, x1, y1 = bbox
    return (max(0, int(x0) - CROP_PAD), max(0, int(y0) - CROP_PAD),
            min(shape[1], int(x1) + CROP_PAD), min(shape[0], int(y1) + CROP_PAD))


def _ocr_blocks(engine, image: np.ndarray, blocks: list[Block], lang: str, dpi: int, clock: Clock,
                body: float = 0.0) -> None:
    """Each block cropped (resized by ``ocr_scale``), and all of a page's crops read in
    one engine call, as uniform blocks of text (psm 6). Headlines read as single lines
    (psm 7) came out the same (18 errors in 279 characters either way, on 20 rendered
    pages), and a second call cost a process start and a model load per page."""
    scale = ocr_scale(body, lang)
    group: list[tuple[Block, tuple[int, int], float, np.ndarray]] = []
    for b in blocks:
        x0, y0, x1, y1 = b.bbox
        X0, Y0, X1, Y1 = crop_box(b.bbox, image.shape)
        crop = image[Y0:Y1, X0:X1]
        if not crop.size:
            continue
        # Columns are what take the time. Headlines and crossheads keep their size
        # (shrunk, the short second line of a two-line headline went unread), and so
        # do blocks of a line or two (a byline's ◎ was read as two characters).
        short = (y1 - y0) < 2.5 * (b.font_size or (y1 - y0))
        s = 1.0 if b.kind in (HEADLINE, SUBHEAD) or short else scale
        size = type_size(b, body)
        if size and size * s > MAX_GLYPH_PX:
            s = LARGE_GLYPH_PX / size
        if s != 1.0:
            crop = cv2.resize(crop, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
        group.append((b, (X0, Y0), s, crop))
    with clock("engine"):
        results = engine.recognise_many([g[3] for g in group], lang, dpi=int(dpi * scale))
    for (b, offset, s, _), lines in zip(group, results):
        _place(b, lines, offset, s)


def type_size(b: Block, body: float) -> float | None:
    """The size a block is set in, as far as reading it goes. A column of text not yet
    typed takes the size of its largest piece (``regions``), and on a blurred scan two
    lines run together are one such piece: the Evening Star of 1861, body 38 px, had its
    columns taken for 54-px type and shrunk by a third for the engine, which then read
    three lines as one ("what mo-" lost, "Mrs. Thirlby poured herself" read "es a
    sarap"). Text set larger than the page's body is typed headline or subhead before it
    is read."""
    if b.kind == TEXT and body and b.font_size:
        return min(b.font_size, body)
    return b.font_size


def _place(b: Block, lines, offset: tuple[int, int], scale: float = 1.0) -> None:
    """A block's lines, moved from crop to page coordinates."""
    X0, Y0 = offset
    for ln in lines:
        ln.bbox = (ln.bbox[0] / scale + X0, ln.bbox[1] / scale + Y0, ln.bbox[2] / scale + X0, ln.bbox[3] / scale + Y0)
        for w in ln.words:
            w.x0, w.x1 = w.x0 / scale + X0, w.x1 / scale + X0
            w.top, w.bottom = w.top / scale + Y0, w.bottom / scale + Y0
    b.lines = lines
    b.text = "\n".join(ln.text for ln in lines)
    confs = [w.conf for ln in lines for w in ln.words]
    b.confidence = round(sum(confs) / len(confs), 1) if confs else None


def _assign_words(blocks: list[Block], words: list[Word]) -> None:
    """Give each text-layer word to the text block holding its centre, else to the
    nearest one, as lines: a word the layout found no region for is still text of the
    page (on a Chronicling America page a fifth of the words fell outside every block)."""
    text_blocks = [i for i, b in enumerate(blocks) if b.kind.is_text] or list(range(len(blocks)))
    buckets: dict[int, list[Word]] = {}
    if words and text_blocks:
        boxes = np.array([blocks[i].bbox for i in text_blocks], dtype=np.float32)
        centres = np.array([((w.x0 + w.x1) / 2, (w.top + w.bottom) / 2) for w in words], dtype=np.float32)
        nearest = []
        for c in np.array_split(centres, max(1, len(centres) // 500)):  # bounded memory on big pages
            # distance from each centre to each box (0 inside); argmin takes the first box holding it
            dx = np.maximum(0, np.maximum(boxes[None, :, 0] - 2 - c[:, None, 0], c[:, None, 0] - boxes[None, :, 2] - 2))
            dy = np.maximum(0, np.maximum(boxes[None, :, 1] - 2 - c[:, None, 1], c[:, None, 1] - boxes[None, :, 3] - 2))
            nearest.extend((dx * dx + dy * dy).argmin(axis=1).tolist())
        for w, k in zip(words, nearest):
            buckets.setdefault(text_blocks[k], []).append(w)
    for i, b in enumerate(blocks):
        if i in buckets or b.kind.is_text:
            b.lines = lines_from_words(buckets.get(i, []))
            b.text = "\n".join(ln.text for ln in b.lines)


def join_words(words: list[Word]) -> str:
    """A line's text. Tesseract reports each Han character as a word; beside a Han
    character or CJK punctuation no space belongs, however wide the gap on the page: a
    justified line with wide tracking (财政 部部长, 准 确) spaces its characters apart, and
    a space inside a word breaks search and reading. Curly quotes, the dash, the ellipsis
    and the middle dot are set in English as well: they go by the nearest other character
    on either side, so that ``you?’’ said`` keeps its space and ``说“北斗”`` has none.
    Callers then make punctuation full-width (``patterns.cjk_punctuation``)."""
    texts = [w.text for w in words]
    out = ""
    for i, t in enumerate(texts):
        if i and not (_cjk_beside(reversed("".join(texts[:i]))) or _cjk_beside(iter("".join(texts[i:])))):
            out += " "
        out += t
    return out


def _cjk_beside(chars) -> bool:
    """Whether the first character, past marks both scripts share, is Chinese (a line of
    nothing but such marks is set close, as it was before they were told apart)."""
    for ch in chars:
        if ch not in P.SHARED_MARKS:
            return P.is_cjk_char(ch)
    return True


def lines_from_words(words: list[Word]) -> list[Line]:
    """Group positioned words (a PDF text layer) into lines by vertical overlap."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        for ln in lines:
            top = min(x.top for x in ln)
            bottom = max(x.bottom for x in ln)
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap > 0.5 * min(bottom - top, w.bottom - w.top):
                ln.append(w)
                break
        else:
            lines.append([w])
    out = []
    for ln in lines:
        ln.sort(key=lambda w: w.x0)
        out.append(_line_of(ln))
    out.sort(key=lambda ln: (ln.bbox[1], ln.bbox[0]))
    return out
