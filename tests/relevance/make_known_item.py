"""Writes the known-item fixture: ``known_item/`` (real saved pages) and ``known_item.json``.

Run by hand, once, from the project root: ``python tests/relevance/make_known_item.py`` (or
``--shared PATH``). Its output is committed; ``test_known_item.py`` reads only that output,
never ``../shared``.

The pages are real saved pages of the two extraction dev sets (``../shared/extraction/dev``
and ``readability-dev``), the first ``PER_SET`` of each in the order of a hash of their names,
of at most ``MAX_BYTES`` each (the repository stays small), not picked by how they score; a
page ``tests/fixtures/pages`` already holds is named from there, not copied again. Each
page's queries are made as ``bench/known_item.py`` makes them (its whole title, four words from
inside it, a 6-word quoted phrase from the middle of its true body), and stored with the page.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures" / "pages"
sys.path.insert(0, str(ROOT / "bench"))

from known_item import queries, title_of  # noqa: E402

PER_SET = 20
MAX_BYTES = 120_000
SETS = {"dev": "dev", "readability": "readability-dev"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    out = HERE / "known_item"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    fixture = {}
    for name, folder in SETS.items():
        base = args.shared / "extraction" / folder
        truth = json.loads((base / "ground-truth.json").read_text())
        chosen = sorted(truth, key=lambda key: hashlib.sha256(key.encode()).hexdigest())
        taken = 0
        for key in chosen:
            page = base / "html" / f"{key}.html"
            if taken == PER_SET or page.stat().st_size > MAX_BYTES:
                continue
            kept = FIXTURES / page.name
            if kept.exists():
                file = str(kept.relative_to(TESTS))
            else:
                file = str((out / f"{name}-{key[:16]}.html").relative_to(TESTS))
                shutil.copyfile(page, TESTS / file)
            title = truth[key].get("title") or title_of(page)
            fixture[file] = dict(queries(title, truth[key]["articleBody"]))
            taken += 1
    (HERE / "known_item.json").write_text(
        json.dumps(fixture, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"{len(fixture)} pages written to {out}")


if __name__ == "__main__":
    main()
