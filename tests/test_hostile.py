"""Hostile and broken input: every bad file is one clear line in the report (its name and
why), the rest of the batch goes on, nothing archived before is touched, nothing is written
outside the archive, no traceback reaches the user, and time and memory stay bounded.

The big inputs (a 50 MB page, 100,000 levels of nesting, a million tags, a gzip bomb) are
made in a temp folder by the tests; one import through the command line (``CliRunner``)
takes them all, as a user's folder would be, and each case is checked on its result.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import random
import resource
import shutil
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.api import Archive
from archive.cli import cli
from archive.extract import MAX_TEXT, extract
from archive.models import ClippingsError, RawPage
from archive.sources import candidates, read_page, warc

BODY = "The river ferry resumed its crossings this week, after the spring flood had closed it."


def article(title: str, words: str = BODY, head: str = "") -> str:
    paragraphs = "".join(f"<p>{words} Paragraph {n} tells more.</p>" for n in range(5))
    return (
        f"<html><head>{head}<title>{title}</title></head><body>"
        f"<article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )


# -- the hostile folder -----------------------------------------------------------------------


def warc_record(url: str, html: bytes) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    payload = io.BytesIO(html)
    writer.write_record(
        writer.create_warc_record(url, "response", payload=payload, http_headers=headers)
    )
    return buffer.getvalue()


def gzip_bomb(inflated_mb: int) -> bytes:
    """A gzipped WARC record claiming ``inflated_mb`` MB of zeros, made in milliseconds: one
    compressed megabyte of zeros (after a full flush, the same bytes each time) repeated."""
    head = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://bomb.example/\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        b"Content-Length: %d\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    ) % (inflated_mb * 2**20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    start = deflate.compress(head) + deflate.flush(zlib.Z_FULL_FLUSH)
    zeros = b"\0" * 2**20
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    assert deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH) == block
    return start + block * inflated_mb  # no end: a bomb never gets there


def mhtml(html_part: bytes, *, encoding: str = "base64", location: bytes = b"") -> bytes:
    return (
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="B"\r\n\r\n--B\r\n'
        b"Content-Type: text/html\r\nContent-Transfer-Encoding: " + encoding.encode() + b"\r\n"
        b"Content-Location: " + location + b"\r\n\r\n" + html_part + b"\r\n--B--\r\n"
    )


def big_singlefile() -> bytes:
    """A 50 MB SingleFile page: 45 MB of embedded images between the paragraphs."""
    image = base64.b64encode(random.Random(1).randbytes(2_800_000))
    parts = [f"<p>Picture {n}: {BODY}</p>".encode() for n in range(16)]
    images = [b'<img src="data:image/jpeg;base64,' + image + b'">' for _ in parts]
    body = b"".join(p + i for p, i in zip(parts, images, strict=True))
    return b"<html><head><title>Pictures of the flood</title></head><body><article>" + body


def big_text_page() -> bytes:
    """A 50 MB page of text: a whole book's worth of paragraphs."""
    paragraph = "<p>Chapter {0}, paragraph {0}: " + BODY * 4 + "</p>\n"
    count = 50 * 2**20 // len(paragraph)
    body = "".join(paragraph.format(n) for n in range(count))
    return f"<html><head><title>The long book</title></head><body>{body}</body></html>".encode()


def make_folder(folder: Path) -> None:
    folder.mkdir()

    def put(name: str | bytes, data: bytes | str) -> Path:
        path = Path(os.fsdecode(os.path.join(os.fsencode(folder), os.fsencode(name))))
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    # empty, binary, an image named .html, a file too large to be a page
    put("empty.html", b"")
    put("blank.html", b"  \n\t\n  ")
    put("random-bytes.html", random.Random(2).randbytes(20_000) + b"\0")
    put("image.html", b"\x89PNG\r\n\x1a\n" + random.Random(3).randbytes(5000))
    with (folder / "too-large.html").open("wb") as sparse:  # takes no disk space
        sparse.truncate(65 * 2**20)
    # wrong, lying and unknown charsets; invalid UTF-8
    put("utf16-lie.html", article("Café de la gare", head='<meta charset="utf-16">'))
    put("no-such-charset.html", article("Unknown charset", head='<meta charset="x-klingon">'))
    latin1 = article("Un café au port", head='<meta charset="utf-8">').encode("latin-1")
    put("latin1-says-utf8.html", latin1)
    put("invalid-utf8.html", article("Broken bytes").encode() + b"\xff\xfe\xc3\x28\xa0\xe2\x28")
    utf7 = article("Seven bits", BODY + " +2AA- and a+3/8-b.", head='<meta charset="utf-7">')
    put("utf7-surrogates.html", utf7)
    # big, deep and wide pages
    put("big-singlefile.html", big_singlefile())
    put("big-book.html", big_text_page())
    deep = 100_000
    put(
        "deep.html",
        "<html><head><title>Deep</title></head><body>"
        + "<div>" * deep
        + f"<p>{BODY} Found at the bottom of the page.</p>"
        + "</div>" * deep
        + "</body></html>",
    )
    put("million-tags.html", "<html><body><p>" + "<b>w</b> " * 1_000_000 + "</p></body></html>")
    put("spaces.html", article("Spaces", BODY + " " * 300_000 + BODY))
    # malformed MHTML
    put("bad-base64.mhtml", mhtml(b"!!! not base64 at all @@@"))
    put("no-html-part.mht", random.Random(4).randbytes(3000))
    location = b"https://mhtml.example/caf\xe9"  # a byte that is not ASCII in a header
    put(
        "odd-location.mht",
        mhtml(article("Odd location").encode(), encoding="8bit", location=location),
    )
    # malformed, truncated and hostile WARC
    good = warc_record("https://warc.example/1", article("First capture").encode())
    second = warc_record("https://warc.example/2", article("Second capture").encode())
    put("cut-off.warc.gz", good + second[: len(second) // 2])
    put(
        "no-target-uri.warc",
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n",
    )
    put("random.warc", random.Random(7).randbytes(4000))  # the same each time
    put("empty.warc", b"")
    put("bomb.warc.gz", gzip_bomb(1024))
    # zips: names that climb out, absolute names, a member too large
    with zipfile.ZipFile(folder / "slip.zip", "w") as archive:
        archive.writestr("../../escaped.html", article("Climbing out"))
        archive.writestr("/absolute/escaped.html", article("Absolute name"))
        archive.writestr("inside/fine.html", article("Inside the zip"))
    with zipfile.ZipFile(folder / "bomb.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("page.html", b"<p>" + b"\0" * (70 * 2**20))
    # symlink loops
    loops = folder / "loops"
    loops.mkdir()
    (loops / "itself").symlink_to(loops)
    (loops / "a.html").symlink_to(loops / "b.html")
    (loops / "b.html").symlink_to(loops / "a.html")
    (loops / "page.html").write_text(article("Inside the loops"))
    # file names that are not UTF-8 (Latin-1, and bytes that are no encoding at all)
    put(b"caf\xe9.html", article("Latin-1 name"))
    put(b"\xff\xfe-broken-\xc3.html", b"")


@dataclass
class Imported:
    result: Result
    report: dict[str, Any]
    archive: Path
    root: Path
    before: dict[str, Any]
    outside: set[str]
    seconds: float
    peak_mb: float

    def failure(self, name: str) -> str:
        """The reason given for the file (or member) whose source ends with ``name``."""
        reasons = [f["reason"] for f in self.report["failed"] if f["source"].endswith(name)]
        assert len(reasons) == 1, (name, self.report["failed"])
        return reasons[0]


def snapshot(archive: Archive) -> dict[str, Any]:
    """Every catalog row (with tags and signatures) and every original's hash."""
    db = archive.catalog.db
    rows = db.execute("SELECT * FROM clippings ORDER BY id").fetchall()
    tags = db.execute("SELECT clipping_id, tag FROM tags ORDER BY 1, 2").fetchall()
    minhashes = db.execute("SELECT clipping_id, minhash FROM signatures ORDER BY 1").fetchall()
    originals = {
        str(path.relative_to(archive.originals.root)): hashlib.sha256(path.read_bytes()).digest()
        for path in archive.originals.root.rglob("*")
        if path.is_file()
    }
    return {
        "rows": {row["id"]: tuple(row) for row in rows},
        "tags": {tuple(row) for row in tags},
        "signatures": {row[0]: row[1] for row in minhashes},
        "originals": originals,
    }


def files_outside(root: Path, archive: Path) -> set[str]:
    return {str(p) for p in root.rglob("*") if archive not in p.parents and p != archive}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "saved"
    make_folder(folder)
    archive_dir = root / "archive"
    with Archive.open(archive_dir) as archive:
        before_page = root / "before.html"
        before_page.write_text(article("Archived before", "The lighthouse keeper retired."))
        [kept] = archive.import_paths([before_page]).imported
        archive.set_tags(kept, ["kept"])
        archive.set_note(kept, "a note to keep")
        before = snapshot(archive)
    outside = files_outside(root, archive_dir)
    report_file = root / "report.json"
    started = time.monotonic()
    args = ["--archive", str(archive_dir), "import", "--jobs", "1", "--report", str(report_file)]
    result = CliRunner().invoke(cli, [*args, str(folder)])
    seconds = time.monotonic() - started
    report = json.loads(report_file.read_text())
    report_file.unlink()
    yield Imported(result, report, archive_dir, root, before, outside, seconds, peak_mb())
    shutil.rmtree(root, ignore_errors=True)


# -- the import as a whole --------------------------------------------------------------------


def test_the_import_ends_with_a_report_and_no_traceback(hostile: Imported) -> None:
    result = hostile.result
    assert result.exit_code == 1, result.output  # something failed: status 1, as documented
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stdout + result.stderr
    assert "unexpected" not in result.stdout + result.stderr
    for failure in hostile.report["failed"]:
        assert "\n" not in failure["reason"] and len(failure["reason"]) < 200
        assert f"failed: {failure['source']}: {failure['reason']}" in result.stderr
    assert "imported" in result.stdout and "failed" in result.stdout


def test_time_and_memory_stay_bounded(hostile: Imported) -> None:
    # two 50 MB pages, 100,000 levels, a million tags, a gigabyte gzip bomb (each bounded)
    assert hostile.seconds < 90
    assert hostile.peak_mb < 2500


def test_nothing_archived_before_is_touched(hostile: Imported) -> None:
    with Archive.open(hostile.archive) as archive:
        after = snapshot(archive)
        for clipping_id, row in hostile.before["rows"].items():
            assert after["rows"][clipping_id] == row
        for name, digest in hostile.before["originals"].items():
            assert after["originals"][name] == digest
        assert hostile.before["tags"] <= after["tags"]
        for clipping_id, minhash in hostile.before["signatures"].items():
            assert after["signatures"][clipping_id] == minhash
        assert archive.search('"lighthouse keeper retired"').total == 1


def test_nothing_is_written_outside_the_archive(hostile: Imported) -> None:
    assert files_outside(hostile.root, hostile.archive) == hostile.outside
    assert not (hostile.root.parent / "escaped.html").exists()
    assert not Path("/absolute/escaped.html").exists()
    assert not (Path.cwd() / "escaped.html").exists()


# -- each case --------------------------------------------------------------------------------

FAILURES = {
    "empty.html": "empty file",
    "blank.html": "empty file",
    "random-bytes.html": "binary data, not a saved page",
    "image.html": "binary data, not a saved page (PNG image)",
    "too-large.html": "too large for a saved page (65.0 MB, over the 64 MB limit)",
    "bad-base64.mhtml": "the MHTML file's HTML part is not valid base64",
    "no-html-part.mht": "an MHTML file without an HTML part",
    "cut-off.warc.gz": "the WARC file is unreadable after 1 record: Compressed file ended",
    "no-target-uri.warc": "the WARC file is unreadable from the start: a malformed record",
    "random.warc": "the WARC file is unreadable from the start: not a WARC file",
    "empty.warc": "the WARC file is unreadable from the start: no WARC record in it",
    "bomb.warc.gz": "the WARC file is unreadable after 1 record: inflates to over 100 times",
    "bomb.zip!/page.html": "too large for a saved page (70.0 MB, over the 64 MB limit)",
    "loops/a.html": "can't read it: Too many levels of symbolic links",
    "loops/b.html": "can't read it: Too many levels of symbolic links",
    "\\xff\\xfe-broken-\\xc3.html": "empty file",
}


@pytest.mark.parametrize("name", FAILURES)
def test_each_bad_file_is_one_failure_naming_the_file_and_the_reason(
    hostile: Imported, name: str
) -> None:
    assert FAILURES[name] in hostile.failure(name)


IMPORTED = {
    # file: (title, words of the text)
    "utf16-lie.html": ("Café de la gare", "river ferry resumed"),
    "no-such-charset.html": ("Unknown charset", "river ferry resumed"),
    "latin1-says-utf8.html": ("Un café au port", "river ferry resumed"),
    "invalid-utf8.html": ("Broken bytes", "river ferry resumed"),
    "utf7-surrogates.html": ("Seven bits", "river ferry resumed"),
    "big-singlefile.html": ("Pictures of the flood", "Picture 15:"),
    "big-book.html": ("The long book", "Chapter 0, paragraph 0"),
    "deep.html": ("Deep", "Found at the bottom of the page."),
    "million-tags.html": ("", "w w w w"),
    "spaces.html": ("Spaces", "flood had closed it. Paragraph"),
    "odd-location.mht": ("Odd location", "river ferry resumed"),
    "cut-off.warc.gz#offset=0": ("First capture", "river ferry resumed"),
    "slip.zip!/../../escaped.html": ("Climbing out", "river ferry resumed"),
    "slip.zip!//absolute/escaped.html": ("Absolute name", "river ferry resumed"),
    "slip.zip!/inside/fine.html": ("Inside the zip", "river ferry resumed"),
    "loops/page.html": ("Inside the loops", "river ferry resumed"),
    "caf\\xe9.html": ("Latin-1 name", "river ferry resumed"),
}


def clippings_by_source(archive: Archive) -> dict[str, Any]:
    every = archive.catalog.get_many(archive.catalog.ids(every_version=True))
    return {c.source: c for c in every}


@pytest.mark.parametrize("name", IMPORTED)
def test_each_odd_but_readable_file_is_a_clean_clipping(hostile: Imported, name: str) -> None:
    title, words = IMPORTED[name]
    with Archive.open(hostile.archive) as archive:
        found = [c for s, c in clippings_by_source(archive).items() if s.endswith(name)]
        assert len(found) == 1, name
        clipping = found[0]
        if title:
            assert clipping.title == title
        assert words in clipping.text
        for text in (clipping.title, clipping.text, clipping.markdown, clipping.source):
            text.encode("utf-8")  # no lone surrogates: storable, printable
            assert "\ufffd" not in clipping.title


def test_the_big_pages_are_whole_or_cut_at_the_limit_with_a_note(hostile: Imported) -> None:
    with Archive.open(hostile.archive) as archive:
        by_source = clippings_by_source(archive)
        [pictures] = [c for s, c in by_source.items() if s.endswith("big-singlefile.html")]
        assert pictures.text.count("river ferry resumed") == 16  # all of it, past 10 MB
        [book] = [c for s, c in by_source.items() if s.endswith("big-book.html")]
        assert MAX_TEXT - 1000 < len(book.text) <= MAX_TEXT
        assert book.markdown.endswith("(the saved page is kept whole).*")
        path = archive.original_path(book.id)
        assert path.stat().st_size > 50 * 2**20 * 0.99  # stored byte for byte


def test_a_zip_slip_opens_inside_its_own_temp_folder(hostile: Imported) -> None:
    with Archive.open(hostile.archive) as archive:
        [climber] = [c for s, c in clippings_by_source(archive).items() if "../../" in s]
        copy = archive.viewable_original(climber.id)
        try:
            assert copy.name == "escaped.html" and copy.parent.parent.name.startswith("clippings-")
        finally:
            shutil.rmtree(copy.parent)


def test_a_name_that_is_not_utf8_is_shown_escaped_and_retried_by_that_name(
    hostile: Imported,
) -> None:
    broken = os.path.join(os.fsencode(hostile.root / "saved"), b"\xff\xfe-broken-\xc3.html")
    with open(broken, "wb") as fixed:
        fixed.write(article("Fixed since").encode())
    runner = CliRunner()
    result = runner.invoke(cli, ["--archive", str(hostile.archive), "import", "--retry-failed"])
    assert "Traceback" not in result.output
    with Archive.open(hostile.archive) as archive:
        titles = {c.title for c in archive.clippings()}
        assert "Fixed since" in titles
    listed = runner.invoke(cli, ["--archive", str(hostile.archive), "list", "--json"])
    assert listed.exit_code == 0
    sources = [json.loads(line)["source"] for line in listed.stdout.splitlines()]
    assert any(s.endswith("/\\xff\\xfe-broken-\\xc3.html") for s in sources)


# -- bounds, each on its own ------------------------------------------------------------------


def test_a_gzip_bomb_is_never_inflated_past_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    process = warc._BoundedReader._process_read

    def counting(self: Any, data: bytes) -> None:
        try:
            process(self, data)
        finally:
            seen.append(self.num_read)

    monkeypatch.setattr(warc._BoundedReader, "_process_read", counting)
    bomb = tmp_path / "bomb.warc.gz"
    bomb.write_bytes(gzip_bomb(2048))  # 2 GB of zeros in 2 MB
    with pytest.raises(ClippingsError, match="gzip bomb"):
        list(warc.html_records(bomb))
    # the limit, and one block's inflation (a 16 KB block of zeros inflates to 16 MB) past it
    assert max(seen) <= max(warc.FREE_INFLATE, 100 * bomb.stat().st_size) + 20 * 2**20


def test_a_line_without_end_is_not_read_whole(tmp_path: Path) -> None:
    endless = tmp_path / "endless.warc"
    with endless.open("wb") as out:
        out.write(b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: x" + b"x" * 30 * 2**20)
    with pytest.raises(ClippingsError, match="WARC"):
        list(warc.html_records(endless))


def test_unreadable_files_and_folders_are_failures(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "page.html").write_text(article("Behind a lock"))
    (folder / "secret.html").write_text(article("Secret"))
    (folder / "open.html").write_text(article("Open"))
    (folder / "secret.html").chmod(0)
    (folder / "locked").chmod(0)
    if os.access(folder / "secret.html", os.R_OK):  # root reads a file of mode 000 anyway
        (folder / "locked").chmod(0o755)
        pytest.skip("files of mode 000 are readable here (running as root)")
    try:
        with Archive.open(tmp_path / "archive") as archive:
            report = archive.import_paths([folder])
    finally:
        (folder / "locked").chmod(0o755)
    reasons = {Path(f.source).name: f.reason for f in report.failed}
    assert reasons == {
        "secret.html": "can't read it: Permission denied",
        "locked": "can't read the folder: Permission denied",
    }
    assert len(report.imported) == 1


def test_unreadable_files_and_folders_are_failures_simulated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same as root (who reads everything): the errors the system would give."""
    folder = tmp_path / "saved"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "page.html").write_text(article("Behind a lock"))
    (folder / "secret.html").write_text(article("Secret"))
    (folder / "open.html").write_text(article("Open"))
    read_bytes, scandir = Path.read_bytes, os.scandir

    def no_reading(self: Path) -> bytes:
        if self.name == "secret.html":
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    def no_listing(path: Any = ".") -> Any:
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    monkeypatch.setattr(os, "scandir", no_listing)
    found = list(candidates([folder]))
    pages = []
    for candidate in found:
        try:
            pages.append(read_page(candidate))
        except ClippingsError as error:
            pages.append(f"{Path(candidate.source).name}: {error}")
    assert "locked: can't read the folder: Permission denied" in pages
    assert "secret.html: can't read it: Permission denied" in pages
    assert sum(isinstance(p, RawPage) for p in pages) == 1


def test_extraction_of_hostile_html_is_bounded_on_its_own() -> None:
    """Without the importer around it: deep, wide and spacey pages in a second or so each."""
    pages = {
        "deep": "<div>" * 300 + "<p>" + BODY + "</p>" + "</div>" * 300,
        "unclosed": "<font>" * 5000 + BODY,
        "wide": "<b>x</b>" * 50_000 + "<p>" + BODY + "</p>",
        "spaces": "<p>" + BODY + " " * 200_000 + "end.</p>",
        "nbsp": "<p>" + BODY + "&nbsp;" * 50_000 + "end.</p>",
    }
    for name, html in pages.items():
        started = time.monotonic()
        found = extract(RawPage(f"<html><body>{html}</body></html>".encode(), name, "html"))
        assert "river ferry resumed" in found.text, name
        assert time.monotonic() - started < 10, name
