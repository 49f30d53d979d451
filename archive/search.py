"""Full-text search that works for Chinese.

SQLite's unicode61 tokenizer makes a run of Han characters one token, so 重庆 finds
nothing inside 重庆打造…, and trigram finds nothing under three characters (NOTES.md).
We index a shadow copy of the text with a zero-width space (U+200B, a separator to
unicode61) around every Han character, so each character is a token, and rewrite a
query's Han runs into phrases of single characters: exact at every query length,
bm25 still ranks, and a snippet reads cleanly once the separators are stripped.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from .patterns import HAN

if TYPE_CHECKING:
    import sqlite_utils

SEP = "\u200b"
_HAN_RUN = re.compile(f"([{HAN}])")
# Zero-width matches at each edge of a Han character: one literal separator per boundary,
# no template expansion per character (5x faster, which counts over millions of articles).
_HAN_EDGE = re.compile(f"(?<=[{HAN}])|(?=[{HAN}])")


@functools.lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """Traditional characters (and variants: 臺, 裏) to simplified, one character for one,
    from OpenCC's t2s conversion, read character by character so that a folded text
    keeps every character's position (snippets are cut from the text as printed)."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    table = {}
    for cp in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000), *range(0xF900, 0xFB00)):
        out = t2s.convert(chr(cp))
        if len(out) == 1 and out != chr(cp):
            table[cp] = out
    return table


def fold(text: str | None) -> str | None:
    """Text as the indexes see it: 臺灣 and 台湾 alike, so that either finds both."""
    return text.translate(_fold_table()) if text else text


def index_text(text: str | None) -> str:
    """Text as stored in a ``search_text`` column: folded (``fold``), one token per Han
    character."""
    if not text:
        return ""
    return _HAN_EDGE.sub(SEP, fold(text)).replace(SEP + SEP, SEP)


def strip_separators(text: str | None) -> str | None:
    return text.replace(SEP, "") if text else text


def fts_query(query: str) -> str:
    """An FTS5 MATCH expression for what a person typed: each whitespace-separated term
    becomes a quoted phrase, Han characters spaced into single-character tokens."""
    terms = []
    for term in fold(query).replace('"', " ").split():
        spaced = _HAN_RUN.sub(r" \1 ", term).split()
        terms.append('"' + " ".join(spaced) + '"')
    return " ".join(terms) if terms else '""'


_TOKEN = re.compile(f"[{HAN}]|[^\\W_{HAN}]+")
_BETWEEN = r"[\W_]*?"  # what unicode61 treats as a separator between two tokens of a phrase


def _term_pattern(term: str) -> str | None:
    tokens = _TOKEN.findall(term)
    if not tokens:
        return None
    # a Latin or digit token is a whole word; a Han character is a token by itself
    parts = [re.escape(t) if _HAN_RUN.fullmatch(t) else f"(?<![^\\W_{HAN}]){re.escape(t)}(?![^\\W_{HAN}])"
             for t in tokens]
    return _BETWEEN.join(parts)


def snippet(text: str | None, query: str, width: int = 80) -> str | None:
    """A window of ``text`` around the first hit of ``query``, hits wrapped in <mark>.

    It finds what ``fts_query`` finds (phrases of tokens, Latin case-insensitive, whole
    words) in plain text, so search can page through bm25's best rows first and pay for
    snippets of only the rows it shows, where FTS5's ``snippet()`` would be computed for
    every match before sorting. ``width`` is in characters."""
    if not text:
        return text
    text = strip_separators(text)
    folded = fold(text)  # hits are found as the index finds them, shown as printed
    patterns = [p for p in map(_term_pattern, fold(query).replace('"', " ").split()) if p]
    if not patterns:
        return text[:width]
    hit = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    first = hit.search(folded)
    at = first.start() if first else 0
    # open at the start of the hit's sentence or line when it is near, else a little before
    boundary = max(text.rfind(c, max(0, at - width // 2), at) for c in "\n。！？；!?")
    start = boundary + 1 if boundary >= 0 else max(0, at - width // 4)
    if start and boundary < 0 and not _HAN_RUN.match(text[start]):
        space = text.rfind(" ", max(0, start - 15), start)  # do not cut a Latin word
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + width)
    window, marked, last = text[start:end], [], 0
    for m in hit.finditer(folded[start:end]):
        marked += [window[last:m.start()], "<mark>", window[m.start():m.end()], "</mark>"]
        last = m.end()
    marked = "".join(marked) + window[last:]
    return ("…" if start else "") + marked + ("…" if end < len(text) else "")


# --- the bigram index -------------------------------------------------------------------
# One token per character is exact but slow at scale: a phrase of common characters
# (出的加) walks the position lists of 的 and 加, which hold most of a million articles
# (130 ms to count its matches, 250 ms to rank them). A second, contentless index holds
# overlapping character pairs (重庆打造 -> 重庆 庆打 打造), as Lucene's CJK bigram filter
# does: the pairs' lists are short, and a query of two or more characters is a phrase of
# its pairs, still exact. A one-character query has no pair and uses the first index.

_HAN_RUNS = re.compile(f"[{HAN}]+")


def bigram_text(text: str | None) -> str:
    """Text as indexed in ``articles_bigrams``: each run of Han characters as its
    overlapping pairs (a lone character as itself), everything else as it is."""
    if not text:
        return ""
    text = strip_separators(text)

    def pairs(m: re.Match) -> str:
        run = m.group(0)
        return " " + (" ".join(run[i:i + 2] for i in range(len(run) - 1)) if len(run) > 1 else run) + " "

    return _HAN_RUNS.sub(pairs, text)


def bigram_query(query: str) -> str | None:
    """The ``articles_bigrams`` MATCH expression for what a person typed, or None when
    some term holds a lone Han character (then only the one-character index can answer)."""
    terms = []
    for term in fold(query).replace('"', " ").split():
        if any(len(run) == 1 for run in _HAN_RUNS.findall(term)):
            return None
        tokens = bigram_text(term).split()
        if tokens:
            terms.append('"' + " ".join(tokens) + '"')
    return " ".join(terms) if terms else None


# Matches past which results come newest first instead of ranked (bm25 over every match
# of a common character costs seconds on a million articles), as in the canned search.
RANK_CAP = 10_000

# A token no text holds (a private-use character): the MATCH of an index a query does not use.
NO_MATCH = '"\ue000"'


def match_for(query: str, index: str) -> str:
    """The MATCH expression for ``index`` ("pairs": articles_bigrams, "chars":
    articles_fts): the query's when that index is the one to answer it, else
    ``NO_MATCH``, so SQL can name both indexes and only one does any work."""
    pairs = bigram_query(query)
    if index == "pairs":
        return pairs or NO_MATCH
    return fts_query(query) if pairs is None else NO_MATCH


# --- the indexes in SQLite: made with the schema, kept in step with the articles ----------

def create_fts(db: sqlite_utils.Database) -> None:
    """The one-token-per-Han-character index over ``articles.search_text``, as
    sqlite-utils' ``enable_fts(create_triggers=True)`` makes it (so that Datasette finds
    it), but inside the caller's transaction: ``enable_fts`` runs a script, and a script
    commits what came before it."""
    db.execute("CREATE VIRTUAL TABLE [articles_fts] USING FTS5 (\n    [search_text],\n    tokenize='unicode61',\n"
               "    content=[articles]\n)")
    db.execute("INSERT INTO [articles_fts] (rowid, [search_text]) SELECT rowid, [search_text] FROM [articles]")
    db.execute("CREATE TRIGGER [articles_ai] AFTER INSERT ON [articles] BEGIN\n"
               "  INSERT INTO [articles_fts] (rowid, [search_text]) VALUES (new.rowid, new.[search_text]);\nEND")
    db.execute("CREATE TRIGGER [articles_ad] AFTER DELETE ON [articles] BEGIN\n"
               "  INSERT INTO [articles_fts] ([articles_fts], rowid, [search_text]) "
               "VALUES('delete', old.rowid, old.[search_text]);\nEND")
    db.execute("CREATE TRIGGER [articles_au] AFTER UPDATE ON [articles] BEGIN\n"
               "  INSERT INTO [articles_fts] ([articles_fts], rowid, [search_text]) "
               "VALUES('delete', old.rowid, old.[search_text]);\n"
               "  INSERT INTO [articles_fts] (rowid, [search_text]) VALUES (new.rowid, new.[search_text]);\nEND")


def create_bigrams(db: sqlite_utils.Database) -> None:
    """Schema 3. Contentless, so it costs the index and no second copy of the text; it
    is kept in step by this module (``_index_bigrams``), in the same transactions as
    the articles, since a contentless table can only forget what it is told again."""
    with db.atomic():
        db.execute("create virtual table articles_bigrams using fts5(text, content='', tokenize='unicode61')")
        for row in db.query("select id, search_text from articles"):
            index_bigrams(db, row["id"], row["search_text"])


def index_bigrams(db: sqlite_utils.Database, article_id: int, search_text: str | None,
                   delete: bool = False) -> None:
    # Both ways from the stored search_text, so a delete repeats exactly what was indexed.
    if delete:
        db.execute("insert into articles_bigrams(articles_bigrams, rowid, text) values ('delete', ?, ?)",
                   [article_id, bigram_text(search_text)])
    else:
        db.execute("insert into articles_bigrams(rowid, text) values (?, ?)", [article_id, bigram_text(search_text)])
