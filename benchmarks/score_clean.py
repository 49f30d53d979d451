"""Score `archive clean` on a seed page against its hand-checked gold reading.

    python benchmarks/score_clean.py seeds/000_c24c6819f75a4cba.txt ../shared/gold/000_c24c6819f75a4cba.json

Prints each figure the cleanup issue gates on, and every mismatch.
"""

import json
import sys
from pathlib import Path

from archive.pipeline import clean_text_file
from testkit.scoring import passes_gates, score_against_gold


def main(seed: str, gold: str) -> int:
    result = clean_text_file(Path(seed))
    out = {"articles": [a.to_dict() for a in result.articles]}
    figures = score_against_gold(out, json.loads(Path(gold).read_text(encoding="utf-8")))
    for key, value in figures.items():
        if key == "mismatches":
            continue
        print(f"{key:24s} {value:.4f}" if isinstance(value, float) else f"{key:24s} {value}")
    repairs = {}
    for r in result.repairs:
        repairs[r.kind] = repairs.get(r.kind, 0) + 1
    print(f"{'repairs':24s} {json.dumps(repairs, ensure_ascii=False)}")
    for m in figures["mismatches"]:
        print("mismatch:", m)
    ok = passes_gates(figures)
    print("gates:", "pass" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
