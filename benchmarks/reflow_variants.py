"""Pass rate of cleanup and segmentation on randomly re-flowed pages (issue 3).

    python benchmarks/reflow_variants.py [N] [SEED]

Re-flows N pages from each source (the seed's gold articles, People's Daily 1998
articles, Chronicling America English prose) with ``tests/reflow.py``, cleans them,
and prints per source: pages passing every gate, mean body CER, required joins found,
and the most frequent kinds of failure with one example each.
"""

import collections
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from testkit import corpora as C
from testkit.scoring import passes_gates
from testkit.reflow import score_variants

SHARED = ROOT.parent / "shared"


def main(n: int = 300, seed0: int = 100000) -> None:
    gold = json.loads((SHARED / "gold" / "000_c24c6819f75a4cba.json").read_text(encoding="utf-8"))
    material = {
        "gold": {"gold": gold},
        "zh": {"zh_material": C.chinese_material(C.peoples_daily_lines(limit=30000))},
        "en": {"en_material": C.english_material(C.chronam_alto_files(SHARED / "data" / "chronam"))},
    }
    print(f"{'source':6s} {'pages':>5s} {'pass':>6s} {'CER':>7s} {'joins':>6s} {'F1':>6s} {'s/page':>7s}")
    failures = {}
    for source, kwargs in material.items():
        t = time.perf_counter()
        results = score_variants(source, n, seed0, **kwargs)
        dt = (time.perf_counter() - t) / n
        ok = sum(passes_gates(f) for _, f in results)
        mean = lambda k: sum(f[k] for _, f in results) / n  # noqa: E731
        print(f"{source:6s} {n:5d} {ok / n:6.1%} {mean('body_cer'):7.4f} {mean('required_joins'):6.3f} "
              f"{mean('paragraph_start_f1'):6.3f} {dt:7.3f}")
        kinds = collections.Counter()
        example = {}
        for seed, f in results:
            if passes_gates(f):
                continue
            for m in f["mismatches"] or ["numeric gate (CER or paragraph F1)"]:
                kind = m.split(" ")[0].rstrip(":")
                kinds[kind] += 1
                example.setdefault(kind, f"seed {seed}: {m}")
        failures[source] = (kinds, example)
    for source, (kinds, example) in failures.items():
        print(f"\n{source}: failures by kind")
        for kind, count in kinds.most_common():
            print(f"  {count:4d} {kind:10s} e.g. {example[kind][:140]}")


if __name__ == "__main__":
    main(*map(int, sys.argv[1:3]))
