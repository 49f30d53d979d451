"""The page's own text is never an article (issues 15 and 16): running head, folio,
date line and masthead get kinds of their own, a ruled table keeps its text out of the
body, and a footnote in smaller type is its article's note. A page drawn here, read by
real Tesseract end to end."""

from PIL import Image, ImageDraw

from archive import pipeline
from archive.model import Options, PageContext
from testkit.render import SANS_BOLD, SERIF, font

BODY = ("国有企业改革正在普遍深入地展开，各地围绕资产组织形式和经营方式进行改组改制。"
        "我们既要充分肯定改革的成果，又要保持清醒的头脑，加大监督力度，防止国有资产流失。"
        "在资产评估中，有关部门发现许多企业存在说不清的问题，客观上有市场疲软的原因。")


def _column(draw, text, x, y, width_chars, font, pitch):
    lines = [text[i:i + width_chars] for i in range(0, len(text), width_chars)]
    for k, line in enumerate(lines):
        draw.text((x, y + k * pitch), line, font=font, fill=0)
    return y + len(lines) * pitch


def _page(path):
    img = Image.new("L", (2480, 3508), 255)
    d = ImageDraw.Draw(img)
    body = font(SERIF, 36)
    small = font(SERIF, 28)
    d.text((150, 60), "科技日报  第4版", font=body, fill=0)
    d.text((1700, 60), "2023年12月16日 星期六", font=body, fill=0)
    d.line((150, 115, 2330, 115), fill=0, width=4)
    d.text((700, 200), "改革要防止国有资产流失", font=font(SANS_BOLD, 90), fill=0)
    y = 400
    for col in range(3):
        _column(d, BODY * 2, 150 + col * 740, y, 18, body, 52)
    # a footnote in smaller type at the foot of the first column
    d.text((150, 1880), "① 本文数据来源于国家统计局年度报告。", font=small, fill=0)
    # a ruled table under the columns
    top = 2100
    for k in range(5):
        d.line((150, top + k * 90, 2330, top + k * 90), fill=0, width=3)
    for k, row in enumerate(("项目 数量 金额", "一组 105 126", "二组 62 101", "三组 90 118")):
        for j, cell in enumerate(row.split()):
            d.text((300 + j * 700, top + 25 + k * 90), cell, font=body, fill=0)
    d.text((1180, 3380), "- 4 -", font=body, fill=0)
    img.save(path, dpi=(300, 300))


def test_furniture_tables_and_footnotes_keep_out_of_the_body(tmp_path, tesseract):
    path = tmp_path / "page.png"
    _page(path)
    result = pipeline.process_page(PageContext(path, 1, Options(lang="chi_sim")))
    kinds = {b.kind.value for b in result.page.blocks}
    assert {"page_number", "dateline", "table", "footnote"} <= kinds, sorted(kinds)
    assert kinds & {"running_head", "furniture"}, sorted(kinds)
    text = "".join(a.body + (a.headline or "") for a in result.articles)
    for stray in ("星期六", "科技日报", "105", "金额"):
        assert stray not in text, (stray, text[:200])
    assert any("国家统计局" in n for a in result.articles for n in a.notes)
    assert any("国有企业改革" in a.body for a in result.articles)
    furniture = [b for b in result.page.blocks if b.kind.is_furniture or b.kind.value == "table"]
    assert all(b.article is None for b in furniture)
