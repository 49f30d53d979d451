"""A Chronicling America PDF (150-ppi scan with an ABBYY text layer): the text layer is
read whole and agrees with the ABBYY ALTO published beside it (issue 4, must-have 4)."""

import pytest

from archive import pipeline, read
from testkit import corpora
from archive.model import Options, PageContext
from testkit.scoring import word_bag_f1

from .conftest import ROOT

CHRONAM = ROOT.parent / "shared" / "data" / "chronam"
PAGES = [
    # (PDF, its ALTO): the sample shipped in raw_pages/, and an Evening Star page of 1859
    # on which layout drew no region around a fifth of the words.
    (ROOT / "raw_pages" / "chronam_sn99021999_1887030301_0003.pdf",
     CHRONAM / "batch_nbu_manyissues_ver01/data/sn99021999/0020653817A/1887030301/0003.xml"),
    (CHRONAM / "batch_dlc_manyyears_ver01/data/sn83045462/00280654139/1859022101/0007.pdf",
     CHRONAM / "batch_dlc_manyyears_ver01/data/sn83045462/00280654139/1859022101/0007.xml"),
]


@pytest.fixture(scope="module", params=PAGES, ids=lambda p: p[0].parent.name + "/" + p[0].name)
def page(request):
    pdf, alto = request.param
    if not pdf.exists():
        pytest.skip(f"{pdf} is not here (../shared/data/chronam)")
    return pdf, alto, pipeline.process_page(PageContext(pdf, 1, Options(lang="eng", ocr="auto")))


def test_text_layer_is_used_and_no_word_is_lost(page):
    PDF, _, result = page
    assert result.page.source_kind == "pdf-text" and result.page.ocr_engine == "pdf-text-layer"
    layer = read.read_page(PageContext(PDF, 1, Options(lang="eng", ocr="auto"))).words
    kept = "".join(b.text for b in result.page.blocks if b.text)
    # Every character of the layer lands in some block, even where layout drew no region.
    assert len("".join(kept.split())) >= 0.995 * sum(len(w.text) for w in layer)


def test_text_layer_agrees_with_the_abbyy_alto(page):
    """Agreement with ABBYY's own ALTO, in words (the order differs), at least as good
    as the raw text layer's: layout and cleanup lose and garble nothing."""
    PDF, ALTO, result = page
    if not ALTO.exists():
        pytest.skip("needs ../shared/data/chronam")
    alto = " ".join(b.text for b in corpora.alto_blocks(ALTO))
    layer = read.read_page(PageContext(PDF, 1, Options(lang="eng", ocr="auto"))).words
    raw = word_bag_f1(alto, " ".join(w.text for w in layer))
    ours = word_bag_f1(alto, " ".join(b.text for b in result.page.blocks if b.text))
    assert raw > 0.85 and ours >= raw - 0.01, (raw, ours)
