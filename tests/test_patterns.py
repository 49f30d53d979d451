"""Typography rules that need no page (archive/patterns.py)."""

import pytest

from archive import patterns as P


@pytest.mark.parametrize("ocr, fixed", [
    ("青岛西海岸新区: 立体交通网", "青岛西海岸新区：立体交通网"),
    ("已进入勘测实施阶段;董沂铁路", "已进入勘测实施阶段；董沂铁路"),
    ("国道228丹东线〈嘉陵江路西延段)改线", "国道228丹东线（嘉陵江路西延段）改线"),
    ("@本报记者 雍黎", "◎本报记者 雍黎"),
    ("@@本报记者", "◎本报记者"),
    ("重庆? 是的", "重庆？是的"),
    # Latin text and digits keep their own punctuation
    ("score 3:1 in the game", "score 3:1 in the game"),
    ("Hello, world (1887)", "Hello, world (1887)"),
    ("email @ home", "email @ home"),
])
def test_chinese_text_gets_full_width_punctuation(ocr, fixed):
    assert P.cjk_punctuation(ocr) == fixed


def test_stray_marks_beside_chinese_are_dropped_and_a_lone_one_between_han_is_the_name_dot():
    """chi_sim reads dust on a scan as "." glued to the next or last character, and the
    middle dot of a foreign name, set in an em cell of its own, as a word "." or "`".
    Chinese typesetting has neither beside a Han character; digits and Latin keep theirs."""
    from archive.patterns import ocr_stray_marks as stray

    assert stray(["认为", "，.", "他"]) == ["认为", "，", "他"]
    assert stray(["但也", ".不乏"]) == ["但也", "不乏"]
    assert stray(["“”.", "他"]) == ["“”", "他"]
    assert stray(["马可", "`", "波罗"]) == ["马可", "·", "波罗"]
    assert stray(["米", ".", "科利"]) == ["米", "·", "科利"]
    # a mark after Han at the end of a line may be a misread 。: cleanup sees it
    assert stray(["压力."]) == ["压力."]
    for kept in (["34.1%"], ["3462.", "亿"], [".1685", "年"], ["Mr", ".", "Smith"], ["the", "end."], ["U.S.", "政府"]):
        assert stray(kept) == kept


def test_the_tesseract_plugin_mends_the_words_a_line_is_made_of_and_keeps_their_boxes():
    from archive.builtin_plugins.tesseract import lines_from_data

    words = ["新华社北京", "]月", "21日电", "他", "认为，.", ".", ".不乏", "马可", "`", "波罗"]
    n = len(words)
    data = {"text": words, "conf": [90] * n, "block_num": [1] * n, "par_num": [1] * n, "line_num": [1] * n,
            "left": [40 * i for i in range(n)], "top": [0] * n, "width": [30] * n, "height": [30] * n}
    (line,) = lines_from_data(data)
    assert line.text == "新华社北京1月21日电他认为，不乏马可·波罗"
    assert [w.text for w in line.words] == ["新华社北京", "1月", "21日电", "他", "认为，", "不乏", "马可", "·", "波罗"]
    assert [w.x0 for w in line.words] == [40 * i for i in range(n) if i != 5]


def test_a_word_of_vertical_bars_is_a_rule_not_text():
    from archive.patterns import ocr_words

    assert ocr_words(["respectfully", "|", "requested"]) == ["respectfully", "", "requested"]
    assert ocr_words(["||", "本报讯"]) == ["", "本报讯"]
    assert ocr_words(["P|", "I", "a"]) == ["P|", "I", "a"]


def test_lines_keep_the_engines_order_though_a_smudge_reaches_one_up():
    from archive.builtin_plugins.tesseract import lines_from_data

    # line 2's last "word" is a smudge read from 50 px over its line, over line 1's top
    rows = [(1, "renews", 100, 30, 90), (1, "the", 100, 30, 90), (2, "at", 140, 30, 90), (2, "once", 140, 30, 90),
            (2, "~", 90, 80, 10)]
    data = {"text": [r[1] for r in rows], "conf": [r[4] for r in rows], "block_num": [1] * 5, "par_num": [1] * 5,
            "line_num": [r[0] for r in rows], "left": [0, 120, 0, 60, 200], "top": [r[2] for r in rows],
            "width": [100, 50, 40, 90, 20], "height": [r[3] for r in rows]}
    assert [ln.text for ln in lines_from_data(data)] == ["renews the", "at once ~"]


def test_an_unopened_bracket_before_a_month_or_digit_is_the_digit_one():
    from archive.patterns import ocr_misread_one as one

    assert one("新华社北京]月21日电") == "新华社北京1月21日电"
    assert one("别节目，]1月2日") == "别节目，11月2日"
    for kept in ("[1]月报", "see [3]1887", "array]", "[注]月光"):
        assert one(kept) == kept


def test_a_dash_read_as_one_where_one_cannot_stand_is_a_dash():
    from archive.patterns import ocr_dashes, ocr_words

    assert ocr_dashes("总统候选人一一一现任总统") == "总统候选人———现任总统"
    assert ocr_dashes("南部海区有6一7级偏北风") == "南部海区有6—7级偏北风"
    assert ocr_words(["达到", "国际", "ITU", "一", "T", "相关"]) == ["达到", "国际", "ITU", "—", "T", "相关"]
    assert ocr_words(["一", "一", "一", "既是"]) == ["—", "—", "—", "既是"]
    for kept in ("一一列举", "一一对应", "第一季", "3个一组", "G一代", "一1998年", "统一"):
        assert ocr_dashes(kept) == kept


def test_marks_chinese_typesetting_cannot_have_set_are_dropped():
    """Seen in the devset's OCR: a speck in the indent read as 。 or ： before the first
    character, a 。 read twice as 。，, one narrow （ read as 《〈."""
    from archive.patterns import ocr_words

    assert ocr_words(["。", "据新华社", "布拉格"]) == ["", "据新华社", "布拉格"]
    assert ocr_words(["：本报记者", "王霞光"]) == ["本报记者", "王霞光"]
    assert ocr_words(["弃", "。，", "二", "、", "毒情"]) == ["弃", "。", "二", "、", "毒情"]
    assert ocr_words(["地区", "，", "、"]) == ["地区", "，", ""]
    assert ocr_words(["日电", "《〈", "记者"]) == ["日电", "〈", "记者"]
    # what typesetting allows stays: a mark closing a line, a quote before a comma, a
    # title opening a line, ASCII marks in English, a colon opening a line of figures
    for kept in (["工作。"], ["“老本”，", "其"], ["《人民日报》"], ["Co.,", "Ltd."], [":", "30"],
                 ["（", "记者", "）"], ["……", "，"]):
        assert ocr_words(kept) == kept


@pytest.mark.parametrize("text, caption", [
    ("图 3    水松生长情况对比", True),
    ("图6-3-1西北黄土高原区各省（自治区）侵蚀沟道面积占全区沟道面积比例", True),
    ("Fig. 2 The press room of the Evening Star", True),
    ("图3所示，施肥组的植株最高", False),  # body text citing a figure runs on
    ("图为在巴黎国际警用器材展上展出的机器人。", False),  # a caption, but not by its number
    ("地图3张", False),
])
def test_a_figure_caption_opens_with_the_figure_number_and_names_it(text, caption):
    assert P.is_figure_caption(text) is caption
