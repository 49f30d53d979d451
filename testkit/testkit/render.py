"""A page renderer: Chinese newspaper pages with exact ground truth, degraded like a scan.

Real Chinese pages with ground truth are scarce, so tests and benchmarks render their
own. A page holds one to four articles in one of the arrangements papers use (side by
side, a lead article above a rule with others below, a full-height article beside two
stacked ones), each with a headline across its columns, a byline, justified body with
crossheads, a photo one or two columns wide at its top, middle or foot with the caption
under it, and "（下转第N版）" when its text does not fit; column and article rules, a
running head; then skew, blur, noise, yellowed paper and JPEG. Beside each image goes a
JSON with every block's kind, box (in the degraded image's pixels), text, article and
reading order.

    python -m testkit.render --out raw_pages --pages 3 --seed 1 --source seeds/000_c24c6819f75a4cba.txt
"""

from __future__ import annotations

import functools
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
SERIF = FONT_DIR / "NotoSerifCJK-Regular.ttc"
SANS_BOLD = FONT_DIR / "NotoSansCJK-Bold.ttc"


@functools.lru_cache(maxsize=64)
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """The Simplified Chinese face of a Noto CJK collection."""
    for index in range(10):
        f = ImageFont.truetype(str(path), size, index=index)
        if " SC" in f.getname()[0]:
            return f
    return ImageFont.truetype(str(path), size)


@dataclass
class SourceArticle:
    headline: str
    byline: str | None
    paragraphs: list[tuple[str, str]]  # (kind, text): kind is paragraph or subhead
    caption: str | None = None


@dataclass
class Truth:
    blocks: list[dict] = field(default_factory=list)

    def add(self, kind, text, box, article, **extra):
        self.blocks.append({"kind": kind, "text": text, "bbox": [round(v, 1) for v in box],
                            "article": article, "order": len(self.blocks), **extra})


def articles_from_text(path: Path) -> list[SourceArticle]:
    """Articles to typeset, read from an OCR text stream by the archive's own cleanup."""
    from archive.model import TEXT, Block
    from archive.clean import clean
    from archive.segment import segment

    lines = Path(path).read_text(encoding="utf-8").split("\n")
    units, repairs = clean([Block(TEXT, ln) for ln in lines])
    out = []
    for a in segment(units, repairs):
        if not a.headline or not a.blocks:
            continue
        cap = a.captions[0].text if a.captions else None
        out.append(SourceArticle(a.headline, a.byline, [(b.kind, b.text) for b in a.blocks], cap))
    return out


NO_LINE_START = "，。、；：？！）》」』〉”’…·,.;:?!)"
NO_LINE_END = "（《「『〈“‘("


class _Typesetter:
    def __init__(self, draw: ImageDraw.ImageDraw, dpi: int):
        self.draw = draw
        self.pt = dpi / 72.0
        self.body = font(SERIF, int(9.5 * self.pt))
        self.em = int(9.5 * self.pt)
        self.lead = int(self.em * 1.5)

    def lines(self, text: str, width: float, fnt, indent: int = 0) -> list[str]:
        """``text`` broken into lines as a Chinese compositor breaks it (CLREQ 3.1.7, the
        rules of GB/T 15834): a clause mark or closing bracket never opens a line and an
        opening bracket never ends one, so the character before such a mark is pushed
        down with it."""
        out, cur, w = [], "", indent * fnt.size
        for ch in text:
            cw = fnt.getlength(ch)
            if w + cw > width and cur:
                carry = ""
                while len(cur) > 1 and ((carry or ch)[0] in NO_LINE_START or cur[-1] in NO_LINE_END):
                    carry, cur = cur[-1] + carry, cur[:-1]
                out.append(cur)
                cur, w = carry, sum(fnt.getlength(c) for c in carry)
            cur += ch
            w += cw
        if cur:
            out.append(cur)
        return out

    def line(self, text: str, x: float, y: float, width: float, fnt, justify: bool, indent_px: float = 0):
        """Draw one line, justified by spreading the slack between characters."""
        x += indent_px
        width -= indent_px
        natural = sum(fnt.getlength(c) for c in text)
        gap = (width - natural) / (len(text) - 1) if justify and len(text) > 1 else 0
        gap = max(0.0, gap)
        cx = x
        for c in text:
            self.draw.text((cx, y), c, font=fnt, fill=0)
            cx += fnt.getlength(c) + gap
        return (x, y, cx - gap, y + fnt.size * 1.15)


def render_page(articles: list[SourceArticle], *, columns: int = 5, dpi: int = 300,
                seed: int = 0, degrade: str = "light") -> tuple[Image.Image, dict]:
    """Typeset as many of ``articles`` as the seeded arrangement has room for on one
    page (see ``_plan``). Returns (degraded image, ground truth)."""
    rng = random.Random(seed)
    W, H = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("L", (W, H), 255)
    draw = ImageDraw.Draw(img)
    ts = _Typesetter(draw, dpi)
    truth = Truth()
    margin, gutter = int(0.45 * dpi), int(ts.em * 1.6)
    colw = (W - 2 * margin - (columns - 1) * gutter) / columns
    grid = _Grid([margin + i * (colw + gutter) for i in range(columns)], colw, gutter)

    # Running head and its rule: page furniture.
    head_font = font(SERIF, int(8 * ts.pt))
    rh = f"第{seed % 8 + 1}版  2023年12月{seed % 28 + 1}日  星期{'一二三四五六日'[seed % 7]}"
    draw.text((margin, margin - 2 * ts.em), rh, font=head_font, fill=0)
    truth.add("furniture", rh, (margin, margin - 2 * ts.em, margin + head_font.getlength(rh), margin - 2 * ts.em + head_font.size * 1.15), None)
    draw.rectangle((margin, margin - int(0.4 * ts.em), W - margin, margin - int(0.4 * ts.em) + 3), fill=0)

    top, bottom = margin + ts.em, H - margin
    slots = _plan(rng, columns, len(articles), top, bottom)
    chosen = articles[: len(slots)]
    for ai, (art, (c0, c1, y0, y1)) in enumerate(zip(chosen, slots)):
        if c0 > 0:  # a column rule between articles set side by side
            x = grid.x[c0] - gutter / 2
            draw.rectangle((x - 1, y0 if y0 > top else margin, x + 1, y1), fill=0)
        if y0 > top:  # a rule across the columns of an article set below another
            draw.rectangle((grid.x[c0], y0 - 1, grid.right(c1 - 1), y0 + 1), fill=0)
        _set_article(ts, img, truth, art, ai, grid, c0, c1,
                     y0 + (ts.em if y0 > top else 0), y1 - (ts.em if y1 < bottom else 0), rng)

    page_truth = {"width": W, "height": H, "dpi": dpi, "columns": columns,
                  "articles": [{"headline": a.headline, "byline": a.byline} for a in chosen],
                  "blocks": truth.blocks}
    out, page_truth = _degrade(img, page_truth, rng, degrade)
    return out, page_truth


@dataclass
class _Grid:
    x: list[float]  # each column's left edge
    w: float
    gutter: float

    def right(self, col: int) -> float:
        return self.x[col] + self.w


def _plan(rng: random.Random, columns: int, n: int, top: float, bottom: float) -> list[tuple[int, int, float, float]]:
    """Slots (first column, end column, top, bottom) for up to ``n`` articles, in
    reading order, in one of the arrangements newspapers use: side by side under one
    top; a lead article across the page above a rule with one or two below it; a
    full-height article beside two stacked ones."""
    if n <= 1:
        return [(0, columns, top, bottom)]
    split = top + rng.uniform(0.42, 0.58) * (bottom - top)
    narrow = rng.choice([2, 2, 3]) if columns >= 6 else 2
    shape = rng.choice(["side", "band", "stack"])
    if shape == "side":
        cuts = sorted(rng.sample(range(2, columns - 1), k=max(1, min(n - 1, 2, columns - 3))))
        edges = [0, *cuts, columns]
        return [(a, b, top, bottom) for a, b in zip(edges, edges[1:])]
    if shape == "band":
        below = ([(0, columns, split, bottom)] if n == 2 else
                 [(0, columns - narrow, split, bottom), (columns - narrow, columns, split, bottom)])
        return [(0, columns, top, split), *below]
    right = [(columns - narrow, columns, top, split), (columns - narrow, columns, split, bottom)]
    return [(0, columns - narrow, top, bottom), *right[: n - 1]]


def _set_article(ts: _Typesetter, img: Image.Image, truth: Truth, art: SourceArticle, ai: int,
                 grid: _Grid, c0: int, c1: int, top: float, bottom: float, rng: random.Random) -> None:
    """One article in columns c0..c1-1 between ``top`` and ``bottom``: headline, byline,
    photo and caption, body down each column; a continuation line when it does not fit."""
    x0, x1 = grid.x[c0], grid.right(c1 - 1)
    span = c1 - c0
    y = top
    hsize = int((22 if span >= 3 else 17 if span == 2 else 15) * ts.pt)
    hfont = font(SANS_BOLD, hsize)
    for hl in ts.lines(art.headline, x1 - x0, hfont):
        tw = sum(hfont.getlength(c) for c in hl)
        box = ts.line(hl, x0 + (x1 - x0 - tw) / 2, y, tw, hfont, justify=False)
        truth.add("headline", hl, box, ai)
        y += int(hsize * 1.3)
    y += ts.em // 2
    if art.byline:
        bfont = font(SERIF, int(9 * ts.pt))
        for bl in ts.lines(art.byline, x1 - x0, bfont):
            box = ts.line(bl, x0, y, x1 - x0, bfont, justify=False)
            truth.add("byline", bl, box, ai)
            y += int(bfont.size * 1.8)
    photo = _place_photo(ts, img, truth, art, ai, grid, c0, c1, y, bottom, rng) if art.caption else None

    def past_photo(col: int, cy: float) -> float:
        """Where a line in column ``col`` at ``cy`` goes: under the photo if it would overlap it."""
        if photo and photo[0] <= col < photo[1] and photo[2] - ts.lead < cy < photo[3]:
            return photo[3]
        return cy

    col, cy = c0, y
    lines_left = True
    for kind, text in art.paragraphs:
        fnt = font(SANS_BOLD, int(10 * ts.pt)) if kind == "subhead" else ts.body
        lines = ts.lines(text, grid.w, fnt, indent=0 if kind == "subhead" else 2)
        boxes = []
        for li, ln in enumerate(lines):
            # The last column keeps its last line free for a continuation line.
            floor = bottom - (ts.lead if col == c1 - 1 else 0)
            cy = past_photo(col, cy)
            if cy + ts.lead > floor:
                if boxes:
                    truth.add(kind, "".join(lines[:li][-len(boxes):]), _union(boxes), ai, continues=True)
                    boxes = []
                col, cy = col + 1, y
                if col >= c1:
                    break
                cy = past_photo(col, cy)
            if kind == "subhead":
                tw = sum(fnt.getlength(c) for c in ln)
                box = ts.line(ln, grid.x[col] + (grid.w - tw) / 2, cy, tw, fnt, justify=False)
            else:
                box = ts.line(ln, grid.x[col], cy, grid.w, fnt, justify=li < len(lines) - 1,
                              indent_px=2 * fnt.size if li == 0 else 0)
            boxes.append(box)
            cy += ts.lead
        if col >= c1:
            break
        if boxes:
            n = len(boxes)
            truth.add(kind, "".join(lines[-n:]) if n < len(lines) else text, _union(boxes), ai)
        if kind == "subhead":
            cy += ts.lead // 3
    else:
        lines_left = False
    if lines_left:
        # What did not fit is "continued on page N", as papers print it; truth holds
        # what is printed.
        page = rng.randint(2, 16)
        note = f"（下转第{'一二三四五六七八九十'[page - 1] if page <= 10 else page}版）"
        nfont = font(SERIF, int(9 * ts.pt))
        tw = sum(nfont.getlength(c) for c in note)
        box = ts.line(note, grid.right(c1 - 1) - tw, bottom - ts.lead, tw, nfont, justify=False)
        truth.add("note", note, box, ai)


def _place_photo(ts: _Typesetter, img: Image.Image, truth: Truth, art: SourceArticle, ai: int,
                 grid: _Grid, c0: int, c1: int, top: float, bottom: float, rng: random.Random):
    """A photo one or two columns wide at the top, middle or foot of the article, its
    caption under it. Returns the slot it takes (first column, end column, top, bottom)
    or None when the article has no room for it."""
    wide = 2 if c1 - c0 >= 3 else 1
    pc = rng.randrange(c0, c1 - wide + 1)
    px0, px1 = grid.x[pc], grid.right(pc + wide - 1)
    ph = int((px1 - px0) * rng.uniform(0.55, 0.75))
    cfont = font(SERIF, int(8 * ts.pt))
    caption_lines = ts.lines(art.caption, px1 - px0, cfont)
    cap_h = len(caption_lines) * int(cfont.size * 1.4) + ts.em // 3
    room = bottom - top - ph - cap_h - ts.lead
    if room < 4 * ts.lead:
        return None
    where = rng.choice(["top", "middle", "foot"])
    py0 = int(top + {"top": 0.0, "middle": rng.uniform(0.25, 0.6), "foot": 1.0}[where] * room)
    py1 = py0 + ph
    _draw_photo(img, (px0, py0, px1, py1), rng)
    truth.add("photo", "", (px0, py0, px1, py1), ai)
    cy = py1 + ts.em // 3
    cboxes = []
    for cl in caption_lines:
        cboxes.append(ts.line(cl, px0, cy, px1 - px0, cfont, justify=False))
        cy += int(cfont.size * 1.4)
    truth.add("caption", art.caption, _union(cboxes), ai)
    return (pc, pc + wide, py0, cy + ts.em // 2)


def _union(boxes):
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _draw_photo(img: Image.Image, box, rng: random.Random) -> None:
    """A photo-like region: smooth gradients and soft shapes in mid-tones."""
    x0, y0, x1, y1 = map(int, box)
    w, h = x1 - x0, y1 - y0
    yy, xx = np.mgrid[0:h, 0:w]
    base = 110 + 50 * np.sin(xx / w * rng.uniform(2, 5)) * np.cos(yy / h * rng.uniform(2, 5))
    for _ in range(6):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.1, 0.3) * min(w, h)
        base -= 45 * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
    arr = np.clip(base, 30, 200).astype(np.uint8)
    img.paste(Image.fromarray(arr), (x0, y0))


def _degrade(img: Image.Image, truth: dict, rng: random.Random, level: str):
    """Skew, blur, noise, yellowed paper and JPEG; boxes follow the rotation."""
    heavy = level == "heavy"
    angle = rng.uniform(-1.5, 1.5) * (2 if heavy else 1)
    W, H = img.size
    rot = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255, center=(W / 2, H / 2))
    theta = np.deg2rad(angle)
    c, s = np.cos(theta), np.sin(theta)

    def tx(x, y):  # PIL rotates counter-clockwise about the centre
        dx, dy = x - W / 2, y - H / 2
        return W / 2 + c * dx + s * dy, H / 2 - s * dx + c * dy

    for b in truth["blocks"]:
        x0, y0, x1, y1 = b["bbox"]
        pts = [tx(x0, y0), tx(x1, y0), tx(x0, y1), tx(x1, y1)]
        b["bbox"] = [round(min(p[0] for p in pts), 1), round(min(p[1] for p in pts), 1),
                     round(max(p[0] for p in pts), 1), round(max(p[1] for p in pts), 1)]
    truth["skew_degrees"] = round(angle, 3)
    rot = rot.filter(ImageFilter.GaussianBlur(radius=1.2 if heavy else 0.6))
    arr = np.asarray(rot).astype(np.float32)
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    arr += nrng.normal(0, 14 if heavy else 6, arr.shape)
    # Yellowed, unevenly lit paper: darker toward one corner.
    yy, xx = np.mgrid[0:H, 0:W]
    shade = 1.0 - (0.18 if heavy else 0.08) * (xx / W + yy / H) / 2
    arr = np.clip(arr * shade, 0, 255)
    rgb = np.stack([arr, arr * 0.96, arr * 0.84], axis=-1).clip(0, 255).astype(np.uint8)
    return Image.fromarray(rgb, "RGB"), truth


def render_set(out: Path, source: Path, n: int, *, seed: int = 1, dpis=(300,), columns=(4, 5, 5, 6),
               quality: int = 85, prefix: str = "rendered") -> list[Path]:
    """``n`` pages of articles from ``source`` (an OCR text stream), seeded: columns and
    resolution drawn from ``columns`` and ``dpis``, every third page heavily degraded.
    Writes STEM.jpg and its truth STEM.json; returns the image paths."""
    arts = articles_from_text(source)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(n):
        rng = random.Random(seed * 1000 + k)
        picked = rng.sample(arts, k=min(rng.choice([1, 2, 3, 3, 4]), len(arts)))
        ncols = rng.choice(list(columns))
        dpi = rng.choice(list(dpis)) if len(dpis) > 1 else dpis[0]
        img, truth = render_page(picked, columns=ncols, dpi=dpi,
                                 seed=seed * 1000 + k, degrade="heavy" if k % 3 == 2 else "light")
        stem = f"{prefix}_{seed:02d}_{k:02d}"
        img.save(out / f"{stem}.jpg", quality=quality, dpi=(dpi, dpi))
        (out / f"{stem}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(out / f"{stem}.jpg")
    return paths


def main(argv=None):
    import argparse

    ap = argparse.ArgumentParser(description="Render synthetic newspaper pages with ground truth.")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--source", required=True, type=Path, help="OCR text stream with articles to typeset")
    ap.add_argument("--pages", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--quality", type=int, default=85, help="JPEG quality")
    args = ap.parse_args(argv)
    for path in render_set(args.out, args.source, args.pages, seed=args.seed, dpis=(args.dpi,),
                           quality=args.quality):
        print(path)


if __name__ == "__main__":
    main()
