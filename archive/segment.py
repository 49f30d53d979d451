"""Segmentation: cut the cleaned stream into articles.

An article opens with a title group (kicker, headline, subtitle) and a byline, and
closes with a note (author or source note) or where the next title group with a
byline begins; an advertisement marker flags every article after it. A title line
inside an open article is a crosshead. Captions go to the article they stand in.

When the layout stage found article regions (``Block.region``), a change of region is
an article boundary whatever the text says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import patterns as P
from .model import (
    AD_MARKER, BYLINE, CAPTION, FOOTNOTE, HEADLINE, NOTE, SUBHEAD, Article, Block, Caption,
    Paragraph, ParagraphKind, Repair, RepairKind, union_bbox,
)

# A column name printed as an article's only title is short ("区域创新大家谈").
MAX_COLUMN_NAME_CHARS = 10
MAX_COLUMN_NAME_WORDS = 4


@dataclass
class _Draft:
    head: list[Block] = field(default_factory=list)
    byline: Block | None = None
    more_bylines: list[Block] = field(default_factory=list)  # a second byline in the article's region
    inline_bylines: list[Block] = field(default_factory=list)  # bylines met after paragraphs, kept among them
    paragraphs: list[Block] = field(default_factory=list)
    notes: list[Block] = field(default_factory=list)
    advertisement: bool = False
    closed: bool = False
    members: list[Block] = field(default_factory=list)  # every unit, for the bbox
    region: int | None = None

    @property
    def started(self) -> bool:
        return bool(self.byline or self.paragraphs or self.notes)


def segment(units: list[Block], repairs: list[Repair]) -> list[Article]:
    """Group cleaned units into articles; records headline moves in ``repairs``."""
    drafts: list[_Draft] = []
    owner: dict[int, int] = {}  # id(unit) -> draft index, for caption placement
    ad = False
    cur: _Draft | None = None
    # Page furniture (running heads, folios, date lines) and tables belong to no article.
    stream = [u for u in units if u.kind != CAPTION and u.kind.in_article]
    i = 0

    def new_draft() -> _Draft:
        d = _Draft(advertisement=ad)
        drafts.append(d)
        return d

    def own(u: Block, d: _Draft) -> None:
        owner[id(u)] = u.article = drafts.index(d)
        d.members.append(u)

    while i < len(stream):
        u = stream[i]
        if cur is not None and u.region is not None and cur.region is not None and u.region != cur.region:
            cur.closed = True
        if u.kind == AD_MARKER:
            ad = True
            if cur is not None:
                cur.closed = True
            i += 1
            continue
        if u.kind == HEADLINE:
            group = [u]
            while i + 1 < len(stream) and stream[i + 1].kind == HEADLINE \
                    and stream[i + 1].region == u.region:
                i += 1
                group.append(stream[i])
            after = stream[i + 1] if i + 1 < len(stream) else None
            # Inside the region of a story that has its title, a bold line of body size
            # is a crosshead, a byline under it or not: the layout found no second title
            # there (display lines stacked in one region, as advertisements are, still
            # part; a story within a story, with its own title and byline, stays in it).
            crosshead = u.region is not None and cur is not None and cur.head and _body_sized(group, cur)
            opens = (
                cur is None or cur.closed or not cur.started
                or (after is not None and _jump_from(after))
                or (u.region is not None and u.region != cur.region)
                or ((_is_headline_type(group, cur) or (after is not None and after.kind == BYLINE)) and not crosshead)
            )
            if not opens:
                for g in group:
                    g.kind = SUBHEAD
                    cur.paragraphs.append(g)
                    own(g, cur)
                i += 1
                continue
            if cur is not None and not cur.head and not cur.started:
                d = cur  # a byline-less draft opened by a caption or a region change
            elif cur is not None and not cur.head and not cur.closed and u.region is not None \
                    and u.region == cur.region:
                d = cur  # its region's first column, read before a title centred over the rest
            else:
                d = new_draft()
            alone = after is None or after.kind == AD_MARKER
            earlier = drafts[:-1] if d is drafts[-1] else drafts
            moved = _maybe_move_late_headline(earlier, group, repairs, alone)
            if moved is not None:
                own(moved, earlier[-1])
            if not group:  # the whole group was the previous column's headline
                if d is drafts[-1] and not d.started:
                    drafts.pop()
                cur = drafts[-1] if drafts else None
                i += 1
                continue
            d.head, d.region = group, u.region
            for g in group:
                own(g, d)
            cur = d
            i += 1
            continue
        # A byline after text opens the next article in a bare text stream; where the
        # layout found regions, one inside the article's region is the article's own,
        # printed at the top of a column or at its end.
        same_region = cur is not None and u.region is not None and u.region == cur.region
        if cur is None or cur.closed or (u.kind == BYLINE and (cur.byline or cur.paragraphs) and not same_region):
            cur = new_draft()
            cur.region = u.region
        if u.kind == BYLINE and cur.paragraphs:
            # A byline after paragraphs of the story: the byline of a story within it
            # (a roundup of items, each with its title line and byline) stays where it
            # is printed; one that nothing follows is the byline printed at the end
            # (``_finish``).
            cur.paragraphs.append(u)
            cur.inline_bylines.append(u)
        elif u.kind == BYLINE and cur.byline is not None:
            cur.more_bylines.append(u)
        elif u.kind == BYLINE:
            cur.byline = u
        elif u.kind == NOTE:
            cur.notes.append(u)
            # a note ends its article, except the line saying where a story comes from
            # (（上接第1版）), set under the headline of the part that goes on here; where
            # the layout found regions, the region's end ends the article (a letter and
            # its answer under one headline each end with a note)
            cur.closed = not _jump_from(u) and u.region is None
        elif u.kind == FOOTNOTE:  # a note at the column's foot: the article goes on
            cur.notes.append(u)
        else:
            cur.paragraphs.append(u)
        own(u, cur)
        i += 1

    _attach_captions(units, drafts, owner)
    articles = [_finish(d, n) for n, d in enumerate(drafts)]
    assign_repairs(articles, repairs)
    return articles


def assign_repairs(articles: list[Article], repairs: list[Repair]) -> None:
    """Point each cleanup repair at the article whose text holds its result."""
    texts = []
    for a in articles:
        texts.append((a.body, [c.text + (c.credit or "") for c in a.captions]))
    for r in repairs:
        if r.article is not None or r.kind == RepairKind.WHITESPACE:
            continue
        probe = r.before if r.kind == RepairKind.CAPTION_EXTRACTED else r.after
        for n, (body, caps) in enumerate(texts):
            if r.kind == RepairKind.CAPTION_EXTRACTED:
                hit = any(probe.replace(" ", "") == c.replace(" ", "") for c in caps)
            else:
                hit = bool(probe) and probe in body
            if hit:
                r.article = n
                break


def _jump_from(u: Block) -> bool:
    j = P.jump(u.text) if u.kind == NOTE else None
    return j is not None and j[0] == "from"


def _is_headline_type(group: list[Block], cur: _Draft) -> bool:
    """With measured type sizes, a title opens an article when it is set about as large
    as the current article's headline, or clearly larger than its body (the layout
    stage's own headline measure): a two-column article's headline is smaller than the
    page lead's, but still far above any crosshead."""
    sizes = [g.font_size for g in group if g.font_size]
    if not sizes:
        return False
    head_sizes = [h.font_size for h in cur.head if h.font_size]
    if head_sizes and max(sizes) >= 0.8 * max(head_sizes):
        return True
    body = _body_size(cur)
    return body is not None and max(sizes) >= P.HEADLINE_TO_BODY * body


def _body_sized(group: list[Block], cur: _Draft) -> bool:
    """Is the title group set no larger than the current article's body (a title by its
    weight alone)?"""
    sizes = [g.font_size for g in group if g.font_size]
    body = _body_size(cur)
    return bool(sizes) and body is not None and max(sizes) < P.SUBHEAD_TO_BODY * body


def _body_size(cur: _Draft) -> float | None:
    """The median type size of the article's paragraphs so far (crossheads left out)."""
    sizes = sorted(p.font_size for p in cur.paragraphs if p.font_size and p.kind != SUBHEAD)
    return sizes[len(sizes) // 2] if sizes else None


def _maybe_move_late_headline(previous: list[_Draft], group: list[Block], repairs: list[Repair],
                              group_stands_alone: bool = False) -> Block | None:
    """A column's headline printed after its body.

    A column (专栏) is set as: column name, author, body, author note, and its headline
    at the foot. In the stream the headline then leads the next title group. When the
    previous article has only a short title (a column name) and the next group has more
    lines than one article needs, or a single line that nothing follows (the page
    ends, or an advertisement marker comes next), the group's first line is the
    column's headline.
    """
    if not previous:
        return None
    prev = previous[-1]
    # The column's end shows as its author note; without one, a short title followed
    # by a two-line title group is just an article with a kicker after a short one.
    if len(prev.head) != 1 or not prev.paragraphs or not prev.notes or prev.head[0].bbox is not None:
        return None
    if len(group) < 2 and not group_stands_alone:
        return None
    name, candidate = prev.head[0].text, group[0].text
    short = (len(name) <= MAX_COLUMN_NAME_CHARS if P.is_cjk_text(name)
             else len(name.split()) <= MAX_COLUMN_NAME_WORDS)
    if not short or len(candidate) <= len(name):
        return None
    moved = group.pop(0)
    prev.head.append(moved)  # _finish reads [column name, headline] as kicker + headline
    repairs.append(Repair(
        RepairKind.HEADLINE_MOVED, before=moved.text, after=moved.text, bbox=moved.bbox,
        article=len(previous) - 1,
        detail=f"headline printed after its column's body; moved back under the column name {name}",
    ))
    return moved


def _attach_captions(units: list[Block], drafts: list[_Draft], owner: dict[int, int]) -> None:
    """A caption belongs to the article of its layout region; without one, to the
    article around it, and between two, to the one it leads into unless the previous
    article is still open. A figure carried over to the head of the page (``_head_figure``)
    is a unit of its own, read first."""
    carried = _head_figure(units)
    for i, u in enumerate(units):
        if u.kind != CAPTION or any(u is c for c in carried):
            continue
        same = [k for k, d in enumerate(drafts) if u.region is not None and d.region == u.region]
        target = same[0] if len(same) == 1 else _around(units, i, drafts, owner)
        drafts[target].members.append(u)
        owner[id(u)] = u.article = target
    if carried:
        drafts.insert(0, _Draft(members=carried, closed=True))
        for n, d in enumerate(drafts):
            for m in d.members:
                owner[id(m)] = m.article = n


def _head_figure(units: list[Block]) -> list[Block]:
    """The captions of a numbered figure set at the head of the page, over the first text
    of any article, when no text on the page cites its number: a book or a journal floats
    a figure to where it fits, the top of the next page, and numbers it because it lands
    away from the text that cites it (OmniDocBench: 图3 over section 3.3.2, whose text
    cites 图4 and 图5). Read into the article under it, its caption ran after that
    article's body. Newspapers number the photos of a story 图①, or not at all: a photo
    over a headline stays the story's. The captions in rows, top to bottom and left to
    right: a figure's parts (a), (b) over its title."""
    text = [u for u in units if u.kind != CAPTION and u.kind.in_article and u.bbox is not None]
    if not text:
        return []
    top = text[0].bbox[1]
    over = [u for u in units if u.kind == CAPTION and u.bbox is not None and u.bbox[3] <= top]
    numbers = [n for n in (P.figure_number(u.text) for u in over) if n]
    page = "\n".join(u.text for u in text)
    if not numbers or any(P.cites_figure(page, n) for n in numbers):
        return []
    rows: list[list[Block]] = []
    for u in sorted(over, key=lambda u: u.bbox[1]):
        row = rows[-1] if rows else None
        if row and min(row[0].bbox[3], u.bbox[3]) - max(row[0].bbox[1], u.bbox[1]) > 0.5 * (u.bbox[3] - u.bbox[1]):
            row.append(u)
        else:
            rows.append([u])
    return [u for row in rows for u in sorted(row, key=lambda u: u.bbox[0])]


def _around(units: list[Block], i: int, drafts: list[_Draft], owner: dict[int, int]) -> int:
    """The article for the caption ``units[i]`` from the articles before and after it."""
    u = units[i]
    prev = next((owner[id(x)] for x in reversed(units[:i]) if id(x) in owner), None)
    nxt = next((owner[id(x)] for x in units[i + 1:] if id(x) in owner), None)
    if prev is None and nxt is None:
        drafts.append(_Draft())
        return len(drafts) - 1
    if nxt is None or prev == nxt:
        return prev
    if prev is None:
        return nxt
    target = _nearest(u, (prev, nxt), drafts)
    if target is None:
        target = nxt if drafts[prev].closed or not drafts[nxt].started or \
            _leads_into(units, i, drafts[nxt]) else prev
    return target


def _nearest(caption: Block, candidates: tuple[int, int], drafts: list[_Draft]) -> int | None:
    """With geometry, the caption goes to the article with text nearest to it in the same
    columns (its photo sits among that article's columns); None without boxes."""
    if caption.bbox is None:
        return None
    cx0, cy0, cx1, cy1 = caption.bbox
    best, best_d = None, float("inf")
    for k in candidates:
        for m in drafts[k].members:
            if m.bbox is None or m.kind == CAPTION or min(m.bbox[2], cx1) - max(m.bbox[0], cx0) <= 0:
                continue
            d = max(0.0, m.bbox[1] - cy1, cy0 - m.bbox[3])
            if d < best_d:
                best, best_d = k, d
    return best


def _leads_into(units: list[Block], i: int, d: _Draft) -> bool:
    nxt = next((x for x in units[i + 1:] if x.kind != CAPTION), None)
    return nxt is not None and nxt.kind in (HEADLINE, BYLINE) and nxt in d.members


def _finish(d: _Draft, order: int) -> Article:
    head = [h.text for h in d.head]
    kicker = subtitle = headline = None
    if head:
        sizes = [h.font_size or 0 for h in d.head]
        k = sizes.index(max(sizes)) if any(sizes) else (1 if len(head) >= 2 else 0)
        headline = head[k]
        kicker = " ".join(head[:k]) or None
        subtitle = " ".join(head[k + 1:]) or None
    while d.paragraphs and any(d.paragraphs[-1] is b for b in d.inline_bylines):
        d.more_bylines.insert(0, d.paragraphs.pop())
    kept = {id(p) for p in d.paragraphs}
    bylines = [b for b in (d.byline, *d.more_bylines) if b is not None]
    captions = []
    for m in d.members:
        if m.kind == CAPTION:
            text, credit = P.split_credit(m.text)
            captions.append(Caption(text=text, credit=credit, bbox=m.bbox))
    article = Article(
        headline=headline, kicker=kicker, subtitle=subtitle,
        byline=" ".join(b.text for b in bylines) or None,
        authors=[name for b in (*bylines, *(b for b in d.inline_bylines if id(b) in kept))
                 for name in P.byline_authors(b.text)],
        blocks=[Paragraph(ParagraphKind.SUBHEAD if p.kind == SUBHEAD else ParagraphKind.PARAGRAPH, p.text, p.bbox)
                for p in d.paragraphs],
        captions=captions,
        notes=[n.text for n in d.notes],
        advertisement=d.advertisement,
        bbox=union_bbox(m.bbox for m in d.members),
        reading_order=order,
    )
    return article

