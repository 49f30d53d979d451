"""Scoring cleanup and segmentation against a hand-checked reading (gold JSON).

Used by the tests and by ``benchmarks/score_clean.py``. The gold format is that of
``../shared/gold/*.json``: articles with headline, kicker, byline, authors,
advertisement, blocks (paragraph/subhead), captions (text, credit), notes, and the
``required_joins`` strings that must each end up inside one paragraph.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from .patterns import ends_paragraph


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
