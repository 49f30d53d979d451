"""Scoring cleanup and segmentation against a hand-checked reading (gold JSON).

Used by the tests and by ``benchmarks/score_clean.py``. The gold format is that of
``../shared/gold/*.json``: articles with headline, kicker, byline, authors,
advertisement, blocks (paragraph/subhead), captions (text, credit), notes, and the
``required_joins`` strings that must each end up inside one paragraph.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from archive.patterns import ends_paragraph


def cer(reference: str, hypothesis: str) -> float:
    if not reference:
        return 0.0 if not hypothesis else 1.0
    return Levenshtein.distance(reference, hypothesis) / len(reference)


def _paragraphs(article: dict) -> list[str]:
    if "blocks" in article and article["blocks"] and isinstance(article["blocks"][0], dict):
        return [b["text"] for b in article["blocks"]]
    return [p for p in (article.get("body") or "").split("\n\n") if p]


def _match(gold_articles: list[dict], ours: list[dict]) -> list[dict | None]:
    """For each gold article, ours with the closest body (each used once)."""
    used: set[int] = set()
    out = []
    for g in gold_articles:
        gbody = "".join(_paragraphs(g))
        best, best_d = None, 1.0
        for i, a in enumerate(ours):
            if i in used:
                continue
            d = cer(gbody, "".join(_paragraphs(a)))
            if d < best_d:
                best, best_d = i, d
        if best is not None and best_d < 0.5:
            used.add(best)
            out.append(ours[best])
        else:
            out.append(None)
    return out


def _starts(paragraphs: list[str], scored_mask: list[bool] | None = None) -> set[str]:
    return {p[:12] for i, p in enumerate(paragraphs) if scored_mask is None or scored_mask[i]}


def score_against_gold(result: dict, gold: dict) -> dict:
    """Figures for one page: fractions in [0, 1], counts, CER, and what did not match."""
    ours = result["articles"]
    matched = _match(gold["articles"], ours)
    mism: list[str] = []
    n = len(gold["articles"])

    def frac(field, norm=lambda v: v):
        ok = 0
        for g, a in zip(gold["articles"], matched):
            if a is not None and norm(a.get(field)) == norm(g.get(field)):
                ok += 1
            else:
                mism.append(f"{field}: gold {g.get(field)!r} ours {None if a is None else a.get(field)!r}")
        return ok / n if n else 1.0

    figures = {
        "articles_expected": n,
        "articles_found": len(ours),
        "articles_matched": sum(a is not None for a in matched),
        "headlines": frac("headline"),
        "kickers": frac("kicker"),
        "bylines": frac("byline"),
        "authors": frac("authors", lambda v: list(v or [])),
        "advertisement": frac("advertisement", bool),
        "notes": frac("notes", lambda v: list(v or [])),
    }
    cap_ok = cap_total = 0
    for g, a in zip(gold["articles"], matched):
        for c in g.get("captions", []):
            cap_total += 1
            ours_caps = [] if a is None else a.get("captions", [])
            if any(x["text"] == c["text"] and x.get("credit") == c.get("credit") for x in ours_caps):
                cap_ok += 1
            else:
                mism.append(f"caption {c['text']!r} not attached as gold says")
    figures["captions"] = cap_ok / cap_total if cap_total else 1.0
    caption_texts = [c["text"] for g in gold["articles"] for c in g.get("captions", [])]
    figures["caption_text_in_body"] = sum(
        1 for t in caption_texts for a in ours if t in "\n".join(_paragraphs(a))
    )
    paragraphs = [p for a in ours for p in _paragraphs(a)]
    joins = gold.get("required_joins", [])
    found = [j for j in joins if any(j in p for p in paragraphs)]
    for j in joins:
        if j not in found:
            mism.append(f"join {j!r} not inside one paragraph")
    figures["required_joins"] = len(found) / len(joins) if joins else 1.0

    dist = length = 0
    tp = fp = fn = 0
    for g, a in zip(gold["articles"], matched):
        gp = _paragraphs(g)
        ap = [] if a is None else _paragraphs(a)
        gtext, atext = "\n\n".join(gp), "\n\n".join(ap)
        dist += Levenshtein.distance(gtext, atext)
        length += len(gtext)
        # A gold paragraph that ends mid-sentence marks text lost in the scan: the
        # paragraph after it is not scored as a start (either reading is honest).
        scored = [True] + [ends_paragraph(prev) for prev in gp[:-1]]
        gs, as_ = _starts(gp, scored), _starts(ap)
        unscored = _starts(gp) - gs
        as_ -= unscored
        tp += len(gs & as_)
        fp += len(as_ - gs)
        fn += len(gs - as_)
    figures["body_cer"] = dist / length if length else 0.0
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    figures["paragraph_start_f1"] = 2 * p * r / (p + r) if p + r else 0.0
    figures["mismatches"] = mism
    return figures


GATES = {
    "headlines": 1.0, "kickers": 1.0, "bylines": 1.0, "authors": 1.0, "advertisement": 1.0,
    "captions": 1.0, "required_joins": 1.0,
}


def passes_gates(figures: dict) -> bool:
    """The issue's gates: every field right, no caption in a body, CER ≤ 1%, F1 ≥ 0.95."""
    return (
        figures["articles_found"] == figures["articles_expected"]
        and all(figures[k] >= v for k, v in GATES.items())
        and figures["caption_text_in_body"] == 0
        and figures["body_cer"] <= 0.01
        and figures["paragraph_start_f1"] >= 0.95
    )


# --- layout: our blocks and articles against a rendered page's exact truth -----------------

# Renderer kinds -> the archive's kinds, and the archive's finer kinds of page furniture
# -> the renderer's one.
TRUTH_TO_OURS = {"paragraph": "body", "text": "body", "running_head": "furniture", "page_number": "furniture",
                 "dateline": "furniture", "masthead": "furniture"}
NOT_TEXT = ("photo", "rule")


def squeeze(text: str | None) -> str:
    """Text as compared: NFKC (so ％ and %, ． and . are one character, as in the
    reference scorer ../shared/tools/score_real.py), whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def page_text(truth: dict) -> str:
    """A rendered page's text in the truth's reading order, whitespace removed."""
    return squeeze("".join(b["text"] for b in sorted(truth["blocks"], key=lambda b: b["order"])
                           if b["kind"] not in NOT_TEXT))


def word_bag_f1(reference: str, hypothesis: str) -> float:
    """F1 of the two texts' words as multisets, punctuation stripped, case folded:
    agreement that ignores order (a peer's ALTO against our text)."""
    def bag(text: str) -> Counter:
        return Counter(w.strip(".,;:!?\"'()").lower() for w in text.split() if w.strip(".,;:!?\"'()"))

    a, b = bag(reference), bag(hypothesis)
    common = sum((a & b).values())
    return 2 * common / (sum(a.values()) + sum(b.values())) if common else 0.0


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def score_layout(truth: dict, blocks: list[dict], articles: list[dict]) -> dict:
    """Layout figures of one page.

    ``truth`` is the renderer's JSON (blocks with kind, bbox, text, article, order);
    ``blocks`` are ours in reading order (kind, bbox as x0, top, x1, bottom, text,
    article: our article id or None); ``articles`` are ours (id, kicker, headline, byline,
    body). Each truth block is found in the block of ours, among those it overlaps, whose
    text holds its text best. Returns:

    - ``article_cer``: mean CER of each truth article's headline, byline and body in
      reading order (captions and notes such as continuation lines are kept apart)
      against the article of ours holding most of it;
    - ``page_cer``: CER of all the page's text in our reading order;
    - ``kind_accuracy``: truth blocks whose best-overlapping block of ours has their kind;
    - ``captions_attached``: truth captions that ended in the right article;
    - ``pairwise_f1``: of "these two truth blocks are in the same article";
    - ``order_distance``: normalised edit distance between the truth's order of the
      blocks and ours (OmniDocBench's reading-order measure), captions left out.
    """
    tblocks = [b for b in truth["blocks"] if b["kind"] not in NOT_TEXT and squeeze(b["text"])]
    ours = [b for b in blocks if b["kind"] not in NOT_TEXT and squeeze(b.get("text"))]
    # Each truth block's text is looked for in our blocks that overlap it on the page:
    # text, because cleanup joins the two halves of a paragraph cut by a column break
    # into one block whose box spans both columns; the page, because a short headline
    # line also occurs inside some paragraph.
    cover: dict[int, tuple[int, int]] = {}  # truth block -> (our block, where in its text)
    for i, t in enumerate(tblocks):
        near = [j for j, o in enumerate(ours) if o.get("bbox") and _overlap(o["bbox"], t["bbox"]) > 0]
        best = None
        for j in near or range(len(ours)):
            al = fuzz.partial_ratio_alignment(squeeze(t["text"]), squeeze(ours[j]["text"]))
            if al.score >= 60 and (best is None or al.score > best[0]):
                best = (al.score, j, al.dest_start)
        if best:
            cover[i] = best[1:]
    kinds = [TRUTH_TO_OURS.get(t["kind"], t["kind"]) == TRUTH_TO_OURS.get(ours[cover[i][0]]["kind"],
                                                                           ours[cover[i][0]]["kind"])
             if i in cover else False for i, t in enumerate(tblocks)]
    our_article = [ours[cover[i][0]].get("article") if i in cover else None for i in range(len(tblocks))]

    # Our article -> the truth article most of its text belongs to.
    votes: dict = {}
    for i, a in enumerate(our_article):
        if a is not None and tblocks[i]["article"] is not None:
            votes[(a, tblocks[i]["article"])] = votes.get((a, tblocks[i]["article"]), 0) + len(squeeze(tblocks[i]["text"]))
    to_truth: dict = {}
    for (a, t), v in sorted(votes.items(), key=lambda kv: -kv[1]):
        to_truth.setdefault(a, t)

    captions = [i for i, t in enumerate(tblocks) if t["kind"] == "caption"]
    attached = [to_truth.get(our_article[i]) == tblocks[i]["article"] for i in captions]

    in_articles = [i for i, t in enumerate(tblocks) if t["article"] is not None]
    tp = fp = fn = 0
    for x, i in enumerate(in_articles):
        for k in in_articles[x + 1:]:
            same_t = tblocks[i]["article"] == tblocks[k]["article"]
            same_o = our_article[i] is not None and our_article[i] == our_article[k]
            tp += same_t and same_o
            fp += same_o and not same_t
            fn += same_t and not same_o
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    # Reading order: truth blocks sorted by where we put their text, against the truth's
    # order. Captions are left out: the archive keeps them apart from the running text
    # (the captions table), and the renderer lists each before its article's body.
    flow = [i for i in cover if tblocks[i]["kind"] != "caption"]
    found = sorted(flow, key=lambda i: cover[i])
    want = sorted(flow, key=lambda i: tblocks[i]["order"])
    order_distance = Levenshtein.distance(want, found) / max(1, len(want))

    by_id = {a["id"]: a for a in articles}
    article_cers = []
    for t_art in sorted({t["article"] for t in tblocks if t["article"] is not None}):
        want_text = squeeze("".join(t["text"] for t in sorted(tblocks, key=lambda t: t["order"])
                                    if t["article"] == t_art and t["kind"] not in ("caption", "note")))
        mine = [a for a, t in to_truth.items() if t == t_art and a in by_id]
        got = min((squeeze("".join(by_id[a].get(k) or "" for k in ("kicker", "headline", "byline", "body")))
                   for a in mine), key=lambda g: cer(want_text, g), default="")
        article_cers.append(cer(want_text, got))

    page_truth = page_text(truth)
    return {
        "article_cer": sum(article_cers) / len(article_cers) if article_cers else 0.0,
        "page_cer": cer(page_truth, squeeze("".join(b.get("text") or "" for b in ours))),
        "found": len(cover) / len(tblocks) if tblocks else 1.0,
        "kind_accuracy": sum(kinds) / len(kinds) if kinds else 1.0,
        "captions": len(captions),
        "captions_attached": sum(attached),
        "pairwise_f1": f1,
        "order_distance": order_distance,
    }
