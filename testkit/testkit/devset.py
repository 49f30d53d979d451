"""Pages from a renderer this project did not write (``../shared/data/devset``), scored
with the measures of the project's own pages (``scoring.score_layout``) plus "kept".

Each page folder holds ``page_scan300.jpg``, ``page_scan200.jpg`` and ``gt.json``; the
ground truth's boxes are in a clean 300-dpi frame, mapped to a scan by its ``affine``.
"""

from __future__ import annotations

import json
from pathlib import Path

from .scoring import cer, score_layout, squeeze

# The devset's block types as the archive's block kinds: kickers and subtitles are set
# in title type and found as headlines, then read as the article's kicker and subtitle.
KINDS = {"kicker": "headline", "subtitle": "headline", "headline": "headline", "byline": "byline",
         "body": "body", "subhead": "subhead", "photo": "photo", "caption": "caption"}
HEAD = ("kicker", "headline", "subtitle", "byline")


def pages(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).iterdir() if (p / "gt.json").is_file())


def _map(box, affine) -> tuple[float, float, float, float]:
    (a, b, c), (d, e, f) = affine
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
        xs.append(a * x + b * y + c)
        ys.append(d * x + e * y + f)
    return min(xs), min(ys), max(xs), max(ys)


def _deskewed(affine, skew: float, size: tuple[int, int]):
    """The scan's affine followed by the archive's deskew (a rotation by ``skew``
    degrees about the image's centre, as ``layout.rotate`` does): truth boxes in the
    frame of the archive's boxes."""
    import math

    w, h = size
    a = math.radians(skew)
    al, be = math.cos(a), math.sin(a)
    rot = [[al, be, (1 - al) * w / 2 - be * h / 2], [-be, al, be * w / 2 + (1 - al) * h / 2]]
    (p, q, r), (s, t, u) = affine
    return [[rot[0][0] * p + rot[0][1] * s, rot[0][0] * q + rot[0][1] * t, rot[0][0] * r + rot[0][1] * u + rot[0][2]],
            [rot[1][0] * p + rot[1][1] * s, rot[1][0] * q + rot[1][1] * t, rot[1][0] * r + rot[1][1] * u + rot[1][2]]]


def truth(page_dir: Path, dpi: int, skew: float = 0.0, size: tuple[int, int] | None = None) -> tuple[Path, dict]:
    """(the scan at ``dpi``, its truth in ``score_layout``'s shape, with the devset's own
    block types kept as ``type``); with the archive's ``skew`` and the scan's ``size``,
    boxes in the deskewed frame the archive stores."""
    gt = json.loads((page_dir / "gt.json").read_text(encoding="utf-8"))
    variant = gt["variants"][f"scan{dpi}"]
    affine = _deskewed(variant["affine"], skew, size) if skew and size else variant["affine"]
    order = {bid: k for k, bid in enumerate(gt["reading_order"])}
    blocks = [{"id": b["id"], "type": b["type"], "kind": KINDS.get(b["type"], b["type"]),
               "bbox": _map(b["bbox"], affine), "text": b.get("text") or "",
               "article": b.get("article"), "order": order.get(b["id"], len(order))}
              for b in gt["blocks"]]
    return page_dir / variant["image"], {"blocks": blocks, "dpi": dpi, "articles": gt["articles"]}


def article_text(blocks: list[dict]) -> str:
    """A truth article's text as the archive stores an article: kicker, headline,
    subtitle and byline first (a byline printed at the end included), then the body in
    reading order; captions apart."""
    head = [b for t in HEAD for b in blocks if b["type"] == t]
    body = sorted((b for b in blocks if b["type"] in ("body", "subhead")), key=lambda b: b["order"])
    return squeeze("".join(b["text"] for b in head + body))


def our_article_text(a: dict) -> str:
    return squeeze("".join(a.get(k) or "" for k in ("kicker", "headline", "subtitle", "byline", "body")))


def score(truth_page: dict, blocks: list[dict], articles: list[dict]) -> dict:
    """``score_layout`` plus ``kept`` (true articles stored as exactly one article of
    ours holding nothing of another) and ``article_cer`` in the stored order."""
    s = score_layout(truth_page, blocks, [{**a, "headline": (a.get("headline") or "") + (a.get("subtitle") or "")}
                                          for a in articles])
    # Each truth text block goes to the article of ours whose blocks overlap it most.
    from .scoring import _overlap

    ours = [b for b in blocks if b.get("bbox") and b["kind"] not in ("photo", "rule")]
    tblocks = [b for b in truth_page["blocks"] if b["kind"] not in ("photo",) and squeeze(b["text"])]
    owner: dict[str, object] = {}
    for t in tblocks:
        votes: dict = {}
        for b in ours:
            ov = _overlap(b["bbox"], t["bbox"])
            if ov > 0 and b.get("article") is not None:
                votes[b["article"]] = votes.get(b["article"], 0) + ov
        owner[t["id"]] = max(votes, key=votes.get) if votes else None
    by_truth: dict = {}
    for t in tblocks:
        by_truth.setdefault(t["article"], []).append(t)
    kept = 0
    by_id = {a["id"]: a for a in articles}
    cers = []
    for art, members in sorted(by_truth.items(), key=lambda kv: str(kv[0])):
        mine = {owner[t["id"]] for t in members}
        others = {owner[t["id"]] for t in tblocks if t["article"] != art}
        if len(mine) == 1 and None not in mine and not (mine & others):
            kept += 1
        want = article_text([t for t in members if t["type"] != "caption"])
        cands = [by_id[a] for a in mine if a in by_id]
        cers.append(min((cer(want, our_article_text(a)) for a in cands), default=1.0))
    s.update(kept=kept, articles=len(by_truth), article_cer=sum(cers) / len(cers) if cers else 0.0)
    return s
