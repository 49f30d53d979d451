"""Step 2, columns: the gutters (white running down the page) and walls (rules, photo
edges) that part text blocks set side by side."""

from __future__ import annotations

import cv2
import numpy as np

from ..model import TEXT, Block
from .geometry import _overlaps, _under_photo
from .image import _half, component_boxes, letter_spacing


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
    (a column cut out of lines that ran across a gutter holds both), and beside it (a
    column of type set beside a photo in one column of an advertisement)."""
    for px0, py0, px1, py1 in photos:
        x0, y0, x1, y1 = block.bbox
        if not _overlaps(block.bbox, (px0, py0, px1, py1)):
            continue
        over_under = ((x0, y0, x1, py0), (x0, py1, x1, y1))
        beside = ((x0, py0, px0, py1), (px1, py0, x1, py1))
        out = []
        for box in (*over_under, *beside):
            a, b, c, d = box
            part = _inked(ink, a, b, c, d, block.font_size) if c - a >= 2 and d - b >= 2 else None
            # Beside the photo, a line's edge that the photo's box grazes is no line.
            if part is not None and (box in over_under or part.bbox[3] - part.bbox[1] >= 0.5 * block.font_size):
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
    is wider than that (``letter_spacing``); where glyphs half again as tall as the words
    of body type stand side by side (a headline) there is no gutter; the wide white of
    margins and empty areas separates nothing that would join."""
    small = _half(ink, any_ink=True)
    c = ch / 2
    # Specks (dust, noise of a poor scan) break a gutter's white into pieces too short to
    # count; no part of a glyph that matters here is under a quarter of one each way.
    n, labels, stats, _ = cv2.connectedComponentsWithStats(small, connectivity=8)
    tiny = np.flatnonzero((stats[:, cv2.CC_STAT_WIDTH] <= 0.25 * c) & (stats[:, cv2.CC_STAT_HEIGHT] <= 0.25 * c))
    tiny = np.concatenate([tiny[tiny > 0], _rule_dashes(small, labels, stats, c)])
    if tiny.size:
        small = np.where(np.isin(labels, tiny), 0, small).astype(small.dtype)
    white = cv2.bitwise_not(small)
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    # Display type is half again as tall as the words of body type: a Latin word with an
    # ascender and a descender is half again as tall as the glyph height measured, and
    # taken for display type it broke a narrow gutter wherever it stood beside it.
    pieces = component_boxes(closed)
    words = pieces[(pieces[:, 3] >= 0.5 * c) & (pieces[:, 3] <= 3 * c) & (pieces[:, 2] >= 0.5 * c)] if len(pieces) else pieces
    line = max(c, float(np.median(words[:, 3]))) if len(words) >= 20 else c
    display = _set_side_by_side([(x, y, w, h) for x, y, w, h in pieces if 1.5 * line <= h <= 8 * c and w <= 4 * h
                                 and not _stacked(closed[y:y + h, x:x + w], c)])
    # A gutter is wider than the white between the characters of a line.
    narrowest = max(int(WIDE * c), int(letter_spacing(ink, ch) / 2) + 1)
    strips = _strips(white, display, TALL * c, c, narrowest)
    boxes = component_boxes(strips)
    tall = [b for b in boxes if 2.0 * b[3] - ch >= TALL * ch]
    walls = [w for b in tall for w in _walls(strips, b, c, TALL * c)]
    long_walls = list(walls)
    # Shorter gutters, where the page says they are. Where a paragraph's indent or a blot
    # beside a gutter broke its white, the gutter goes on past the break, in line.
    for b in boxes:
        if UNDER * ch <= 2.0 * b[3] - ch < TALL * ch:
            wall = _wall(strips, b, c)
            if any(abs(wall[0] - o[0]) < c and (0 <= wall[1] - o[3] <= 4 * ch or 0 <= o[1] - wall[3] <= 4 * ch)
                   for o in long_walls):
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


def _rule_dashes(small: np.ndarray, labels: np.ndarray, stats: np.ndarray, c: float) -> np.ndarray:
    """The labels of what is left of a column rule printed faint or worn down to a third
    of its length (the Evening Star of 1863, off microfilm): thin upright dashes a glyph
    (``c``) tall or more, white for 0.4 of a glyph each side, two or more in line within
    eight glyphs of each other. Standing in the middle of a gutter, they left the white
    beside them narrower than a gutter, and both columns were read as one block. A
    letter has ink beside it within 0.4 of a glyph (the next letter, a word space), and
    a lone I between wide spaces no other in line under or over it."""
    # Thin by its ink, not its box (a blurred dash frays): as thin on average as half a
    # glyph is wide, and no wider than a glyph.
    w, h, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    thick = area / np.maximum(h, 1)
    cand = np.flatnonzero((thick <= max(1.0, 0.5 * c)) & (w <= c) & (h >= c) & (h >= 3 * np.minimum(w, thick)))
    side, W = max(2, int(0.4 * c)), small.shape[1]
    alone = []
    for i in cand[cand > 0]:
        x, y, ww, hh = (int(v) for v in stats[i, :4])
        lo, hi = max(0, x - side), min(W, x + ww + side)
        if not ((small[y:y + hh, lo:hi] > 0) & (labels[y:y + hh, lo:hi] != i)).any():
            alone.append(i)
    if len(alone) < 2:
        return np.zeros(0, np.int64)
    mids = stats[alone, 0] + stats[alone, 2] / 2.0
    tops, bottoms = stats[alone, 1], stats[alone, 1] + stats[alone, 3]
    near = (np.abs(mids[:, None] - mids[None, :]) <= 0.3 * c) \
        & (np.maximum(tops[:, None], tops[None, :]) - np.minimum(bottoms[:, None], bottoms[None, :]) <= 8 * c)
    np.fill_diagonal(near, False)
    return np.asarray(alone, np.int64)[near.any(axis=1)]


def _walls(strips: np.ndarray, box, c: float, run: float) -> list[tuple[float, float, float, float]]:
    """A gutter's wall, or, where the gutter bends (a page bowed in the scanner or off
    microfilm: the white between two columns drifts half a glyph or more across the
    page as it runs down), a chain of walls, one a gutter's least height tall, each down the
    middle of the white in its rows. A straight wall down a bent gutter stands in the
    text of one column at its ends: the lines there were cut in two and the columns'
    boxes, reaching past it, merged across it."""
    x, y, w, h = box
    whole = _wall(strips, box, c)
    n = int(h // run)
    if n < 2:
        return [whole]
    edges = [y + round(k * h / n) for k in range(n + 1)]
    runs = [(x + int(d[0]), x + int(d[-1]) + 1) for d in (_down(strips, (x, a, w, b - a)) for a, b in zip(edges, edges[1:]))]
    # An indent or a short last line beside the gutter widens its white on one side for
    # a stretch: a band's white is taken as wide as the narrowest band's, on the side
    # nearer the whole gutter's middle, and only a shift of both its edges is a bend.
    least = min(b - a for a, b in runs)
    centre = (whole[0] + 1) / 2
    mids = []
    for a, b in runs:
        left, right = a + least / 2, b - least / 2
        mids.append(2.0 * (left if abs(left - centre) <= abs(right - centre) else right))
    if max(abs(m - (whole[0] + 1)) for m in mids) < c:  # straight within half a glyph
        return [whole]
    return [(m - 1, 2.0 * a + (c if a == y else 0.0), m + 1, 2.0 * b - (c if b == y + h else 0.0))
            for m, a, b in zip(mids, edges, edges[1:])]


def _stacked(piece: np.ndarray, c: float) -> bool:
    """Is a piece taller than a line the words of lines set solid that touch (a
    descender on the ascender under it), not a glyph of display type? Between its lines
    is a row with next to no ink, a tenth of its width or less, with a line's height of
    ink over and under it; a display glyph's thinnest rows are its stems, a fifth of it
    or more. Taken for display type, the words beside a gutter on a page set solid
    broke the gutter every few lines, and both columns were read as one."""
    rows = np.count_nonzero(piece, axis=1)
    lo = int(0.7 * c)
    return bool(lo and (rows[lo:len(rows) - lo] <= 0.1 * piece.shape[1]).any())


def _strips(white: np.ndarray, display, run: float, c: float, least: int) -> np.ndarray:
    """White that runs down ``run`` pixels unbroken, from ``least`` pixels to three
    glyphs (``c``) wide, away from the glyphs of ``display`` type."""
    tall = cv2.morphologyEx(white, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, int(run)))))
    wide = cv2.morphologyEx(tall, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(2, least), 1)))
    wider = cv2.morphologyEx(tall, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(3 * c)), 1)))
    strips = cv2.bitwise_and(wide, cv2.bitwise_not(wider))
    # A headline's letter spacing is a strip of its own size: where its glyphs stand
    # there is no gutter (a white run down a gutter would otherwise go on up through a
    # gap in the headline over the columns).
    pad = int(3 * c)
    for x, y, w, h in display:
        strips[y:y + h, max(0, x - pad):x + w + pad] = 0
    return strips


def _set_side_by_side(display: list[tuple]) -> list[tuple]:
    """The glyphs of display type with another beside them on their line: a headline's.
    A glyph alone (a drop capital beside a gutter) leaves the white beside it a gutter."""
    if not display:
        return display
    x, y, w, h = np.array(display, dtype=np.int64).T
    out = []
    for at in range(0, len(x), 1000):  # in slices: a noisy page has thousands
        s = slice(at, at + 1000)
        over = np.minimum((y + h)[s, None], (y + h)[None, :]) - np.maximum(y[s, None], y[None, :])
        apart = np.maximum(x[None, :] - (x + w)[s, None], x[s, None] - (x + w)[None, :])
        beside = (over > 0.5 * np.minimum(h[s, None], h[None, :])) & (apart < 1.5 * np.maximum(h[s, None], h[None, :]))
        beside[np.arange(beside.shape[0]), np.arange(at, at + beside.shape[0])] = False
        out += [display[i] for i in at + np.flatnonzero(beside.any(axis=1))]
    return out


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
                piece = (s[0], float(y0 + a + ys[0]), s[2], float(y0 + a + ys[-1] + 1))
                out += _stacked_lines(piece, ink, ch)
    return out


def _stacked_lines(s: tuple, ink: np.ndarray, ch: float) -> list[tuple]:
    """A piece whose tall glyphs are less than half its height is lines of type stacked,
    cut where the ink thins between them. Worn type printed heavy leaves no row between
    lines near white (a fifth to a third of the lines' own ink, on a Chronicling America
    advertisement set solid), and the piece, six lines in one, was read as a headline
    of six times body size. A headline's own glyphs are as tall as its line: its
    thinner rows (between the bars of capitals) are never cut."""
    x0, y0, x1, y1 = map(int, s)
    if y1 - y0 < 1.6 * ch or x1 - x0 < 3 * ch:
        return [s]
    piece = ink[y0:y1, x0:x1]
    _, _, stats, _ = cv2.connectedComponentsWithStats(piece, connectivity=8)
    heights = [h for w, h in stats[1:, 2:4] if 0.3 * ch <= h and w <= 3 * ch]
    if len(heights) < 5:
        return [s]
    # The tall glyphs measure a line (a Han character of two parts stacked is two short
    # components, and a line of them had its parts cut apart at the median).
    glyph = float(np.percentile(heights, 90))
    if y1 - y0 < 1.8 * glyph:
        return [s]
    rows = np.convolve((piece > 0).sum(axis=1), np.ones(max(1, int(glyph / 6))), mode="same")
    lows = [i for i in range(1, len(rows) - 1) if rows[i] <= rows[i - 1] and rows[i] < rows[i + 1]]
    cuts: list[int] = []
    for i in sorted(lows, key=lambda i: rows[i]):
        # each side of a cut is a line: a glyph tall at least, and half again as inked as the
        # cut (lines a little aslant across a wide column leave their valleys half full)
        if (i >= 0.7 * glyph and len(rows) - i >= 0.7 * glyph and all(abs(i - c) >= 0.7 * glyph for c in cuts)
                and rows[i] <= 0.7 * rows[max(0, i - int(glyph)):i].max()
                and rows[i] <= 0.7 * rows[i + 1:i + 1 + int(glyph)].max()):
            cuts.append(i)
    cuts.sort()
    out = []
    for a, b in zip([0, *cuts], [*cuts, len(rows)]):
        ys = np.flatnonzero(piece[a:b].any(axis=1))
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
