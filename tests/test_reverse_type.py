"""Light type on a dark ground (issue 15 must-have 5): a caption set in reverse into a
photo, and a page printed light on dark, are found, read and typed; the lit specks of a
dark picture are not taken for type. Real Tesseract on a page drawn here."""

import random

import numpy as np
import pytest
import sqlite_utils
from PIL import Image, ImageDraw

from testkit.render import SERIF, font
from testkit.scoring import cer

from .conftest import run_archive

BODY = "场子设在村边低洼处一块地里四面土坡都是看台几张桌子一字排开当主席台高音喇叭响起来乡音乡味乡亲" * 6
CAPTION = ["这个绑着火种的木架子，四面都有谜语，", "这一笔娟秀的行书，不知是出自谁人之手。"]
EM = 36  # body type at 300 dpi


def _page(path, caption: bool, ground: int = 255):
    """A page: a dark photo on the left (noise and lit specks, like sparks over a
    night scene) with, if ``caption``, two lines of white type set into its foot; on the
    right a column of body type, dark on white or (``ground`` dark) white on dark."""
    rng = random.Random(7)
    img = Image.new("L", (2400, 2000), 255)
    d = ImageDraw.Draw(img)
    d.rectangle((100, 150, 1150, 1850), fill=35)
    px = img.load()
    for _ in range(400):  # sparks: lit dots of one to a few pixels
        x, y, r = rng.randrange(110, 1140), rng.randrange(160, 1500), rng.randrange(1, 5)
        d.ellipse((x, y, x + r, y + r), fill=rng.randrange(180, 256))
    noise = np.asarray(img, np.int16) + np.random.default_rng(7).normal(0, 6, (2000, 2400)).astype(np.int16)
    img = Image.fromarray(np.clip(noise, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(img)
    cap = font(SERIF, 30)
    if caption:
        for k, line in enumerate(CAPTION):
            d.text((160, 1720 + 44 * k), line, font=cap, fill=245)
    if ground != 255:
        d.rectangle((1250, 150, 2300, 1850), fill=ground)
    body = font(SERIF, EM)
    per = 27
    for k in range(0, len(BODY) // per):
        d.text((1300, 200 + 56 * k), BODY[k * per:(k + 1) * per], font=body, fill=250 if ground != 255 else 20)
    img.save(path, dpi=(300, 300))


def _ingest(tmp_path, **kw):
    page = tmp_path / "page.png"
    _page(page, **kw)
    db = tmp_path / "a.db"
    proc = run_archive("ingest", page, "--db", db, "-q", "--workers", "1", "--lang", "chi_sim")
    assert proc.returncode == 0, proc.stderr
    return sqlite_utils.Database(db)


@pytest.mark.skipif(not SERIF.exists(), reason="Noto CJK fonts not installed")
@pytest.mark.parametrize("ground", [255, 40])
def test_a_caption_set_in_reverse_into_a_photo_is_read_as_its_caption(tmp_path, tesseract, ground):
    db = _ingest(tmp_path, caption=True, ground=ground)
    captions = [r["text"] for r in db.query("select text from blocks where kind = 'caption'")]
    assert captions and min(cer("".join(CAPTION), c.replace("\n", "")) for c in captions) < 0.1, captions
    body = "".join(r["body"] or "" for r in db.query("select body from articles"))
    assert cer(BODY, body) < 0.1, body  # the body read too, light or dark, and the caption not in it
    assert "木架子" not in body


@pytest.mark.skipif(not SERIF.exists(), reason="Noto CJK fonts not installed")
def test_the_lit_specks_of_a_dark_picture_are_not_type(tmp_path, tesseract):
    db = _ingest(tmp_path, caption=False)
    photo = next(db.query("select x, y, w, h from blocks where kind = 'photo'"))
    inside = [r for r in db.query("select kind, text from blocks where kind != 'photo' and x >= ? and x < ?",
                                  [photo["x"], photo["x"] + photo["w"]])]
    assert inside == []
