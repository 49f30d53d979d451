"""archive clean on the seed page, scored against the hand-checked gold (issues 2, 3)."""

import json

from testkit.scoring import score_against_gold

from .conftest import SEED, run_archive


def clean_json(path):
    proc = run_archive("clean", path, "--json", check=True)
    return json.loads(proc.stdout)  # stdout carries only JSON


def test_clean_json_shape():
    out = clean_json(SEED)
    assert set(out) >= {"articles", "repairs"}
    for a in out["articles"]:
        assert set(a) >= {"headline", "kicker", "byline", "authors", "body", "captions", "notes", "advertisement"}
        for c in a["captions"]:
            assert set(c) >= {"text", "credit"}
    for r in out["repairs"]:
        assert r["kind"] in {"join_word", "join_paragraph", "dehyphenate", "caption_extracted",
                             "headline_moved", "whitespace", "unresolved"}


def test_seed_matches_gold(gold):
    s = score_against_gold(clean_json(SEED), gold)
    assert s["articles_found"] == s["articles_expected"]
    assert s["headlines"] == 1.0, s["mismatches"]
    assert s["kickers"] == 1.0, s["mismatches"]
    assert s["bylines"] == 1.0 and s["authors"] == 1.0, s["mismatches"]
    assert s["advertisement"] == 1.0, s["mismatches"]
    assert s["captions"] == 1.0, s["mismatches"]
    assert s["caption_text_in_body"] == 0
    assert s["required_joins"] == 1.0, s["mismatches"]
    assert s["body_cer"] <= 0.01
    assert s["paragraph_start_f1"] >= 0.95


def test_every_repair_is_recorded():
    out = clean_json(SEED)
    kinds = {r["kind"] for r in out["repairs"]}
    # The seed has cut words, a caption inside one, stray blank lines, a late headline.
    assert {"join_word", "caption_extracted", "whitespace", "headline_moved"} <= kinds
    for r in out["repairs"]:
        assert r["before"] or r["kind"] == "whitespace"


def test_diff_shows_the_repairs():
    proc = run_archive("clean", SEED, "--diff", check=True)
    assert proc.stdout.count("@@ ") == len(clean_json(SEED)["repairs"])
    assert "@@ join_word" in proc.stdout
