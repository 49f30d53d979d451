"""The full stop chi_sim drops at a line's end is given back from the ring on the page
(``ocr.closing_full_stops``), and nothing else on a line's row is taken for one."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from archive import ocr
from archive.layout.image import binarise
from archive.model import Block, Line, Word
from testkit.render import SERIF, font

EM = 36  # a body glyph at 300 dpi


def _line(text: str, read: str):
    """``text`` set in a serif CJK face on a white strip, as ink, and the line the
    engine gave back: ``read``, one word per character, on the characters' boxes."""
    fnt = font(SERIF, EM)
    width = EM * (len(text) + 3)
    img = Image.new("L", (width, 3 * EM), 255)
    draw = ImageDraw.Draw(img)
    x, words = EM, []
    for i, ch in enumerate(text):
        draw.text((x + i * EM, EM), ch, font=fnt, fill=0)
    ink = binarise(np.asarray(img))
    for i, ch in enumerate(read):  # each word's box on its character's ink
        ys, xs = np.nonzero(ink[:, x + i * EM:x + (i + 1) * EM])
        words.append(Word(ch, float(x + i * EM + xs.min()), float(ys.min()), float(x + i * EM + xs.max() + 1),
                          float(ys.max() + 1), 92.0))
    ys, xs = np.nonzero(ink)
    ln = Line(read, (words[0].x0, words[0].top, words[-1].x1, words[0].bottom), words)
    return ink, Block(kind="body", bbox=(float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)),
                      font_size=float(EM), lines=[ln], text=read)


@pytest.mark.skipif(not SERIF.exists(), reason="Noto CJK fonts not installed")
def test_a_full_stop_dropped_at_a_lines_end_is_given_back():
    ink, block = _line("的一项重要政治制度。", "的一项重要政治制度")
    assert ocr.closing_full_stops(ink, [block]) == 1
    ln = block.lines[0]
    assert ln.text == "的一项重要政治制度。" and block.text == ln.text
    stop = ln.words[-1]
    assert stop.text == "。" and stop.x0 > ln.words[-2].x1 - 2 and stop.x1 - stop.x0 < EM / 2


@pytest.mark.skipif(not SERIF.exists(), reason="Noto CJK fonts not installed")
@pytest.mark.parametrize("text, read", [
    ("的一项重要政治制度。", "的一项重要政治制度。"),  # read: nothing to give back
    ("对经济增长的依赖", "对经济增长的依赖"),  # no stop printed
    ("产流失现象，", "产流失现象"),  # a comma has no ring
    ("气温为二十度°", "气温为二十度"),  # a ring set high is a degree
    ("增长了百分之O", "增长了百分之"),  # a Latin O stands taller than half an em
    ("国家财政预算", "国家财政预"),  # a character's own closed parts are no stop
])
def test_nothing_but_a_stops_ring_is_taken_for_one(text, read):
    ink, block = _line(text, read)
    assert ocr.closing_full_stops(ink, [block]) == 0
    assert block.lines[0].text == read
