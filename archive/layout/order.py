"""Steps 4 and 5: the reading order (recursive XY-cut) and the article regions (cells
cut along rules, and in each the blocks under a headline in its columns)."""

from __future__ import annotations

from ..model import CAPTION, FURNITURE, HEADLINE, RULE, SUBHEAD, TABLE, TEXT, Block, union_bbox
from .geometry import _centre, _horizontal


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


def article_regions(ordered: list[Block], blocks: list[Block]) -> int:
    """Give each block in reading order (``ordered``) its article region, from the rules
    among ``blocks`` and the spans of headlines; returns how many regions there are.

    1. Cells: the page is cut along a rule that crosses the part of it it stands in (a
       rule across the columns under a lead article, a column rule between articles set
       side by side), then each part again.
    2. In a cell, a title group (headlines set over each other) heads the blocks under
       it in its columns, down to the next title group in those columns; a cell with one
       title group is one article, and so is a box: a cell ruled off on all four sides,
       a small part of the page (an advertisement, a boxed notice), whatever its lines
       in display type.
    3. Text no title heads, at the top of a cell cut off by a rule across it, opens a
       region of its own: old papers set an article's heading in body type, under a
       cut-off rule. Elsewhere it continues the region before it in reading order: a
       column of an old paper carries on the article from the foot of the column before.
    Page furniture belongs to no region.
    """
    rules = [b.bbox for b in blocks if b.kind == RULE]
    flow = [b for b in ordered if b.kind.in_article and b.bbox]
    head_of: dict[int, int] = {}  # id(block) -> number of the title group heading it
    boxed_groups: set[int] = set()  # the groups that are boxes: no text outside runs on from one
    base = 0  # title groups numbered so far, over all cells
    extent = union_bbox([b.bbox for b in blocks if b.bbox]) if blocks else (0, 0, 0, 0)
    page_area = (extent[2] - extent[0]) * (extent[3] - extent[1])
    for cell, ruled_above in _cells(flow, rules):
        if _boxed(cell, rules, page_area):
            for b in cell:
                head_of[id(b)] = base
            boxed_groups.add(base)
            base += 1
            continue
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
    if boxed_groups:
        # A box is read whole before what follows it: the cut that orders the page's
        # blocks can take a word of one box ahead of the next ("50" of "50 HATTON
        # GARDEN" between the two boxes above it), and its article would be two.
        ordered[:] = _boxes_together(ordered, head_of, boxed_groups)
    ids: dict = {}  # title group -> region, numbered in reading order
    current, after_box = None, False
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
            after_box = g in boxed_groups
        elif current is None or after_box:  # text before any title, or after a box: a region of its own
            current = ids.setdefault(("untitled", id(b)), len(ids))
            after_box = False
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


# A box is an advertisement or a notice, a small part of the page; a page ruled round
# its border is no box (a column inside the border runs down most of the page).
BOX_OF_PAGE = 0.25


def _boxes_together(ordered: list[Block], head_of: dict[int, int], boxes: set[int]) -> list[Block]:
    """The blocks in reading order, each box's blocks gathered at its largest block's
    place (a stray word of the box read early or late does not move the box)."""
    members: dict[int, list[Block]] = {}
    for b in ordered:
        g = head_of.get(id(b))
        if g in boxes:
            members.setdefault(g, []).append(b)
    anchor = {id(max(m, key=lambda b: (b.bbox[2] - b.bbox[0]) * (b.bbox[3] - b.bbox[1]))): g
              for g, m in members.items()}
    out: list[Block] = []
    for b in ordered:
        g = head_of.get(id(b))
        if g not in boxes:
            out.append(b)
        elif id(b) in anchor:
            out += members[g]
    return out


def _boxed(cell: list[Block], rules, page_area: float) -> bool:
    """Is the cell a box: a rule over it, under it and down each side, each within a few
    lines of its text and along most of it? The Publishers' Circular (NCSE, 1886) sets
    its advertisements in a grid of ruled boxes, a name in display type over lines of
    small type; each line in display type opened an article of its own."""
    if not cell or not page_area:
        return False
    x0, y0, x1, y1 = union_bbox(b.bbox for b in cell)
    if (x1 - x0) * (y1 - y0) > BOX_OF_PAGE * page_area:
        return False
    sizes = sorted(b.font_size for b in cell if b.font_size)
    reach = 3 * (sizes[len(sizes) // 2] if sizes else 0.0)

    def along(a0, a1, b0, b1) -> bool:
        return min(a1, b1) - max(a0, b0) >= 0.8 * (b1 - b0)

    flat = [r for r in rules if _horizontal(r) and along(r[0], r[2], x0, x1)]
    upright = [r for r in rules if not _horizontal(r) and along(r[1], r[3], y0, y1)]
    # Lines centred in a box stand off its sides further than off its top and foot.
    side = max(reach, 0.15 * (x1 - x0))
    return (any(0 <= y0 - r[3] <= reach for r in flat) and any(0 <= r[1] - y1 <= reach for r in flat)
            and any(0 <= x0 - r[2] <= side for r in upright) and any(0 <= r[0] - x1 <= side for r in upright))


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
