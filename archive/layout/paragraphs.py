"""Step 6, after OCR: a column block split into paragraphs at indented first lines and
short last lines, and the type sizes within a block."""

from __future__ import annotations

import statistics

import numpy as np

from .. import patterns as P
from ..model import HEADLINE, TEXT, Block, Line, union_bbox


def line_size(ln: Line) -> float:
    """A line's type size: the median height of its words (a line's box grows with one
    speck or one descender), else its box's height. The true median: of a line of two
    words, the upper one is the engine's box run long over one of them (型 boxed 83 px
    high beside its 68 px 成 cut a two-line headline in two)."""
    hs = [w.bottom - w.top for w in ln.words if w.bottom > w.top]
    return float(statistics.median(hs)) if hs else float(ln.bbox[3] - ln.bbox[1])


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
