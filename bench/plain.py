"""The plain build: the floor every search feature must stay above, measured beside it.

    python bench/plain.py --archive DIR import FOLDER...
    python bench/plain.py --archive DIR search QUERY [--json] [--limit N]

A saved page goes through trafilatura's defaults (title and body) into a Whoosh index with the
stock ``StemmingAnalyzer``, searched with a ``MultifieldParser`` over title and body: what one
would write in an afternoon. Its ``search --json`` prints lines like ``clippings search --json``
(``source`` is the page's file), so ``bench/known_item.py`` runs both the same way.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from whoosh import fields, index
from whoosh.analysis import StemmingAnalyzer
from whoosh.qparser import MultifieldParser

SCHEMA = fields.Schema(
    source=fields.ID(stored=True, unique=True),
    title=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
    body=fields.TEXT(analyzer=StemmingAnalyzer()),
)


def extracted(page: Path) -> dict[str, str]:
    """A page's document: trafilatura's defaults, title and body."""
    import trafilatura

    doc = trafilatura.bare_extraction(page.read_bytes(), with_metadata=True)
    return {
        "source": str(page),
        "title": (getattr(doc, "title", None) or "") if doc else "",
        "body": (getattr(doc, "text", None) or "") if doc else "",
    }


def import_pages(folder: Path, pages: list[Path], *, procs: int = 1) -> None:
    """Index ``pages``; with ``procs`` above 1, extracted by that many worker processes while
    this one indexes (the plain way to use every core)."""
    folder.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(folder, SCHEMA)
    with ix.writer() as writer:
        if procs <= 1:
            for page in pages:
                writer.add_document(**extracted(page))
            return
        import multiprocessing

        with multiprocessing.get_context("spawn").Pool(procs) as pool:
            for doc in pool.imap(extracted, pages, chunksize=8):
                writer.add_document(**doc)


def search(folder: Path, text: str, limit: int) -> list[dict]:
    ix = index.open_dir(folder)
    parser = MultifieldParser(["title", "body"], ix.schema)
    with ix.searcher() as searcher:
        hits = searcher.search(parser.parse(text), limit=limit)
        return [{"source": hit["source"], "title": hit["title"]} for hit in hits]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--archive", type=Path, required=True)
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("import")
    load.add_argument("folders", nargs="+", type=Path)
    find = commands.add_parser("search")
    find.add_argument("query")
    find.add_argument("--json", action="store_true")
    find.add_argument("--limit", type=int, default=10)
    args = parser.parse_args()
    if args.command == "import":
        pages = sorted(p for f in args.folders for p in f.rglob("*") if p.is_file())
        import_pages(args.archive, pages)
    else:
        for hit in search(args.archive, args.query, args.limit):
            print(json.dumps(hit) if args.json else f"{hit['title']}  {hit['source']}")


if __name__ == "__main__":
    main()
