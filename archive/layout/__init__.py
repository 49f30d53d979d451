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

Each step is a module of this package (image, regions and columns, kinds, order,
paragraphs; geometry holds the box tests they share); its names are imported from
here, as when layout was one module.
"""

from __future__ import annotations

from ..model import (  # noqa: F401 (the kinds, as before)
    BODY, BYLINE, CAPTION, FURNITURE, HEADLINE, PHOTO, RULE, SUBHEAD, TABLE, TEXT, Block, Kind, Line, Page,
    PageLayout, union_bbox,
)
from .image import (  # noqa: F401
    MAX_SKEW_DEGREES, binarise, component_boxes, estimate_dpi, estimate_skew, estimate_text_height,
    flatten, letter_spacing, preprocess, rotate,
)
from .geometry import (  # noqa: F401
    _inside,
)
from .regions import (  # noqa: F401
    find_photos, find_regions, find_rules, find_text_blocks, merge_touching,
)
from .columns import (  # noqa: F401
    TALL, UNDER, WIDE, _between_text, find_gutters, split_at_gutters, split_at_walls,
)
from .kinds import (  # noqa: F401
    classify_blocks, find_tables, reconsider_kinds,
)
from .order import (  # noqa: F401
    article_regions, reading_order,
)
from .paragraphs import (  # noqa: F401
    _runs_of_size, line_size, paragraphs, weigh_lines,
)


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
