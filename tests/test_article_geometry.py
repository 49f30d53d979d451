"""Reading order and article regions from the geometry of rules, gutters and titles
(issue 16): the arrangements that split stories on pages of a renderer this project
did not write. Plain blocks, no image: each test builds the page's boxes as the
layout stage measures them."""

import pytest

from archive import layout
from archive.model import BODY, BYLINE, CAPTION, HEADLINE, NOTE, PHOTO, RULE, SUBHEAD, TEXT, Block
from archive.segment import segment

SIZE = 40.0  # body glyph height in pixels (a 300-dpi page)
COL, GUT = 420.0, 30.0  # column width and gutter


def col(i: int) -> tuple[float, float]:
    x0 = 100 + i * (COL + GUT)
    return x0, x0 + COL


def text(i: int, y0: float, y1: float, size: float = SIZE) -> Block:
    x0, x1 = col(i)
    return Block(TEXT, bbox=(x0, y0, x1, y1), font_size=size)


def title(i0: int, i1: int, y0: float, size: float = 90.0) -> Block:
    return Block(HEADLINE, bbox=(col(i0)[0] + 20, y0, col(i1)[1] - 20, y0 + size), font_size=size)


def rule(x0, y0, x1, y1) -> Block:
    return Block(RULE, bbox=(x0, y0, x1, y1))


def regions_of(blocks):
    ordered = layout.reading_order(blocks)
    layout.article_regions(ordered, blocks)
    return ordered


def test_a_rule_across_the_page_parts_two_stories_whose_headlines_are_narrower():
    """Each story's headline is centred over three of its five columns; the outer
    columns lie clear of it, so a cut down the page's first gutter met nothing. The
    rule across the page says the columns are not read through it."""
    top_title, low_title = title(1, 3, 100), title(1, 3, 1400)
    top = [text(i, 250, 1250) for i in range(5)]
    low = [text(i, 1550, 2500) for i in range(5)]
    across = rule(100, 1330, col(4)[1], 1336)
    columns = [rule(col(i)[1] + GUT / 2 - 2, y0, col(i)[1] + GUT / 2 + 2, y1)
               for i in range(4) for y0, y1 in ((250, 1250), (1550, 2500))]
    blocks = [top_title, low_title, *top, *low, across, *columns]
    ordered = regions_of(blocks)
    assert ordered == [top_title, *top, low_title, *low]
    assert {b.region for b in [top_title, *top]} == {0}
    # the lower story's first column, beside its headline, under its rule, is the lower story's
    assert {b.region for b in [low_title, *low]} == {1}


def test_a_sidebar_beside_ruled_stories_opens_a_region_of_its_own():
    """Stories over four columns, parted by rules that stop at the fifth, and a
    narrow column beside them from the top of the page to its foot: a story of its
    own (its headline set in body type, so no title marks it)."""
    t1, t2 = title(0, 2, 100), title(0, 2, 1400)
    s1 = [text(i, 250, 1250) for i in range(4)]
    s2 = [text(i, 1550, 2500) for i in range(4)]
    side_head, side = text(4, 100, 140), text(4, 200, 2500)
    blocks = [t1, t2, *s1, *s2, side_head, side, rule(100, 1330, col(3)[1], 1336)]
    ordered = regions_of(blocks)
    assert ordered.index(side_head) > ordered.index(s2[-1])
    assert side.region == side_head.region
    assert side.region not in {b.region for b in [t1, t2, *s1, *s2]}


def test_columns_side_by_side_with_no_rule_carry_one_story_on():
    """Old papers: a column with no title at its head carries on the story at the foot
    of the column before (no rules of several columns anywhere)."""
    t = title(0, 0, 100, 60.0)
    c0, c1, c2 = text(0, 200, 2500), text(1, 100, 2500), text(2, 100, 2500)
    ordered = regions_of([t, c0, c1, c2])
    assert ordered == [t, c0, c1, c2]
    assert {b.region for b in ordered} == {0}


def test_a_grid_of_boxed_notices_is_read_row_by_row():
    """Rules across and rules down cross each other (a page of boxed advertisements):
    each rule blocks the cut along the other; the rows are read in turn."""
    boxes = [[text(i, 100 + r * 500, 500 + r * 500) for i in range(2)] for r in range(3)]
    rules = [rule(100, 560 + r * 500, col(1)[1], 566 + r * 500) for r in range(2)]
    rules.append(rule(col(0)[1] + GUT / 2 - 2, 90, col(0)[1] + GUT / 2 + 2, 1610))
    ordered = layout.reading_order([b for row in boxes for b in row] + rules)
    assert ordered == [b for row in boxes for b in row]


def test_a_page_frame_does_not_hold_two_columns_together():
    """Rules round the page touch text on one side only: they part nothing and stop no
    cut (the columns were read line by line across the page)."""
    head = Block(TEXT, bbox=(300, 40, 700, 80), font_size=SIZE)
    c0, c1 = text(0, 200, 2000), text(1, 200, 2000)
    frame = [rule(60, 120, col(1)[1] + 40, 126), rule(60, 2050, col(1)[1] + 40, 2056),
             rule(60, 30, 66, 2056), rule(col(1)[1] + 40, 30, col(1)[1] + 46, 2056)]
    ordered = layout.reading_order([head, c0, c1, *frame])
    assert ordered == [head, c0, c1]


def test_a_caption_cut_at_the_gutters_under_its_photo_is_one_caption():
    photo = Block(PHOTO, bbox=(col(1)[0], 500, col(2)[1], 1000))
    pieces = [Block(TEXT, bbox=(col(1)[0] + 80, 1010, col(1)[1], 1040), font_size=30.0),
              Block(TEXT, bbox=(col(2)[0], 1010, col(2)[1] - 120, 1040), font_size=30.0)]
    body = [text(0, 100, 2000), text(3, 100, 2000)]
    blocks = [photo, *pieces, *body]
    layout.classify_blocks(blocks, 3500)
    captions = [b for b in blocks if b.kind == CAPTION]
    assert len(captions) == 1
    assert captions[0].bbox == (col(1)[0] + 80, 1010, col(2)[1] - 120, 1040)


def test_a_title_between_body_and_headline_size_wider_than_a_column_is_a_headline():
    """Set a little small (1.4 times the body), a two-line title over three columns
    is still a title; a crosshead of that size stays in its column."""
    cols = [text(i, 300, 2000) for i in range(3)]
    wide = Block(TEXT, bbox=(col(0)[0], 100, col(1)[1], 160), font_size=1.4 * SIZE)
    crosshead = Block(TEXT, bbox=(col(2)[0] + 100, 2100, col(2)[1] - 100, 2156), font_size=1.4 * SIZE)
    layout.classify_blocks([*cols, wide, crosshead, text(2, 2200, 3000)], 3500)
    assert wide.kind == HEADLINE and crosshead.kind == SUBHEAD


def test_a_column_measured_large_is_no_headline():
    """Touching lines make a column's type measure large; display type is a few lines."""
    cols = [text(i, 300, 2000) for i in range(3)]
    fat = text(3, 300, 2000, size=1.6 * SIZE)  # 26 lines
    layout.classify_blocks([*cols, fat], 3500)
    assert fat.kind == TEXT


def test_a_note_inside_its_region_does_not_end_the_story():
    """A letter and its answer under one headline each end with a note; the region,
    not the note, ends the story."""
    def unit(kind, t, region):
        return Block(kind, text=t, region=region)
    units = [unit(HEADLINE, "盲目挖砂影响江堤安全", 0), unit(BODY, "长江流经江西九江市境内。", 0),
             unit(NOTE, "（江西九江日报社潘浔）", 0), unit(BODY, "编辑同志：我是一名出租汽车司机。", 0),
             unit(NOTE, "（江苏读者郝友好）", 0),
             unit(HEADLINE, "互助互济闯难关", 1), unit(BODY, "实施“送温暖工程”需要资金。", 1)]
    articles = segment(units, [])
    assert [a.headline for a in articles] == ["盲目挖砂影响江堤安全", "互助互济闯难关"]
    assert "编辑同志" in articles[0].body and articles[0].notes == ["（江西九江日报社潘浔）", "（江苏读者郝友好）"]
    # with no regions (a bare text stream) a note still ends its article
    for u in units:
        u.region = None
    assert len(segment(units, [])) == 3


def test_the_byline_of_a_story_within_a_story_stays_where_it_is_printed():
    """A roundup: items under one headline, each with its title line and byline. The
    byline after an item's title was taken for the article's byline and moved to its
    head (devset: 本报记者王德颖戴鹏 under 便民『指路卡』——平顶山交警为民服务记事). A
    byline that nothing follows is the one printed at the end, the article's."""
    def unit(kind, t):
        return Block(kind, text=t, region=0)
    units = [unit(HEADLINE, "送温暖重实效"), unit(BYLINE, "本报记者程曦"), unit(BODY, "江西省积极做好扶贫解困工作。"),
             unit(BODY, "便民『指路卡』——平顶山交警为民服务记事"), unit(BYLINE, "本报记者王德颖戴鹏"),
             unit(BODY, "在河南省平顶山市，记者得到一项特别的服务。"), unit(BYLINE, "本报记者李长云")]
    [a] = segment(units, [])
    assert a.byline == "本报记者程曦 本报记者李长云"
    body = a.body
    assert body.index("指路卡") < body.index("王德颖戴鹏") < body.index("在河南省")
    assert "李长云" not in body
    assert {"程曦", "王德颖戴鹏", "李长云"} <= set(a.authors)


def test_a_column_right_of_a_flush_left_headline_stays_with_its_story():
    """Two stories side by side, each headline set flush left and narrower than its
    columns: the bare gutter after the first story's last column parts them, not the
    gutter before that column (which would leave it with no title of its own side).
    Each story's columns start on a line of their own."""
    a_title, b_title = title(0, 2, 100, 60.0), title(4, 5, 100, 60.0)
    a_cols = [text(i, 250, 2000) for i in range(4)]
    b_cols = [text(i, 200, 2000) for i in (4, 5)]
    regions_of([a_title, b_title, *a_cols, *b_cols])
    assert {b.region for b in [a_title, *a_cols]} == {0}
    assert {b.region for b in [b_title, *b_cols]} == {1}


def test_a_column_left_of_a_centred_headline_goes_with_the_columns_it_lines_up_with():
    """The second story's headline is centred over its four columns, narrower than
    them: its first column, under no title, starts on the line its other columns
    start on, and is the second story's."""
    a_title, b_title = title(0, 2, 100, 90.0), title(4, 5, 100, 90.0)
    a_cols = [text(i, 300, 2000) for i in range(3)]
    b_cols = [text(i, 250, 2000) for i in range(3, 7)]
    regions_of([a_title, b_title, *a_cols, *b_cols])
    assert {b.region for b in [a_title, *a_cols]} == {0}
    assert {b.region for b in [b_title, *b_cols]} == {1}


def test_a_blot_the_size_of_one_glyph_is_no_headline():
    cols = [text(i, 300, 2000) for i in range(3)]
    blot = Block(TEXT, bbox=(col(1)[0] + 100, 2100, col(1)[0] + 160, 2160), font_size=60.0)
    layout.classify_blocks([*cols, blot], 3500)
    assert blot.kind == TEXT


def test_a_line_in_title_type_inside_a_titled_region_is_a_crosshead():
    """A bold line of body size inside the region of a story that has its title (the
    layout found no second title there) is a crosshead, however it measures."""
    def units(region):
        return [Block(kind, text=t, region=region, font_size=size) for kind, t, size in (
            (HEADLINE, "帐篷里建起少儿之家", 28.0), (BODY, "本报张北1月21日电地震发生后。", 27.0),
            (HEADLINE, "台路沟乡不少房屋倒塌", 27.0), (BODY, "大批儿童失去了学习和玩耍的场所。", 27.0))]
    articles = segment(units(0), [])
    assert len(articles) == 1 and articles[0].headline == "帐篷里建起少儿之家"
    assert any(p.kind.value == "subhead" and p.text == "台路沟乡不少房屋倒塌" for p in articles[0].blocks)
    # in a bare stream (no regions) the same line opens a story, as before
    assert len(segment(units(None), [])) == 2
    # and display lines stacked in one region (advertisements) still part
    ads = units(0)
    ads[0].font_size = ads[2].font_size = 60.0
    assert len(segment(ads, [])) == 2


def test_a_column_read_before_the_title_centred_over_its_story_is_that_story():
    """A title centred over three of four columns is read after the first column (its
    left edge is further right); the region says the column is that story's."""
    units = [Block(BODY, text="本报北京1月21日讯为纪念中日邦交正常化25周年。", region=0, font_size=36.0),
             Block(HEADLINE, text="中日友好音乐会在京举行", region=0, font_size=69.0),
             Block(BODY, text="音乐会由中国对外友好协会主办。", region=0, font_size=36.0)]
    articles = segment(units, [])
    assert len(articles) == 1
    assert articles[0].headline == "中日友好音乐会在京举行" and articles[0].body.startswith("本报北京")


def test_specks_in_a_narrow_gutter_do_not_hide_it():
    """A heavily degraded scan at 200 dpi: a gutter three quarters of a glyph wide with
    dust in it every two lines. The gutter is still found down the columns' height
    (the dust broke it into pieces too short to count, and the columns were read across)."""
    import numpy as np

    ch, gutter = 24, 18
    ink = np.zeros((1400, 800), np.uint8)
    left = (40, 380)
    right = (left[1] + gutter, left[1] + gutter + 340)
    for y in range(100, 1300, 36):  # lines of square glyphs with a little space between
        for x0, x1 in (left, right):
            for x in range(x0, x1 - ch + 1, ch + 3):
                ink[y:y + ch, x:x + ch] = 255
    for y in range(118, 1300, 72):  # a speck across the middle of the gutter every two lines
        ink[y:y + 4, left[1] + 6:left[1] + 12] = 255
    walls = layout.find_gutters(ink, float(ch))
    mid = left[1] + gutter / 2
    down = [w for w in walls if abs((w[0] + w[2]) / 2 - mid) < gutter / 2]
    assert down and max(w[3] - w[1] for w in down) > 0.8 * 1200, walls


def test_the_white_between_two_photos_is_no_gutter():
    """Two photos side by side: the strip between them parts no text; with it gone, what
    is left under them is too short to be a gutter (it cut a caption line in two)."""
    ch = 24.0
    a = Block(PHOTO, bbox=(100, 100, 500, 800))
    b = Block(PHOTO, bbox=(520, 100, 920, 800))
    between = (509.0, 120.0, 511.0, 900.0)  # down between them, and a little below
    beside = (950.0, 120.0, 952.0, 900.0)  # a gutter beside one photo and text
    kept = layout._between_text([between, beside], [a, b], ch)
    assert kept == [beside]


def _columns_of_glyphs(ink, columns, rows, ch, indented=()):
    for k, y in enumerate(rows):
        for x0, x1 in columns:
            start = x0 + (ch if k in indented and x0 > columns[0][0] else 0)
            for x in range(start, x1 - ch + 1, ch + 3):
                ink[y:y + ch, x:x + ch] = 255


def test_a_gutter_is_placed_where_the_white_runs_down_not_in_an_indent_beside_it():
    """The right-hand column opens with lines set in (a letter's salutation and its first
    paragraph), white that joins the gutter's for a stretch: the wall goes
    down the gutter, not through the first character of every line of that column (at
    200 dpi a column lost its first characters to the column beside it)."""
    import numpy as np

    ch, gutter = 24, 20
    ink = np.zeros((1400, 800), np.uint8)
    left = (40, 380)
    right = (left[1] + gutter, left[1] + gutter + 340)
    _columns_of_glyphs(ink, (left, right), range(100, 1300, 34), ch, indented=range(14))
    inked = np.flatnonzero(ink[100 + 20 * 34:100 + 21 * 34].any(axis=0))  # a line set full out
    white = (inked[inked < right[0]].max(), inked[inked >= right[0]].min())  # the gutter's white
    walls = layout.find_gutters(ink, float(ch))
    down = [w for w in walls if white[0] - ch < (w[0] + w[2]) / 2 < white[1] + 2 * ch]
    assert down and all(abs((w[0] + w[2]) / 2 - sum(white) / 2) <= 0.2 * ch for w in down), (down, white)


def test_columns_under_a_photo_are_parted_by_their_short_gutter():
    """A photo set over two columns, and under it (and its caption) four lines in each
    column: a gutter far shorter than a column's is still one there, and only there."""
    import numpy as np

    ch, gutter = 24, 20
    ink = np.zeros((900, 800), np.uint8)
    photo = Block(PHOTO, bbox=(40.0, 60.0, 760.0, 500.0))
    ink[60:500, 40:760] = 255
    ink[512:536, 200:600] = 255  # a caption line across the gutter
    left, right = (40, 390), (390 + gutter, 760)
    _columns_of_glyphs(ink, (left, right), range(560, 560 + 4 * 34, 34), ch)
    walls = layout.find_gutters(ink, float(ch), [photo])
    assert any(left[1] <= (w[0] + w[2]) / 2 <= right[0] and w[1] < 600 and w[3] > 640 for w in walls), walls
    assert not any(w[1] > 540 for w in layout.find_gutters(ink, float(ch))), "no photo above: too short to be one"
    # under a figure: its part caption and its caption, each with a gap at the same place,
    # then a paragraph across: white runs down between the captions' words, parting no columns
    ink = np.zeros((1000, 800), np.uint8)
    ink[60:500, 40:760] = 255
    for y in (520, 640):
        ink[y:y + ch, 200:388] = 255
        ink[y:y + ch, 412:600] = 255
    _columns_of_glyphs(ink, ((40, 760),), range(720, 980, 34), ch)
    assert not any(380 <= (w[0] + w[2]) / 2 <= 420 for w in layout.find_gutters(ink, float(ch), [photo]))


def test_one_line_drawn_wider_does_not_make_every_line_of_its_column_a_paragraph():
    """A column whose lines start flush at x=100 but for one that OCR drew from x=76 (a
    speck read as 。 before it): measured from that line, every other line looked
    indented, and each line was stored as a paragraph of its own (devset, 200 dpi)."""
    from archive.model import Line

    body = 29.0
    texts = ["　地震发生后，张北县", "台路沟乡不少房屋倒塌，", "大批儿童失去了学习和玩", "耍的场所。在这里抗震救",
             "灾的武警官兵看在眼里，", "急在心里。", "　他们凑了两千多元钱，", "买来彩电、图书、文具，", "建成灾区第一所少儿之家。"]
    lines = []
    for i, t in enumerate(texts):
        x0 = 100 + (2 * body if t.startswith("　") else 0) - (24 if i == 3 else 0)
        x1 = 100 + body * len(t.strip("　")) + (2 * body if t.startswith("　") else 0)
        x1 = 100 + 11 * body if t[-1] not in "。" else x1
        lines.append(Line(t.strip("　"), bbox=(x0, 40.0 * i, x1, 40.0 * i + body)))
    block = Block(TEXT, text="\n".join(ln.text for ln in lines), lines=lines, font_size=body,
                  bbox=(76.0, 0.0, 100 + 11 * body, 40.0 * len(texts)))
    units = layout.paragraphs(block, body)
    assert [u.text.replace("\n", "") for u in units] == [
        "地震发生后，张北县台路沟乡不少房屋倒塌，大批儿童失去了学习和玩耍的场所。在这里抗震救灾的武警官兵看在眼里，急在心里。",
        "他们凑了两千多元钱，买来彩电、图书、文具，建成灾区第一所少儿之家。"]


def test_a_figure_label_set_apart_from_its_title_joins_it_and_is_a_caption():
    """图 3, set apart from the figure's title by wide spaces, came out as three blocks on
    one line, read as body text in the middle of the page (OmniDocBench 61522235): joined,
    the line is the figure's caption. A body paragraph citing a figure stays body."""
    import numpy as np

    from archive.model import Line, PageLayout

    def block(text, x0, x1, y0=700.0, lines=1):
        return Block(TEXT, text=text, bbox=(x0, y0, x1, y0 + 24.0 * lines), font_size=24.0,
                     lines=[Line(text, bbox=(x0, y0, x1, y0 + 24.0))] * lines)

    pieces = [block("图", 400, 424), block("3", 450, 462), block("水松生长情况对比", 520, 720)]
    cite = block("图3所示，施肥组的植株最高，不施肥组最低。", 100, 1000, y0=800.0, lines=2)
    photo = Block(PHOTO, bbox=(200.0, 100.0, 900.0, 640.0))
    lay = PageLayout(image=np.zeros((1400, 1100), np.uint8), blocks=[photo, *pieces, cite],
                     ordered=[*pieces, cite], body=24.0, text_height=24.0)
    layout.reconsider_kinds(lay)
    assert [(b.kind, b.text) for b in lay.ordered] == [(CAPTION, "图 3 水松生长情况对比"), (TEXT, cite.text)]
    assert lay.ordered[0].bbox == (400, 700.0, 720, 724.0) and len(lay.blocks) == 3


def test_a_figure_title_wrapped_to_three_lines_is_a_caption():
    """A narrow figure's caption wraps its title to three lines (OmniDocBench 61520814,
    under a pie chart, beyond the chart's box at the left): it is a caption all the
    same. Four lines of body that open by citing a figure stay body."""
    import numpy as np

    from archive.model import Line, PageLayout

    def block(texts, y0):
        lines = [Line(t, bbox=(100.0, y0 + 30 * i, 400.0, y0 + 30 * i + 24)) for i, t in enumerate(texts)]
        return Block(TEXT, text="\n".join(texts), bbox=(100.0, y0, 400.0, y0 + 30 * len(texts)),
                     font_size=24.0, lines=lines)

    caption = block(["图 6-3-1　西北黄土高原区", "各省（自治区）侵蚀沟道面积", "占全区沟道面积比例图"], 700.0)
    cite = block(["图 6-3-1 表明，各省侵蚀沟道", "面积差异很大，甘肃和陕西", "两省合计超过一半，宁夏", "最少。"], 900.0)
    lay = PageLayout(image=np.zeros((1400, 1100), np.uint8), blocks=[caption, cite],
                     ordered=[caption, cite], body=24.0, text_height=24.0)
    layout.reconsider_kinds(lay)
    assert [b.kind for b in lay.ordered] == [CAPTION, TEXT]


@pytest.mark.parametrize("at_foot", [False, True])
def test_what_is_set_on_the_folios_line_is_the_pages_own(at_foot):
    """A journal's title and the issue's date set on the line of the page's folio, in
    type larger than the advertisements under them (The Publishers' Circular, 1883):
    typed subheads, they opened an article. On the folio's line they are its running
    head and date line. A headline set lower down, and a masthead beside its ears, are
    left as they are."""
    import numpy as np

    from archive.model import Kind, Line, PageLayout

    def block(kind, text, x0, x1, y0, h=34.0, lines=1):
        return Block(kind, text=text, bbox=(x0, y0, x1, y0 + h), font_size=h,
                     lines=[Line(text, bbox=(x0, y0, x1, y0 + h))] * lines)

    y = 2300.0 if at_foot else 121.0
    folio = block(Kind.PAGE_NUMBER, "1366", 148, 209, y + 16, h=27.0)
    title = block(SUBHEAD, "The Publishers\u2019 Circular", 582, 1061, y)
    date = block(SUBHEAD, "Dec. 6, 1883", 1343, 1499, y + 18, h=37.0)
    head = block(HEADLINE, "WORD MAKING AND WORD TAKING", 150, 1500, 400.0, h=42.0)
    body = block(TEXT, "Field's Copyright Edition, originally issued in 1879.", 150, 1500, 460.0, h=27.0, lines=3)
    lay = PageLayout(image=np.zeros((2417, 1614), np.uint8), blocks=[folio, title, date, head, body],
                     ordered=[folio, title, date, head, body], body=27.0, text_height=27.0)
    layout.reconsider_kinds(lay)
    assert [b.kind for b in lay.ordered] == [Kind.PAGE_NUMBER, Kind.RUNNING_HEAD, Kind.DATELINE, HEADLINE, TEXT]
    ears = block(Kind.DATELINE, "Dec. 6, 1883", 100, 300, 150.0, h=30.0)
    masthead = block(HEADLINE, "THE EVENING STAR", 400, 1200, 100.0, h=120.0)
    lay = PageLayout(image=np.zeros((2417, 1614), np.uint8), blocks=[ears, masthead], ordered=[ears, masthead],
                     body=27.0, text_height=27.0)
    layout.reconsider_kinds(lay)
    assert masthead.kind != Kind.RUNNING_HEAD


def test_a_gutter_broken_by_an_indent_beside_it_goes_on_in_line():
    """Two lines of the column beside a gutter run together on a blurred scan into a blot
    that reaches across the gutter; the gutter's strip breaks there, and the lines under
    the break are too short for a gutter of their own: they were read across the
    columns (devset, 200 dpi). In line with the gutter over them, they are the same
    gutter."""
    import numpy as np

    ch, gutter = 24, 20
    ink = np.zeros((1500, 800), np.uint8)
    left = (40, 380)
    right = (left[1] + gutter, left[1] + gutter + 340)
    rows = list(range(100, 100 + 36 * 34, 34))
    _columns_of_glyphs(ink, (left, right), rows, ch)
    ink[rows[30]:rows[31] + ch, right[0]:right[0] + 3 * ch] = 0
    ink[rows[30]:rows[31] + ch, left[1] - ch:right[0] + ch] = 255  # two lines run together, and a blot
    walls = layout.find_gutters(ink, float(ch))
    mid = (left[1] + right[0]) / 2
    assert not any(abs((w[0] + w[2]) / 2 - mid) < ch and w[1] < rows[31] < w[3] for w in walls), walls
    assert any(abs((w[0] + w[2]) / 2 - mid) < ch and w[1] > rows[31] and w[3] > rows[34] for w in walls), walls


def test_under_a_photo_only_a_gutter_as_wide_as_the_pages_parts_columns():
    """Han characters set on a grid with wide tracking: the gaps between them line up
    down the few lines under a photo; they are narrower than the page's gutters and part
    nothing, where the gutter between the two columns does."""
    import numpy as np

    ch, gutter = 24, 24
    ink = np.zeros((1500, 800), np.uint8)
    left = (40, 380)
    right = (left[1] + gutter, left[1] + gutter + 340)
    _columns_of_glyphs(ink, (left, right), range(60, 60 + 20 * 34, 34), ch)  # columns over a photo
    photo = Block(PHOTO, bbox=(40.0, 800.0, 744.0, 1100.0))
    ink[800:1100, 40:744] = 255
    for y in range(1130, 1130 + 5 * 34, 34):  # under it, five lines of tracked characters
        for x0, x1 in (left, right):
            for x in range(x0, x1 - ch + 1, ch + 12):
                ink[y:y + ch, x:x + ch] = 255
    walls = [w for w in layout.find_gutters(ink, float(ch), [photo]) if w[1] > 1100]
    inked = np.flatnonzero(ink[1130:1130 + ch].any(axis=0))
    gutter_mid = (inked[inked < right[0]].max() + inked[inked >= right[0]].min()) / 2
    assert walls and all(abs((w[0] + w[2]) / 2 - gutter_mid) < ch / 2 for w in walls), (walls, gutter_mid)


def test_a_chart_of_light_tints_with_dark_labels_is_a_figure():
    """A pie chart printed in light tints, labels in dark type on it: binarised, only the
    labels are ink, with white rows between them as between lines of text, and the chart
    was taken for text and read into the column beside it (OmniDocBench 61520814). Its
    tints fill those rows in the grey. Blurred lines of text are still no photo."""
    import cv2
    import numpy as np

    ch = 24
    gray = np.full((1000, 1000), 250, np.uint8)
    cv2.circle(gray, (400, 450), 220, 175, -1)
    cv2.ellipse(gray, (400, 450), (220, 220), 0, 0, 120, 140, -1)
    for y in (330, 430, 530):  # labels in dark type
        gray[y:y + ch, 330:470] = 30
    ink = np.where(gray < 128, 255, 0).astype(np.uint8)
    photos = layout.find_photos(gray, ink, float(ch))
    assert any(p.bbox[0] < 400 < p.bbox[2] and p.bbox[1] < 450 < p.bbox[3] for p in photos), photos

    text = np.full((1000, 1000), 250, np.uint8)  # lines of text blurred into bars, paper between
    for y in range(200, 800, 40):
        text[y:y + 26, 200:800] = 90
    text = cv2.GaussianBlur(text, (9, 9), 0)
    assert not layout.find_photos(text, np.where(text < 128, 255, 0).astype(np.uint8), float(ch))


def test_a_paragraph_between_two_rules_is_no_table_row():
    """A book page: the rule under the running head, a paragraph, then a table of three
    rules. The paragraph and the table's caption were read as the table's."""
    body = 20.0
    rule = lambda y: Block(RULE, bbox=(100.0, y, 1100.0, y + 2))  # noqa: E731
    para = Block(TEXT, bbox=(100.0, 80.0, 1100.0, 150.0), font_size=body)
    cells = [Block(TEXT, bbox=(120.0 + 200 * i, 260.0, 220.0 + 200 * i, 280.0), font_size=body) for i in range(4)]
    blocks = [rule(60.0), para, rule(230.0), *cells, rule(300.0), rule(380.0)]
    assert layout.find_tables(blocks, body) == [(100.0, 230.0, 1100.0, 382.0)]


def test_the_gaps_of_han_set_on_a_grid_with_wide_tracking_are_no_gutters():
    """A 150-dpi page of Han set on a grid with a third of a glyph between characters:
    the gaps line up down the whole column, as wide as the least gutter width rounded to
    the half-resolution pixels gutters are looked for in. They are the page's letter
    spacing, and only the gutter, wider than that, parts the columns (every gap had been
    a wall, and each column was read one character wide)."""
    import numpy as np

    ch, width, track, gutter = 19, 18, 6, 30
    ink = np.zeros((1200, 700), np.uint8)
    columns = ((40, 40 + 11 * (width + track)), )
    columns += ((columns[0][1] + gutter, columns[0][1] + gutter + 11 * (width + track)), )
    for y in range(60, 1140, 28):
        for x0, x1 in columns:
            for x in range(x0, x1 - width + 1, width + track):
                ink[y:y + ch, x:x + width] = 255
    assert layout.letter_spacing(ink, float(ch)) == track
    walls = layout.find_gutters(ink, float(ch))
    mid = (columns[0][1] - track + columns[1][0]) / 2
    assert walls and all(abs((w[0] + w[2]) / 2 - mid) < gutter / 2 for w in walls), (walls, mid)


def test_a_piece_inside_a_block_is_not_a_block_of_its_own():
    """A paragraph whose lines measure half again body size (set solid, lines touching)
    and, in one line, a word set apart by the wide spaces of justification at body size:
    the word joins no line, and a block of its own inside the paragraph's box would be
    read twice (a 19th-century page of one column came out as one block and twenty
    pieces inside it, its lines in the archive twice)."""
    import numpy as np

    ch = 22
    ink = np.zeros((700, 900), np.uint8)
    for k, y in enumerate(range(60, 600, 44)):
        if k == 5:
            ink[y:y + 34, 40:300] = 255
            ink[y + 6:y + 28, 400:470] = 255
            ink[y:y + 34, 570:860] = 255
        else:
            ink[y:y + 34, 40:860] = 255
    blocks = layout.find_text_blocks(ink, float(ch))
    assert len(blocks) == 1 and blocks[0].bbox[1] <= 60 and blocks[0].bbox[3] >= 620, [b.bbox for b in blocks]


def test_two_columns_set_solid_are_parted_at_their_gutter():
    """Old print set solid: each column's lines touch, so the block measures at nearly
    twice body size, as a headline would; a block that size running down twenty of its
    lines is text, and the gutter between its columns parts it."""
    import numpy as np

    ch = 21
    ink = np.zeros((900, 1000), np.uint8)
    for y in range(40, 840, 22):  # lines 21 px tall, 1 px apart, touching at descenders
        ink[y:y + 21, 40:480] = 255
        ink[y + 5:y + 26, 506:960] = 255  # the other column's baselines do not line up
    block = Block(TEXT, bbox=(40.0, 40.0, 959.0, 845.0), font_size=37.0)
    parts = layout.split_at_gutters(block, ink, float(ch))
    assert len(parts) == 2 and parts[0].bbox[2] < 493 < parts[1].bbox[0], [p.bbox for p in parts]
    headline = Block(TEXT, bbox=(40.0, 40.0, 959.0, 200.0), font_size=37.0)  # four lines of it
    assert layout.split_at_gutters(headline, ink, float(ch)) == [headline]


def test_a_story_within_a_story_with_its_own_title_and_byline_stays_in_it():
    """Inside the region of a titled story, a line of body size in title weight followed
    by a byline (a short piece run on inside the story, as 便民『指路卡』……记事 under 赣州送温暖重实效
    on a page of another renderer) does not open an article of its own; in a bare stream
    it does, and a title in display type with its byline parts in a region too."""
    from archive.model import BYLINE

    def units(region, size=25.0):
        return [Block(kind, text=t, region=region, font_size=s) for kind, t, s in (
            (HEADLINE, "赣州送温暖重实效", 47.0), (BODY, "本报讯记者报道：江西省积极做好扶贫解困工作。", 25.0),
            (HEADLINE, "服务记事", size), (BYLINE, "本报记者王德颖", 25.0),
            (BODY, "在河南省平顶山市，记者得到一项特别的服务。", 25.0))]
    articles = segment(units(0), [])
    assert len(articles) == 1 and articles[0].headline == "赣州送温暖重实效", [a.headline for a in articles]
    assert any(p.kind.value == "subhead" and p.text == "服务记事" for p in articles[0].blocks)
    assert len(segment(units(None), [])) == 2
    assert len(segment(units(0, size=47.0), [])) == 2


@pytest.mark.parametrize("cited", [False, True])
def test_a_numbered_figure_at_the_head_of_the_page_that_no_text_cites_is_read_first_on_its_own(cited):
    """A book floats a figure to the top of the next page: 图3 and its parts (a), (b)
    over section 3.3.2, whose text cites 图4 (OmniDocBench). Read into the section under
    it, its captions came after that section's body. Cited by the text under it, the
    figure is that text's. Its captions read in rows: the parts over the title."""
    def unit(kind, t, box, region=0):
        return Block(kind, text=t, bbox=box, region=region, font_size=SIZE)
    cite = "图3" if cited else "图4"
    units = [unit(CAPTION, "图3 水松生长情况对比", (587, 668, 851, 690)),
             unit(HEADLINE, "3.3.2 美人蕉植株高度和开花情况", (152, 743, 600, 782)),
             unit(BODY, f"美人蕉开花数比较如{cite}所示。", (153, 787, 1287, 1087)),
             unit(CAPTION, "(b)最终状态", (887, 602, 1012, 621)),
             unit(CAPTION, "(a)初始状态", (408, 602, 532, 621))]
    articles = segment(units, [])
    if cited:
        assert len(articles) == 1 and len(articles[0].captions) == 3
        return
    figure, section = articles
    assert [c.text for c in figure.captions] == ["(a)初始状态", "(b)最终状态", "图3 水松生长情况对比"]
    assert not figure.body and section.headline.startswith("3.3.2") and not section.captions
    assert [u.article for u in units] == [0, 1, 1, 0, 0]


def test_a_newspapers_photo_over_its_story_stays_the_storys():
    """A story's photos numbered 图① are no floated figure: the caption over the
    headline belongs to the story under it."""
    units = [Block(CAPTION, text="图①：重庆市大小公园装饰一新。", bbox=(100, 600, 900, 640), region=0),
             Block(HEADLINE, text="山城春意浓", bbox=(100, 700, 900, 790), region=0),
             Block(BODY, text="本报重庆1月21日电公园装饰一新。", bbox=(100, 800, 900, 1500), region=0)]
    [article] = segment(units, [])
    assert article.headline == "山城春意浓" and len(article.captions) == 1


def test_a_chart_label_grouped_over_a_figure_caption_is_parted_from_it():
    """A pie chart's label set close over the figure's caption was grouped into its
    block, read "En" over 图6-3-1 …, and the block was typed body (OmniDocBench 61520814).
    The block is parted where the figure's number opens a line; a paragraph with a line
    that opens by citing a figure is left whole."""
    import numpy as np

    from archive.model import Line, PageLayout

    def block(texts, y0):
        lines = [Line(t, bbox=(100.0, y0 + 30 * i, 400.0, y0 + 30 * i + 24)) for i, t in enumerate(texts)]
        return Block(TEXT, text="\n".join(texts), bbox=(100.0, y0, 400.0, y0 + 30 * len(texts)),
                     font_size=24.0, lines=lines)

    labelled = block(["En", "图6-3-1西北黄土高原区", "各省（自治区）侵蚀沟道面积", "占全区沟道面积比例"], 700.0)
    cite = block(["各省侵蚀沟道面积差异很大，", "图6-3-1表明，甘肃和陕西两", "省合计超过一半。"], 900.0)
    lay = PageLayout(image=np.zeros((1400, 1100), np.uint8), blocks=[labelled, cite],
                     ordered=[labelled, cite], body=24.0, text_height=24.0)
    layout.reconsider_kinds(lay)
    assert [(b.kind, b.text.split("\n")[0], b.bbox[1]) for b in lay.ordered] == [
        (TEXT, "En", 700.0), (CAPTION, "图6-3-1西北黄土高原区", 730.0), (TEXT, "各省侵蚀沟道面积差异很大，", 900.0)]
    assert len(lay.blocks) == 3
