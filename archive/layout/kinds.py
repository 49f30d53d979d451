"""Step 3, kinds: headline, caption, furniture, table ... from type size and position, and
again once the text is read (``reconsider_kinds``)."""

from __future__ import annotations

import dataclasses

from .. import patterns as P
from ..model import (
    BYLINE, CAPTION, FURNITURE, HEADLINE, PHOTO, RULE, SUBHEAD, TABLE, TEXT, Block, Kind, Line,
    PageLayout, union_bbox,
)
from .geometry import _centre, _inside, _same_row

DATELINE, FOOTNOTE, MASTHEAD, PAGE_NUMBER, RUNNING_HEAD = (Kind.DATELINE, Kind.FOOTNOTE, Kind.MASTHEAD,
                                                          Kind.PAGE_NUMBER, Kind.RUNNING_HEAD)


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
    for b in _running_head(text, body):
        b.kind = FURNITURE
    for table in find_tables(blocks, body):
        for b in blocks:
            if b.kind.is_text and _inside(_centre(b.bbox), table, 0):
                b.kind = TABLE
    return body


def _running_head(text: list[Block], body: float) -> list[Block]:
    """The page's running head, however wide the scan's margins: the top line of its
    text, set in pieces with a wide space between two of them (folio at the outer edge,
    the title in the middle, a date at the other edge), none of them display type. The
    first lines of columns side by side are lines of blocks several lines tall; a title
    over them is display type. (A fixed band at the top of the page missed the running
    heads of scans with a tenth of the page as margin, and they were read into the
    first paragraph.)"""
    lines = [b for b in text  # not specks
             if b.bbox[2] - b.bbox[0] >= 0.5 * b.font_size or b.bbox[3] - b.bbox[1] >= 0.5 * body]
    if not lines:
        return []
    top = min(lines, key=lambda b: b.bbox[1])
    mid = (top.bbox[1] + top.bbox[3]) / 2
    row = sorted((b for b in lines if b.bbox[1] <= mid <= b.bbox[3]), key=lambda b: b.bbox[0])
    one_line = all(b.kind == TEXT and b.bbox[3] - b.bbox[1] < 2 * b.font_size
                   and b.font_size < P.SUBHEAD_TO_BODY * body for b in row)
    apart = any(b.bbox[0] - a.bbox[2] >= 2 * body for a, b in zip(row, row[1:]))
    return row if len(row) >= 2 and one_line and apart else []


def _join_caption_pieces(blocks: list[Block], photos: list[Block], body: float) -> None:
    """A caption under a photo across columns, cut at the gutters under it, made one
    again: the pieces of one line (its credit among them) read as one caption."""
    for p in photos:
        pieces = sorted((b for b in blocks if b.kind == CAPTION and _caption_of(b, p, body)), key=lambda b: b.bbox[0])
        rows: list[list[Block]] = []
        for b in pieces:
            row = next((r for r in rows if _same_row(r[-1].bbox, b.bbox)), None)
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
        if len(run) < 3:
            continue
        used.update(run)
        if _table_rules(run, rules, body) and _rows_of_a_table(blocks, [rules[k] for k in run], body):
            tables.append((min(rules[k][0] for k in run), rules[run[0]][1], max(rules[k][2] for k in run),
                           rules[run[-1]][3]))
    return tables


def _table_rules(run: list[int], rules: list, body: float) -> bool:
    """Three rules or more, a double rule (two thin rules closer than half a line)
    counted once: a title line between double rules (a dateline under a masthead, a
    running head under the page's border) is no table."""
    return 1 + sum(rules[k][1] - rules[j][3] >= 0.5 * body for j, k in zip(run, run[1:])) >= 3


def _rows_of_a_table(blocks: list[Block], rules: list, body: float) -> bool:
    """Is the text between the rules set as a table's rows? A table is set in one size,
    the body's or smaller; a band between two rules holding display type (a line half
    again the page's body, or half again the band's own usual size) is a notice or an
    advertisement composed in it: a page of advertisements boxed by rules (NCSE, The
    Publishers' Circular) was read as one table, and its text left out of every article.
    Most of the bands with text must be rows."""
    rows = bands = 0
    for (_, top, _, _), (_, bottom, _, _) in zip(rules, rules[1:]):
        sizes = sorted(b.font_size for b in blocks if b.kind.is_text and b.font_size
                       and top <= (b.bbox[1] + b.bbox[3]) / 2 <= bottom)
        if not sizes:
            continue
        bands += 1
        usual = sizes[len(sizes) // 2]
        rows += sizes[-1] < P.HEADLINE_TO_BODY * (min(body, usual) if body else usual)
    return bands > 0 and rows > bands / 2


def reconsider_kinds(lay: PageLayout) -> None:
    """After OCR, where the words overrule the geometry: a byline set just over a photo
    sits where a caption would; the page's own lines (folio, date line, running head,
    masthead) are told by their words and place; smaller type marked ①, [1] or * is a
    footnote."""
    page_h = lay.image.shape[0]
    body = lay.body or lay.text_height
    _join_figure_labels(lay, body)
    _part_figure_captions(lay)
    for b in lay.ordered:
        text = b.text.strip()
        if not text:
            continue
        x0, y0, x1, y1 = b.bbox
        # 图3 水松生长情况对比: a caption wherever the figure's edges are, on as many
        # lines as a narrow figure wraps its title to (图 6-3-1, three lines under a pie
        # chart); a paragraph that cites a figure has a clause, and is left as it is.
        if b.kind in (TEXT, HEADLINE) and P.is_figure_caption(text):
            b.kind = CAPTION
            continue
        margin = y1 < 0.08 * page_h or y0 > 0.92 * page_h
        one_line = len(b.lines) <= 2
        if b.kind == CAPTION and P.is_byline(text):
            b.kind = BYLINE
        elif b.kind == FURNITURE or (margin and one_line and b.kind in (TEXT, HEADLINE)):
            b.kind = _own_kind(text, RUNNING_HEAD if b.kind == FURNITURE else b.kind)
        elif one_line and y1 < 0.2 * page_h and b.kind in (TEXT, HEADLINE) and P.is_dateline(text):
            b.kind = DATELINE
        elif b.kind == TEXT and b.font_size and _footnote(b, text, lay, body):
            b.kind = FOOTNOTE
    _date_in_pieces(lay, page_h)
    _folio_line(lay, page_h)
    # The masthead: title type three times the body's at the top of the page, over the
    # issue's date line, or under it where the date line is the page's first (a banner
    # headline under the date line of the Evening Star, 1915, is a story's). The white
    # between them goes with the title's size: the Omaha Bee (1887) sets its title a
    # title's height over the date line, ten lines of body.
    dates = [b.bbox for b in lay.ordered if b.kind == DATELINE]
    first = [d for d in dates if not any(o.bbox[3] <= d[1] and o.text.strip() and not o.kind.is_furniture
                                         for o in lay.ordered)]
    for b in lay.ordered:
        apart = max(4 * body, 1.5 * (b.bbox[3] - b.bbox[1]))
        if (b.kind == HEADLINE and b.bbox[3] < 0.2 * page_h and (b.font_size or 0) >= 3 * body
                and (any(0 <= d[1] - b.bbox[3] < apart for d in dates)
                     or any(0 <= b.bbox[1] - d[3] < apart for d in first))):
            b.kind = MASTHEAD


def _date_in_pieces(lay: PageLayout, page_h: float) -> None:
    """The issue's date set letterspaced across the page comes out in pieces, a word or
    two each, none of them a date: pieces side by side on one line in the top fifth
    that read together as a date line are one (Evening Star, 1915-1920: "WASHINGTON,
    D. C., MONDAY, MARCH 22, 1915." between the double rules under the masthead; each
    word opened an article headed by it). ``_folio_line`` then gives the rest of the
    line to the page."""
    pieces = [b for b in lay.ordered if b.kind in (TEXT, HEADLINE, SUBHEAD, TABLE) and b.text.strip()
              and len(b.lines) <= 1 and b.bbox[3] < 0.2 * page_h]
    for b in pieces:
        if b.kind == DATELINE:
            continue
        h = b.bbox[3] - b.bbox[1]
        row = [o for o in pieces if o.bbox[0] >= b.bbox[0] and _same_row(o.bbox, b.bbox)]
        row.sort(key=lambda o: o.bbox[0])
        for n in range(2, min(len(row), 6) + 1):
            if row[n - 1].bbox[0] - row[n - 2].bbox[2] > 3 * h:
                break  # a word space, however wide, is not three heights
            if P.is_dateline(" ".join(o.text.strip() for o in row[:n])):
                for o in row[:n]:
                    o.kind = DATELINE
                break


def _folio_line(lay: PageLayout, page_h: float) -> None:
    """What is set on the line of the page's folio or date line, in the top or bottom
    fifth of the page, a line each, is the page's own: its running head, or a date line
    or folio in its own right. A journal's title set over its advertisement pages in
    type larger than theirs was typed a subhead, or read as a table with the ruled
    boxes under it, and opened an article ("The Publishers' Circular")."""
    anchors = [b.bbox for b in lay.ordered if b.kind in (PAGE_NUMBER, DATELINE)
               and (b.bbox[3] < 0.2 * page_h or b.bbox[1] > 0.8 * page_h)]
    for anchor in anchors:
        for b in lay.ordered:
            text = b.text.strip()
            if (b.kind in (TEXT, HEADLINE, SUBHEAD, TABLE) and text and len(b.lines) <= 1
                    and _same_row(b.bbox, anchor)  # a masthead beside its ears is no line of theirs:
                    and b.bbox[3] - b.bbox[1] < 2 * (anchor[3] - anchor[1])):
                b.kind = _own_kind(text, RUNNING_HEAD)


def _own_kind(text: str, otherwise: Kind) -> Kind:
    """The kind of a line of the page's own by its words: folio, date line, or ``otherwise``."""
    return PAGE_NUMBER if P.is_page_number(text) else DATELINE if P.is_dateline(text) else otherwise


def _join_figure_labels(lay: PageLayout, body: float) -> None:
    """A figure's label set apart from its title by a wide space (图  3    水松生长情况对比)
    came out as blocks of its own, side by side: each is joined to the block beside it
    on its line, so the caption reads whole."""
    for b in list(lay.ordered):
        while b in lay.ordered and b.lines and P.is_figure_label(b.text):
            beside = [o for o in lay.ordered if o is not b and o.lines and o.bbox[0] >= b.bbox[2] - 1
                      and o.bbox[0] - b.bbox[2] < 3 * body and _same_row(o.bbox, b.bbox)]
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


def _part_figure_captions(lay: PageLayout) -> None:
    """A figure's caption opens with its number: lines grouped over that line into its
    block are not the caption's (a chart's label set close over it, 宁夏 5.3% over 图
    6-3-1 under a pie chart, made the caption a body block). The block is parted at the
    line, and the part from it on is left to be typed as a caption."""
    for b in list(lay.ordered):
        if b.kind not in (TEXT, HEADLINE) or len(b.lines) < 2:
            continue
        texts = [ln.text.strip() for ln in b.lines]
        k = next((k for k in range(1, len(texts)) if P.FIGURE_LABEL_RE.match(texts[k])
                  and P.is_figure_caption("\n".join(texts[k:]))), None)
        boxes = [ln.bbox for ln in b.lines]
        if k is None or not all(boxes):
            continue
        over = dataclasses.replace(b, lines=b.lines[:k], text="\n".join(ln.text for ln in b.lines[:k]),
                                   bbox=union_bbox(boxes[:k]))
        b.lines, b.text, b.bbox = b.lines[k:], "\n".join(ln.text for ln in b.lines[k:]), union_bbox(boxes[k:])
        lay.ordered.insert(lay.ordered.index(b), over)
        if b in lay.blocks:
            lay.blocks.insert(lay.blocks.index(b), over)


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
    text often ends just over a photo set into it), or set into the picture itself (in
    light type on its dark ground) no larger than the body; no wider than it, and a few
    lines at most."""
    bx0, by0, bx1, by1 = b.bbox
    px0, py0, px1, py1 = photo.bbox
    inside_x = bx0 >= px0 - body and bx1 <= px1 + body
    below = 0 <= by0 - py1 < 1.5 * body
    above = 0 <= py0 - by1 < 1.5 * body and b.font_size < 0.92 * body
    within = py0 <= by0 and by1 <= py1 and b.font_size <= body
    return inside_x and (below or above or within) and (by1 - by0) < 5 * body
