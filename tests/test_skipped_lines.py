"""A line the engine left out of a block it read (Tesseract, psm 6, drops a paragraph's
short tail carried to a column's top) is read again and put in its place
(``ocr.read_skipped_lines``); rows of ink no taller than a speck are not. Real Tesseract
on a column drawn here."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from archive import ocr
from archive.layout.image import binarise
from archive.model import Block, Options
from testkit.render import SERIF, font

EM = 36  # body type at 300 dpi
LINES = ["点。", "　　湖北各级工会组织积极开展", "职工技能竞赛活动，推动企业", "转型升级和高质量发展，取得"]


class Counting:
    """The real engine, counting the crops it is given."""

    def __init__(self, engine):
        self.engine, self.crops = engine, 0

    def recognise_many(self, images, lang, *, dpi):
        self.crops += len(images)
        return self.engine.recognise_many(images, lang, dpi=dpi)


def _column(speck: bool = False):
    """The page, its ink, and the column as a block the engine has read."""
    fnt = font(SERIF, EM)
    img = Image.new("L", (16 * EM, 9 * EM), 255)
    d = ImageDraw.Draw(img)
    for k, text in enumerate(LINES):
        d.text((EM, EM + int(1.6 * EM) * k), text, font=fnt, fill=0)
    if speck:  # a row of dust above the column's first line, a few pixels tall
        for x in range(2 * EM, 6 * EM, EM):
            d.ellipse((x, EM // 2 - 2, x + 3, EM // 2 + 1), fill=0)
    image = np.asarray(img)
    ink = binarise(image)
    ys, xs = np.nonzero(ink)
    block = Block(kind="body", bbox=(float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)),
                  font_size=float(EM))
    engine = ocr.engine_for(Options(lang="chi_sim"))
    ocr._ocr_blocks(engine, image, [block], "chi_sim", 300, ocr.Clock())
    return image, ink, block, engine


@pytest.mark.skipif(not SERIF.exists(), reason="Noto CJK fonts not installed")
def test_a_short_line_the_engine_left_out_is_read_and_put_back_in_its_place():
    image, ink, block, engine = _column()
    # what the engine does now and then on a real column: the short first line is not
    # among the lines it gives back
    block.lines = [ln for ln in block.lines if ln.bbox[1] > 1.5 * EM]
    assert len(block.lines) == 3 and "点" not in block.lines[0].text
    assert ocr.read_skipped_lines(engine, image, ink, [block], "chi_sim", 300, ocr.Clock()) == 1
    first = block.lines[0]
    assert first.text.startswith("点")
    ys, xs = np.nonzero(ink[:int(2.5 * EM)])  # the line's ink on the page
    w = first.words[0]
    assert abs(w.top - ys.min()) < 4 and abs(w.bottom - ys.max()) < 4 and abs(w.x0 - xs.min()) < 4
    assert block.text.split("\n")[0] == first.text and len(block.lines) == 4
    assert "湖北" in block.lines[1].text  # the line it was read beside is not taken in


@pytest.mark.skipif(not SERIF.exists(), reason="Noto CJK fonts not installed")
def test_nothing_is_read_again_when_every_line_was_read_or_the_rest_is_specks():
    image, ink, block, engine = _column(speck=True)
    block.lines = [ln for ln in block.lines if any(c.isalnum() for c in ln.text)]  # what psm 6 made of the dust
    before = [ln.text for ln in block.lines]
    assert any("点" in t for t in before)
    spy = Counting(engine)
    assert ocr.read_skipped_lines(spy, image, ink, [block], "chi_sim", 300, ocr.Clock()) == 0
    assert spy.crops == 0 and [ln.text for ln in block.lines] == before
