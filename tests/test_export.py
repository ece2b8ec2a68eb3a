"""``clippings export``: each format read back from the files on disk, the saved pages byte for
byte, hostile page text inert in HTML, and destinations that can't be written refused in one
line with nothing left behind."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import pytest
from click.testing import CliRunner

from archive.api import Archive
from archive.cli import cli
from archive.export import MANIFEST, slug
from archive.models import Clipping, ClippingsError, dek

from .conftest import FIXTURES, PAGES
from .test_backup import _save_version, leftovers, one_line_error

COMPLETE = FIXTURES / "formats" / "complete"

HOSTILE = (
    "<html><head><title>&lt;script&gt;alert('title')&lt;/script&gt; Hostile &amp; \"quoted\""
    "</title></head><body><article><h1>Hostile page</h1>"
    "<p>Body with &lt;script&gt;alert(1)&lt;/script&gt; and &lt;img src=x onerror=alert(2)&gt;"
    " written as text, among words about gardens and compost and tomatoes.</p>"
    "<p>Another paragraph about community gardens, tomatoes, compost and the people who tend"
    " them every morning.</p>"
    '<p>Follow <a href="javascript:alert(3)">a trap link</a> or'
    ' <a href="https://example.org/ok">a good link</a> for more on gardens.</p>'
    "<p>The rest of the article is an ordinary account of community gardens, long enough to be"
    " kept as the body.</p></article></body></html>"
)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of the fixture pages, a "Webpage, complete" save, a hostile page and two
    versions of one page, with tags and notes (one of them hostile too)."""
    root = tmp_path_factory.mktemp("export-source")
    saved = root / "saved"
    saved.mkdir()
    (saved / "hostile.html").write_text(HOSTILE, encoding="utf-8")
    older = _save_version(saved, "a.html", "Wed Jul 31 2019 10:00:00 GMT+0000", "Morning.")
    newer = _save_version(saved, "b.html", "Thu Aug 01 2019 10:00:00 GMT+0000", "Evening.")
    folder = root / "archive"
    with Archive.open(folder) as archive:
        archive.import_paths([PAGES, COMPLETE, saved / "hostile.html"], jobs=1)
        archive.import_paths([older], jobs=1)
        archive.import_paths([newer], jobs=1)
        archive.set_tags(2, ["work", "korea"])
        archive.set_note(2, "follow up with the ministry")
        archive.set_note(3, "<script>alert('note')</script> & \"quotes\"\nsecond line")
        archive.set_tags(3, ["<b>bold</b>"])
    return folder


def run(*args: str | Path):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def export(source: Path, dest: Path, *options: str):
    result = run("--archive", source, "export", dest, *options)
    assert result.exit_code == 0, result.output
    return result


def every_clipping(source: Path) -> list[tuple[Clipping, int | None]]:
    """Every clipping, other saves included, each with the id of the save shown."""
    with Archive.open(source) as archive:
        rows = archive.catalog.db.execute("SELECT id, superseded_by FROM clippings ORDER BY id")
        return [(archive.get(cid), newer) for cid, newer in rows.fetchall()]


def stored_bytes(source: Path, sha256: str) -> bytes:
    return (source / "originals" / sha256[:2] / sha256[2:]).read_bytes()


def front_matter(text: str) -> tuple[dict, str]:
    """The YAML front matter of an exported Markdown file (each value written as JSON) and
    the rest of the file."""
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    fields = {}
    for line in head.splitlines():
        key, value = line.split(": ", 1)
        fields[key] = json.loads(value)
    return fields, body


METADATA = [
    "id", "title", "author", "site", "section", "url", "published", "saved", "language",
    "description", "keywords", "tags", "note", "source", "format", "sha256",
]  # fmt: skip


def stem(clipping: Clipping) -> str:
    return f"{clipping.id:04d}-{slug(clipping.title)}"


# -- markdown -------------------------------------------------------------------------------


def test_markdown_export(source: Path, tmp_path: Path) -> None:
    dest = tmp_path / "notes"
    result = export(source, dest)
    clippings = every_clipping(source)
    assert f"exported {len(clippings)} clippings as markdown to {dest / 'index.md'}" in (
        result.output
    )
    files = sorted((dest / "clippings").iterdir())
    assert [f.name for f in files] == [stem(c) + ".md" for c, _ in clippings]
    for (clipping, newer), file in zip(clippings, files, strict=True):
        fields, body = front_matter(file.read_text(encoding="utf-8"))
        assert {k: fields[k] for k in METADATA} == {
            k: clipping.to_dict(full=True)[k] for k in METADATA
        }
        assert fields["superseded_by"] == newer
        assert "original" not in fields
        heading = body.split("\n")[1]
        assert re.sub(r"\\(.)", r"\1", heading) == f"# {clipping.title}"  # escaped Markdown
        assert clipping.markdown.strip() in body
    assert any(c.tags for c, _ in clippings) and any(c.note for c, _ in clippings)
    assert any(newer for _, newer in clippings)

    index = (dest / "index.md").read_text(encoding="utf-8")
    links = re.findall(r"- #(\d+) \[.*?\]\((clippings/[^)]+)\)", index)
    assert [int(i) for i, _ in links] == [c.id for c, _ in clippings]
    assert all((dest / unquote(link)).is_file() for _, link in links)
    assert "tags: korea, work" in index and "another save of #" in index
    manifest = json.loads((dest / MANIFEST).read_text())
    assert manifest["format"] == "markdown" and manifest["clippings"] == len(clippings)
    assert leftovers(tmp_path) == []


def test_markdown_front_matter_is_yaml(source: Path, tmp_path: Path) -> None:
    """Read by a YAML parser when one is installed (the values are JSON, a subset of YAML)."""
    yaml = pytest.importorskip("yaml")
    export(source, tmp_path / "notes")
    for file in (tmp_path / "notes" / "clippings").iterdir():
        text = file.read_text(encoding="utf-8")
        data = yaml.safe_load(text[4:].split("\n---\n", 1)[0])
        assert data == front_matter(text)[0]


# -- html -----------------------------------------------------------------------------------


def test_html_export(source: Path, tmp_path: Path) -> None:
    dest = tmp_path / "site"
    export(source, dest, "--format", "html")
    clippings = every_clipping(source)
    for clipping, newer in clippings:
        page = dest / "clippings" / f"{stem(clipping)}.html"
        tree = lxml.html.parse(str(page)).getroot()
        assert tree.findtext(".//title") == (clipping.title or "(untitled)")
        assert tree.find(".//h1").text_content() == (clipping.title or "(untitled)")
        meta = {dt.text_content(): dt.getnext().text_content() for dt in tree.iterfind(".//dl/dt")}
        assert meta["Saved"] == clipping.saved and meta["SHA-256"] == clipping.sha256
        assert meta.get("URL", "") == clipping.url
        assert meta.get("Author", "") == clipping.author
        assert [s.text_content() for s in tree.iterfind(".//span[@class='tag']")] == clipping.tags
        if clipping.note:
            assert tree.find(".//aside").text_content() == f"Note\n{clipping.note}"
        if newer:
            assert meta["Version shown"] == f"#{newer}"
        words = " ".join(tree.find(".//article").text_content().split())
        assert " ".join(clipping.text.split()[:8]) in words
        # the dek as the reader shows it: not when the body opens with it (it read twice)
        deks = [p.text_content() for p in tree.iterfind(".//p[@class='dek']")]
        assert deks == ([dek(clipping)] if dek(clipping) else [])
    assert any(c.description and not dek(c) for c, _ in clippings)  # (a page that opens so)
    index = lxml.html.parse(str(dest / "index.html")).getroot()
    links = [unquote(a.get("href")) for a in index.iterfind(".//tbody//td[2]/a")]
    assert links == [f"clippings/{stem(c)}.html" for c, _ in clippings]
    assert all((dest / link).is_file() for link in links)


def test_html_export_keeps_hostile_text_inert(source: Path, tmp_path: Path) -> None:
    dest = tmp_path / "site"
    export(source, dest, "--format", "html")
    [hostile] = [c for c, _ in every_clipping(source) if "Hostile" in c.title]
    [noted] = [c for c, _ in every_clipping(source) if c.id == 3]
    for page in (
        dest / "clippings" / f"{stem(hostile)}.html",
        dest / "clippings" / f"{stem(noted)}.html",
        dest / "index.html",
    ):
        raw = page.read_text(encoding="utf-8")
        assert "<script" not in raw.lower() and "<img" not in raw.lower()
        assert "<b>" not in raw
        tree = lxml.html.fromstring(raw)
        assert not tree.xpath("//script | //img | //iframe | //object | //embed")
        assert not [
            (el.tag, name) for el in tree.iter() for name in el.attrib if name.startswith("on")
        ]
        assert not [a for a in tree.iterfind(".//a") if "javascript" in a.get("href", "")]
        policy = tree.find(".//meta[@http-equiv='Content-Security-Policy']").get("content")
        assert "default-src 'none'" in policy and "script-src" not in policy
    page = lxml.html.parse(str(dest / "clippings" / f"{stem(hostile)}.html")).getroot()
    text = page.text_content()
    assert "<script>alert('title')</script>" in page.findtext(".//title")
    assert "Body with <script>alert(1)</script> and <img src=x onerror=alert(2)>" in text
    [good] = [a for a in page.iterfind(".//article//a") if a.text == "a good link"]
    assert good.get("href") == "https://example.org/ok"
    noted_page = lxml.html.parse(str(dest / "clippings" / f"{stem(noted)}.html")).getroot()
    assert "<script>alert('note')</script>" in noted_page.find(".//aside").text_content()
    assert noted_page.find(".//span[@class='tag']").text_content() == "<b>bold</b>"


# -- json -----------------------------------------------------------------------------------


def test_json_export(source: Path, tmp_path: Path) -> None:
    dest = tmp_path / "data"
    result = export(source, dest, "--format", "json", "--json")
    report = json.loads(result.output)
    clippings = every_clipping(source)
    assert report["clippings"] == len(clippings) and report["format"] == "json"
    assert sorted(p.name for p in dest.iterdir()) == ["clippings-export.json", "clippings.jsonl"]
    lines = (dest / "clippings.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(clippings)
    for line, (clipping, newer) in zip(lines, clippings, strict=True):
        data = json.loads(line)
        full = clipping.to_dict(full=True)
        assert {k: data[k] for k in (*METADATA, "text", "markdown")} == {
            k: full[k] for k in (*METADATA, "text", "markdown")
        }
        assert data["superseded_by"] == newer and "original" not in data


# -- with the originals ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
def test_with_originals_writes_each_saved_page_byte_for_byte(
    source: Path, tmp_path: Path, fmt: str
) -> None:
    dest = tmp_path / "out"
    result = export(source, dest, "--format", fmt, "--with-originals")
    clippings = every_clipping(source)
    assert f"and {len(clippings)} saved pages" in result.output
    if fmt == "json":
        lines = (dest / "clippings.jsonl").read_text(encoding="utf-8").splitlines()
        originals = [json.loads(line)["original"] for line in lines]
    elif fmt == "markdown":
        originals = []
        for clipping, _ in clippings:
            file = dest / "clippings" / f"{stem(clipping)}.md"
            fields, _ = front_matter(file.read_text(encoding="utf-8"))
            assert fields["original"].startswith("../originals/")
            originals.append(fields["original"].removeprefix("../"))
    else:
        originals = []
        for clipping, _ in clippings:
            page = lxml.html.parse(str(dest / "clippings" / f"{stem(clipping)}.html")).getroot()
            [link] = [a for a in page.iterfind(".//dd/a") if "originals/" in a.get("href")]
            originals.append(unquote(link.get("href")).removeprefix("../"))
    written = sorted(p for p in (dest / "originals").rglob("*") if p.is_file())
    pages = [dest / name for name in originals]
    for (clipping, _), page in zip(clippings, pages, strict=True):
        data = page.read_bytes()
        assert hashlib.sha256(data).hexdigest() == clipping.sha256
        assert data == stored_bytes(source, clipping.sha256)
    # the "Webpage, complete" save: in a folder of its own, its files where it expects them
    [complete] = [p for p in pages if p.name == "Tide tables explained.html"]
    files = complete.parent / "Tide tables explained_files"
    for original in (COMPLETE / "Tide tables explained_files").iterdir():
        assert (files / original.name).read_bytes() == original.read_bytes()
    assert sorted(pages + [p for p in written if files in p.parents]) == written


# -- where it goes --------------------------------------------------------------------------


def test_an_earlier_export_is_replaced(source: Path, tmp_path: Path) -> None:
    dest = tmp_path / "notes"
    export(source, dest)
    (dest / "clippings" / "stale.md").write_text("from an earlier export")
    again = run("--archive", source, "export", dest, "--format", "html", "--json")
    assert json.loads(again.output)["replaced"] is True
    assert not (dest / "clippings" / "stale.md").exists() and (dest / "index.html").is_file()
    assert not (dest / "index.md").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    export(source, empty, "--format", "json")
    assert (empty / "clippings.jsonl").is_file()
    assert leftovers(tmp_path) == []


def test_a_folder_that_is_not_an_export_is_left_alone(source: Path, tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work")
    one_line_error(
        run("--archive", source, "export", folder),
        f"can't export to {folder}: the folder is not empty",
    )
    assert [p.name for p in folder.iterdir()] == ["thesis.txt"]
    assert leftovers(tmp_path) == []


def test_a_destination_that_is_a_file(source: Path, tmp_path: Path) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("mine")
    one_line_error(
        run("--archive", source, "export", file),
        f"can't export to {file}: it exists and is not a folder",
    )
    one_line_error(
        run("--archive", source, "export", file / "below" / "deeper"),
        f"can't export to {file / 'below' / 'deeper'}: {file} is a file, not a folder",
    )
    assert file.read_text() == "mine"
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_folder(source: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        one_line_error(
            run("--archive", source, "export", locked / "notes"),
            f"can't export to {locked / 'notes'}: Permission denied",
        )
    finally:
        locked.chmod(0o700)
    assert list(locked.iterdir()) == []


def test_a_disk_that_fills_up_leaves_nothing_behind(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "notes"
    export(source, dest)
    before = sorted(p.relative_to(dest) for p in dest.rglob("*"))
    written = []
    write_text = Path.write_text

    def fill_up(self: Path, *args, **kwargs):
        written.append(self)
        if len(written) > 3:
            raise OSError(28, "No space left on device")
        return write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", fill_up)
    one_line_error(
        run("--archive", source, "export", dest, "--format", "html"),
        f"can't export to {dest}: No space left on device",
    )
    assert sorted(p.relative_to(dest) for p in dest.rglob("*")) == before  # the earlier one
    assert leftovers(tmp_path) == []


def test_a_missing_original_is_reported_and_the_rest_exported(source: Path, tmp_path: Path) -> None:
    copy = tmp_path / "archive"
    shutil.copytree(source, copy)
    with Archive.open(copy) as archive:
        archive.original_path(2).unlink()
    result = run("--archive", copy, "export", tmp_path / "out", "--with-originals")
    assert result.exit_code == 1
    assert "problem: clipping 2: its original is missing" in result.output
    assert len(list((tmp_path / "out" / "clippings").iterdir())) == len(every_clipping(copy))


def test_the_library_api(source: Path, tmp_path: Path) -> None:
    with Archive.open(source) as archive:
        report = archive.export(tmp_path / "lib", "json", with_originals=True)
        with pytest.raises(ClippingsError, match="unknown export format 'pdf'"):
            archive.export(tmp_path / "pdf", "pdf")
    assert report.clippings == len(every_clipping(source)) == report.originals
    assert report.to_dict()["path"] == str(tmp_path / "lib") and not report.problems


def test_slugs() -> None:
    assert slug("Élysée: l'élection «2019»") == "elysee-l-election-2019"
    assert slug("北京大学 上海") == "北京大学-上海"
    assert slug("봐야하는 이유") == "봐야하는-이유"  # Hangul kept whole
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("") == slug("?!") == "untitled"
    assert len(slug("word " * 40)) <= 60
