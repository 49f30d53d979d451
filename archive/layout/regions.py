"""Step 2, regions: rules by morphology, photos as large mid-tone or solid regions, text
lines by a horizontal smear, lines grouped into blocks of one type size and parted at
the columns (``columns``)."""

from __future__ import annotations

import cv2
import numpy as np

from .. import patterns as P
from ..model import PHOTO, RULE, TEXT, Block, union_bbox
from .columns import (
    WIDE, _around_photos, _between_text, _leading, _runs, _split_touching_lines, find_gutters, split_at_gutters,
    split_at_walls,
)
from .geometry import _horizontal, _inside, _overlaps, components
from .image import _half, component_boxes, estimate_text_height


def find_rules(ink: np.ndarray, ch: float) -> list[Block]:
    """Rules are long: found at half resolution, where opening the page with long
    kernels takes a quarter of the time."""
    rules = []
    small = _half(ink, any_ink=True)
    for lines in _long_strokes(small, ch):
        for x, y, w, h in component_boxes(lines):
            # Thin by its ink, not its box: a column rule on an old scan bends a few
            # pixels over the page's height, so its box is wider than the rule (Chronicling
            # America: rules 6 px thick in boxes up to 28 px wide, all lost to a box test).
            # A rule is lighter than the strokes of the type around it is tall: column rules
            # of one Chronicling America page are 6 px and 9.5 px, with text 27 px tall.
            thick = 2 * cv2.countNonZero(lines[y:y + h, x:x + w]) / max(w, h)
            if thick > max(3, ch / 2):
                continue
            if min(w, h) <= ch:
                rules.append(Block(RULE, bbox=(2.0 * x, 2.0 * y, 2.0 * (x + w), 2.0 * (y + h))))
                continue
            # A rule that drifts further across than a glyph over its length (a page
            # bowed in the scanner: a Chronicling America column rule runs 110 px
            # sideways down its 8600) is the same rule: its box as a whole would stand
            # over the text beside it, so it is kept as pieces, each as straight as a rule.
            for x0, y0, x1, y1 in _straight_pieces(lines[y:y + h, x:x + w], thick / 2 + ch / 8, 2 * ch):
                rules.append(Block(RULE, bbox=(2.0 * (x + x0), 2.0 * (y + y0), 2.0 * (x + x1), 2.0 * (y + y1))))
    # Rules known by the white beside them: worn into dashes, or a few lines short. One
    # found whole takes the place of the pieces of it found above.
    for box in _broken_rules(small, ch):
        if any(_inside(box, r.bbox, ch / 2) for r in rules):
            continue
        rules = [r for r in rules if _horizontal(r.bbox) or not _inside(r.bbox, box, ch / 2)]
        rules.append(Block(RULE, bbox=box))
    # A short one in line with a column rule of the page: the same rule where a photo
    # breaks it. Alone, a short upright line with white beside it is as often the
    # separator between a running foot's folio and title (a book spread of
    # OmniDocBench: "44 | 中西比较美术学 | ...").
    columns = [r.bbox for r in rules if not _horizontal(r.bbox)]
    for box in _short_rules(ink, ch) if columns else ():  # a full-resolution pass: only where it can count
        mid = (box[0] + box[2]) / 2
        if any(abs((c[0] + c[2]) / 2 - mid) <= ch / 2 for c in columns) \
                and not any(_inside(box, r.bbox, ch / 2) for r in rules):
            rules.append(Block(RULE, bbox=box))
    return rules


def _straight_pieces(stroke: np.ndarray, across: float, least: float) -> list[tuple[int, int, int, int]]:
    """A long thin stroke that drifts sideways cut along its length into pieces, each
    no wider than ``across`` and at least ``least`` long: (x0, y0, x1, y1) in the
    stroke's box, ends exclusive. Only the box's largest stroke counts: a drifting
    rule's box is wide enough to hold the end of another."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(stroke, connectivity=8)
    if count < 2:
        return []
    upright = stroke.shape[0] >= stroke.shape[1]
    own = labels == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    runs = own if upright else own.T
    pieces, start, lo, hi = [], None, 0, 0
    for i, row in enumerate(runs):
        cols = np.flatnonzero(row)
        if not cols.size:
            continue
        if start is not None and max(hi, cols[-1]) - min(lo, cols[0]) + 1 <= across:
            lo, hi, end = min(lo, cols[0]), max(hi, cols[-1]), i
            continue
        if start is not None and end + 1 - start >= least:
            pieces.append((lo, start, hi + 1, end + 1))
        start, end, lo, hi = i, i, cols[0], cols[-1]
    if start is not None and end + 1 - start >= least:
        pieces.append((lo, start, hi + 1, end + 1))
    return [(int(a), int(b), int(c), int(d)) if upright else (int(b), int(a), int(d), int(c)) for a, b, c, d in pieces]


def _long_strokes(small: np.ndarray, ch: float) -> tuple[np.ndarray, np.ndarray]:
    """The horizontal and the vertical runs of ink eight glyphs long or more, on the page
    at half resolution (``_half``): rules, and strokes no line of type holds."""
    n = int(ch * 4)
    return tuple(cv2.morphologyEx(small, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, k))
                 for k in ((n, 1), (1, n)))


def _broken_rules(small: np.ndarray, ch: float) -> list[tuple[float, float, float, float]]:
    """Column rules printed faint or worn into dashes, on the page at half resolution.
    No dash is eight glyphs long (Chronicling America, the 1918 Sunday Star: rules 4 px
    thick broken every 30-90 px, 10 px of white each side), so ``find_rules`` misses
    them, the gutters beside them are too narrow to be found with a letter reaching
    in, and blocks run across three columns. Gaps of up to half a glyph are closed;
    what is then a thin vertical line eight glyphs long is a rule when white stands on
    both sides of it all down: closing joins the strokes of letters set one above
    another in a column of text too, but there they always have letters beside them."""
    c = ch / 2
    n = int(ch * 4)
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, int(c) | 1)))
    lines = cv2.morphologyEx(closed, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, n)))
    # As thin as find_rules' rules. A letter reaching into the gutter here and there is
    # allowed for; the edge of a column of text has letters all down one side (a fifth
    # of it inked and more). A worn rule still has ink on three quarters of its length
    # (the Sunday Star's: 84-99%); the strokes of Han characters set on a grid, one
    # above another, joined by the closing, leave the white between lines and between
    # strokes (a rendered page: 66%, with white beside them where the grid's column
    # is a stroke of 丨 and 十 after another).
    return [(2.0 * x, 2.0 * y, 2.0 * (x + w), 2.0 * (y + h))
            for x, y, w, h, inked, cover in _beside(lines, small, max(2, int(0.3 * c)),
                                                    lambda w, h, area: h >= n and w <= c
                                                    and 2 * area / h <= max(3, ch / 2))
            if inked <= 0.1 and cover >= 0.75]


def _short_rules(ink: np.ndarray, ch: float) -> list[tuple[float, float, float, float]]:
    """Column rules a line or a few lines long: a hairline between the columns set
    above or under a photo (the devset draws them 2 px thick and 85-170 px long, type
    34 px tall). Found by no opening eight glyphs long, the hairline joined the lines
    on either side of it into one line across both columns, typed a headline. An
    unbroken vertical line at least half again as tall as a glyph (no letter of body
    type is) and under the eight glyphs ``find_rules`` looks for, thin as a hairline
    and straight, with white on both sides of it all down."""
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, int(1.5 * ch))))
    return [(float(x), float(y), float(x + w), float(y + h))
            for x, y, w, h, inked, _ in _beside(lines, ink, max(2, int(0.3 * ch)),
                                             lambda w, h, area: h < 8 * ch and w <= max(4, ch / 3)
                                             and area / h <= max(2, ch / 6))
            if inked <= 0.05]


def _beside(lines: np.ndarray, ink: np.ndarray, side: int, wanted):
    """Each vertical stroke of ``lines`` that is ``wanted`` (by its box's width and
    height and its area): its box, the share of ``ink`` in the strips ``side`` pixels
    wide to its left and to its right, one pixel off it (the larger of the two), and
    the share of its rows where ``ink`` itself has ink within the stroke."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    W = ink.shape[1]
    for i in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[i, :5])
        if h < 2 * w or not wanted(w, h, area):
            continue
        stroke = labels[y:y + h, x:x + w] == i
        rows = np.flatnonzero(stroke.any(axis=1))
        left = x + stroke[rows].argmax(axis=1)
        right = x + w - 1 - stroke[rows, ::-1].argmax(axis=1)
        inked = []
        for edge, step in ((left, -1), (right, 1)):
            cols = edge[:, None] + step * np.arange(2, side + 2)[None, :]
            inside = (cols >= 0) & (cols < W)
            vals = ink[(y + rows)[:, None], np.clip(cols, 0, W - 1)] > 0
            inked.append(float((vals & inside).sum()) / int(inside.sum()) if inside.any() else 1.0)
        cover = float(((ink[y:y + h, x:x + w] > 0) & stroke)[rows].any(axis=1).mean())
        yield x, y, w, h, max(inked), cover


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
    smear = _unjoined(smear, ink, ch, (kw, kh))
    segs, tall = [], []
    for x, y, w, h in component_boxes(smear):
        # Back to the ink's extent: the smear widened each piece by half a kernel a
        # side, except where a gutter cut it.
        piece = ink[y:y + h, x:x + w]
        cols, rows = np.flatnonzero(piece.any(axis=0)), np.flatnonzero(piece.any(axis=1))
        if not cols.size:
            continue
        x, y, w, h = x + int(cols[0]), y + int(rows[0]), int(cols[-1] - cols[0]) + 1, int(rows[-1] - rows[0]) + 1
        if h < ch * 0.4 or w < ch * 0.2 or (w < ch * 0.5 and h < ch * 0.5):
            continue
        (tall if h > ch * 8 else segs).append((float(x), float(y), float(x + w), float(y + h)))
    # A piece taller than any line of type is a picture, or lines set solid that touch
    # (heavy print: a whole column was one piece, and lost). Lines are a column wide: a
    # piece no wider than the page's long lines is cut into its lines; a wider one
    # (columns side by side that a blot or a stray stroke joined) is let go, as cut
    # into horizontal slices it would be read straight across the columns. The page's
    # line width is the width most of its text is set at, the lines of pieces of touching
    # lines (tall or not) counted with the free ones: on a page set solid nearly every
    # line touches its neighbours, what stands free is words and specks, and a column
    # measured by those was let go (NCSE EWJ 1859-05-01 p66: four lines of a one-column
    # page, touching across 12 glyphs' height, dropped against a "column" of 0.6 its
    # measure, measured on the page's stray words and pieces of two or three lines left out).
    parts = [c for t in tall for c in _columns_within(t, ink, ch)]
    column = _line_width(_lines_of(segs, gutters, ink.shape, ch)
                         + [(c[2] - c[0], max(1, round((c[3] - c[1]) / (1.5 * ch)))) for c in parts])
    segs += [c for c in parts if c[2] - c[0] <= 1.3 * column]
    segs = [s for s in _split_touching_lines(segs, ink, ch) if s[3] - s[1] <= ch * 8]
    segs.sort(key=lambda s: (s[1], s[0]))
    leading = _leading(segs)
    display = P.HEADLINE_TO_BODY * float(np.median([s[3] - s[1] for s in segs])) if segs else float("inf")
    across = [r.bbox for r in rules if _horizontal(r.bbox)]
    upright = [r.bbox for r in rules if r.bbox[3] - r.bbox[1] > r.bbox[2] - r.bbox[0]]
    head = _head_row(segs, display, [*gutters, *upright])
    segs = [s for s in segs if not any(s in part for part in head)]
    blocks: list[list[tuple]] = []
    for s in segs:
        sh = s[3] - s[1]
        best, most = None, 0.0
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
                    and not titled and not _ruled_between(last, s, across) and not _astride(last, s, gutters, max(lh, sh)) \
                    and overlap >= most:
                # Of the blocks the line could go on, the one whose last line it lies
                # under most. A line with a wide word space is two pieces, and the
                # piece that joined no block began one of its own; put under that
                # piece, the next full line cut the column into two blocks sharing a
                # line (of unlike sizes, never merged), and both crops read the line.
                best, most = b, overlap
        if best is not None:
            best.append(s)
        else:
            blocks.append([s])
    out = []
    for b in blocks:
        heights = sorted(s[3] - s[1] for s in b)
        out.append(Block(TEXT, bbox=union_bbox(b), font_size=float(heights[len(heights) // 2])))
    photo_boxes = [p.bbox for p in photos]
    merged = merge_touching(out, upright, gutters, photo_boxes)
    # A photo is no gutter: taken out, its white ran down a block merged round it, and a
    # caption under it was cut off with the lines under the caption as if they crossed it.
    shaded = ink.copy() if photo_boxes else ink
    for x0, y0, x1, y1 in photo_boxes:
        shaded[int(y0):int(y1) + 1, int(x0):int(x1) + 1] = 255
    return _uncontained([piece for b in merged for part in split_at_gutters(b, shaded, ch)
                         for wall_part in split_at_walls(part, gutters, ink, ch)
                         for piece in _around_photos(wall_part, photo_boxes, ink)]
                        + [Block(TEXT, bbox=union_bbox(part), font_size=max(s[3] - s[1] for s in part))
                           for part in head], ch)


def _head_row(segs: list[tuple], display: float, walls) -> list[list[tuple]]:
    """The parts (title, folio, date) of a running head set over a single column, each
    a list of its pieces: the page's top line of text, in parts a wide space apart, none
    in display type, over a line of the column that runs on under the middle of that
    space. Set a line space over the column, it was grouped with the column's first
    lines and read into its first paragraph. Over columns side by side (a gutter or a
    column rule, of ``walls``, under the line) it is no such head: the first lines of
    justified columns are words a wide space apart too (``_astride`` keeps a head set
    over a gutter apart)."""
    if not segs:
        return []
    top = min(segs, key=lambda s: s[1])
    mid = (top[1] + top[3]) / 2
    row = sorted((s for s in segs if s[1] <= mid <= s[3]), key=lambda s: s[0])
    if len(row) < 2 or any(s[3] - s[1] >= display for s in row):
        return []
    wide = 2 * float(np.median([s[3] - s[1] for s in row]))
    bottom = max(s[3] for s in row)
    if any(row[0][0] + wide < (wx0 + wx1) / 2 < row[-1][2] - wide and wy0 <= bottom + 2 * wide and wy1 >= top[1]
           for wx0, wy0, wx1, wy1 in walls):
        return []
    parts: list[list[tuple]] = [[row[0]]]
    for s in row[1:]:
        if s[0] - parts[-1][-1][2] < wide:  # a word space the smear did not bridge
            parts[-1].append(s)
        else:
            parts.append([s])
    spaces = [(a[-1][2] + b[0][0]) / 2 for a, b in zip(parts, parts[1:])]
    under = [s for s in segs if s not in row and 0 <= s[1] - bottom <= 0.75 * wide]
    return parts if any(s[0] < x < s[2] for s in under for x in spaces) else []


def _ruled_between(a: tuple, b: tuple, rules) -> bool:
    """Does a rule run between line ``a`` and line ``b`` under it, across both?"""
    return any(a[3] - 2 <= (ry0 + ry1) / 2 <= b[1] + 2 and rx0 < min(a[2], b[2]) and rx1 > max(a[0], b[0])
               for rx0, ry0, rx1, ry1 in rules)


def _astride(a: tuple, b: tuple, gutters, reach: float) -> bool:
    """Does one of two lines, one over the other, run across the end of a gutter that
    the other stands beside? A line over the columns (a running head set just over the
    gutter's top) is none of theirs: joined to the first lines of a column, it was cut
    at the gutter and half of it read into the column's text. ``reach``: a line's
    height, how far the gutter's end may be from the line over it."""
    for gx0, gy0, gx1, gy1 in gutters:
        x = (gx0 + gx1) / 2
        for over, beside in ((a, b), (b, a)):
            if (over[0] + reach < x < over[2] - reach and not beside[0] + reach < x < beside[2] - reach
                    and gy0 <= beside[3] and gy1 >= beside[1]
                    and (0 <= gy0 - over[3] <= reach or 0 <= over[1] - gy1 <= reach)):
                return True
    return False


def _lines_of(segs: list[tuple], gutters, shape, ch: float) -> list[tuple[float, int]]:
    """(width, lines) of the lines of type the pieces make: a justified Latin line
    spaced wider than the smear is words, which measured a column as a word wide."""
    f = 4
    canvas = np.zeros((shape[0] // f + 1, shape[1] // f + 1), np.uint8)
    for x0, y0, x1, y1 in segs:
        canvas[int(y0) // f:int(y1) // f + 1, int(x0) // f:int(x1) // f + 1] = 255
    k = max(1, round(ch / f))  # a word space is under a glyph
    canvas = cv2.dilate(canvas, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    for gx0, gy0, gx1, gy1 in gutters:
        canvas[int(gy0) // f:int(gy1) // f + 1, int(gx0) // f:int(gx1) // f + 1] = 0
    return [(float(max(1, w - k) * f), max(1, round(h * f / (1.5 * ch)))) for x, y, w, h in component_boxes(canvas)]


def _line_width(lines: list[tuple[float, int]]) -> float:
    """The page's line width: of (width, lines set at it), the width at or under which
    half the page's text (lines times width) is set, so words and specks weigh little."""
    total, acc = sum(w * n for w, n in lines), 0.0
    for w, n in sorted(lines):
        acc += w * n
        if acc >= total / 2:
            return w
    return 0.0


def _columns_within(s: tuple, ink: np.ndarray, ch: float) -> list[tuple]:
    """A tall piece parted where white runs down most of it, 0.4 of a glyph wide (a
    gutter that a smudge over a few lines bridged): each part a column of its own. A
    band that wide in a column of text crosses a letter on most lines."""
    x0, y0, x1, y1 = map(int, s)
    inked = (ink[y0:y1, x0:x1] > 0).mean(axis=0)
    edges = [0]
    for a, b in _runs(inked <= 0.15):
        if a > 0 and b < len(inked) and b - a >= max(2, WIDE * ch):
            edges += [a, b]
    edges.append(len(inked))
    out = []
    for a, b in zip(edges[::2], edges[1::2]):
        xs = np.flatnonzero(inked[a:b])
        if xs.size:
            out.append((float(x0 + a + xs[0]), s[1], float(x0 + a + xs[-1] + 1), s[3]))
    return out


def _unjoined(smear: np.ndarray, ink: np.ndarray, ch: float, kernel: tuple[int, int]) -> np.ndarray:
    """The smear, with the long straight strokes taken out of its pieces taller than
    any line of type. A rule that ``find_rules`` passed over (a column rule half again
    as heavy as the others, a double rule under the masthead) is one piece with every
    line that touches it: on a Chronicling America page, two columns' worth of text hung
    on one such rule, and all of it was dropped as a piece too tall to be a line. A
    stroke that long is in no line of type: the pieces of a line are left as they are."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(smear, connectivity=8)
    tall = np.flatnonzero(stats[1:, cv2.CC_STAT_HEIGHT] > 8 * ch) + 1
    if not tall.size:
        return smear
    across, down = _long_strokes(_half(ink, any_ink=True), ch)
    strokes = cv2.resize(across | down, (smear.shape[1], smear.shape[0]), interpolation=cv2.INTER_NEAREST)
    strokes = cv2.dilate(strokes, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))  # as the smear widened it
    out = smear.copy()
    out[(strokes > 0) & np.isin(labels, tall)] = 0
    return out


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

        def touching():
            for n, i in enumerate(order):
                a = blocks[i]
                reach = a.bbox[3] + a.font_size
                for j in order[n + 1:]:
                    b = blocks[j]
                    if b.bbox[1] > reach:
                        break
                    if (_same_size(a, b) and _touch(a, b) or _one_line(a, b)) and not _walled(a.bbox, b.bbox, walls) \
                            and not _parted(a.bbox, b.bbox, gutters) and not _over_photo(a.bbox, b.bbox, photos):
                        yield i, j

        groups = [[blocks[i] for i in ids] for ids in components(len(blocks), touching())]
        if len(groups) == len(blocks):
            return blocks
        blocks = [Block(TEXT, bbox=union_bbox(g_.bbox for g_ in g), font_size=max(g_.font_size for g_ in g))
                  if len(g) > 1 else g[0] for g in groups]


def _same_size(a: Block, b: Block) -> bool:
    return max(a.font_size, b.font_size) / max(1.0, min(a.font_size, b.font_size)) < 1.2


def _one_line(a: Block, b: Block) -> bool:
    """Are two pieces words of one line of type, a word space apart? They share the
    line's rows (one stands within the other's, its caps on the same top) and the
    space is under an em. Their heights may differ by a descender or a comma more than
    ``_same_size`` allows: display caps letterspaced an em apart (NCSE, The Publishers'
    Circular: "CROWN BUILDINGS, 188 FLEET STREET, E.C." between two rules, caps 22 px
    high, 31 with a comma under the line) were five blocks, each read alone."""
    (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a.bbox, b.bbox
    ha, hb = ay1 - ay0, by1 - by0
    if ha > 1.6 * a.font_size or hb > 1.6 * b.font_size:
        return False  # a block of lines: its words are joined by its lines
    shared = min(ay1, by1) - max(ay0, by0)
    # A descender reaches about a third of the cap height under the line.
    return (shared >= 0.8 * min(ha, hb) and max(ha, hb) < 1.5 * min(ha, hb)
            and 0 <= max(ax0, bx0) - min(ax1, bx1) < max(ha, hb))


def _parted(a, b, gutters) -> bool:
    """Does a gutter run between the two boxes, side by side? On a page that leans or is
    warped, the gutter drifts across the page as it runs down, and the boxes of the two
    columns beside it, each as wide as its lines at their widest, reach past it where it
    is not (Evening Star, 1863: a gutter drifting 110 px down the page, and three columns
    read as one block). So gutters also part two boxes when, between their middles, they
    run down most of the rows the boxes share (a bent gutter is a chain of walls); a
    gutter ending a pixel or two into a headline over it (its wall stops half a glyph
    short of the ink it meets) parts none of the headline."""
    left, right = (a, b) if a[0] <= b[0] else (b, a)
    top, bottom = max(a[1], b[1]), min(a[3], b[3])
    between = []
    for gx0, gy0, gx1, gy1 in gutters:
        gx = (gx0 + gx1) / 2
        if left[2] - 2 <= gx <= right[0] + 2 and gy0 < max(a[3], b[3]) and gy1 > min(a[1], b[1]):
            return True
        if (left[0] + left[2]) / 2 < gx < (right[0] + right[2]) / 2 and gy0 < bottom and gy1 > top:
            between.append((max(gy0, top), min(gy1, bottom)))
    down, reach = 0.0, top
    for y0, y1 in sorted(between):  # the rows the walls cover, each counted once
        down += max(0.0, y1 - max(y0, reach))
        reach = max(reach, y1)
    return bool(between) and down >= 0.5 * (bottom - top)


def _walled(a, b, walls) -> bool:
    """Would the two boxes' union hold a wall? Not only a wall between them: a line that
    spans the page (a dateline over ruled columns) would otherwise take in the column
    under it, and the merged box every column after."""
    x0, y0, x1, y1 = min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])
    return any(x0 + 2 < (wx0 + wx1) / 2 < x1 - 2 and wy0 < y1 and wy1 > y0 for wx0, wy0, wx1, wy1 in walls)


def _over_photo(a, b, photos) -> bool:
    both = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
    return any(_overlaps(both, p) for p in photos)


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
    return rules + photos + text + find_reversed_text(gray, photos, ch), ch


def dark_ground(gray: np.ndarray, bbox) -> bool:
    """Is the ground of this box dark: type printed light on a tint or a photo (reverse
    type)? Type covers well under half of its block's area; the rest is its ground."""
    x0, y0, x1, y1 = (int(v) for v in bbox)
    area = gray[max(0, y0):y1 + 1, max(0, x0):x1 + 1]
    return bool(area.size) and float(np.median(area)) < 128


def find_reversed_text(gray: np.ndarray, photos: list[Block], ch: float) -> list[Block]:
    """Lines of light type on the dark ground of a photo's box: a caption or headline
    set in reverse over the picture, or a whole page printed light on dark, which the
    photo finder takes for one photo. Light strokes are the pixels brighter than the
    ground around them; what is not glyph-sized (the paper of a light panel, a sky)
    drops out, and what is left is grouped into lines and blocks as ink is. A block is
    kept when its ground is dark and it is a line of type, several glyphs wide; the
    engine's confidence decides the rest (``ocr.drop_unread_reverse``)."""
    out = []
    for p in photos:
        x0, y0, x1, y1 = (int(v) for v in p.bbox)
        area = gray[y0:y1 + 1, x0:x1 + 1]
        k = int(3 * ch) | 1
        ground = cv2.blur(area, (k, k))
        # Lighter than the mean of the three glyphs around it by a sixth of the grey
        # scale, and light in itself: a photo's highlights fade into their ground.
        light = ((area.astype(np.int16) - ground > 40) & (area > 150)).astype(np.uint8) * 255
        # The page's text height is measured on dark ink: on a page printed light on
        # dark it is the ground's specks. The light type has its own.
        lh = estimate_text_height(light)
        n, labels, stats, _ = cv2.connectedComponentsWithStats(light, connectivity=8)
        glyph = np.flatnonzero((stats[1:, 2] <= 3 * lh) & (stats[1:, 3] <= 3 * lh) & (stats[1:, 4] >= 3)) + 1
        if not glyph.size:
            continue
        mask = np.isin(labels, glyph).astype(np.uint8) * 255
        for b in find_text_blocks(mask, lh):
            b.bbox = (b.bbox[0] + x0, b.bbox[1] + y0, b.bbox[2] + x0, b.bbox[3] + y0)
            size = b.font_size or 0.0
            if size >= lh / 2 and b.bbox[2] - b.bbox[0] >= 4 * size and dark_ground(gray, b.bbox):
                out.append(b)
    return out


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
