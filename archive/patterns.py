"""Typography and language rules that cleanup and segmentation rely on, in one place.

Nothing here comes from a particular page: these are conventions of Chinese and
English newspaper typesetting (punctuation classes, byline and credit formulas, note
brackets) and a dictionary check for the cases text alone leaves ambiguous.

Each rule is a small function so tests can pin it, and so a newspaper with its own
conventions (a different byline marker, another credit formula) changes one line.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# --- Scripts -------------------------------------------------------------------------

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{HAN}]")
LATIN_WORD_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")


def is_han(ch: str) -> bool:
    return bool(ch) and bool(HAN_RE.match(ch))


# Tesseract's chi_sim model often gives ASCII punctuation in Chinese text (; : ? ! , ( ),
# or 〈 for （), and a byline's ◎ as @. Chinese typesetting uses the full-width forms.
_FULL_WIDTH = {";": "；", ":": "：", "?": "？", "!": "！", ",": "，", "(": "（", ")": "）", "〈": "（", "〉": "）"}
_ASCII_PUNCT_IN_HAN = re.compile(
    f"(?<=[{HAN}])\\s*([;:?!,(〈〉)])\\s*|\\s*([;:?!,(〈〉)])\\s*(?=[{HAN}])")
_AT_BYLINE = re.compile(f"^@+\\s*(?=[{HAN}])", re.M)


def cjk_punctuation(text: str) -> str:
    """Full-width punctuation next to Han characters, ◎ for a leading @ before Han.
    Digits keep theirs (3:1, 1,000) since only a mark touching a Han character changes."""
    text = _ASCII_PUNCT_IN_HAN.sub(lambda m: _FULL_WIDTH[m.group(1) or m.group(2)], text)
    return _AT_BYLINE.sub("◎", text)


# Chinese typesetting has no ASCII full stop, apostrophe or backtick beside a Han
# character or a CJK mark: there chi_sim's "." (or ' `) is either a speck of the scan
# glued to the next or last character (认为，.  .不乏), or the middle dot of a foreign
# name (马可·波罗), which is set in an em cell of its own and so comes out as a word by
# itself between two Han characters. Digits and Latin letters keep theirs (34.1%, 19.).
_STRAY = ".'`"


# Marks that Chinese and English typesetting both use: beside Latin they are English.
SHARED_MARKS = "“”‘’—…·"


def is_cjk_char(ch: str) -> bool:
    """A Han character or a CJK mark (full-width forms, CJK quotes, dash, ellipsis, ·)."""
    return is_han(ch) or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or ch in SHARED_MARKS


def _latin_or_digit(ch: str) -> bool:
    return ch.isalnum() and not is_cjk_char(ch)


def ocr_stray_marks(words: list[str]) -> list[str]:
    """The texts of an OCR line's words, in order, with stray marks beside Chinese
    dropped and a lone mark between two Han characters made the name dot ·."""
    out = list(words)
    for i, t in enumerate(words):
        before = next((w[-1] for w in reversed(out[:i]) if w), "")
        after = next((w[0] for w in words[i + 1:] if w), "")
        if t and not t.strip(_STRAY):
            if is_han(before) and is_han(after):
                out[i] = "·"
            elif (is_cjk_char(before) or is_cjk_char(after)) and not _latin_or_digit(before) \
                    and not _latin_or_digit(after):
                out[i] = ""
            continue
        core = t.strip(_STRAY)
        head, tail = t[:len(t) - len(t.lstrip(_STRAY))], t[len(t.rstrip(_STRAY)):]
        if head and is_cjk_char(core[0]) and not _latin_or_digit(before):
            head = ""
        # at the end of a line a mark after Han may be a misread 。: left for cleanup to see
        if tail and is_cjk_char(core[-1]) and after and not _latin_or_digit(after):
            tail = ""
        if tail and core[-1] in "，。、；：？！“”" and not after:
            tail = ""
        out[i] = head + core + tail
    return out


# chi_sim reads the digit one of a Chinese date as "]" (新华社北京]月21日电, ]1月 for 11月):
# a closing bracket that no "[" opened, directly before a digit or 月, is that one.
_MISREAD_ONE = re.compile("\\](?=\x00?[0-9０-９月])")  # \x00: between two words of a line


def ocr_misread_one(text: str) -> str:
    """A line's text with an unopened "]" before a digit or 月 read as the 1 it is."""
    if "]" not in text:
        return text
    out, opened = [], 0
    for i, ch in enumerate(text):
        if ch == "[":
            opened += 1
        elif ch == "]":
            if opened:
                opened -= 1
            elif _MISREAD_ONE.match(text, i):
                ch = "1"
        out.append(ch)
    return "".join(out)


# chi_sim reads the dash — as 一 (one), the stroke the two share. Where the character
# cannot stand it is the dash: three or more 一 in a row (no Chinese word has them; a
# dash is set two or three ems long), or one between two Latin letters or digits
# (6—7级, ITU—T: Chinese writes no Han numeral inside a Latin word or a range of
# figures). 一一 (one by one) and 一 between two Han characters are words, and stay.
_DASH_RUN = re.compile("一(?:\x00?一){2,}")
_DASH_FLANKED = re.compile("(?:(?<=[0-9A-Za-z０-９])|(?<=[0-9A-Za-z０-９]\x00))一(?=\x00?[0-9A-Za-z０-９])")


def ocr_dashes(text: str) -> str:
    """A line's text with the dashes chi_sim read as 一 made dashes again."""
    if "一" not in text:
        return text
    text = _DASH_RUN.sub(lambda m: m.group(0).replace("一", "—"), text)
    return _DASH_FLANKED.sub("—", text)


# Marks that cannot stand where chi_sim puts them, by the rules of Chinese typesetting
# (GB/T 15834, the line-breaking rules of CLREQ):
# - a clause mark never opens a line, so one read at the start of a line of Chinese is a
#   speck of the margin or the indent (。据新华社, ：本报记者);
# - two clause marks never stand side by side, so the second of a pair is the first's
#   glyph read twice or a speck after it (弃。，二、);
# - an opening round bracket read as two (《〈 or 〈( for one narrow glyph): a title does
#   not open with a bracket, nor a bracket with an angle bracket.
_CLAUSE = "，,、。；;：:"
_LINE_START_MARKS = re.compile(f"^(?:[{_CLAUSE}]\x00?)+(?=[{HAN}])")
_SECOND_MARK = re.compile("(?<=[，、。；：])(\x00?)[" + _CLAUSE + "]")  # the first full width: Latin has "etc.," and "a.m.;"
_BRACKET_TWICE = re.compile("[《〈](?=\x00?[〈(（])")


def ocr_impossible_marks(text: str) -> str:
    """A line's text without the marks Chinese typesetting cannot have put there."""
    text = _LINE_START_MARKS.sub(lambda m: "\x00" * m.group(0).count("\x00"), text)
    text = _SECOND_MARK.sub(lambda m: m.group(1), text)
    return _BRACKET_TWICE.sub("", text)


def ocr_words(texts: list[str]) -> list[str]:
    """The texts of an OCR line's words with chi_sim's stray marks, misread ones,
    dashes and impossible marks mended (``ocr_stray_marks``, ``ocr_misread_one``,
    ``ocr_dashes``, ``ocr_impossible_marks``); "" for a word that was only a speck or a
    rule's edge."""
    text = ocr_misread_one("\x00".join(ocr_stray_marks(texts)))
    return ["" if _RULE_ONLY.fullmatch(t) else t for t in ocr_impossible_marks(ocr_dashes(text)).split("\x00")]


# Newspaper prose, English or Chinese, prints no vertical bar: a "word" of bars alone is
# a column rule or a box's side at the edge of a crop (58 on the Evening Star of 1861).
_RULE_ONLY = re.compile("[|¦‖]+")


def han_ratio(text: str) -> float:
    letters = [c for c in text if not c.isspace()]
    return sum(map(is_han, letters)) / len(letters) if letters else 0.0


def is_cjk_text(text: str) -> bool:
    return han_ratio(text) >= 0.3


# --- Punctuation classes ---------------------------------------------------------------

# What may close a paragraph. In Chinese news the full stop, question and exclamation
# marks end a sentence; a semicolon or colon ends a paragraph in enumerations (each item
# of a list is its own paragraph), and a dash or ellipsis ends a lead-in paragraph.
# The comma and the enumeration comma (、) never end a paragraph.
SENTENCE_END = set("。！？!?；;：:…—.")
# Closing quotes and brackets that may follow the sentence end: 。” or .)
CLOSERS = set("”’」』）)》】〕\"'")
# Punctuation that cannot open a paragraph: a piece starting with it continues the
# text before it.
NON_OPENING = set("，,、；;：:。.！!？?）)》」』”’%")
# Punctuation that shows a line is running text rather than a title.
CLAUSE_PUNCT = set("，,。；;！？!?、")


def ends_paragraph(text: str) -> bool:
    """True when the text ends the way a paragraph can end."""
    t = text.rstrip()
    while t and t[-1] in CLOSERS:
        t = t[:-1]
    return bool(t) and t[-1] in SENTENCE_END


def cannot_open_paragraph(text: str) -> bool:
    t = text.lstrip()
    return bool(t) and t[0] in NON_OPENING


def has_clause_punctuation(text: str) -> bool:
    return any(c in CLAUSE_PUNCT for c in text)


# --- Line roles --------------------------------------------------------------------------

# Bylines. Chinese papers mark them with ◎ (Tesseract reads it as @ or @@), and name the
# role: 本报记者 (staff reporter), 通讯员 (correspondent), 实习生 (intern). English papers
# print "By …" or "Special to …" or a wire credit.
BYLINE_MARK_RE = re.compile(r"^\s*(?:[◎@○●]+\s*)")
CN_ROLES = (
    "本报记者", "本报特约记者", "本报通讯员", "特约记者", "见习记者", "记者", "通讯员",
    "实习生", "本报评论员", "特约评论员", "作者",
)
# A wire or another paper may precede the role: 新华社记者, 中新社记者, 人民日报记者.
CN_AGENCY = r"(?:新华社|中新社|中新网|人民日报|经济日报|光明日报|[^\s◎@]{2,6}(?:日报|晚报|社|网))?"
CN_ROLE_RE = re.compile(CN_AGENCY + "(?:" + "|".join(sorted(CN_ROLES, key=len, reverse=True)) + ")")
# The opening of a news paragraph: 本报讯, 本报北京1月5日电, 新华社北京1月5日电,
# 本报驻法国记者某某报道. A piece that starts so is never a title.
CN_DATELINE_RE = re.compile(
    r"^(?:本报讯|本报[^，,\s]{1,16}?[电讯](?!员)|本报驻[^，,\s]{1,8}?记者|"
    r"(?:新华社|中新社)[^，,\s]{0,16}?电)"
)
# A colon after a verb of saying opens a quotation: running text, not a title.
SPEECH_COLON_RE = re.compile(r"(?:说|道|问|答|表示|指出|认为|强调|介绍|称)[:：]")
EN_BYLINE_RE = re.compile(
    r"^\s*(?:By|BY|by)\s+(?P<names>[A-Z][\w.'\- ]+(?:(?:,| and | AND )\s*[A-Z][\w.'\- ]+)*)\s*[,.]?\s*(?P<rest>.*)$"
)
EN_SPECIAL_RE = re.compile(r"^\s*(?:Special (?:to|Dispatch to) (?:The |the )?[\w. ]+|From Our Own Correspondent)\.?\s*$")

MAX_BYLINE_CHARS = 40


def is_byline(text: str) -> bool:
    t = text.strip()
    if not t or len(t) > MAX_BYLINE_CHARS or ends_paragraph(t.rstrip(".")) and not t.endswith("."):
        return False
    if BYLINE_MARK_RE.match(t):
        rest = BYLINE_MARK_RE.sub("", t)
        # A marked line is a byline when what follows reads as names: short, no clause.
        return 0 < len(rest) <= 30 and not has_clause_punctuation(rest)
    if CN_ROLE_RE.match(t) and not has_clause_punctuation(t):
        return True
    if EN_BYLINE_RE.match(t) and len(t.split()) <= 8:
        return True
    return bool(EN_SPECIAL_RE.match(t))


def byline_authors(text: str) -> list[str]:
    """The people a byline names, without markers, roles and datelines."""
    t = BYLINE_MARK_RE.sub("", text.strip())
    m = EN_BYLINE_RE.match(t)
    if m:
        names = re.split(r",\s*|\s+(?:and|AND)\s+", m.group("names").strip())
        return [n.strip() for n in names if n.strip()]
    if EN_SPECIAL_RE.match(t):
        return []
    t = CN_DATELINE_RE.sub(" ", t)
    t = CN_ROLE_RE.sub(" ", t)
    return [n for n in re.split(r"[\s、，,]+", t) if n]


# Captions. A credit closes the caption: 长安汽车供图, 新华社记者 某某 摄, 本报记者某某摄,
# "Photo by …", "(AP Photo)". A caption often opens with 图为 ("pictured is").
# The credit is what follows the caption's last sentence: an agency, a role and names
# separated by spaces (新华社记者 王某 摄), then the verb.
CN_CREDIT_RE = re.compile(
    r"(?P<credit>(?:[^。！？!?，,；;]{1,30}?\s*)?(?:供图|摄影?|提供|图片来源[:：]\S{1,24}|资料图片|视觉中国|新华社发))\s*$"
)
EN_CREDIT_RE = re.compile(
    r"(?P<credit>(?:[—–-]+\s*)?(?:\(?(?:Photo|Photograph|Picture|Image)s?\s+(?:by|from|courtesy(?: of)?)\s+[^.]{2,60}\)?|\(?(?:AP|Reuters|AFP|UPI) Photo\)?))\s*\.?\s*$",
    re.IGNORECASE,
)
CAPTION_OPENERS_RE = re.compile(r"^(?:图为|图中|上图|下图|左图|右图|图[:：]|图\s*\d|Above[:,]|Below[:,]|Left[:,]|Right[:,]|Photo[:：])")
MAX_CAPTION_CHARS = 160
# A figure's caption opens with the figure's number (图3, 图 6-3-1, Fig. 2, Figure 12),
# and names it without a clause; body text that cites a figure (图3所示，…) runs on.
_FIGURE = r"^\s*(?:图|圖|Fig\.?|FIG\.?|Figure)\s*"
_FIGURE_NUMBER_PARTS = r"(?:\s*[-－.．]\s*[0-9０-９]+)*"
FIGURE_LABEL_RE = re.compile(_FIGURE + r"[0-9０-９]+" + _FIGURE_NUMBER_PARTS + r"(?![0-9０-９])")
FIGURE_LABEL_PIECE_RE = re.compile(_FIGURE + r"[0-9０-９]*" + _FIGURE_NUMBER_PARTS + r"\s*$")
# An uncredited caption is a short noun phrase closed by a full stop: no clause inside.
MAX_BARE_CAPTION_CHARS = 30


def split_credit(text: str) -> tuple[str, str | None]:
    """Split a caption into its text and its credit (None when it has none)."""
    t = text.strip()
    for rx in (EN_CREDIT_RE, CN_CREDIT_RE):
        m = rx.search(t)
        if m and m.start("credit") > 0:
            body = t[: m.start("credit")].rstrip()
            # The credit follows a finished sentence; otherwise 摄 is just a verb.
            if ends_paragraph(body) or body.endswith((",", "，")) and rx is EN_CREDIT_RE:
                return body.rstrip(","), m.group("credit").strip(" ()—–-")
    return t, None


def is_caption(text: str) -> bool:
    t = text.strip()
    if not t or len(t) > MAX_CAPTION_CHARS:
        return False
    body, credit = split_credit(t)
    if credit:
        return True
    if CAPTION_OPENERS_RE.match(t) and ends_paragraph(t):
        return True
    core = t.rstrip("。.")
    return (
        t.endswith(("。",)) and is_cjk_text(t) and len(t) <= MAX_BARE_CAPTION_CHARS
        and not has_clause_punctuation(core) and len(core) >= 4
    )


def is_figure_caption(text: str) -> bool:
    t = text.strip()
    m = FIGURE_LABEL_RE.match(t)
    return bool(m) and len(t) <= MAX_CAPTION_CHARS and not has_clause_punctuation(t[m.end():].rstrip("。."))


# Full-width digits and separators as ASCII; not NFKC, which reads the circled numbers
# of a newspaper's photo group (图③) as figure numbers.
_ASCII_FIGURES = str.maketrans("０１２３４５６７８９－．", "0123456789-.")


def figure_number(text: str) -> str | None:
    """The number a figure's caption opens with ("3", "6-3-1"), digits made ASCII."""
    m = FIGURE_LABEL_RE.match(text.translate(_ASCII_FIGURES))
    return re.sub(r"\s+", "", m.group(0)[re.match(_FIGURE, m.group(0)).end():]) if m else None


def cites_figure(text: str, number: str) -> bool:
    """Does the text refer to figure ``number`` (如图3所示, see Fig. 3)? Not to 图3-1."""
    parts = r"\s*[-.]\s*".join(map(re.escape, re.split(r"[-.]", number)))
    return re.search(r"(?:图|圖|Fig\.?|FIG\.?|Figure|figure)\s*" + parts + r"(?![0-9]|\s*[-.]\s*[0-9])",
                     text.translate(_ASCII_FIGURES)) is not None


def is_figure_label(text: str) -> bool:
    """A figure's label alone (图, 图 3, Fig. 2): set apart from its title by a wide space."""
    return bool(FIGURE_LABEL_PIECE_RE.match(text))


# Notes: a whole unit in brackets, such as an author note (作者系…) or a source note
# (文字及数据来源：…), or "(Continued on page 4.)".
NOTE_RE = re.compile(r"^\s*[（(\[【][^（）()]{2,}[）)\]】]\s*[.。]?\s*$")


def is_note(text: str) -> bool:
    return bool(NOTE_RE.match(text)) or bool(JUMP_RE.match(text.strip()))


# Jumps: where a story goes on, or comes from, on another page of the issue.
# （下转第2版） （转第二版） （上接第1版） (接第A3版) | Continued on page 4 | (Continued from Page Two)
_CN_NUM = "〇零一二三四五六七八九十"
JUMP_RE = re.compile(
    r"^[（(\[【]?\s*(?:(?P<cn_dir>下转|转|上接|接)\s*(?:第\s*)?(?P<cn_page>[A-Za-z]?\d{1,3}|[" + _CN_NUM + r"]{1,3})\s*[版页面]"
    r"|(?P<en_dir>continued\s+(?:on|to|from)|see)\s+page\s+(?P<en_page>[A-Za-z]?\d{1,3}|[a-z]+))"
    r"\s*[.。]?\s*[）)\]】]?\s*[.。]?\s*$", re.IGNORECASE)
_EN_NUMBERS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}


def _page_no(token: str) -> int | None:
    t = token.strip().lower().lstrip("abcdefghijklmnopqrstuvwxyz") if token[:1].isalpha() and token[1:].isdigit() \
        else token.strip().lower()
    if t.isdigit():
        return int(t)
    if t in _EN_NUMBERS:
        return _EN_NUMBERS[t]
    if t and all(c in _CN_NUM for c in t):
        digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}
        if t == "十":
            return 10
        if "十" in t:
            head, _, tail = t.partition("十")
            return (digits.get(head, 1) if head else 1) * 10 + (digits.get(tail, 0) if tail else 0)
        return int("".join(str(digits[c]) for c in t))
    return None


def jump(text: str) -> tuple[str, int] | None:
    """("to" | "from", page number) of a jump line, or None."""
    m = JUMP_RE.match(text.strip())
    if not m:
        return None
    if m["cn_dir"]:
        direction, page = ("from" if m["cn_dir"] in ("上接", "接") else "to"), m["cn_page"]
    else:
        direction, page = ("from" if m["en_dir"].lower().endswith("from") else "to"), m["en_page"]
    n = _page_no(page)
    return (direction, n) if n is not None else None


AD_MARKER_RE = re.compile(r"^\s*(?:广告|廣告|ADVERTISEMENT|Advertisement|ADVT\.?|Advertisements?)\s*$")


def is_ad_marker(text: str) -> bool:
    return bool(AD_MARKER_RE.match(text))


MAX_TITLE_CHARS_CJK = 40
MAX_TITLE_WORDS = 14


def looks_like_title(text: str) -> bool:
    """A headline, kicker or crosshead: short and without running-text punctuation."""
    t = text.strip()
    if not t or ends_paragraph(t) and not t.endswith(("?", "？", "!", "！")):
        return False
    if is_cjk_text(t):
        return (len(t) <= MAX_TITLE_CHARS_CJK and not any(c in "，,。；;、" for c in t)
                and not CN_DATELINE_RE.match(t) and not SPEECH_COLON_RE.search(t))
    words = t.split()
    if len(words) > MAX_TITLE_WORDS or "," in t and not t.isupper():
        return False
    # English headings are set in capitals or title case; a line cut mid-sentence is not.
    caps = [w for w in words if w[:1].isalpha()]
    return bool(caps) and (t.isupper() or all(w[0].isupper() or w.lower() in SMALL_WORDS for w in caps))


SMALL_WORDS = {"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "by", "with", "from", "as", "is"}


# --- Joining across a break ------------------------------------------------------------


def join_text(left: str, right: str) -> str:
    """Concatenate two pieces of one paragraph: Han text joins without a space."""
    left, right = left.rstrip(), right.lstrip()
    if not left or not right:
        return left + right
    a, b = left[-1], right[0]
    if is_han(a) or is_han(b) or unicodedata.category(a).startswith("P") and not a.isascii():
        return left + right
    if unicodedata.category(b).startswith("P") and not b.isascii():
        return left + right
    # Digits or Latin inside Chinese running text (项目12 | 29项) join without a space.
    if is_cjk_text(left[-12:] + right[:12]):
        return left + right
    return left + " " + right


HYPHEN_END_RE = re.compile(r"(?P<stem>[A-Za-z\u00c0-\u024f]+)[-\u00ad\u2010\u2011]$")
WORD_START_RE = re.compile(r"^(?P<tail>[a-z\u00df-\u00ff]+)")


# Zipf frequency (log10 per billion words) under which a form is not taken as a word.
MIN_WORD_ZIPF = 2.0


@functools.lru_cache(maxsize=65536)
def word_frequency(word: str, lang: str) -> float:
    """Zipf frequency of a word (0 = unknown), from wordfreq's multi-source lists."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, lang)


def dehyphenate(left: str, right: str, lang: str = "en") -> tuple[str, bool] | None:
    """Join a line-end hyphenation. Returns (joined text, hyphen kept) or None if no hyphen.

    ``pre-`` + ``vious`` becomes ``previous``; ``well-`` + ``known`` keeps its hyphen
    because "wellknown" is rarer than the two words it is made of.
    """
    m, n = HYPHEN_END_RE.search(left.rstrip()), WORD_START_RE.match(right.lstrip())
    if not m or not n:
        return None
    stem, tail = m.group("stem"), n.group("tail")
    joined = (stem + tail).lower()
    f_joined = word_frequency(joined, lang)
    f_parts = min(word_frequency(stem.lower(), lang), word_frequency(tail, lang))
    # A compound keeps its hyphen when the solid form is no word of its own (wellknown,
    # selfgovernment) while both parts are; paltry, aeroplanes, substation are words.
    keep = f_parts >= MIN_WORD_ZIPF and f_joined < MIN_WORD_ZIPF
    head = left.rstrip()[:-1] + ("-" if keep else "")
    return head + right.lstrip(), keep


def junction_inside_word(left: str, right: str) -> str | None:
    """The dictionary word that spans the junction of two Han fragments, if any.

    Used as evidence that a break cut a word (北|斗 → 北斗): jieba segments a window
    around the junction and we look for a word that straddles it.
    """
    if not (left and right and is_han(left[-1]) and is_han(right[0])):
        return None
    a, b = left[-6:], right[:6]
    pos = 0
    for token in _jieba().cut(a + b, HMM=False):
        start, end = pos, pos + len(token)
        pos = end
        if start < len(a) < end and len(token) >= 2:
            return token
    return None


# Parts of speech (jieba's tags) that cannot end a title or a finished phrase:
# particles (的, 之), prepositions (以, 在), conjunctions (和, 与), and one-character
# adverbs (不, 也, 就).
_DANGLING_POS = ("u", "p", "c")
# ... and that cannot open a paragraph: a particle, or a bare locative (中, 上) that
# belongs to the noun before it.
_BOUND_START_POS = ("u",)
# The copula and its kin need a complement: a title does not end on them.
DANGLING_VERBS = {"是", "为", "即", "系"}


def break_evidence(left: str, right: str) -> str | None:
    """Why ``right`` must carry on the sentence ``left`` leaves open, or None.

    The evidence text alone offers at a break: a dictionary word spans the junction;
    the next piece opens with punctuation, a particle or a locative; a number is cut in
    two; the left piece ends in a particle, preposition or conjunction; an English line
    runs on in lower case. Used where a short piece could also be a title.
    """
    left, right = left.rstrip(), right.lstrip()
    if not left or not right:
        return None
    word = junction_inside_word(left, right)
    if word:
        return f"the word {word} spans the break"
    if cannot_open_paragraph(right):
        return f"the next piece opens with {right[0]}"
    if any(c.isdigit() for c in left[-2:]) and right[0].isdigit():
        return "a number is cut in two"
    opened = _unclosed(left)
    if opened:
        return f"{opened} is not closed"
    if SUBORDINATE_OPENER_RE.match(left) and not has_clause_punctuation(left):
        return "a subordinate clause has no main clause yet"
    if is_han(left[-1]) and is_han(right[0]):
        last = _last_token(left[-8:])
        if last is not None and (last[1].startswith(_DANGLING_POS) or last[1] == "d" and len(last[0]) == 1
                                 or last[0] in DANGLING_VERBS):
            return f"{last[0]} cannot end a title"
        first = _first_token(right[:8])
        if first is not None and (first[1].startswith(_BOUND_START_POS)
                                  or first[1] == "f" and len(first[0]) == 1):
            return f"{first[0]} cannot open a paragraph"
        return None
    if not is_cjk_text(left) and right[0].islower() and not left.isupper():
        return "the next line runs on in lower case"
    return None


# Words that open a subordinate clause and demand a main clause after a comma
# (随着…，…; 由于…，…): a piece that opens so and has no comma is unfinished.
SUBORDINATE_OPENER_RE = re.compile(r"^(?:随着|由于|虽然|尽管|如果|假如|因为|自从|即使|只要|只有|不管|无论)")
PAIRS = {"“": "”", "《": "》", "（": "）", "(": ")", "「": "」", "【": "】", "‘": "’"}


def _unclosed(text: str) -> str | None:
    """An opening quote or bracket that the text does not close."""
    for o, c in PAIRS.items():
        if text.count(o) > text.count(c):
            return o
    return None


def _last_token(text: str) -> tuple[str, str] | None:
    tokens = [(w.word, w.flag) for w in _posseg().cut(text)]
    return tokens[-1] if tokens else None


def _first_token(text: str) -> tuple[str, str] | None:
    for w in _posseg().cut(text):
        return w.word, w.flag
    return None


@functools.lru_cache(maxsize=1)
def _posseg():
    _jieba()
    import jieba.posseg

    return jieba.posseg


# Type size against the body's: a headline is set at least this much larger (a crosshead
# in between is a subhead). Shared by layout (kinds) and segmentation (new articles).
HEADLINE_TO_BODY = 1.45
SUBHEAD_TO_BODY = 1.2

# A junction gain below this (in natural log units) is rounding, not a word.
MIN_JUNCTION_GAIN = 1.0


def junction_gain(left: str, right: str, window: int = 4) -> float:
    """How much more likely the text reads with ``left`` and ``right`` joined.

    The log-probability of the best segmentation of the joined window (jieba's word
    frequencies) minus that of the two halves apart: 0 when no word spans the junction,
    large when one does (北|斗 → 北斗). Only meaningful between Han fragments.
    """
    a, b = left.rstrip()[-window:], right.lstrip()[:window]
    if not (a and b and is_han(a[-1]) and is_han(b[0])):
        return 0.0
    return max(0.0, _seg_logprob(a + b) - _seg_logprob(a) - _seg_logprob(b))


def _seg_logprob(text: str) -> float:
    dt = _jieba().dt
    dt.check_initialized()
    route: dict = {}
    dt.calc(text, dt.get_DAG(text), route)
    return route[0][0]


@functools.lru_cache(maxsize=1)
@functools.lru_cache(maxsize=1)
def _jieba():
    import logging
    import os
    import tempfile

    import jieba

    # Its dictionary cache is one file in /tmp by default: another user's, it cannot be
    # replaced, and jieba says so with a traceback on every run. Each user has their own.
    jieba.dt.cache_file = os.path.join(tempfile.gettempdir(), f"jieba-{os.getuid()}.cache")
    jieba.setLogLevel(logging.CRITICAL)
    return jieba


# --- page furniture -----------------------------------------------------------------------
# The folio: 12 | - 12 - | 第4版 | 第十二版 | Page 12 | P. 12 | 12 / 16
PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:[-—–·•]\s*)?(?:第\s*[0-9一二三四五六七八九十百零〇]+\s*[版页頁]|(?:page|p\.|pg\.?)\s*\d+|\d{1,4}"
    r"(?:\s*/\s*\d{1,4})?)(?:\s*[-—–·•])?\s*$", re.IGNORECASE)
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
           r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAYS = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
# An issue's date: 2023年12月16日 星期六 | 1998年1月22日 | THURSDAY, MARCH 3, 1887 | March 3, 1887
DATE_RE = re.compile(
    r"(?:1[6-9]\d\d|20\d\d)\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|(?:" + _WEEKDAYS + r"\W+)?" + _MONTHS + r"\W+\d{1,2}\W+(?:1[6-9]\d\d|20\d\d)"
    r"|\d{1,2}\W+" + _MONTHS + r"\W+(?:1[6-9]\d\d|20\d\d)", re.IGNORECASE)
# A footnote's mark: ① | [1] | 1) | 注： | * | †
FOOTNOTE_RE = re.compile(r"^\s*(?:[①-⑳]|\[\d{1,3}\]|\d{1,3}\s*[)）]|[*†‡]|注\s*[:：]|Note\s*[:.])")


def is_page_number(text: str) -> bool:
    return bool(PAGE_NUMBER_RE.match(text.replace("\n", " ")))


def is_dateline(text: str) -> bool:
    """A short line that is mostly a date (the issue's date line), not a sentence
    that mentions one."""
    t = " ".join(text.split())
    m = DATE_RE.search(t)
    return bool(m) and len(t) <= max(48, 2 * len(m.group(0))) and not has_clause_punctuation(t.replace(m.group(0), ""))


def is_footnote(text: str) -> bool:
    return bool(FOOTNOTE_RE.match(text))
