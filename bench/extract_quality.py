"""Extraction quality per set, beside trafilatura's defaults measured in the same run.

    python bench/extract_quality.py [--shared ../shared] [--sets dev,readability,...]
                                    [--half a|b|both|all] [--pages]

Runs ``clippings extract --json`` (one process per set, as ``score.py`` does) over the two dev
sets of ``../shared/extraction`` (``dev``: 88 benchmark pages; ``readability``: 53 pages of
Mozilla Readability's tests, with title, byline, date and language) and over their text dumps
(``w3m -dump -T text/html -cols 200 -O UTF-8``, made once into ``bench/.cache/dumps``), and
prints per set body F1, precision, recall, empty outputs, and title / author / date / language
accuracy, with trafilatura 2's defaults (``extract`` for the body, ``bare_extraction`` for the
metadata) on the same pages beside it. Scoring is ``../shared/extraction``'s own: ``score.py``
(4-word shingles) and ``score_meta.py`` (its folding rules), loaded from there.

Each set is split in two halves by a hash of the page's name (``--half a`` / ``b``): tune on
one, check on the other, keep what holds on both. ``--half both`` (the default) prints each
half and the whole; ``--pages`` lists the pages that score worst, those behind trafilatura,
and every metadata miss.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache" / "dumps"
W3M = ["w3m", "-dump", "-T", "text/html", "-cols", "200", "-O", "UTF-8"]
# (name, folder under extraction/, file ending): the HTML sets, then their dumps
SETS = {
    "dev": ("dev", ".html"),
    "readability": ("readability-dev", ".html"),
    "dev-text": ("dev", ".txt"),
    "readability-text": ("readability-dev", ".txt"),
}
META = ("title", "author", "published", "language")


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def half_of(page_id: str) -> str:
    """``"a"`` or ``"b"``: a page's half, fixed by its name, the same on every run."""
    return "a" if hashlib.sha256(page_id.encode()).digest()[0] % 2 == 0 else "b"


def dump(html: Path, folder: Path) -> Path:
    """The w3m text dump of ``html``, made once into ``folder``."""
    out = folder / f"{html.stem}.txt"
    if not out.exists():
        text = subprocess.run([*W3M, str(html)], capture_output=True, check=True).stdout
        folder.mkdir(parents=True, exist_ok=True)
        out.write_bytes(text)
    return out


def clippings_rows(files: list[Path]) -> tuple[list[dict], float]:
    """``clippings extract --json`` over ``files`` in one process: a row per file."""
    command = [sys.executable, "-m", "archive", "extract", "--json", *map(str, files)]
    started = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    if len(rows) != len(files):
        sys.exit(f"expected {len(files)} rows, got {len(rows)}: {out.stderr[-300:]}")
    return rows, seconds


def trafilatura_rows(files: list[Path]) -> tuple[list[dict], float]:
    """trafilatura's defaults on the same files, comments left out as in the benchmark's
    published figures: ``extract`` for the body, ``bare_extraction`` for the metadata (it
    names no language: that column shows "—")."""
    import trafilatura

    rows = []
    started = time.perf_counter()
    for path in files:
        data = path.read_bytes()
        body = trafilatura.extract(data, include_comments=False) or ""
        doc = trafilatura.bare_extraction(data, include_comments=False, with_metadata=True)
        rows.append(
            {
                "text": body,
                "title": getattr(doc, "title", None) or "",
                "author": getattr(doc, "author", None) or "",
                "published": getattr(doc, "date", None) or "",
                "language": getattr(doc, "language", None) or "",
            }
        )
    return rows, time.perf_counter() - started


@dataclass
class Score:
    pages: int = 0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    empty: int = 0
    meta: dict[str, tuple[int, int]] = field(default_factory=dict)  # field -> (right, of)
    per_page: dict[str, float] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    answered: dict[str, int] = field(default_factory=dict)  # field -> pages with an answer

    def unanswered(self, key: str) -> bool:
        return self.answered.get(key, 0) == 0


def score(ids, rows, truth, score_mod, meta_mod) -> Score:
    ps, rs, f1s = [], [], {}
    for page_id, row in zip(ids, rows, strict=True):
        p, r = score_mod.page_scores(truth[page_id].get("articleBody", ""), row.get("text") or "")
        if p is not None:
            ps.append(p)
        rs.append(r or 0.0)
        f1s[page_id] = 2 * p * r / (p + r) if p and r else 0.0
    mp = statistics.mean(ps) if ps else 0.0
    mr = statistics.mean(rs) if rs else 0.0
    result = Score(
        pages=len(ids),
        precision=mp,
        recall=mr,
        f1=2 * mp * mr / (mp + mr) if mp + mr else 0.0,
        empty=len(ids) - len(ps),
        per_page=f1s,
    )
    for truth_key, (row_key, ok) in meta_mod.CHECKS.items():
        judged = [(i, r) for i, r in zip(ids, rows, strict=True) if truth[i].get(truth_key)]
        right = 0
        for page_id, row in judged:
            if ok(row.get(row_key), truth[page_id][truth_key]):
                right += 1
            else:
                want = str(truth[page_id][truth_key])[:60]
                got = str(row.get(row_key) or "")[:60]
                result.misses.append(f"{row_key:9} {page_id[:24]:24} {got!r}  want {want!r}")
        if judged:
            result.meta[row_key] = (right, len(judged))
            result.answered[row_key] = sum(1 for _, row in judged if row.get(row_key))
    return result


def cell(score: Score, key: str) -> str:
    if key not in score.meta or score.unanswered(key):
        return "—"
    right, of = score.meta[key]
    return f"{right}/{of} {right / of:.2f}"


def line(label: str, ours: Score, base: Score | None) -> str:
    def body(s: Score) -> str:
        return f"{s.f1:.3f} {s.precision:.3f} {s.recall:.3f} {s.empty:3d}"

    theirs = body(base) if base else "   —     —     —    —"
    metas = "  ".join(f"{cell(ours, k):>10} {cell(base, k) if base else '—':>10}" for k in META)
    return f"{label:22} {ours.pages:4d}  {body(ours)}  {theirs}  {metas}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--sets", default=",".join(SETS), help=f"of {', '.join(SETS)}")
    parser.add_argument("--half", choices=("a", "b", "both", "all"), default="both")
    parser.add_argument("--pages", action="store_true", help="the worst pages and every miss")
    args = parser.parse_args()
    unknown = [s for s in args.sets.split(",") if s not in SETS]
    if unknown:
        parser.error(f"unknown set {unknown[0]!r}: the sets are {', '.join(SETS)}")
    extraction = args.shared / "extraction"
    score_mod = load(extraction / "score.py", "score")
    meta_mod = load(extraction / "score_meta.py", "score_meta")
    if any(SETS[s][1] == ".txt" for s in args.sets.split(",")) and not shutil.which("w3m"):
        sys.exit("the text sets need w3m (apt-get install w3m), or leave them out with --sets")

    halves = {"both": ("a", "b", None), "all": (None,), "a": ("a",), "b": ("b",)}[args.half]
    print("body: F1 precision recall empty; metadata: right/of share. Clippings, then trafilatura")
    print(
        f"{'set':22} {'pages':>4}  {'clippings F1  P     R   empty':29}  "
        f"{'trafilatura F1 P     R   empty':29}  "
        + "  ".join(f"{k + ' (ours)':>10} {'(trafil.)':>10}" for k in META)
    )
    for name in args.sets.split(","):
        folder, ext = SETS[name]
        truth = json.loads((extraction / folder / "ground-truth.json").read_text())
        ids = sorted(truth)
        html = [extraction / folder / "html" / f"{i}.html" for i in ids]
        files = html if ext == ".html" else [dump(p, CACHE / folder) for p in html]
        ours_rows, seconds = clippings_rows(files)
        base_rows = trafilatura_rows(files)[0] if ext == ".html" else None
        for half in halves:
            chosen = [k for k, i in enumerate(ids) if half is None or half_of(i) == half]
            sub_ids = [ids[k] for k in chosen]
            ours = score(sub_ids, [ours_rows[k] for k in chosen], truth, score_mod, meta_mod)
            base = (
                score(sub_ids, [base_rows[k] for k in chosen], truth, score_mod, meta_mod)
                if base_rows
                else None
            )
            label = f"{name}{'' if half is None else ' ' + half}"
            print(line(label, ours, base))
            if (args.pages and half is None) or (args.pages and args.half in ("a", "b")):
                worst = sorted(ours.per_page.items(), key=lambda kv: kv[1])[:12]
                for page_id, f1 in worst:
                    theirs = f" (trafilatura {base.per_page[page_id]:.3f})" if base else ""
                    print(f"    {f1:.3f}{theirs}  {page_id[:40]}")
                if base:
                    behind = sorted(
                        (f1 - base.per_page[i], i)
                        for i, f1 in ours.per_page.items()
                        if f1 < base.per_page[i] - 0.005
                    )
                    for gap, page_id in behind:
                        print(f"    behind trafilatura by {-gap:.3f}  {page_id[:40]}")
                for miss in ours.misses:
                    print(f"    {miss}")
        print(f"{'':22}       ({len(ids) / seconds:.1f} pages/s through the CLI, one process)")


if __name__ == "__main__":
    main()
