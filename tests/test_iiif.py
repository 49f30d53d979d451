"""IIIF Image API 3.0 at level 1 for every page image (issue 18 must-have 1): the
official validator (iiif-validator-ng) against the live server on loopback, serving
the validator's own test image as a page; and the service's rules one by one."""

import json
import re
import subprocess
import urllib.error
import urllib.request

import pytest

from archive.datasette_plugin import iiif
from testkit.iiif import archive_with_image, validation_image, validator

from .conftest import ROOT, serving


@pytest.fixture(scope="module")
def validator_exe():
    exe = validator(ROOT / ".cache" / "iiif-validator")
    if exe is None:
        pytest.skip("iiif-validator-ng needs Python 3.12 or newer, and none is on this machine")
    return exe


@pytest.fixture(scope="module")
def served(tmp_path_factory, validator_exe):
    db = archive_with_image(tmp_path_factory.mktemp("iiif"), validation_image(ROOT / ".cache" / "iiif-validator"))
    with serving(db) as base:
        yield base, db


def test_the_official_validator_passes_at_level_1(served, validator_exe):
    base, _ = served
    proc = subprocess.run([str(validator_exe), "--validation-id", "1", f"{base}/-/iiif"],
                          capture_output=True, text=True, timeout=600, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    out = proc.stdout + proc.stderr
    print(out[-3000:])
    assert "Detected compliance level: LEVEL_1" in out, out[-2000:]
    m = re.search(r"✓ (\d+) ✗ (\d+)", out)
    assert m and int(m.group(2)) == 0 and int(m.group(1)) >= 50, out[-3000:]


def get(url, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def test_info_json_and_derivatives(served):
    base, db = served
    status, headers, body = get(f"{base}/-/iiif/1/info.json", {"Accept": "application/ld+json"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Content-Type"].startswith("application/ld+json")
    info = json.loads(body)
    assert info["type"] == "ImageService3" and info["profile"] == "level1" and info["id"] == f"{base}/-/iiif/1"
    cache = db.with_name(db.name + ".cache")
    before = set(cache.rglob("*.jpg"))
    url = f"{base}/-/iiif/1/3,5,201,99/101,/0/default.jpg"
    status, headers, first = get(url)
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    made = set(cache.rglob("*.jpg")) - before
    assert len(made) == 1  # cut once, kept on disk
    assert get(url)[2] == first and set(cache.rglob("*.jpg")) - before == made
    assert get(f"{base}/-/iiif/1/full/max/90/default.jpg")[0] == 400
    assert get(f"{base}/-/iiif/2/info.json")[0] == 404
    assert get(f"{base}/-/iiif/99999999999999999999999/info.json")[0] == 404


@pytest.mark.parametrize("spec,want", [
    ("full", (0, 0, 1000, 800)), ("square", (100, 0, 800, 800)), ("10,20,30,40", (10, 20, 30, 40)),
    ("900,700,500,500", (900, 700, 100, 100)), ("pct:10,10,50,50", (100, 80, 500, 400)),
])
def test_regions(spec, want):
    assert iiif.region_box(spec, 1000, 800) == want


@pytest.mark.parametrize("spec,want", [
    ("max", (500, 400)), ("250,", (250, 200)), (",200", (250, 200)), ("100,100", (100, 100)),
    ("!100,100", (100, 80)), ("pct:50", (250, 200)), ("^1000,", (1000, 800)),
])
def test_sizes(spec, want):
    assert iiif.output_size(spec, 500, 400) == want


@pytest.mark.parametrize("spec", ["600,", "0,", "abc", "!100,", "pct:0", ",", "1000000,"])
def test_bad_sizes_are_refused(spec):
    with pytest.raises(iiif.BadRequest):
        iiif.output_size(spec, 500, 400)
