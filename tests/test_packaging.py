"""The wheel ships the archive and nothing of the test tooling (issue 14): the renderer,
corpora, scoring and re-flow generator live in testkit/, a package of their own."""

import subprocess
import sys
import zipfile


from .conftest import ROOT


def test_wheel_holds_the_archive_and_no_test_tooling(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True, cwd=tmp_path)
    wheel = next(tmp_path.glob("newspaper_archive-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "archive/pipeline.py" in names and "archive/cli.py" in names
    assert any(n.startswith("archive/datasette_plugin/templates/") for n in names)
    # the canned queries and table descriptions travel with the package
    assert "archive/datasette_plugin/archive.yml" in names
    assert not [n for n in names if n.startswith(("testkit/", "tests/", "benchmarks/"))]
    assert not [n for n in names if n.rsplit("/", 1)[-1] in ("render.py", "corpora.py", "scoring.py", "reflow.py")]
    # and the test tooling is importable on its own, as tests and benchmarks use it
    import testkit.render
    import testkit.scoring

    assert testkit.render.__file__.startswith(str(ROOT / "testkit"))
    assert callable(testkit.scoring.score_layout)
