"""Layout: find rules, photos and text blocks on a page image, and the reading order.

The steps, each a function of plain arrays and blocks:

1. ``preprocess``: flatten uneven illumination and yellowed paper, estimate and undo
   skew (projection profiles), binarise (Otsu on the flattened page).
2. ``find_regions``: rules by morphology, photos as large mid-tone or solid regions,
   text lines by a horizontal smear, lines grouped into blocks of one type size.
3. ``classify_blocks``: kinds from type size and position (headline, caption, furniture).
4. ``reading_order``: recursive XY-cut over the text blocks (photos and captions stand
   outside the flow), vertical cuts first so that articles side by side stay apart.
5. ``article_regions``: cells cut along rules, and in each the blocks under a headline
   in its columns; segmentation never runs an article across two regions.
6. ``paragraphs``: after OCR, a column block is split into paragraphs at indented first
   lines and short last lines; what the column's first and last lines look like is kept
   for cleanup (a column that opens without an indent continues a paragraph).
"""

from __future__ import annotations

import cv2
import numpy as np

from . import patterns as P
from .model import (
    BODY, BYLINE, CAPTION, FURNITURE, HEADLINE, PHOTO, RULE, SUBHEAD, TABLE, TEXT, Block, Kind, Line, Page,
    PageLayout,
    union_bbox,
)

DATELINE, FOOTNOTE, MASTHEAD, PAGE_NUMBER, RUNNING_HEAD = (Kind.DATELINE, Kind.FOOTNOTE, Kind.MASTHEAD,
                                                          Kind.PAGE_NUMBER, Kind.RUNNING_HEAD)

MAX_SKEW_DEGREES = 5.0


def analyse(page: Page) -> PageLayout:
    """The layout of a page image: steps 1 to 5 (preprocess, regions, kinds, reading
    order, article regions). A PDF's text layer is in the raster's coordinates, so a
    page that has one is not deskewed."""
    if page.words:
        flat = flatten(page.image)
        ink, angle = binarise(flat), 0.0
    else:
        flat, ink, angle = preprocess(page.image)
    blocks, ch = find_regions(flat, ink)
    body = classify_blocks(blocks, flat.shape[0])
    ordered = reading_order(blocks)
    regions = article_regions(ordered, blocks)
    return PageLayout(image=flat, blocks=blocks, ordered=ordered, text_height=ch, body=body,
                      dpi=page.dpi or estimate_dpi(ch), skew=angle, regions=regions)


def from_blocks(page: Page, method: str = "alto") -> PageLayout:
    """The layout a page came with (ALTO from another OCR engine): its blocks and their
    order kept, kinds from their type size and place as for our own blocks, rules found
    on the image, article regions from both."""
    flat = flatten(page.image)
    ink = binarise(flat)
    blocks = [part for b in page.blocks if b.bbox for part in _runs_of_size(b)]
    sizes = sorted(b.font_size for b in blocks if b.kind == TEXT and b.font_size)
    ch = sizes[len(sizes) // 2] if sizes else estimate_text_height(ink)
    blocks += find_rules(ink, ch)
    body = classify_blocks(blocks, flat.shape[0])  # kinds the file gives are kept
    if not body:
        body_sizes = sorted(b.font_size for b in blocks if b.kind == BODY and b.font_size)
        body = body_sizes[len(body_sizes) // 2] if body_sizes else ch
    ordered = [b for b in blocks if b.kind.is_text]
    if any(b.region is not None for b in ordered):  # the file says which article each block is
        regions = len({b.region for b in ordered if b.region is not None})
    else:
        regions = article_regions(ordered, blocks)
    return PageLayout(image=flat, blocks=blocks, ordered=ordered, text_height=ch, body=body,
                      dpi=page.dpi, skew=0.0, regions=regions, method=method)


def line_size(ln: Line) -> float:
    """A line's type size: the median height of its words (a line's box grows with one
    speck or one descender), else its box's height."""
    hs = sorted(w.bottom - w.top for w in ln.words if w.bottom > w.top)
    return float(hs[len(hs) // 2]) if hs else float(ln.bbox[3] - ln.bbox[1])


def _runs_of_size(block: Block, kinds=(TEXT,)) -> list[Block]:
    """A block cut where its type size changes: an engine's block often holds a
    headline's lines with the body under it, which kinds by size need apart, and a
    title block of ours a headline over its smaller subtitle."""
    if block.kind not in kinds or len(block.lines) < 2:  # a kind the file gives is kept whole
        return [block]
    runs: list[list[Line]] = [[block.lines[0]]]
    for prev, ln in zip(block.lines, block.lines[1:]):
        a, b = line_size(prev), line_size(ln)
        if max(a, b) > P.SUBHEAD_TO_BODY * min(a, b):
            runs.append([ln])
        else:
            runs[-1].append(ln)
    if len(runs) == 1:
        return [block]
    out = []
    for lines in runs:
        heights = sorted(line_size(ln) for ln in lines)
        confs = [w.conf for ln in lines for w in ln.words if w.conf >= 0]
        out.append(Block(block.kind, text="\n".join(ln.text for ln in lines), bbox=union_bbox(ln.bbox for ln in lines),
                         lines=lines, font_size=float(heights[len(heights) // 2]),
                         confidence=round(sum(confs) / len(confs), 1) if confs else None, region=block.region))
    return out


def engine_layout(lay: PageLayout, paragraphs: list[list[Line]], why: str) -> None:
    """The layout replaced by an OCR engine's own segmentation (the safety net): each
    paragraph one block, in the engine's reading order, kinds by type size; no photos
    and no article regions (segmentation then goes by the text)."""
    blocks = []
    for lines in paragraphs:
        heights = sorted(ln.bbox[3] - ln.bbox[1] for ln in lines)
        confs = [w.conf for ln in lines for w in ln.words]
        blocks.append(Block(TEXT, text="\n".join(ln.text for ln in lines), bbox=union_bbox(ln.bbox for ln in lines),
                            lines=lines, font_size=float(heights[len(heights) // 2]),
                            confidence=round(sum(confs) / len(confs), 1) if confs else None))
    rules = [b for b in lay.blocks if b.kind == RULE]
    lay.body = classify_blocks(blocks, lay.image.shape[0])
    lay.blocks, lay.ordered = rules + blocks, blocks
    lay.regions, lay.method = 0, f"engine ({why})"


def text_units(lay: PageLayout) -> list[Block]:
    """Step 6, once the blocks hold their text: kinds the words overrule, line weights,
    and each block cut into paragraphs; the page's text units in reading order."""
    reconsider_kinds(lay)
    heavy = weigh_lines(lay.image, lay.ordered)
    return [u for b in lay.ordered for u in paragraphs(b, lay.body, heavy) if u.text.strip()]


# --- 1. preprocess ------------------------------------------------------------------------

def flatten(gray: np.ndarray) -> np.ndarray:
    """Divide by the paper's own brightness so yellowed or unevenly lit paper becomes white."""
    h, w = gray.shape
    k = max(15, (min(h, w) // 20) | 1)
    small = cv2.resize(gray, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k // 4 | 1, k // 4 | 1)))
    bg = cv2.medianBlur(bg, 5)
    # A photo is larger than the closing kernel, so the estimate takes its tones for
    # paper and flattening would bleach it (and photo detection then misses it). Where
    # the estimate is much darker than the brightest paper nearby, take that paper.
    k2 = max(3, (min(bg.shape) // 5) | 1)
    paper = cv2.blur(cv2.dilate(bg, cv2.getStructuringElement(cv2.MORPH_RECT, (k2, k2))), (k2, k2))
    bg = np.where(bg < 0.85 * paper, paper, bg)
    bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(bg, 1), scale=255.0)  # saturates at white


def binarise(gray: np.ndarray) -> np.ndarray:
    """Ink mask: 255 where there is ink."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink


def estimate_skew(ink: np.ndarray) -> float:
    """Skew in degrees (positive = counter-clockwise) by maximising the variance of the
    horizontal projection of text rows, coarse then fine."""
    h, w = ink.shape

    def scorer(side: int):
        scale = min(1.0, side / max(h, w))
        small = cv2.resize(ink, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
        center = (small.shape[1] / 2, small.shape[0] / 2)

        def score(angle: float) -> float:
            m = cv2.getRotationMatrix2D(center, angle, 1.0)
            rot = cv2.warpAffine(small, m, (small.shape[1], small.shape[0]), flags=cv2.INTER_NEAREST)
            prof = rot.sum(axis=1, dtype=np.float64)
            return float(np.var(np.diff(prof)))
        return score

    # Coarse steps need less detail than fine ones: a quarter of the pixels. The coarse
    # peak can sit a step off (a 400-dpi page skewed 2.3 degrees peaked at 1.5), so the
    # fine search spans two steps each side, then halves its own step.
    best = max(np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 0.01, 0.5), key=scorer(600))
    fine = scorer(1200)
    best = max(np.arange(best - 1.0, best + 1.01, 0.1), key=fine)
    best = max((best - 0.05, best, best + 0.05), key=fine)
    return float(round(best, 2))


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def preprocess(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Returns (flattened and deskewed grey page, its ink mask, the skew undone)."""
    flat = flatten(gray)
    angle = estimate_skew(binarise(flat))
    if abs(angle) >= 0.05:
        flat = rotate(flat, angle)
    return flat, binarise(flat), angle


def component_boxes(mask: np.ndarray) -> np.ndarray:
    """(x, y, w, h) of each connected component of a binary image, as
    ``connectedComponentsWithStats`` gives them, from outer contours: the same boxes,
    5 to 25 times faster on a page, where labelling visits every pixel. Components
    inside another's hole are outer contours too (RETR_CCOMP), so none is lost."""
    contours, hierarchy = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return np.zeros((0, 4), dtype=int)
    return np.array([cv2.boundingRect(c) for c, h in zip(contours, hierarchy[0]) if h[3] < 0], dtype=int)


def estimate_text_height(ink: np.ndarray) -> float:
    """Median height of body-text glyphs in pixels (strokes of a Han character merged).

    The strokes are merged by a closing a fifth of a glyph wide; at 70 dpi a 5-pixel
    closing would merge whole lines instead, so a smaller one is tried when too few
    glyph-shaped components are left."""
    for k in (5, 3, 1):
        closed = ink if k == 1 else cv2.morphologyEx(ink, cv2.MORPH_CLOSE,
                                                     cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
        boxes = component_boxes(closed)
        if not len(boxes):
            continue
        hs, ws = boxes[:, 3], boxes[:, 2]
        ok = (hs >= 6) & (hs <= ink.shape[0] / 20) & (ws <= 3 * hs) & (ws >= hs / 4)
        if ok.sum() >= 20:
            return float(np.percentile(hs[ok], 60))
    return 30.0


def letter_spacing(ink: np.ndarray, ch: float) -> float:
    """The white between neighbouring glyphs of a line, in pixels: the 75th percentile
    over the page of the gap from each glyph-sized component to the next one on its
    row. Han set with wide tracking leaves a third of a glyph between characters, and
    those gaps line up down a column set on a grid; a column gutter is wider than them,
    or readers would read across it. 0 when too few glyphs tell."""
    k = max(1, int(ch / 6))
    boxes = component_boxes(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))))
    if not len(boxes):
        return 0.0
    x, y, w, h = boxes.T
    glyph = (h >= 0.7 * ch) & (h <= 1.3 * ch) & (w >= 0.5 * ch) & (w <= 1.3 * ch)
    x, y, w, h = x[glyph], y[glyph], w[glyph], h[glyph]
    row = np.round((y + h / 2) / ch).astype(int)
    order = np.lexsort((x, row))
    x, w, row = x[order], w[order], row[order]
    gaps = x[1:] - (x[:-1] + w[:-1])
    gaps = gaps[(row[1:] == row[:-1]) & (gaps >= 0) & (gaps < ch)]
    return float(np.percentile(gaps, 75)) if gaps.size >= 20 else 0.0


def estimate_dpi(text_height: float) -> int:
    """Body type in newspapers is about 9 pt, a glyph about 2.9 mm tall."""
    return int(round(text_height / (9 * 0.9 / 72)))


# --- 2. regions ---------------------------------------------------------------------------

def _half(mask: np.ndarray, *, any_ink: bool) -> np.ndarray:
    """Half resolution: each 2x2 cell's mean, or with ``any_ink`` 255 where the cell has
    any (so that a one-pixel rule survives)."""
    h, w = mask.shape
    small = cv2.resize(mask, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    return ((small > 0).astype(np.uint8) * 255) if any_ink else small


def find_rules(ink: np.ndarray, ch: float) -> list[Block]:
    """Rules are long: found at half resolution, where opening the page with long
    kernels takes a quarter of the time."""
    small = _half(ink, any_ink=True)
    rules = []
    for kernel in ((int(ch * 4), 1), (1, int(ch * 4))):
        lines = cv2.morphologyEx(small, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        for x, y, w, h in component_boxes(lines):
            # Thin by its ink, not its box: a column rule on an old scan bends a few
            # pixels over the page's height, so its box is wider than the rule (Chronicling
            # America: rules 6 px thick in boxes up to 28 px wide, all lost to a box test).
            thick = 2 * cv2.countNonZero(lines[y:y + h, x:x + w]) / max(w, h)
            if thick <= max(3, ch / 3) and min(w, h) <= ch:
                rules.append(Block(RULE, bbox=(2.0 * x, 2.0 * y, 2.0 * (x + w), 2.0 * (y + h))))
    return rules


def find_photos(gray: np.ndarray, ink: np.ndarray, ch: float) -> list[Block]:
    """Photos are large areas of mid-tones (or solid ink) that text never makes. Found
    at half resolution (they are large), their edges then drawn at full."""
    sg, si, c = _half(gray, any_ink=False), _half(ink, any_ink=False), ch / 2
    mid = ((sg > 50) & (sg < 205)).astype(np.uint8) * 255
    k = max(3, int(c / 3)) | 1
    mid = cv2.morphologyEx(mid, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    dense = cv2.blur(si, (int(c * 1.5) | 1, int(c * 1.5) | 1)) > 170
    mask = mid | (dense.astype(np.uint8) * 255)
    big = max(5, int(c)) | 1
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (big, big)))
    photos = []
    for x, y, w, h in component_boxes(mask):
        if w > 4 * c and h > 4 * c and cv2.countNonZero(mask[y:y + h, x:x + w]) > 0.5 * w * h:
            x, y, w, h = 2 * x, 2 * y, 2 * w, 2 * h
            for x, y, w, h in _tight(gray[y:y + h, x:x + w] < 205, x, y, w, h, 4 * ch):
                # Both ways: a chart of light tints with dark labels has white rows between
                # its labels in the ink, but its tints fill them in the grey.
                if w > 4 * ch and h > 4 * ch and not (_lines_of_text(ink[y:y + h, x:x + w])
                                                      and _lines_of_text(gray[y:y + h, x:x + w] < 205)):
                    photos.append(Block(PHOTO, bbox=(float(x), float(y), float(x + w), float(y + h))))
    return photos


def _lines_of_text(ink: np.ndarray) -> bool:
    """Text blurred into solid blobs (a heavily blurred 150-dpi scan) passes for a photo
    by its density, but keeps paper-white rows between its lines: three or more runs of
    them, a tenth of the rows or more. A photo has none inside it."""
    white = (ink > 0).mean(axis=1) < 0.05
    runs = np.count_nonzero(np.diff(white.astype(np.int8)) == 1)
    return runs >= 3 and white.mean() >= 0.1


def _tight(toned: np.ndarray, x: int, y: int, w: int, h: int, least: float) -> list[tuple[int, int, int, int]]:
    """The photos' boxes without the text lines the closing joined to them (a caption
    set close under one): only rows and columns mostly toned (a line of text leaves
    most of its row paper-white; a photo's shadows are toned too), the longest run of
    rows, then every run of columns at least ``least`` wide (two photos side by side
    that the closing joined are two photos), each with its own run of rows: a blurred
    caption's densest row can pass for toned, but white rows part it from the photo."""
    rows = _longest_run(toned.mean(axis=1) > 0.6)
    if rows is None:
        return [(x, y, w, h)]
    # Columns over the photos' rows only, then rows over each one's columns: text the
    # closing joined above a small photo would otherwise dilute every column's tone.
    out = []
    for c0, c1 in _bridged_runs(toned[rows[0]:rows[1]].mean(axis=0) > 0.6):
        if c1 - c0 >= least:
            r = _longest_run(toned[:, c0:c1].mean(axis=1) > 0.6) or rows
            out.append((x + c0, y + r[0], c1 - c0, r[1] - r[0]))
    return out


def _bridged_runs(mask: np.ndarray, gap: int = 3) -> list[tuple[int, int]]:
    """(start, end) of each run of True in ``mask``, bridging gaps of ``gap``."""
    idx = np.flatnonzero(mask)
    if not idx.size:
        return []
    breaks = np.flatnonzero(np.diff(idx) > gap + 1)
    starts, ends = np.r_[idx[0], idx[breaks + 1]], np.r_[idx[breaks], idx[-1]] + 1
    return list(zip(starts.tolist(), ends.tolist()))


def _longest_run(mask: np.ndarray, gap: int = 3) -> tuple[int, int] | None:
    """(start, end) of the longest run of True in ``mask``, bridging gaps of ``gap``."""
    return max(_bridged_runs(mask, gap), key=lambda r: r[1] - r[0], default=None)


def find_text_blocks(ink: np.ndarray, ch: float, rules: list[Block] = (), photos: list[Block] = ()) -> list[Block]:
    """Text lines by smearing glyphs sideways, then lines grouped into blocks. Gutters
    are looked for with the ``photos`` and the rules across solid: taken out, a photo
    leaves a white area that breaks the gutter beside it into pieces too short to
    count, and a rule a gap through which the gutter runs on into what is under it."""
    kw, kh = max(3, int(ch * 0.7)), max(1, int(ch * 0.15))
    smear = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (kw, kh)))
    solid = ink.copy()
    for b in [*photos, *(r for r in rules if _horizontal(r.bbox))]:
        x0, y0, x1, y1 = map(int, b.bbox)
        solid[y0:y1 + 1, x0:x1 + 1] = 255
    gutters = _between_text(find_gutters(solid, ch, photos), photos, ch)
    # A gutter narrower than the smear (or a speck in it) would join the lines of two
    # columns into one piece: the smear is cut along each gutter found.
    for gx0, gy0, gx1, gy1 in gutters:
        smear[max(0, int(gy0)):int(gy1) + 1, max(0, int(gx0)):int(gx1) + 1] = 0
    segs = []
    for x, y, w, h in component_boxes(smear):
        # Back to the ink's extent: the smear widened each piece by half a kernel a
        # side, except where a gutter cut it.
        piece = ink[y:y + h, x:x + w]
        cols, rows = np.flatnonzero(piece.any(axis=0)), np.flatnonzero(piece.any(axis=1))
        if not cols.size:
            continue
        x, y, w, h = x + int(cols[0]), y + int(rows[0]), int(cols[-1] - cols[0]) + 1, int(rows[-1] - rows[0]) + 1
        if h < ch * 0.4 or w < ch * 0.2 or (w < ch * 0.5 and h < ch * 0.5) or h > ch * 8:
            continue
        segs.append((float(x), float(y), float(x + w), float(y + h)))
    segs = _split_touching_lines(segs, ink, ch)
    segs.sort(key=lambda s: (s[1], s[0]))
    leading = _leading(segs)
    display = P.HEADLINE_TO_BODY * float(np.median([s[3] - s[1] for s in segs])) if segs else float("inf")
    blocks: list[list[tuple]] = []
    for s in segs:
        sh = s[3] - s[1]
        best = None
        for b in blocks:
            last = b[-1]
            lh = last[3] - last[1]
            overlap = min(s[2], last[2]) - max(s[0], last[0])
            narrow = min(s[2] - s[0], last[2] - last[0])
            gap = s[1] - last[3]
            # Lines of a column differ in height by their ascenders, descenders and
            # punctuation; a line in headline type beside a smaller one is a headline
            # over its subtitle or under its kicker: kept apart, each is typed by its size.
            titled = max(sh, lh) >= display and max(sh, lh) >= P.SUBHEAD_TO_BODY * min(sh, lh)
            if overlap > 0.5 * narrow and -0.3 * lh < gap < max(0.9, leading) * min(lh, sh) and 0.7 < sh / lh < 1.45 \
                    and not titled:
                best = b
        if best is not None:
            best.append(s)
        else:
            blocks.append([s])
    out = []
    for b in blocks:
        heights = sorted(s[3] - s[1] for s in b)
        out.append(Block(TEXT, bbox=union_bbox(b), font_size=float(heights[len(heights) // 2])))
    photo_boxes = [p.bbox for p in photos]
    merged = merge_touching(out, [r.bbox for r in rules if r.bbox[3] - r.bbox[1] > r.bbox[2] - r.bbox[0]], gutters,
                            photo_boxes)
    return _uncontained([piece for b in merged for part in split_at_gutters(b, ink, ch)
                         for wall_part in split_at_walls(part, gutters, ink, ch)
                         for piece in _around_photos(wall_part, photo_boxes, ink)], ch)


def _uncontained(blocks: list[Block], ch: float) -> list[Block]:
    """Blocks that lie inside no other: OCR reads a block's whole box, so a piece inside
    another is read twice. On a page set solid and printed warped, lines of a paragraph
    touch and are measured at half again body size, and a word set apart by the wide
    spaces of a justified line, at body size, joins none of them: a page of one column
    was read as one block and twenty pieces inside it, each line read again."""
    out: list[Block] = []
    for b in sorted(blocks, key=lambda b: -(b.bbox[2] - b.bbox[0]) * (b.bbox[3] - b.bbox[1])):
        if not any(_inside(b.bbox, o.bbox, ch / 4) for o in out):
            out.append(b)
    return [b for b in blocks if any(b is o for o in out)]


def _under_photo(x0, y0, x1, y1, photos, ch: float) -> bool:
    """A white strip within a photo's width that starts under it (or under its caption,
    a line or two) or ends over it."""
    return any(px0 <= x0 and x1 <= px1 and (0 <= y0 - py1 <= 3 * ch or 0 <= py0 - y1 <= 3 * ch)
               for px0, py0, px1, py1 in (p.bbox for p in photos))


def _between_text(walls, photos, ch: float) -> list[tuple[float, float, float, float]]:
    """Walls with the stretch between two photos taken out (the white between two photos
    set side by side ran on down through the gap of a caption line and cut it): a
    gutter parts text, and a piece left shorter than a gutter's least height is none."""
    out = []
    for wx0, wy0, wx1, wy1 in walls:
        x = (wx0 + wx1) / 2
        left = [p.bbox for p in photos if x - ch <= p.bbox[2] <= x]
        right = [p.bbox for p in photos if x <= p.bbox[0] <= x + ch]
        cuts = sorted((max(a[1], b[1]), min(a[3], b[3])) for a in left for b in right if min(a[3], b[3]) > max(a[1], b[1]))
        pieces, top = [], wy0
        for c0, c1 in cuts:
            if c0 > top:
                pieces.append((top, min(c0, wy1)))
            top = max(top, c1)
        if top < wy1:
            pieces.append((top, wy1))
        out += [(wx0, a, wx1, b) for a, b in pieces if not cuts or b - a >= TALL * ch]
    return out


def _around_photos(block: Block, photos, ink: np.ndarray) -> list[Block]:
    """A block that a photo stands in, cut into its parts over and under the photo
    (a column cut out of lines that ran across a gutter holds both)."""
    for px0, py0, px1, py1 in photos:
        x0, y0, x1, y1 = block.bbox
        if not _overlaps(block.bbox, (px0, py0, px1, py1)):
            continue
        out = []
        for a, b in ((y0, py0), (py1, y1)):
            part = _inked(ink, x0, a, x1, b, block.font_size) if b - a >= 2 else None
            if part is not None:
                out.extend(_around_photos(part, photos, ink))
        return out
    return [block]


def _inked(ink: np.ndarray, x0, y0, x1, y1, font_size: float) -> Block | None:
    """A text block of the box's ink, tightened to it; None where the box holds none."""
    crop = ink[int(y0):int(y1) + 1, int(x0):int(x1) + 1] > 0
    cols, rows = np.flatnonzero(crop.any(axis=0)), np.flatnonzero(crop.any(axis=1))
    if not cols.size:
        return None
    return Block(TEXT, bbox=(float(int(x0) + cols[0]), float(int(y0) + rows[0]),
                             float(int(x0) + cols[-1] + 1), float(int(y0) + rows[-1] + 1)), font_size=font_size)


def split_at_walls(block: Block, walls, ink: np.ndarray, ch: float) -> list[Block]:
    """A block that a gutter runs down, cut along it: the lines of two columns that a
    gutter narrower than the smear joined (``find_gutters``). A wall counts when it
    runs down most of the block and stands a glyph or more inside it."""
    x0, y0, x1, y1 = block.bbox
    for wx0, wy0, wx1, wy1 in walls:
        mid = (wx0 + wx1) / 2
        if x0 + ch <= mid <= x1 - ch and min(y1, wy1) - max(y0, wy0) >= 0.6 * (y1 - y0):
            out = []
            for a, b in ((x0, mid), (mid, x1)):
                part = _inked(ink, a, y0, b, y1, block.font_size)
                if part is not None:
                    out.extend(split_at_walls(part, walls, ink, ch))  # each part is narrower: this ends
            return out
    return [block]


def _leading(segs: list[tuple]) -> float:
    """The page's usual white between two lines of a column, as a share of their height,
    with room for a little more: a book sets its lines a glyph apart, a newspaper half
    of one. From each line to the nearest line under it in its column (of a like
    height, less than two heights away); 0.9 when too few lines tell."""
    gaps = []
    for i, s in enumerate(segs):  # sorted by top: look down only as far as two heights
        h = max(1.0, s[3] - s[1])
        best = None
        for t in segs[i + 1:]:
            if t[1] - s[3] >= 2 * h:
                break
            if (t[1] >= s[3] and min(s[2], t[2]) - max(s[0], t[0]) > 0.5 * min(s[2] - s[0], t[2] - t[0])
                    and 0.7 < (t[3] - t[1]) / h < 1.45):
                best = t[1] - s[3] if best is None else min(best, t[1] - s[3])
        if best is not None:
            gaps.append(best / h)
    if len(gaps) < 10:
        return 0.9
    return float(min(1.6, 1.3 * np.median(gaps) + 0.15))


# A gutter runs down twelve glyph heights at least (seven or eight lines), and is at
# least 0.4 of a glyph wide. Measured on the devset, the real pages and the project's
# renders: eight heights took the white down a paragraph of a generously leaded book
# page for a gutter; 0.55 of a glyph missed the gutters of a renderer that sets them
# 0.8 of a glyph wide and blurs them.
TALL, WIDE = 12, 0.4
# The least height of a gutter between columns set under a photo (``find_gutters``).
UNDER = 2.5


def find_gutters(ink: np.ndarray, ch: float, photos=()) -> list[tuple[float, float, float, float]]:
    """Gutters between columns as walls (a thin box down the middle of each): white
    strips that run down ``TALL`` glyph heights unbroken, from ``WIDE`` of a glyph to
    three glyphs wide; shorter ones (``UNDER``) only in line with such a gutter, past
    where it broke, or between columns set under one of the ``photos``.

    A column gutter can be narrower than a character (29 px beside 34-px glyphs), so a
    smear that joins the words of a line also joins the lines of two columns; a block
    is cut along a wall (``split_at_walls``) and no block merges across one. The gaps
    between the characters of a justified Han line line up down the column too, as
    wide as the page's letter spacing (a third of a glyph with wide tracking): a gutter
    is wider than that (``letter_spacing``); where glyphs half again as tall as body type
    stand (a headline) there is no gutter; the wide white of margins and empty areas
    separates nothing that would join."""
    small = _half(ink, any_ink=True)
    c = ch / 2
    # Specks (dust, noise of a poor scan) break a gutter's white into pieces too short to
    # count; no part of a glyph that matters here is under a quarter of one each way.
    n, labels, stats, _ = cv2.connectedComponentsWithStats(small, connectivity=8)
    tiny = np.flatnonzero((stats[:, cv2.CC_STAT_WIDTH] <= 0.25 * c) & (stats[:, cv2.CC_STAT_HEIGHT] <= 0.25 * c))
    tiny = tiny[tiny > 0]
    if tiny.size:
        small = np.where(np.isin(labels, tiny), 0, small).astype(small.dtype)
    white = cv2.bitwise_not(small)
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    display = [(x, y, w, h) for x, y, w, h in component_boxes(closed) if 1.5 * c <= h <= 8 * c and w <= 4 * h]
    # A gutter is wider than the white between the characters of a line.
    narrowest = max(int(WIDE * c), int(letter_spacing(ink, ch) / 2) + 1)
    strips = _strips(white, display, TALL * c, c, narrowest)
    boxes = component_boxes(strips)
    tall = [b for b in boxes if 2.0 * b[3] - ch >= TALL * ch]
    walls = [_wall(strips, b, c) for b in tall]
    # Shorter gutters, where the page says they are. Where a paragraph's indent or a blot
    # beside a gutter broke its white, the gutter goes on past the break, in line.
    for b in boxes:
        if UNDER * ch <= 2.0 * b[3] - ch < TALL * ch:
            wall = _wall(strips, b, c)
            if any(abs(wall[0] - o[0]) < c and (0 <= wall[1] - o[3] <= 4 * ch or 0 <= o[1] - wall[3] <= 4 * ch)
                   for o in walls[:len(tall)]):
                walls.append(wall)
    # Between columns set under a photo that spans them, a gutter runs a few lines; it
    # is as wide as the page's other gutters (the gaps of Han characters set on a grid
    # with wide tracking line up down a short column too).
    if photos:
        widths = sorted(_width(strips, b) for b in tall)
        least = 0.8 * widths[len(widths) // 2] if widths else 0.0
        short = _strips(white, display, UNDER * c, c, narrowest)
        for x, y, w, h in component_boxes(short):
            box = (2.0 * x, 2.0 * y, 2.0 * (x + w), 2.0 * (y + h))
            if (UNDER * ch <= 2.0 * h - ch < TALL * ch and _under_photo(*box, photos, ch)
                    and _width(short, (x, y, w, h)) >= least):
                wall = _wall(short, (x, y, w, h), c)
                if not any(abs(wall[0] - o[0]) < ch and min(wall[3], o[3]) > max(wall[1], o[1]) for o in walls):
                    walls.append(wall)
    return walls


def _strips(white: np.ndarray, display, run: float, c: float, least: int) -> np.ndarray:
    """White that runs down ``run`` pixels unbroken, from ``least`` pixels to three
    glyphs (``c``) wide, away from display type."""
    tall = cv2.morphologyEx(white, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, int(run)))))
    wide = cv2.morphologyEx(tall, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(2, least), 1)))
    wider = cv2.morphologyEx(tall, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(3 * c)), 1)))
    strips = cv2.bitwise_and(wide, cv2.bitwise_not(wider))
    # A headline's letter spacing is a strip of its own size: where glyphs half again
    # as tall as body type stand, there is no gutter (a white run down a gutter would
    # otherwise go on up through a gap in the headline over the columns).
    for x, y, w, h in display:
        pad = int(3 * c)
        strips[y:y + h, max(0, x - pad):x + w + pad] = 0
    return strips


def _down(strips: np.ndarray, box) -> np.ndarray:
    """The columns of a strip's box where its white runs down most of the strip's length.
    An indent or the white after a paragraph's last line joins the strip beside the
    gutter: the middle of every column the strip touches lay in the text of the indent."""
    x, y, w, h = box
    down = np.count_nonzero(strips[y:y + h, x:x + w], axis=0)
    return np.flatnonzero(down >= 0.8 * down.max())


def _width(strips: np.ndarray, box) -> int:
    return int(_down(strips, box).size)


def _wall(strips: np.ndarray, box, c: float) -> tuple[float, float, float, float]:
    x, y, w, h = box
    mid = 2.0 * (x + float(np.median(_down(strips, box))))
    # A strip ends where ink begins: short of it by half a glyph, a wall does not graze
    # the headline that stops it.
    return (mid - 1, 2.0 * y + c, mid + 1, 2.0 * (y + h) - c)


def _split_touching_lines(segs: list[tuple], ink: np.ndarray, ch: float) -> list[tuple]:
    """Cut a smeared line that holds two or more lines of text at the rows between them.

    Old newspapers are set solid: a descender touching the ascender under it joins two
    lines into one piece, which then measures twice the type size and passes for a
    headline (a Chronicling America page had a hundred). The cut is where a row holds a
    tenth of the piece's heaviest row's ink or less (the touching strokes leave no row
    quite white), with at least 0.7 of a glyph's height on each side: a line's own
    ascender and descender zones are thinner than that, and a headline's line has no
    such row inside it."""
    out = []
    for s in segs:
        x0, y0, x1, y1 = map(int, s)
        if y1 - y0 < 1.6 * ch or x1 - x0 < 3 * ch:
            out.append(s)
            continue
        rows = (ink[y0:y1, x0:x1] > 0).sum(axis=1)
        edges = [0]
        for a, b in _runs(rows <= 0.1 * rows.max()):
            cut = (a + b) // 2
            if cut - edges[-1] >= 0.7 * ch and len(rows) - cut >= 0.7 * ch:
                edges.append(cut)
        edges.append(len(rows))
        for a, b in zip(edges, edges[1:]):
            ys = np.flatnonzero(rows[a:b])
            if ys.size:
                out.append((s[0], float(y0 + a + ys[0]), s[2], float(y0 + a + ys[-1] + 1)))
    return out


def split_at_gutters(block: Block, ink: np.ndarray, ch: float) -> list[Block]:
    """A body-text block that holds a column gutter, split along it.

    One line that spans two columns (a byline wider than a narrow column, a line of a
    table) joins the columns under it into one block, and OCR then reads across them
    line by line. A gutter is a strip at least 0.8 of a character wide that the block's
    ink crosses for no more than two lines' height; the crossing lines become a block
    of their own and the two sides are split again, as a block can hold several.
    Gutters are wider than the white strips a justified Han grid lines up between its
    characters (a column of punctuation leaves one half a character wide).

    A headline (a few lines of display type) is left whole; a block measured in display
    type that runs down five of its lines or more is text set solid, whose touching
    lines measured twice their size (two columns of a 19th-century page were one block
    each way down, read across)."""
    x0, y0, x1, y1 = map(int, block.bbox)
    display = block.font_size > 1.3 * ch and y1 - y0 < 5 * block.font_size
    if display or y1 - y0 < 6 * ch or x1 - x0 < 4 * ch:
        return [block]
    crop = ink[y0:y1 + 1, x0:x1 + 1] > 0
    sparse = crop.sum(axis=0) <= 2.5 * ch
    edge = int(3 * ch)  # a gutter has a column of text on each side
    sparse[:edge] = sparse[-edge:] = False
    wide = [(a, b) for a, b in _runs(sparse) if b - a >= 0.8 * ch]
    if not wide:
        return [block]
    g0, g1 = max(wide, key=lambda r: r[1] - r[0])
    rows = crop.any(axis=1)
    # The lines that cross: ink in the middle half of the gutter, in runs of rows as
    # tall as a glyph (the edges catch the columns' overhanging punctuation and specks).
    q = (g1 - g0) // 4
    crossed = crop[:, g0 + q:g1 - q].any(axis=1)
    bridge = np.concatenate([np.arange(a, b) for a, b in _runs(crossed) if b - a >= 0.3 * ch]
                            or [np.zeros(0, dtype=int)])
    pieces = []
    top, bottom = 0, crop.shape[0]
    if bridge.size:
        if bridge[-1] < crop.shape[0] / 2:  # crossing lines at the top: cut under them
            cut = bridge[-1] + int(np.argmin(rows[bridge[-1]:]) if not rows[bridge[-1]:].all() else 0)
            pieces.append((0, 0, crop.shape[1], cut))
            top = cut
        elif bridge[0] > crop.shape[0] / 2:  # at the foot: cut over them
            above = rows[:bridge[0]][::-1]
            cut = bridge[0] - (int(np.argmin(above)) if not above.all() else 0)
            pieces.append((0, cut, crop.shape[1], crop.shape[0]))
            bottom = cut
        else:
            return [block]  # crossed in the middle: a table or a figure, not columns
    pieces += [(0, top, g0, bottom), (g1, top, crop.shape[1], bottom)]
    out = []
    for px0, py0, px1, py1 in pieces:
        sub = crop[py0:py1, px0:px1]
        ys, xs = np.nonzero(sub.any(axis=1))[0], np.nonzero(sub.any(axis=0))[0]
        if ys.size == 0:
            continue
        piece = Block(TEXT, bbox=(float(x0 + px0 + xs[0]), float(y0 + py0 + ys[0]),
                                  float(x0 + px0 + xs[-1]), float(y0 + py0 + ys[-1])), font_size=block.font_size)
        out.extend(split_at_gutters(piece, ink, ch))  # every piece is smaller: this ends
    return out


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of True in a 1-D mask."""
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(np.int8), 0]))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def merge_touching(blocks: list[Block], walls=(), gutters=(), photos=()) -> list[Block]:
    """Merge blocks that overlap, or sit on one line a word space apart, in one type size.

    A justified line can smear into several pieces (wide spaces around punctuation, a
    headline's colon); OCR'd separately they would duplicate or scramble the text.
    ``walls`` are vertical rules: nothing is merged across one. ``gutters`` part two
    blocks only when they stand between them. No merged block takes in part of one of
    the ``photos`` (the columns over a photo set across them and those under it would
    otherwise make one block, and the gutter between them is broken by the photo).
    """
    blocks = list(blocks)
    while True:
        # Sweep in order of top edge: only blocks that start within a line of another's
        # bottom can touch it. Union-find collects the groups; repeat until stable,
        # since a merged box can reach a block neither part reached.
        order = sorted(range(len(blocks)), key=lambda i: blocks[i].bbox[1])
        parent = list(range(len(blocks)))

        def find(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        merged = False
        for n, i in enumerate(order):
            a = blocks[i]
            reach = a.bbox[3] + a.font_size
            for j in order[n + 1:]:
                b = blocks[j]
                if b.bbox[1] > reach:
                    break
                if _same_size(a, b) and _touch(a, b) and not _walled(a.bbox, b.bbox, walls) \
                        and not _parted(a.bbox, b.bbox, gutters) and not _over_photo(a.bbox, b.bbox, photos):
                    ri, rj = find(i), find(j)
                    if ri != rj:
                        parent[rj] = ri
                        merged = True
        if not merged:
            return blocks
        groups: dict[int, list[Block]] = {}
        for i, b in enumerate(blocks):
            groups.setdefault(find(i), []).append(b)
        blocks = [Block(TEXT, bbox=union_bbox(g_.bbox for g_ in g), font_size=max(g_.font_size for g_ in g))
                  if len(g) > 1 else g[0] for g in groups.values()]


def _same_size(a: Block, b: Block) -> bool:
    return max(a.font_size, b.font_size) / max(1.0, min(a.font_size, b.font_size)) < 1.2


def _parted(a, b, gutters) -> bool:
    """Does a gutter run between the two boxes, side by side?"""
    left, right = (a, b) if a[0] <= b[0] else (b, a)
    return any(left[2] - 2 <= (gx0 + gx1) / 2 <= right[0] + 2 and gy0 < max(a[3], b[3]) and gy1 > min(a[1], b[1])
               for gx0, gy0, gx1, gy1 in gutters)


def _walled(a, b, walls) -> bool:
    """Would the two boxes' union hold a wall? Not only a wall between them: a line that
    spans the page (a dateline over ruled columns) would otherwise take in the column
    under it, and the merged box every column after."""
    x0, y0, x1, y1 = min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])
    return any(x0 + 2 < (wx0 + wx1) / 2 < x1 - 2 and wy0 < y1 and wy1 > y0 for wx0, wy0, wx1, wy1 in walls)


def _over_photo(a, b, photos) -> bool:
    both = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
    return any(_overlaps(both, p) for p in photos)


def _overlaps(a, b) -> bool:
    """Do the two boxes share more than a couple of pixels each way?"""
    return min(a[2], b[2]) - max(a[0], b[0]) > 2 and min(a[3], b[3]) - max(a[1], b[1]) > 2


def _touch(a: Block, b: Block) -> bool:
    ax0, ay0, ax1, ay1 = a.bbox
    bx0, by0, bx1, by1 = b.bbox
    ix = min(ax1, bx1) - max(ax0, bx0)
    iy = min(ay1, by1) - max(ay0, by0)
    if ix > 0 and iy > 0:
        return True
    size = max(a.font_size, b.font_size)
    same_line = iy > 0.5 * min(ay1 - ay0, by1 - by0, 2 * size) and -ix < 1.0 * size
    # The next line of a centred headline: narrower, under it, a line space apart.
    next_line = ix > 0.5 * min(ax1 - ax0, bx1 - bx0) and -iy < 0.6 * size
    return same_line or next_line


def find_regions(gray: np.ndarray, ink: np.ndarray) -> tuple[list[Block], float]:
    """All blocks of a page (rules, photos, text), and the body text height."""
    ch = estimate_text_height(ink)
    rules = find_rules(ink, ch)
    work = ink.copy()
    m = max(2, int(ch / 8))  # a blurred rule's edge pixels would make sliver text blocks
    for r in rules:
        x0, y0, x1, y1 = map(int, r.bbox)
        work[max(0, y0 - m):y1 + 1 + m, max(0, x0 - m):x1 + 1 + m] = 0
    # Photos on the ink as it is: a photo's texture passes for rules, and with those
    # taken out its rows look like lines of text.
    photos = find_photos(gray, ink, ch)
    for p in photos:
        x0, y0, x1, y1 = map(int, p.bbox)
        work[y0:y1 + 1, x0:x1 + 1] = 0
    # A photo's straight dark edges and bands pass for rules; inside a photo they are
    # none, and as walls they would split the text beside it.
    rules = [r for r in rules if not any(_inside(r.bbox, p.bbox, ch / 2) for p in photos)]
    text = [b for b in find_text_blocks(work, ch, rules, photos) if not _scan_edge(b, ink.shape, ch)]
    return rules + photos + text, ch


def _scan_edge(b: Block, shape, ch: float) -> bool:
    """A sliver along the image's left or right edge (a dark border or the shadow of
    the binding, which flattening leaves specked) is the scanner's, not text: within
    half a glyph of the edge and narrower than two glyphs; and so is a blot in a corner
    (a headline by its size, it would head the story under it)."""
    x0, y0, x1, y1 = b.bbox
    left, right = x0 < ch / 2, x1 > shape[1] - ch / 2
    top, bottom = y0 < ch / 2, y1 > shape[0] - ch / 2
    corner = (left or right) and (top or bottom) and x1 - x0 < 3 * ch and y1 - y0 < 3 * ch
    return (left or right) and x1 - x0 < 2 * ch or corner


def _inside(a, b, slack: float) -> bool:
    return a[0] >= b[0] - slack and a[1] >= b[1] - slack and a[2] <= b[2] + slack and a[3] <= b[3] + slack


# --- 3. kinds -----------------------------------------------------------------------------

def classify_blocks(blocks: list[Block], page_h: float) -> float:
    """Kinds from type size and position; returns the body type size."""
    text = [b for b in blocks if b.kind == TEXT]
    if not text:
        return 0.0
    # Body size: the size most of the text area is set in.
    weighted = sorted((b.font_size, (b.bbox[2] - b.bbox[0]) * (b.bbox[3] - b.bbox[1])) for b in text)
    total, acc, body = sum(a for _, a in weighted), 0.0, weighted[0][0]
    for size, area in weighted:
        acc += area
        if acc >= total / 2:
            body = size
            break
    photos = [b for b in blocks if b.kind == PHOTO]
    for b in text:
        x0, y0, x1, y1 = b.bbox
        # Display type runs to a few lines of a few characters (a headline in a narrow
        # column, six): a column measured large (its lines touching, or a fat face) is
        # still a column, and a blot the size of one glyph is no title.
        if y1 - y0 > 8 * b.font_size or x1 - x0 < 1.5 * b.font_size:
            pass
        elif b.font_size >= P.HEADLINE_TO_BODY * body:
            b.kind = HEADLINE
        elif b.font_size >= P.SUBHEAD_TO_BODY * body:
            b.kind = SUBHEAD
        elif any(_caption_of(b, p, body) for p in photos):
            b.kind = CAPTION
        elif (y1 < 0.04 * page_h or y0 > 0.96 * page_h) and (y1 - y0) < 2.5 * body:
            b.kind = FURNITURE
    _join_caption_pieces(blocks, photos, body)
    # A crosshead stands in its column; type between body and headline size set wider
    # than a column is a title over several (a headline set a little small).
    columns = sorted(b.bbox[2] - b.bbox[0] for b in text if b.kind == TEXT and b.bbox[3] - b.bbox[1] > 4 * body)
    if columns:
        column = columns[len(columns) // 2]
        for b in text:
            if b.kind == SUBHEAD and b.bbox[2] - b.bbox[0] > 1.2 * column:
                b.kind = HEADLINE
    # A kicker or subtitle (smaller than the headline, larger than the body) set right
    # over or under a headline is part of its title group; so is a single line of any
    # size set close over it, no wider than it (a kicker in body type).
    heads = [b for b in text if b.kind == HEADLINE]
    for b in text:
        bw = b.bbox[2] - b.bbox[0]
        for h in heads:
            across = min(b.bbox[2], h.bbox[2]) - max(b.bbox[0], h.bbox[0])
            gap = max(h.bbox[1] - b.bbox[3], b.bbox[1] - h.bbox[3])
            kicker = (b.kind == TEXT and b.bbox[3] <= h.bbox[1] and gap < 0.5 * h.font_size
                      and b.bbox[3] - b.bbox[1] < 1.6 * b.font_size and across > 0.5 * bw
                      and bw < h.bbox[2] - h.bbox[0])
            if across > 0 and (b.kind == SUBHEAD and gap < h.font_size or kicker):
                b.kind = HEADLINE
                break
    for table in find_tables(blocks, body):
        for b in blocks:
            if b.kind.is_text and _inside(_centre(b.bbox), table, 0):
                b.kind = TABLE
    return body


def _join_caption_pieces(blocks: list[Block], photos: list[Block], body: float) -> None:
    """A caption under a photo across columns, cut at the gutters under it, made one
    again: the pieces of one line (its credit among them) read as one caption."""
    for p in photos:
        pieces = sorted((b for b in blocks if b.kind == CAPTION and _caption_of(b, p, body)), key=lambda b: b.bbox[0])
        rows: list[list[Block]] = []
        for b in pieces:
            row = next((r for r in rows if min(r[-1].bbox[3], b.bbox[3]) - max(r[-1].bbox[1], b.bbox[1])
                        > 0.5 * min(r[-1].bbox[3] - r[-1].bbox[1], b.bbox[3] - b.bbox[1])), None)
            if row is None:
                rows.append([b])
            else:
                row.append(b)
        for row in rows:
            if len(row) < 2:
                continue
            joined = Block(CAPTION, bbox=union_bbox(b.bbox for b in row), font_size=max(b.font_size for b in row))
            blocks[:] = [joined if b is row[0] else b for b in blocks if b is row[0] or all(b is not r for r in row)]


def find_tables(blocks: list[Block], body: float) -> list[tuple[float, float, float, float]]:
    """Ruled tables: three or more horizontal rules of one width, one under another
    less than ten lines apart, bound a table (its text is kept, never read as body). A
    paragraph set across between two rules ends the run: the rule under a running head
    is no table's (a book page's opening paragraph and table caption were read as table)."""
    texts = [b.bbox for b in blocks if b.kind == TEXT]
    rules = sorted((b.bbox for b in blocks if b.kind == RULE and b.bbox[2] - b.bbox[0] > b.bbox[3] - b.bbox[1]
                    and b.bbox[2] - b.bbox[0] > 8 * body), key=lambda r: r[1])
    tables, used = [], set()
    for i, r in enumerate(rules):
        if i in used:
            continue
        run = [i]
        for k in range(i + 1, len(rules)):
            t, last = rules[k], rules[run[-1]]
            if t[1] - last[3] > 10 * 1.5 * body or any(
                    last[3] <= y0 and y1 <= t[1] and x1 - x0 >= 0.8 * (r[2] - r[0]) and y1 - y0 >= 1.8 * body
                    for x0, y0, x1, y1 in texts):
                break
            if abs(t[0] - r[0]) < 2 * body and abs(t[2] - r[2]) < 2 * body:
                run.append(k)
        if len(run) >= 3:
            used.update(run)
            tables.append((min(rules[k][0] for k in run), rules[run[0]][1], max(rules[k][2] for k in run),
                           rules[run[-1]][3]))
    return tables


def _centre(b):
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    return (cx, cy, cx, cy)


def reconsider_kinds(lay: PageLayout) -> None:
    """After OCR, where the words overrule the geometry: a byline set just over a photo
    sits where a caption would; the page's own lines (folio, date line, running head,
    masthead) are told by their words and place; smaller type marked ①, [1] or * is a
    footnote."""
    page_h = lay.image.shape[0]
    body = lay.body or lay.text_height
    _join_figure_labels(lay, body)
    for b in lay.ordered:
        text = b.text.strip()
        if not text:
            continue
        x0, y0, x1, y1 = b.bbox
        if b.kind in (TEXT, HEADLINE) and len(b.lines) <= 2 and P.is_figure_caption(text):
            b.kind = CAPTION  # 图3 水松生长情况对比: a caption wherever the figure's edges are
            continue
        margin = y1 < 0.08 * page_h or y0 > 0.92 * page_h
        one_line = len(b.lines) <= 2
        if b.kind == CAPTION and P.is_byline(text):
            b.kind = BYLINE
        elif b.kind == FURNITURE or (margin and one_line and b.kind in (TEXT, HEADLINE)):
            if P.is_page_number(text):
                b.kind = PAGE_NUMBER
            elif P.is_dateline(text):
                b.kind = DATELINE
            elif b.kind == FURNITURE:
                b.kind = RUNNING_HEAD
        elif one_line and y1 < 0.2 * page_h and b.kind in (TEXT, HEADLINE) and P.is_dateline(text):
            b.kind = DATELINE
        elif b.kind == TEXT and b.font_size and _footnote(b, text, lay, body):
            b.kind = FOOTNOTE
    # The masthead: title type three times the body's at the top of the page, over the
    # issue's date line.
    dates = [b.bbox for b in lay.ordered if b.kind == DATELINE]
    for b in lay.ordered:
        if (b.kind == HEADLINE and b.bbox[3] < 0.2 * page_h and (b.font_size or 0) >= 3 * body
                and any(0 <= d[1] - b.bbox[3] < 4 * body or 0 <= b.bbox[1] - d[3] < 4 * body for d in dates)):
            b.kind = MASTHEAD


def _join_figure_labels(lay: PageLayout, body: float) -> None:
    """A figure's label set apart from its title by a wide space (图  3    水松生长情况对比)
    came out as blocks of its own, side by side: each is joined to the block beside it
    on its line, so the caption reads whole."""
    for b in list(lay.ordered):
        while b in lay.ordered and b.lines and P.is_figure_label(b.text):
            beside = [o for o in lay.ordered if o is not b and o.lines and o.bbox[0] >= b.bbox[2] - 1
                      and o.bbox[0] - b.bbox[2] < 3 * body
                      and min(o.bbox[3], b.bbox[3]) - max(o.bbox[1], b.bbox[1])
                      > 0.5 * min(o.bbox[3] - o.bbox[1], b.bbox[3] - b.bbox[1])]
            if not beside:
                break
            o = min(beside, key=lambda o: o.bbox[0])
            b.text = f"{b.text.strip()} {o.text.strip()}"
            b.lines = [Line(b.text, bbox=union_bbox([b.bbox, o.bbox]),
                            words=[w for ln in (*b.lines, *o.lines) for w in ln.words])]
            b.bbox = union_bbox([b.bbox, o.bbox])
            lay.ordered.remove(o)
            if o in lay.blocks:
                lay.blocks.remove(o)


def _footnote(b: Block, text: str, lay: PageLayout, body: float) -> bool:
    """Smaller type with a footnote's mark (①, [1], *); or, unmarked (OCR reads ① as
    @ or ◎), clearly smaller type that ends its column low on the page and is no byline."""
    if b.font_size <= 0.92 * body and P.is_footnote(text):
        return True
    if b.font_size > 0.85 * body or b.bbox[1] < 0.5 * lay.image.shape[0] or P.is_byline(text):
        return False
    x0, _, x1, y1 = b.bbox
    return not any(o is not b and o.kind.in_article and o.bbox[1] >= y1 - 2
                   and min(o.bbox[2], x1) - max(o.bbox[0], x0) > 0 for o in lay.ordered)


def _caption_of(b: Block, photo: Block, body: float) -> bool:
    """Directly under a photo (or over it, in smaller type than the body: a column's
    text often ends just over a photo set into it), no wider than it, and a few lines
    at most."""
    bx0, by0, bx1, by1 = b.bbox
    px0, py0, px1, py1 = photo.bbox
    inside_x = bx0 >= px0 - body and bx1 <= px1 + body
    below = 0 <= by0 - py1 < 1.5 * body
    above = 0 <= py0 - by1 < 1.5 * body and b.font_size < 0.92 * body
    return inside_x and (below or above) and (by1 - by0) < 5 * body


# --- 4. reading order ---------------------------------------------------------------------

def reading_order(blocks: list[Block]) -> list[Block]:
    """Text blocks in reading order by recursive XY-cut; captions follow the block above
    them; photos and rules are left out of the flow.

    Specks (a block smaller than a glyph and a half each way: dust read as a comma, a
    stray mark in a gutter) take no part in the cuts, where one in a gutter would hold
    two columns together, and are put back after the block above them. Blocks of two
    columns may overlap by a quarter of a glyph (an overhanging quote mark)."""
    flow = [b for b in blocks if b.kind in (TEXT, HEADLINE, SUBHEAD, FURNITURE, TABLE)]
    sizes = sorted(b.font_size for b in flow if b.font_size)
    size = sizes[len(sizes) // 2] if sizes else 0.0
    specks = [b for b in flow if _speck(b, size)]
    flow = [b for b in flow if not _speck(b, size)]
    rules = [b.bbox for b in blocks if b.kind == RULE]
    ordered = _xy_cut(flow, rules, 0.25 * size)
    for extra in sorted((b for b in blocks if b.kind == CAPTION), key=lambda b: b.bbox[1]) + \
            sorted(specks, key=lambda b: b.bbox[1]):
        above = [i for i, b in enumerate(ordered) if b.bbox[3] <= extra.bbox[1] + 1
                 and min(b.bbox[2], extra.bbox[2]) - max(b.bbox[0], extra.bbox[0]) > 0]
        ordered.insert(max(above) + 1 if above else len(ordered), extra)
    return ordered


def _speck(b: Block, size: float) -> bool:
    x0, y0, x1, y1 = b.bbox
    return bool(size) and x1 - x0 < 1.5 * size and y1 - y0 < 1.5 * size


def _xy_cut(blocks: list[Block], rules=(), slack: float = 1.0) -> list[Block]:
    if len(blocks) <= 1:
        return list(blocks)
    # One title group across the top (a headline over its columns, narrower than
    # them) is read first: a vertical cut would read the first column before it.
    # Titles side by side head articles side by side: the columns decide.
    bands = _split(blocks, 1, slack)
    if len(bands) > 1 and all(b.kind == HEADLINE for b in bands[0]) and len(_split(bands[0], 0, slack)) == 1:
        return [b for g in (bands[0], [b for band in bands[1:] for b in band]) for b in _xy_cut(g, rules, slack)]
    # Vertical cuts (columns) first, then horizontal; where rules cross each other (a
    # grid of boxes: each blocks the cut along the other), the rules across win and the
    # boxes are read row by row; failing that, the cuts are made as if there were none.
    across = [r for r in rules if _horizontal(r)]
    for obstacles in (rules, across, ()):
        blocked = False
        for axis in (0, 1):
            split = _split(blocks, axis, slack)
            groups = _ruled_across(split, axis, obstacles, 4 * slack)
            if axis == 0:
                blocked = len(split) > 1 and len(groups) == 1
            else:
                groups = _keep_columns_whole(groups, across)
                if blocked:  # a rule across stopped the column cut: the page is cut there first
                    groups = _only_at_rules(groups, across)
            if len(groups) > 1:
                return [b for g in groups for b in _xy_cut(g, rules, slack)]
    return sorted(blocks, key=lambda b: (b.bbox[1], b.bbox[0]))


def _only_at_rules(bands: list[list[Block]], across) -> list[list[Block]]:
    """Bands joined again except where a rule across most of them lies between: stories
    side by side over the rule are cut into columns before their title lines and their
    columns are cut apart (a kicker over each headline would be read first, in a row)."""
    x0, _, x1, _ = union_bbox(b.bbox for band in bands for b in band)
    out = [bands[0]]
    for band in bands[1:]:
        gap0, gap1 = max(b.bbox[3] for b in out[-1]), min(b.bbox[1] for b in band)
        if any(gap0 - 2 <= (r[1] + r[3]) / 2 <= gap1 + 2 and r[2] - r[0] > 0.5 * (x1 - x0) for r in across):
            out.append(band)
        else:
            out[-1] = out[-1] + band
    return out if len(out) > 1 else bands


def _horizontal(r) -> bool:
    return r[2] - r[0] > r[3] - r[1]


def _ruled_across(groups: list[list[Block]], axis: int, rules, reach: float = 0.0) -> list[list[Block]]:
    """Groups joined again where a rule runs across the gap between them: a rule across
    the columns under a lead story (or between two stories stacked in them) says the
    columns are not read top to bottom through it, and a column rule says the two parts
    of a column beside it are one column. A rule that stops inside the gap crosses
    nothing, and so does one that runs ``reach`` (a glyph) or less past it: a column's
    rule that meets the rule between the columns."""
    if len(groups) < 2:
        return groups
    lo, hi = (0, 2) if axis == 0 else (1, 3)
    olo, ohi = (1, 3) if axis == 0 else (0, 2)
    across = [r for r in rules if _horizontal(r) == (axis == 0)]
    out = [groups[0]]
    for g in groups[1:]:
        prev = out[-1]
        gap0, gap1 = max(b.bbox[hi] for b in prev), min(b.bbox[lo] for b in g)
        both = prev + g
        if any(r[lo] < gap0 - reach and r[hi] > gap1 + reach and _between(both, r, olo, ohi) for r in across):
            out[-1] = both
        else:
            out.append(g)
    return out


def _between(blocks: list[Block], r, lo: int, hi: int) -> bool:
    """Does the rule stand between blocks: some wholly on each side of it (a page's
    frame has text on one side only), and none that it runs through (an underline)?"""
    at = (r[lo] + r[hi]) / 2
    alo, ahi = (0, 2) if lo == 1 else (1, 3)  # the rule's own direction
    if any(b.bbox[lo] < at - 2 and b.bbox[hi] > at + 2 and min(b.bbox[ahi], r[ahi]) > max(b.bbox[alo], r[alo])
           for b in blocks):
        return False
    return any(b.bbox[hi] <= at for b in blocks) and any(b.bbox[lo] >= at for b in blocks)


def _keep_columns_whole(groups: list[list[Block]], rules=()) -> list[list[Block]]:
    """Undo a horizontal cut that would read a column's lower part after its
    neighbour: below several columns, a gap across all of them (the neighbour ran out
    of text, or kickers side by side end over their headlines) is no boundary unless
    what follows spans a gutter between them, as a headline does, or a rule parts them."""
    out = [groups[0]]
    for g in groups[1:]:
        above = out[-1]
        x0 = min(b.bbox[0] for b in above)
        x1 = max(b.bbox[2] for b in above)
        gap = (max(b.bbox[3] for b in above), min(b.bbox[1] for b in g))
        ruled = any(gap[0] - 2 <= r[1] and r[3] <= gap[1] + 2 and r[0] < x1 and r[2] > x0 for r in rules)
        cols = _split(above, 0)
        gutters = [(max(b.bbox[2] for b in a), min(b.bbox[0] for b in c)) for a, c in zip(cols, cols[1:])]
        spans = any(b.bbox[0] < g0 and b.bbox[2] > g1 for b in g for g0, g1 in gutters)
        if not ruled and gutters and not spans:
            out[-1] = above + g
        else:
            out.append(g)
    return out


def _split(blocks: list[Block], axis: int, slack: float = 1.0) -> list[list[Block]]:
    lo, hi = (0, 2) if axis == 0 else (1, 3)
    items = sorted(blocks, key=lambda b: b.bbox[lo])
    groups, end = [[items[0]]], items[0].bbox[hi]
    for b in items[1:]:
        if b.bbox[lo] >= end - max(1.0, slack):
            groups.append([b])
        else:
            groups[-1].append(b)
        end = max(end, b.bbox[hi])
    return groups


# --- 5. article regions -------------------------------------------------------------------

def article_regions(ordered: list[Block], blocks: list[Block]) -> int:
    """Give each block in reading order (``ordered``) its article region, from the rules
    among ``blocks`` and the spans of headlines; returns how many regions there are.

    1. Cells: the page is cut along a rule that crosses the part of it it stands in (a
       rule across the columns under a lead article, a column rule between articles set
       side by side), then each part again.
    2. In a cell, a title group (headlines set over each other) heads the blocks under
       it in its columns, down to the next title group in those columns; a cell with one
       title group is one article.
    3. Text no title heads, at the top of a cell cut off by a rule across it, opens a
       region of its own: old papers set an article's heading in body type, under a
       cut-off rule. Elsewhere it continues the region before it in reading order: a
       column of an old paper carries on the article from the foot of the column before.
    Page furniture belongs to no region.
    """
    rules = [b.bbox for b in blocks if b.kind == RULE]
    flow = [b for b in ordered if b.kind.in_article and b.bbox]
    head_of: dict[int, int] = {}  # id(block) -> number of the title group heading it
    base = 0  # title groups numbered so far, over all cells
    for cell, ruled_above in _cells(flow, rules):
        titles = _title_groups([b for b in cell if b.kind == HEADLINE])
        own = {id(h): k for k, g in enumerate(titles) for h in g}
        boxes = [union_bbox(h.bbox for h in g) for g in titles]
        for b in cell:
            k = own.get(id(b))
            if k is None:
                k = 0 if len(titles) == 1 else _heading(b, boxes)
            if k is None and len(titles) > 1:
                k = _heading_across(b, boxes, cell)
            if k is None and ruled_above:
                k = len(titles)  # the cell's untitled text under its rule: a group of its own
            if k is not None:
                head_of[id(b)] = base + k
        base += len(titles) + ruled_above
    ids: dict[int, int] = {}  # title group -> region, numbered in reading order
    current = None
    sizes = sorted(b.font_size for b in flow if b.font_size)
    size = sizes[len(sizes) // 2] if sizes else 0.0
    for b in ordered:
        if not b.kind.in_article or not b.bbox:
            b.region = None
            continue
        g = head_of.get(id(b))
        if current is not None and _speck(b, size):
            # a speck's place in the order is a guess: it takes its own title's region
            # but does not carry the text after it into that region
            b.region = ids.setdefault(g, len(ids)) if g is not None else current
            continue
        if g is not None:
            current = ids.setdefault(g, len(ids))
        elif current is None:  # text before any title: a region of its own
            current = ids.setdefault(-1, len(ids))
        b.region = current
    return len(ids)


def _cells(flow: list[Block], rules, ruled_above: bool = False) -> list[tuple[list[Block], bool]]:
    """The blocks cut into cells along rules, recursively: at each step the rule that
    spans the most of the blocks' extent in its direction (at least four fifths), with
    blocks on both sides of it. Each cell comes with whether a rule cut it off from the
    text above it (the parts of a column cut by a vertical rule do not inherit the rule
    above the columns: it stands over all of them)."""
    if len(flow) <= 1:
        return [(flow, ruled_above)] if flow else []
    x0, y0, x1, y1 = union_bbox(b.bbox for b in flow)
    headed = _headed_whole(flow)
    best = None
    for r in rules:
        horizontal = r[2] - r[0] >= r[3] - r[1]
        lo, hi, a, b_ = (x0, x1, r[0], r[2]) if horizontal else (y0, y1, r[1], r[3])
        cover = (min(hi, b_) - max(lo, a)) / max(1.0, hi - lo)
        at = (r[1] + r[3]) / 2 if horizontal else (r[0] + r[2]) / 2
        if cover < 0.8 or best is not None and cover <= best[0] or headed and not horizontal:
            continue
        axis = 1 if horizontal else 0
        if any(b.bbox[axis] < at - 2 < at + 2 < b.bbox[axis + 2]
               and min(b.bbox[3 - axis], r[3 - axis]) > max(b.bbox[1 - axis], r[1 - axis]) for b in flow):
            continue  # a rule through a block (an underline, a table) separates nothing
        before = [b for b in flow if (b.bbox[axis] + b.bbox[axis + 2]) / 2 < at]
        if 0 < len(before) < len(flow):
            best = (cover, before, [b for b in flow if (b.bbox[axis] + b.bbox[axis + 2]) / 2 >= at], horizontal)
    if best is None and not headed:
        gutter = _gutter(flow, rules)
        if gutter is not None:
            best = (0.0, [b for b in flow if _centre(b.bbox)[0] < gutter],
                    [b for b in flow if _centre(b.bbox)[0] >= gutter], False)
    if best is None:
        return [(flow, ruled_above)]
    _, first, second, horizontal = best
    if horizontal:
        return _cells(first, rules, ruled_above) + _cells(second, rules, True)
    return _cells(first, rules) + _cells(second, rules, _ruled_across_columns(first, rules))


def _ruled_across_columns(cell: list[Block], rules) -> bool:
    """Does a horizontal rule inside the cell run across two of its columns or more?
    Stories set over several columns and parted by such rules end within them: a
    column beside them (a sidebar) opens a story of its own, where a column beside
    single columns may carry on the story at the foot of the last one."""
    cols = sorted(b.bbox[2] - b.bbox[0] for b in cell if b.kind != HEADLINE and b.font_size
                  and b.bbox[3] - b.bbox[1] > 3 * b.font_size)
    if not cols:
        return False
    column = cols[len(cols) // 2]
    x0, y0, x1, y1 = union_bbox(b.bbox for b in cell)
    return any(_horizontal(r) and r[2] - r[0] > 1.5 * column and r[0] >= x0 - column / 4
               and r[2] <= x1 + column / 4 and y0 < r[1] < y1 for r in rules)


def _headed_whole(flow: list[Block]) -> bool:
    """A cell under a single title group set above all of its text: its columns, with
    or without rules between them, are the columns of that title's article (a headline
    centred over three of five columns heads the two outside too)."""
    titles = _title_groups([b for b in flow if b.kind == HEADLINE])
    rest = [b for b in flow if b.kind != HEADLINE]
    if len(titles) != 1 or not rest:
        return False
    return max(h.bbox[3] for h in titles[0]) <= min(b.bbox[1] for b in rest) + 2


def _gutter(flow: list[Block], rules) -> float | None:
    """The x of a gap that runs down the whole cell with no block and no horizontal rule
    across it (two stories side by side with a bare gutter between), else None: the
    first from the left."""
    solid = [b for b in flow if not _speck(b, b.font_size or 0.0)]  # a speck in a gutter parts nothing
    if len(solid) < 2:
        return None
    spans = sorted((b.bbox[0], b.bbox[2]) for b in solid)
    end = spans[0][1]
    for a, b in spans[1:]:
        if a > end and not any(_horizontal(r) and r[0] < end and r[2] > a and _between(solid, r, 1, 3) for r in rules) \
                and not _orphaned(flow, (end + a) / 2):
            return (end + a) / 2
        end = max(end, b)
    return None


def _orphaned(flow: list[Block], x: float) -> bool:
    """Would a cut down ``x`` leave the first column right of it without its title?
    Where the right side has titles, its first column stands under one of them, or
    starts on the line its other columns start on (a headline centred over the
    columns); a column that does neither belongs to the story on the left (whose
    headline, set flush left, is narrower than its columns)."""
    right = [b for b in flow if _centre(b.bbox)[0] >= x]
    titles = [union_bbox(h.bbox for h in g) for g in _title_groups([b for b in right if b.kind == HEADLINE])]
    text = [b for b in right if b.kind != HEADLINE and not _speck(b, b.font_size or 0.0)]
    if not titles or not text:
        return False
    first = min(b.bbox[0] for b in text)

    def headed(b: Block) -> bool:
        return any(t[3] <= b.bbox[1] + 2 and min(t[2], b.bbox[2]) > max(t[0], b.bbox[0]) for t in titles)

    tops = [b.bbox[1] for b in text if headed(b)]
    return any(not headed(b) and not any(abs(t - b.bbox[1]) <= 0.5 * (b.font_size or 0.0) for t in tops)
               for b in text if b.bbox[0] <= first + 0.5 * (b.bbox[2] - b.bbox[0]))


def _title_groups(headlines: list[Block]) -> list[list[Block]]:
    """Headline blocks set one under another (kicker, headline, subtitle) as groups."""
    groups: list[list[Block]] = []
    for h in sorted(headlines, key=lambda b: b.bbox[1]):
        for g in groups:
            last = g[-1]
            overlap = min(h.bbox[2], last.bbox[2]) - max(h.bbox[0], last.bbox[0])
            if overlap > 0 and h.bbox[1] - last.bbox[3] < 1.5 * max(h.font_size or 0, last.font_size or 0):
                g.append(h)
                break
        else:
            groups.append([h])
    return groups


def _heading_across(b: Block, boxes: list, cell: list[Block]) -> int | None:
    """A headline narrower than its columns (centred over four of five) heads the
    column beside it too: the lowest title group above ``b`` that stands below the
    text over ``b`` in its column, so that nothing of another article comes between."""
    x0, y0, x1, _ = b.bbox
    over = [o.bbox[3] for o in cell if o is not b and o.kind != HEADLINE and o.bbox[3] <= y0 + 2
            and min(o.bbox[2], x1) - max(o.bbox[0], x0) > 0.5 * min(o.bbox[2] - o.bbox[0], x1 - x0)]
    floor = max(over, default=float("-inf"))
    above = [(k, g) for k, g in enumerate(boxes) if floor <= g[1] and g[3] <= y0 + 2]
    if not above:
        return None
    # Of the titles set on the lowest level (within a title's height of each other),
    # the one its column's top lines up with; else the one that starts nearest on the
    # column's left (a headline set flush left heads the columns to its right up to
    # the next); else the nearest one.
    low = max(g[3] for _, g in above)
    level = [(k, g) for k, g in above if g[3] >= low - (g[3] - g[1])]
    # The columns of one story start on one line under its title group: a column whose
    # top lines up with the columns a title heads belongs to that title.
    size = b.font_size or 0.0
    lined = [k for k, _ in level
             if any(o is not b and o.kind != HEADLINE and abs(o.bbox[1] - y0) <= 0.5 * size
                    and _heading(o, boxes) == k for o in cell)]
    if len(lined) == 1:
        return lined[0]
    left = [(k, g) for k, g in level if g[0] <= x0 + 2]
    if left:
        return max(left, key=lambda kg: kg[1][0])[0]
    return min(level, key=lambda kg: max(kg[1][0] - x1, x0 - kg[1][2], 0.0))[0]


def _heading(b: Block, boxes: list) -> int | None:
    """The lowest title group (by its box) above ``b`` that spans part of its width."""
    best, best_y = None, None
    for k, (gx0, gy0, gx1, gy1) in enumerate(boxes):
        overlap = min(gx1, b.bbox[2]) - max(gx0, b.bbox[0])
        if gy1 <= b.bbox[1] + 2 and overlap > 0.3 * min(gx1 - gx0, b.bbox[2] - b.bbox[0]):
            if best_y is None or gy1 > best_y:
                best, best_y = k, gy1
    return best


# --- 6. paragraphs ------------------------------------------------------------------------

def weigh_lines(gray: np.ndarray, blocks: list[Block]) -> float | None:
    """Set each line's weight (its share of dark pixels); return the weight from which a
    line is bold: 2.15 times the median line's. On 20 rendered 300-dpi pages a bold
    crosshead line weighed 2.2 to 6 times the median body line (two of 50 less), body
    lines at most 2.14 times (99% under 1.87)."""
    weights = []
    for b in blocks:
        for ln in b.lines:
            if not ln.bbox:
                continue
            x0, y0, x1, y1 = (int(v) for v in ln.bbox)
            # Over at least the block's type height: how tight OCR draws a line's box
            # varies (more so on resized crops), and a tight box looks heavy.
            grow = max(0, int(((b.font_size or 0) - (y1 - y0)) / 2))
            crop = gray[max(0, y0 - grow):y1 + grow, max(0, x0):x1]
            ln.weight = round(float((crop < 128).mean()), 4) if crop.size else None
            if ln.weight is not None and b.kind == TEXT and len(ln.text) >= 4:
                weights.append(ln.weight)
    return 2.15 * float(np.median(weights)) if len(weights) >= 10 else None


def paragraphs(block: Block, body: float, heavy: float | None = None) -> list[Block]:
    """Split an OCR'd column block into paragraphs by indent, short last lines and bold
    lines (a crosshead set close under a paragraph lands in its block)."""
    lines = [ln for ln in block.lines if ln.text.strip() and ln.bbox]
    if block.kind == HEADLINE and 2 <= len(lines) <= 4 and all(
            b.bbox[1] >= a.bbox[3] for a, b in zip(lines, lines[1:])):
        # a title block of a few clean lines: a headline over its subtitle comes apart
        # (lines that overlap are body type misread as one large line: left whole)
        return _runs_of_size(block, (HEADLINE,))
    if block.kind != TEXT or not lines:
        return [block]
    unit = body or (lines[0].bbox[3] - lines[0].bbox[1])
    # The column's edges are where lines line up: one line that OCR drew wider (a speck
    # read as "。" before it) made every other line of a column look indented, and each
    # line a paragraph of its own.
    left = _edge([ln.bbox[0] for ln in lines], 0.3 * unit)
    right = -_edge([-ln.bbox[2] for ln in lines], 0.3 * unit)

    def indented(ln: Line) -> bool:
        return ln.bbox[0] - left > 0.8 * unit

    def short(ln: Line) -> bool:
        return right - ln.bbox[2] > 1.2 * unit

    def centred(ln: Line) -> bool:  # a crosshead set in body size
        return indented(ln) and short(ln) and abs((ln.bbox[0] - left) - (right - ln.bbox[2])) < 1.5 * unit

    if 2 <= len(lines) <= 3 and centred(lines[-1]) and not any(P.ends_paragraph(ln.text) for ln in lines):
        # A crosshead wrapped in a narrow column: a full first line, the rest centred
        # under it (公路项目全力 / 推进). One unit that starts and ends a paragraph, so
        # cleanup sees the whole title and never runs it into the paragraph before.
        return [_unit(block, lines, starts=True, ends=True)]
    def bold(ln: Line) -> bool:
        return heavy is not None and ln.weight is not None and ln.weight >= heavy

    groups: list[list[Line]] = [[lines[0]]]
    for prev, ln in zip(lines, lines[1:]):
        if (centred(prev) and centred(ln)) or (bold(prev) and bold(ln)):
            groups[-1].append(ln)
        elif indented(ln) or short(prev) or centred(ln) or centred(prev) or bold(ln) != bold(prev):
            groups.append([ln])
        else:
            groups[-1].append(ln)
    many = len(lines) > 1
    out = []
    for g in groups:
        heavy_g = all(map(bold, g))
        u = (_unit(block, g, starts=True, ends=True) if many and heavy_g else
             _unit(block, g, starts=indented(g[0]) if many else None, ends=short(g[-1]) if many else None))
        if heavy is not None:
            u.bold = True if heavy_g else (None if all(map(centred, g)) else False)
        out.append(u)
    return out


def _edge(values: list[float], slack: float) -> float:
    """Where most values line up (within ``slack``); the least of equals: a column's
    flush edge, which every line but a paragraph's first keeps."""
    ordered = sorted(values)
    return max(ordered, key=lambda v: (sum(abs(w - v) <= slack for w in ordered), -v))


def _unit(block: Block, lines: list[Line], *, starts: bool | None, ends: bool | None) -> Block:
    return Block(
        TEXT, text="\n".join(ln.text for ln in lines), bbox=union_bbox(ln.bbox for ln in lines), lines=lines,
        confidence=block.confidence, column=block.column, font_size=block.font_size,
        starts_paragraph=starts, ends_paragraph=ends, region=block.region,
    )
