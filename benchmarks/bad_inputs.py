"""The bad-input corpus as a table: what the archive says and keeps for each case.

    python benchmarks/bad_inputs.py

Builds testkit.badinputs' corpus in a temporary folder, ingests it (with a missing path
beside it) as a user would, then prints one Markdown row per case: the case, the
message on stderr, the page's status and how many articles were kept; then the exit
code, the integrity check, and whether a second run changed anything.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from testkit import badinputs

ROOT = Path(__file__).resolve().parent.parent


def rows(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return sorted(con.execute(
            "select source_path, page_number, status, error, sha256, encoding, "
            "(select count(*) from articles a where a.page_id = p.id) from pages p"))
    finally:
        con.close()


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="badinputs-"))
    cases = badinputs.build(work / "in")
    db = work / "a.db"
    args = [sys.executable, "-m", "archive", "ingest", str(work / "in"), str(work / "missing"),
            "--db", str(db), "-q", "--lang", "chi_sim"]
    first = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    stored = {Path(r[0]).name: r for r in rows(db)}
    errors = [ln for ln in first.stderr.splitlines() if ln.startswith("error:")]
    print("| case | file | message | status | articles kept |")
    print("| --- | --- | --- | --- | --- |")
    for c in cases:
        shown = c.name.replace("\n", "\\n").replace("\t", "\\t")
        msg = next((e for e in errors if shown in e), "")
        msg = msg.split(": ", 2)[-1] if msg else "(none)"
        row = stored.get(c.name)
        status, kept = (row[2], row[6]) if row else ("-", 0)
        extra = f" ({row[5]})" if row and row[5] else ""
        print(f"| {c.why} | `{shown}` | {msg}{extra} | {status} | {kept} |")
    missing = next((e for e in errors if "missing" in e), "(none)")
    print(f"| a path that does not exist | `missing` | {missing.split(': ', 2)[-1]} | - | 0 |")
    con = sqlite3.connect(db)
    integrity = con.execute("pragma integrity_check").fetchone()[0]
    con.close()
    before = [r[:4] for r in rows(db)]
    second = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    after = [r[:4] for r in rows(db)]
    print(f"\nexit code {first.returncode}; {len(errors)} error lines for {sum(c.bad for c in cases) + 1} bad "
          f"inputs; integrity_check: {integrity}; second run: exit {second.returncode}, "
          f"{'no change' if before == after else 'CHANGED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
