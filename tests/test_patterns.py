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
