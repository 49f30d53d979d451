"""Layout on rendered pages: the renderer's variety (issue 4), and blocks that never
straddle a column gutter. Real OpenCV, no OCR: fast."""

import dataclasses
import random

import numpy as np
import pytest

from archive import layout, render

from .conftest import SEED


@pytest.fixture(scope="module")
def articles():
    return render.articles_from_text(SEED)


def test_renderer_varies_arrangement_photos_and_continuations(articles):
    pages = []
    for seed in range(12):
        rng = random.Random(seed)
        picked = rng.sample(articles, k=min(4, len(articles)))
        _, truth = render.render_page(picked, columns=rng.choice([4, 5, 6, 7, 8]), dpi=100, seed=seed)
        pages.append(truth)
    counts = {len(t["articles"]) for t in pages}
    assert max(counts) >= 3 and len(counts) >= 2, counts
    # Photos sit at different heights in their articles, and in different columns.
    tops = [round(b["bbox"][1] / t["height"], 1) for t in pages for b in t["blocks"] if b["kind"] == "photo"]
    lefts = {round(b["bbox"][0] / t["width"], 1) for t in pages for b in t["blocks"] if b["kind"] == "photo"}
    assert len(set(tops)) >= 4 and len(lefts) >= 3, (tops, lefts)
    # Articles that do not fit say where they go on, and the truth records it.
    notes = [b for t in pages for b in t["blocks"] if b["kind"] == "note"]
    assert notes and all(b["text"].startswith("（下转第") for b in notes)
    # Articles set below another: some article starts well down the page.
    assert any(min(b["bbox"][1] for b in t["blocks"] if b["article"] == a) > 0.3 * t["height"]
               for t in pages for a in range(len(t["articles"])))
    for t in pages:
        for b in t["blocks"]:
            x0, y0, x1, y1 = b["bbox"]
            assert 0 <= x0 < x1 <= t["width"] and 0 <= y0 < y1 <= t["height"], b
            assert b["kind"] == "photo" or b["text"], b


def test_a_line_across_two_columns_does_not_join_them(articles):
    """A byline wider than a narrow column used to join the two columns under it into
    one block, read across line by line."""
    lead = max(articles, key=lambda a: sum(len(t) for _, t in a.paragraphs))
    wide_byline = dataclasses.replace(lead, byline="◎" + "本报记者" * 4, caption=None)
    img, truth = render.render_page([wide_byline], columns=8, dpi=200, seed=3)
    flat, ink, _ = layout.preprocess(np.asarray(img.convert("L")))
    blocks, _ = layout.find_regions(flat, ink)
    text = [b for b in blocks if b.kind == layout.TEXT]
    colw = float(np.median([b["bbox"][2] - b["bbox"][0] for b in truth["blocks"] if b["kind"] == "paragraph"]))
    byline = next(b["bbox"] for b in truth["blocks"] if b["kind"] == "byline")
    assert byline[2] - byline[0] > 1.3 * colw  # the byline does cross a gutter
    # Every block taller than a few lines is one column wide.
    tall = [b.bbox for b in text if b.bbox[3] - b.bbox[1] > 4 * b.font_size]
    assert tall and all(x1 - x0 < 1.25 * colw for x0, _, x1, _ in tall), (colw, tall)
