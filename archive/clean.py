"""Cleanup: repair what column breaks do to the text stream, recording every repair.

Input is a page's blocks in reading order: for a plain OCR text stream one block per
line (blank lines included), for a scanned page the blocks the layout stage found.
Output is the same stream with each unit classified (body, headline candidate,
byline, caption, note, advertisement marker), captions lifted out of the running
text, and the pieces of a paragraph that a break cut apart joined again.

Geometry wins when the layout stage knows (``Block.starts_paragraph`` is False for a
column whose first line is not indented); otherwise typography decides
(``patterns.ends_paragraph``), with a dictionary check where a title-like line could
be the first piece of a cut paragraph.
"""

from __future__ import annotations

from dataclasses import replace

from . import patterns as P
from .model import (
    AD_MARKER, BODY, BYLINE, CAPTION, HEADLINE, NOTE, TEXT, Block, Repair, RepairKind, union_bbox,
)


def clean(blocks: list[Block]) -> tuple[list[Block], list[Repair]]:
    """Classify, lift captions, join broken paragraphs. Returns (units, repairs)."""
    repairs: list[Repair] = []
    units = drop_whitespace(blocks, repairs)
    units = [merge_lines(u, repairs) for u in units]
    classify(units)
    resolve_bare_captions(units)
    for u in units:
        if u.kind == CAPTION:
            repairs.append(Repair(
                RepairKind.CAPTION_EXTRACTED, before=u.text, after="", bbox=u.bbox,
                detail="caption lifted out of the running text",
            ))
    units = join_breaks(units, repairs)
    return units, repairs


def as_printed(units: list[Block]) -> list[Block]:
    """The units as the page prints them, for the archive's blocks: a paragraph joined
    across a column break goes back to its pieces, each in its own box with its own
    lines and text, in the joined paragraph's article (the article keeps the joined
    text; the repair records the join). Pieces without boxes (a text file) stay joined."""
    out = []
    for u in units:
        if u.parts and all(p.bbox for p in u.parts):
            out += [replace(p, kind=u.kind, article=u.article, parts=[]) for p in u.parts]
        else:
            out.append(replace(u, parts=[]) if u.parts else u)
    return out


def drop_whitespace(blocks: list[Block], repairs: list[Repair]) -> list[Block]:
    """Remove blank and space-only units; a single blank line between units is normal."""
    out: list[Block] = []
    blank_run: list[str] = []

    def flush():
        spaces = [b for b in blank_run if b]
        if spaces or len(blank_run) > 1:
            repairs.append(Repair(
                RepairKind.WHITESPACE, before="\n".join(blank_run), after="",
                detail=f"removed {len(blank_run)} blank line(s), {len(spaces)} of them spaces only",
            ))
        blank_run.clear()

    for b in blocks:
        if b.lines or b.text.strip():
            if out or blank_run:
                flush()
            text = b.text.strip()
            out.append(replace(b, text=text) if text != b.text else b)
        else:
            blank_run.append(b.text)
    if blank_run:
        flush()
    return out


def merge_lines(block: Block, repairs: list[Repair]) -> Block:
    """Join the OCR lines of one block into running text, undoing line-end hyphens."""
    if len(block.lines) < 2:
        return block
    text = block.lines[0].text.strip()
    for line in block.lines[1:]:
        nxt = line.text.strip()
        if not nxt:
            continue
        if block.kind in (TEXT, BODY):
            text = _join(text, nxt, repairs, block.bbox, within_block=True)
        else:  # a headline or caption set on several lines: no hyphenation to undo
            text = P.join_text(text, nxt)
    return replace(block, text=text)


def classify(units: list[Block]) -> None:
    """Set each unit's kind from typography; kinds the layout stage set are kept."""
    for u in units:
        if u.kind not in (TEXT, BODY):
            continue
        t = u.text
        if P.is_ad_marker(t):
            u.kind = AD_MARKER
        elif P.is_note(t):
            u.kind = NOTE
        elif P.is_byline(t):
            u.kind = BYLINE
        elif P.is_caption(t) and (_strong_caption(t) or (u.kind == TEXT and u.bbox is None)):
            # with geometry, layout has told captions by their photo; text alone would
            # take a short piece at a column's top (…跑出了“加速度”。) for one
            u.kind = CAPTION
        elif P.looks_like_title(t) and u.bold is not False:
            # a line measured as regular weight and not centred is body text, however
            # title-like its words (除了明董高速 | 项目，… cut at a column end)
            u.kind = HEADLINE
        else:
            u.kind = BODY


def _strong_caption(text: str) -> bool:
    return P.split_credit(text)[1] is not None or bool(P.CAPTION_OPENERS_RE.match(text))


def resolve_bare_captions(units: list[Block]) -> None:
    """A short uncredited sentence is a caption only where running text cannot be.

    After a paragraph a break left open, such a sentence is either the paragraph's
    last piece or a caption dropped into the break. It is the caption only when the
    text after it continues the open paragraph better than it does (a word spans that
    junction: …路西 | 平度市崇德公园一角。 | 北侧…). Otherwise it is a caption when it
    stands outside the body of an article: at the very start or end, after a note,
    before a headline or byline. Between two finished paragraphs it is a paragraph.
    """
    for i, u in enumerate(units):
        if u.kind != CAPTION or _strong_caption(u.text) or u.bbox is not None:
            continue
        prev = next((x for x in reversed(units[:i]) if x.kind != CAPTION), None)
        # Later bare-caption candidates are undecided yet: the next one may be the rival.
        nxt = next((x for x in units[i + 1:] if x.kind != CAPTION or not _strong_caption(x.text)), None)
        if prev is not None and prev.kind in (BODY, HEADLINE) and not P.ends_paragraph(prev.text):
            rival = nxt.text if nxt is not None and nxt.kind in (BODY, HEADLINE, CAPTION) else None
            if rival is None or not _continues_better(prev.text, rival, u.text):
                u.kind = BODY
            continue
        outside = (
            prev is None or nxt is None
            or prev.kind in (NOTE, AD_MARKER)
            or nxt.kind in (HEADLINE, BYLINE, AD_MARKER)
        )
        if not outside:
            u.kind = BODY


def _continues_better(left: str, a: str, b: str) -> bool:
    """Does ``a`` carry on ``left`` with more evidence than ``b`` does?"""
    if P.cannot_open_paragraph(a) and P.ends_paragraph(b) and not P.cannot_open_paragraph(b):
        # b then a would read "…。，…": a finished sentence cannot go on with a comma, so
        # b is what was dropped into the break and a the rest of the sentence it cut.
        return True
    word_a, word_b = P.junction_inside_word(left, a), P.junction_inside_word(left, b)
    if word_a and not word_b:
        return True
    return P.junction_gain(left, a) > P.junction_gain(left, b) + P.MIN_JUNCTION_GAIN


def _continues(prev: Block, nxt: Block) -> tuple[bool, str | None]:
    """Does ``nxt`` carry on the paragraph ``prev`` left open? Returns (yes, word)."""
    if prev.region is not None and nxt.region is not None and prev.region != nxt.region:
        return False, None  # the layout put them in two articles' regions
    if nxt.starts_paragraph is False:
        # Flush left carries the paragraph on, except a title-like line after a finished
        # sentence: a crosshead set flush at body size.
        return not (P.ends_paragraph(prev.text) and P.looks_like_title(nxt.text)), None
    if nxt.starts_paragraph is True or prev.ends_paragraph is True:
        return False, None
    if P.cannot_open_paragraph(nxt.text):
        return True, None
    if P.ends_paragraph(prev.text):
        return False, None
    return True, P.junction_inside_word(prev.text, nxt.text)


def _fragment_of_next(title: Block, nxt: Block | None) -> str | None:
    """A title-like unit that is really the first piece of a cut paragraph.

    Only text evidence counts here (``patterns.break_evidence``); with geometry the
    layout stage has already told titles by their type size.
    """
    if nxt is None or nxt.kind != BODY or title.bbox is not None:
        return None
    return P.break_evidence(title.text, nxt.text)


def _rest_of_title(title: Block | None, u: Block) -> bool:
    """Layout geometry only: a short piece right after a title that is the title's own
    end: the text shows a cut word, or it sits centred right under the title in the
    same type (铁路项目建设 / 提速)."""
    return (
        title is not None and title.kind == HEADLINE and title.bbox is not None and u.bbox is not None
        and u.kind in (BODY, HEADLINE) and len(u.text) <= 4 and not P.ends_paragraph(title.text)
        and (P.break_evidence(title.text, u.text) is not None or _centred_below(title, u))
    )


def _centred_below(title: Block, u: Block) -> bool:
    (tx0, _, tx1, ty1), (ux0, uy0, ux1, _) = title.bbox, u.bbox
    size = title.font_size or (ty1 - title.bbox[1])
    same_type = not (title.font_size and u.font_size) or abs(title.font_size - u.font_size) <= 0.15 * size
    return (same_type and 0 <= uy0 - ty1 < 0.6 * size and tx0 < ux0 and ux1 < tx1
            and abs((ux0 - tx0) - (tx1 - ux1)) < 1.5 * size)


def _set_larger(u: Block, prev: Block) -> bool:
    return bool(u.font_size and prev.font_size and u.font_size >= 1.3 * prev.font_size)


def join_breaks(units: list[Block], repairs: list[Repair]) -> list[Block]:
    """Join the pieces of paragraphs that column breaks (and captions) cut apart."""
    out: list[Block] = []
    open_idx: int | None = None  # index in ``out`` of a body unit whose paragraph is open
    skipped: list[Block] = []  # captions passed over since that unit
    for i, u in enumerate(units):
        if u.kind == CAPTION:
            out.append(u)
            skipped.append(u)
            continue
        if _rest_of_title(out[-1] if out else None, u):
            # A title set on two lines that layout gave as two blocks (公路项目全力推 | 进).
            before = f"{out[-1].text}|{u.text}"
            out[-1] = replace(out[-1], text=P.join_text(out[-1].text, u.text),
                              bbox=union_bbox([out[-1].bbox, u.bbox]), lines=out[-1].lines + u.lines)
            repairs.append(Repair(
                RepairKind.JOIN_WORD, before=before, after=out[-1].text,
                bbox=out[-1].bbox, detail="a title's last line was read as a block of its own",
            ))
            continue
        if u.kind == HEADLINE and open_idx is not None and not _set_larger(u, out[open_idx]):
            # A title-like line right after an unfinished paragraph is its continuation,
            # unless it is measurably set in larger type: a paragraph can run off the
            # page (continued elsewhere) right before the next article's headline.
            cont, _ = _continues(out[open_idx], u)
            if cont:
                u.kind = BODY
        if u.kind == HEADLINE and u.bbox is None:
            nxt = next((x for x in units[i + 1:] if x.kind != CAPTION), None)
            if _fragment_of_next(u, nxt):
                u.kind = BODY
        if u.kind == BODY and open_idx is not None:
            prev = out[open_idx]
            cont, word = _continues(prev, u)
            if cont:
                joined = _join(prev.text, u.text, repairs, union_bbox([prev.bbox, u.bbox]),
                               word=word, skipped=len(skipped))
                out[open_idx] = replace(
                    prev, text=joined, bbox=union_bbox([prev.bbox, u.bbox]),
                    ends_paragraph=u.ends_paragraph, lines=prev.lines + u.lines,  # OCR's record of both
                    parts=(prev.parts or [prev]) + (u.parts or [u]),
                )
                if skipped:
                    # Captions that interrupted the paragraph now stand before it, so
                    # segmentation sees them inside its article.
                    del out[open_idx + 1:]
                    out[open_idx:open_idx] = skipped
                    open_idx += len(skipped)
                skipped.clear()
                continue
        if open_idx is not None and not P.ends_paragraph(out[open_idx].text) \
                and out[open_idx].ends_paragraph is not True:
            repairs.append(Repair(
                RepairKind.UNRESOLVED, before=out[open_idx].text[-20:], after=out[open_idx].text[-20:],
                bbox=out[open_idx].bbox,
                detail="paragraph ends mid-sentence and no continuation follows: text may be lost here",
            ))
        out.append(u)
        skipped.clear()
        open_idx = len(out) - 1 if u.kind == BODY else None
    if open_idx is not None and not P.ends_paragraph(out[open_idx].text) \
            and out[open_idx].ends_paragraph is not True:
        repairs.append(Repair(
            RepairKind.UNRESOLVED, before=out[open_idx].text[-20:], after=out[open_idx].text[-20:],
            bbox=out[open_idx].bbox,
            detail="the last paragraph ends mid-sentence: its continuation is not on this page",
        ))
    return out


def _join(left: str, right: str, repairs: list[Repair], bbox, *, word: str | None = None,
          skipped: int = 0, within_block: bool = False) -> str:
    lang = "en" if not P.is_cjk_text(left[-40:] + right[:40]) else "zh"
    hy = P.dehyphenate(left, right, lang="en") if lang == "en" else None
    where = "line end" if within_block else "column break"
    around = f" across {skipped} caption(s)" if skipped else ""
    if hy is not None:
        joined, kept = hy
        repairs.append(Repair(
            RepairKind.DEHYPHENATE, before=f"{left[-15:]}|{right[:15]}", after=joined[len(left) - 16:len(left) + 15 - 1],
            bbox=bbox, detail=("hyphen kept: a compound" if kept else "soft hyphen removed") + f" at a {where}{around}",
        ))
        return joined
    joined = P.join_text(left, right)
    if within_block:
        return joined  # ordinary line wrap inside a block: not a repair
    kind = RepairKind.JOIN_WORD if word else RepairKind.JOIN_PARAGRAPH
    detail = (f"column break inside the word {word}" if word
              else "paragraph continued across a column break (no sentence end before it)")
    repairs.append(Repair(
        kind, before=f"{left[-15:]}|{right[:15]}", after=joined[max(0, len(left) - 15):len(left) + 16],
        bbox=bbox, detail=detail + around,
    ))
    return joined

