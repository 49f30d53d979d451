"""Step 1, preprocess: flatten uneven illumination, estimate and undo skew, binarise; and
the measures of the type read off the ink (text height, letter spacing, resolution)."""

from __future__ import annotations

import cv2
import numpy as np


MAX_SKEW_DEGREES = 5.0


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


# A speck is far smaller than a mark of type that stands alone: a Han full stop or
# comma is a fifth of the text height or more, a Latin full stop sits close to the
# letter it follows, the dots of an ellipsis close to each other, and the dots of a
# colon, a semicolon, an exclamation mark stacked over another narrow mark. Read by the
# engine, a speck alone in white becomes a mark of its own: a hyphen at a line's end,
# a comma or a quote between two characters.
SPECK = 0.18       # of the text height: largest side of a speck
SPECK_ALONE = 0.3  # of the text height: white all round it
STACKED = 0.6      # of the text height: how far over or under a dot its mark's other part is
NARROW = 0.35      # of the text height: the widest such other part (a comma, a stroke)


def despeckle(gray: np.ndarray, ch: float) -> np.ndarray:
    """The page with specks whitened: components of ink under ``SPECK`` text heights
    with no other ink within ``SPECK_ALONE`` and no narrow mark stacked over or under
    them. For the engine's eyes only: the page image kept is the scan's."""
    ink = binarise(gray)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    side, r, up = SPECK * ch, max(2, int(SPECK_ALONE * ch)), int(STACKED * ch)
    small = np.flatnonzero((stats[1:, 2] <= side) & (stats[1:, 3] <= side)) + 1
    rule = np.maximum(stats[:, 2], stats[:, 3]) > 3 * ch  # a speck beside a rule is still a speck
    gone = []
    for i in small:
        x, y, w, h = stats[i, :4]
        window = labels[max(0, y - r):y + h + r, max(0, x - r):x + w + r]
        near = window[(window != 0) & (window != i)]
        if near.size and not rule[near].all():
            continue
        column = np.unique(labels[max(0, y - up):y + h + up, max(0, x - 1):x + w + 1])
        if any(j not in (0, i) and stats[j, 2] <= NARROW * ch for j in column):
            continue
        gone.append(i)
    if not gone:
        return gray
    out = gray.copy()
    out[np.isin(labels, gone)] = 255
    return out


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


def _half(mask: np.ndarray, *, any_ink: bool) -> np.ndarray:
    """Half resolution: each 2x2 cell's mean, or with ``any_ink`` 255 where the cell has
    any (so that a one-pixel rule survives)."""
    h, w = mask.shape
    small = cv2.resize(mask, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    return ((small > 0).astype(np.uint8) * 255) if any_ink else small
