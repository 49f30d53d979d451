"""METS in: what an issue METS (and a batch file listing issues) says about its pages.

The Library of Congress' NDNP profile (Chronicling America batches) and the METS/ALTO
newspaper profiles of European libraries share the shape read here: a ``fileSec`` whose
files are used as ``master``/``service`` images, ``derivative`` PDFs and ``ocr`` ALTO,
a physical ``structMap`` of page ``div``s pointing at them in page order, and MODS
giving the issue's date, edition and each page's number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

XLINK = "{http://www.w3.org/1999/xlink}href"
MODS = "{http://www.loc.gov/mods/v3}"
METS = "{http://www.loc.gov/METS/}"


@dataclass
class IssuePage:
    alto: Path
    images: list[Path] = field(default_factory=list)  # image or PDF beside it, best first
    meta: dict = field(default_factory=dict)  # title, date, edition, page_label


def xml_kind(path: Path) -> str | None:
    """``alto``, ``mets`` (an issue), ``reel`` (a METS of anything else), ``batch`` or
    None, from the root element alone (a file is not read past it)."""
    try:
        for _, el in etree.iterparse(str(path), events=("start",), resolve_entities=False, no_network=True):
            name = etree.QName(el).localname.lower()
            if name == "alto":
                return "alto"
            if name == "mets":
                kind = (el.get("TYPE") or "") + " " + (el.get("PROFILE") or "")
                return "mets" if "issue" in kind.lower() or not kind.strip() else "reel"
            if name == "batch":
                return "batch"
            return None
    except (etree.XMLSyntaxError, OSError):
        return None
    return None


def batch_issues(path: Path) -> list[Path]:
    """The issue METS files a batch file lists (relative to its folder)."""
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    return [path.parent / el.text.strip() for el in root.iter("{*}issue") if el.text and el.text.strip()]


def _title(label: str | None, date: str | None) -> str | None:
    """An NDNP issue's LABEL is "Title, YYYY-MM-DD": the title is what comes before."""
    if not label:
        return None
    if date and label.endswith(date):
        label = label[: -len(date)]
    return re.sub(r"[\s,;:.]+$", "", label) or None


def issue_pages(path: Path) -> list[IssuePage]:
    """The pages of an issue METS, in the physical structMap's order."""
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)).getroot()
    files: dict[str, tuple[str, Path]] = {}
    for f in root.iter(f"{METS}file"):
        loc = f.find(f"{METS}FLocat")
        href = loc.get(XLINK) if loc is not None else None
        if href:
            files[f.get("ID")] = ((f.get("USE") or "").lower(), (path.parent / href).resolve())
    dmd = {d.get("ID"): d for d in root.iter(f"{METS}dmdSec")}
    issue = next((d for d in root.iter(f"{METS}div") if "issue" in (d.get("TYPE") or "").lower()), None)
    issue_mods = dmd.get(issue.get("DMDID")) if issue is not None else None
    date = _text(issue_mods, f"{MODS}dateIssued") if issue_mods is not None else None
    edition = None
    if issue_mods is not None:
        for d in issue_mods.iter(f"{MODS}detail"):
            if d.get("type") == "edition":
                edition = _text(d, f"{MODS}number")
    meta = {k: v for k, v in (("title", _title(root.get("LABEL"), date)), ("date", date),
                                ("edition", edition)) if v}
    out = []
    for div in root.iter(f"{METS}div"):
        if "page" not in (div.get("TYPE") or "").lower():
            continue
        used = [files[p.get("FILEID")] for p in div.iter(f"{METS}fptr") if p.get("FILEID") in files]
        alto = next((p for use, p in used if use in ("ocr", "alto", "fulltext")), None)
        if alto is None:
            continue
        rank = {"service": 0, "master": 1, "derivative": 2}
        images = [p for use, p in sorted(used, key=lambda u: rank.get(u[0], 3)) if p != alto]
        page_mods = dmd.get(div.get("DMDID"))
        label = _text(page_mods, f"{MODS}start") if page_mods is not None else None
        out.append(IssuePage(alto, images, {**meta, **({"page_label": label} if label else {})}))
    return out


def _text(el, tag: str) -> str | None:
    found = el.find(f".//{tag}")
    return found.text.strip() if found is not None and found.text and found.text.strip() else None


def issue_for(alto: Path) -> IssuePage | None:
    """The issue METS page entry naming this ALTO file, from the METS in its folder."""
    alto = alto.resolve()
    for candidate in sorted(alto.parent.glob("*.xml")):
        if candidate.resolve() == alto or xml_kind(candidate) != "mets":
            continue
        try:
            for page in issue_pages(candidate):
                if page.alto == alto:
                    return page
        except etree.XMLSyntaxError:
            continue
    return None


# --- METS out ------------------------------------------------------------------------------

def write_issue(label: str, meta: dict, pages: list[dict]) -> bytes:
    """An issue METS in the newspaper profile libraries use (Europeana, national
    libraries): MODS for the issue and each article, a fileSec of page images and ALTO,
    a physical structMap of pages, and a logical structMap of ARTICLE divs whose areas
    point into the ALTO blocks (BETYPE IDREF).

    ``pages``: dicts with ``order``, ``image`` (href or None), ``alto`` (href),
    ``articles`` (list of (headline, [ALTO block ids]))."""
    import datetime as dt

    X = "http://www.w3.org/1999/xlink"
    M = "http://www.loc.gov/mods/v3"
    XSI = "http://www.w3.org/2001/XMLSchema-instance"
    q = lambda tag: f"{METS}{tag}"  # noqa: E731
    root = etree.Element(q("mets"), nsmap={None: METS[1:-1], "xlink": X, "mods": M, "xsi": XSI},
                         LABEL=label, TYPE="Newspaper")
    root.set(f"{{{XSI}}}schemaLocation", "http://www.loc.gov/METS/ http://www.loc.gov/standards/mets/mets.xsd")
    hdr = etree.SubElement(root, q("metsHdr"),
                           CREATEDATE=dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None).isoformat())
    agent = etree.SubElement(hdr, q("agent"), ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    etree.SubElement(agent, q("name")).text = "newspaper-archive"

    def mods(dmd_id: str, title: str | None, date: str | None = None, edition: str | None = None):
        sec = etree.SubElement(root, q("dmdSec"), ID=dmd_id)
        data = etree.SubElement(etree.SubElement(sec, q("mdWrap"), MDTYPE="MODS"), q("xmlData"))
        m = etree.SubElement(data, f"{{{M}}}mods")
        if title:
            etree.SubElement(etree.SubElement(m, f"{{{M}}}titleInfo"), f"{{{M}}}title").text = title
        if date or edition:
            origin = etree.SubElement(m, f"{{{M}}}originInfo")
            if date:
                etree.SubElement(origin, f"{{{M}}}dateIssued", encoding="iso8601").text = date
            if edition:
                etree.SubElement(origin, f"{{{M}}}edition").text = edition

    mods("dmd_issue", meta.get("title"), meta.get("date"), meta.get("edition"))
    arts = [(p["order"], k, h, ids) for p in pages for k, (h, ids) in enumerate(p["articles"])]
    for order, k, headline, _ in arts:
        mods(f"dmd_art_{order}_{k + 1}", headline or None)
    files = etree.SubElement(root, q("fileSec"))
    images = etree.SubElement(files, q("fileGrp"), USE="IMAGE")
    altos = etree.SubElement(files, q("fileGrp"), USE="ALTO")
    for p in pages:
        if p.get("image"):
            f = etree.SubElement(images, q("file"), ID=f"img_{p['order']}", MIMETYPE="image/jpeg")
            etree.SubElement(f, q("FLocat"), LOCTYPE="URL").set(f"{{{X}}}href", p["image"])
        f = etree.SubElement(altos, q("file"), ID=f"alto_{p['order']}", MIMETYPE="text/xml")
        etree.SubElement(f, q("FLocat"), LOCTYPE="URL").set(f"{{{X}}}href", p["alto"])
    if not len(images):
        files.remove(images)
    phys = etree.SubElement(etree.SubElement(root, q("structMap"), TYPE="PHYSICAL"), q("div"),
                            TYPE="physSequence", ID="phys_issue")
    for p in pages:
        d = etree.SubElement(phys, q("div"), TYPE="page", ORDER=str(p["order"]), ID=f"phys_{p['order']}")
        if p.get("image"):
            etree.SubElement(d, q("fptr"), FILEID=f"img_{p['order']}")
        etree.SubElement(d, q("fptr"), FILEID=f"alto_{p['order']}")
    logical = etree.SubElement(etree.SubElement(root, q("structMap"), TYPE="LOGICAL"), q("div"),
                               TYPE="Newspaper_issue", ID="log_issue", DMDID="dmd_issue", LABEL=label)
    for order, k, headline, ids in arts:
        d = etree.SubElement(logical, q("div"), TYPE="ARTICLE", ID=f"art_{order}_{k + 1}",
                             DMDID=f"dmd_art_{order}_{k + 1}")
        if headline:
            d.set("LABEL", headline[:200])
        if ids:
            seq = etree.SubElement(etree.SubElement(d, q("fptr")), q("seq"))
            for bid in ids:
                etree.SubElement(seq, q("area"), FILEID=f"alto_{order}", BEGIN=bid, BETYPE="IDREF")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
