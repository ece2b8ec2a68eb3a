"""``clippings serve`` and ``clippings token``: the real server on 127.0.0.1 over a real archive,
asked by a real HTTP client (requests) the way SingleFile's "REST Form API" destination asks:
a multipart form with the page in ``file`` and its address in ``url``, and a bearer token.

Most tests share one archive and one server, run by a thread of this process on a free port;
those that need other settings (a small size limit, other field names) start one of their own
on the same archive. ``clippings serve`` itself runs as a subprocess, ended by SIGTERM (and
SIGINT), beside a second one refused the same port.
"""

from __future__ import annotations

import asyncio
import io
import json
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from aiohttp import web
from click.testing import CliRunner

from archive.api import Archive
from archive.cli import cli
from archive.serve import FORM_OVERHEAD, Event, create_app
from archive.uploads import upload_token

from .conftest import ROOT
from .hostile import assert_inert, hostile_file_name, hostile_page
from .test_hostile import article, big_singlefile, big_text_page, gzip_bomb, mhtml

TIMEOUT = 60  # seconds a request may take (a 65 MB upload included) before a test fails


class Running:
    """An app served on a free port of 127.0.0.1 by a thread (and event loop) of its own."""

    def __init__(self, app: web.Application) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.runner = web.AppRunner(app, access_log=None)

        async def start() -> int:
            await self.runner.setup()
            await web.TCPSite(self.runner, "127.0.0.1", 0).start()
            return self.runner.addresses[0][1]

        port = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)
        self.url = f"http://127.0.0.1:{port}"

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@dataclass
class Server:
    archive: Archive
    url: str
    token: str
    events: list[Event] = field(default_factory=list)  # what the server reported

    @property
    def lines(self) -> list[tuple[str, bool]]:
        """(line printed, on stderr) for each event."""
        return [(event.line, event.error) for event in self.events]

    def post(
        self,
        page: bytes | None,
        *,
        url: str | None = None,
        name: str = "SingleFile.html",
        token: str | None = None,
        fields: tuple[str, str] = ("file", "url"),
    ) -> requests.Response:
        """Upload ``page`` as SingleFile does (``token`` None: the right one)."""
        files: dict[str, Any] = {}
        if page is not None:
            files[fields[0]] = (name, page, "text/html")
        if url is not None:
            files[fields[1]] = (None, url)
        headers = {"Authorization": f"Bearer {self.token if token is None else token}"}
        return requests.post(
            f"{self.url}/singlefile", files=files or None, headers=headers, timeout=TIMEOUT
        )

    def alive(self) -> bool:
        answer = requests.get(f"{self.url}/", timeout=TIMEOUT)
        return answer.status_code == 200 and answer.json()["app"] == "clippings"


@contextmanager
def serving(archive: Archive, token: str | None = None, **settings: Any) -> Iterator[Server]:
    """A server of ``archive`` (``token`` None: the archive's own, read at each upload)."""
    events: list[Event] = []
    running = Running(create_app(archive, token=token, log=events.append, **settings))
    try:
        yield Server(archive, running.url, token or upload_token(archive.path), events)
    finally:
        running.close()


@pytest.fixture(scope="module")
def served_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    with Archive.open(tmp_path_factory.mktemp("served") / "archive") as archive:
        yield archive


@pytest.fixture(scope="module")
def server(served_archive: Archive) -> Iterator[Server]:
    with serving(served_archive) as running:
        yield running


def page(title: str, words: str, *, url: str = "") -> bytes:
    """A saved page; with ``url``, a SingleFile page naming its address in its header."""
    head = (
        f"<!--\n Page saved with SingleFile \n url: {url} \n"
        " saved date: Wed Jul 31 2019 10:12:43 GMT+0200 (Central European Summer Time)\n-->"
        if url
        else ""
    )
    return (head + article(title, words)).encode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- uploads kept -----------------------------------------------------------------------------


def test_a_page_is_imported_and_found(server: Server) -> None:
    url = "https://news.example.org/2024/05/lighthouse"
    words = "The lighthouse keepers of the northern cape handed over their keys this spring."
    answer = server.post(page("Lighthouse keepers leave", words, url=url), url=url)
    assert answer.status_code == 201, answer.text
    got = answer.json()
    assert got["outcome"] == "imported"
    assert got["title"] == "Lighthouse keepers leave" and got["url"] == url
    assert server.archive.get(got["id"]).title == "Lighthouse keepers leave"
    assert [hit.clipping.id for hit in server.archive.search('"lighthouse keepers"').hits] == [
        got["id"]
    ]
    assert (f"imported #{got['id']} Lighthouse keepers leave ({url})", False) in server.lines
    assert server.events[-1].data == {"status": 201, **got, "name": "SingleFile.html"}
    assert not list((server.archive.path / "incoming").iterdir())  # the staged copy is gone


def test_the_same_page_again_is_already_there(server: Server) -> None:
    saved = page("Tram line reopens", "The tram line along the quay reopened on Monday.")
    first = server.post(saved, url="https://tram.example/quay")
    again = server.post(saved, url="https://tram.example/quay")
    assert first.status_code == again.status_code == 201
    assert first.json()["outcome"] == "imported"
    assert again.json() == {**first.json(), "outcome": "already there"}


def test_the_same_address_saved_again_is_a_new_version(server: Server) -> None:
    url = "https://weather.example/storm"
    first = server.post(page("Storm warning", "A storm is expected tonight.", url=url), url=url)
    later = server.post(page("Storm warning", "The storm passed without damage.", url=url), url=url)
    assert first.status_code == later.status_code == 201
    assert later.json()["outcome"] == "new version"
    assert later.json()["id"] != first.json()["id"] and later.json()["url"] == url
    versions = [c.id for c in server.archive.versions(later.json()["id"])]
    assert versions == [later.json()["id"], first.json()["id"]]


def test_the_url_field_is_the_address_of_a_page_that_names_none(server: Server) -> None:
    given = "https://given.example/orchards"
    words = "The orchards of the valley flowered two weeks early."
    answer = server.post(page("Early blossom", words), url=given)
    assert answer.status_code == 201, answer.text
    assert answer.json()["url"] == given
    assert server.archive.get(answer.json()["id"]).url == given


def test_a_page_sent_without_an_address_or_file_name_is_kept(server: Server) -> None:
    words = "Beekeepers counted more hives than in any year before."
    answer = server.post(page("Hives counted", words), name="")
    assert answer.status_code == 201, answer.text
    assert answer.json()["url"] == "" and answer.json()["title"] == "Hives counted"


# -- uploads refused ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization", [None, "Bearer", "Bearer wrong", "Basic {token}", "{token}"]
)
def test_no_token_or_the_wrong_one_is_401(server: Server, authorization: str | None) -> None:
    before = len(server.archive)
    headers = {"Authorization": authorization.format(token=server.token)} if authorization else {}
    files = {"file": ("SingleFile.html", page("Never kept", "Refused words."), "text/html")}
    answer = requests.post(f"{server.url}/singlefile", files=files, headers=headers, timeout=10)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert "token" in answer.json()["error"] and server.token not in answer.text
    assert len(server.archive) == before
    assert server.lines[-1][1] and "refused an upload from 127.0.0.1" in server.lines[-1][0]


def test_a_token_of_another_length_or_not_ascii_is_401(server: Server) -> None:
    for token in (server.token + "x", server.token[:-1], "é" * 10):
        answer = server.post(page("Never kept", "Refused words."), token=token)
        assert answer.status_code == 401, token


def test_a_form_without_the_page_is_400(server: Server) -> None:
    answer = server.post(None, url="https://nothing.example/")
    assert answer.status_code == 400
    assert "no page in the form" in answer.json()["error"] and "'file'" in answer.json()["error"]
    headers = {"Authorization": f"Bearer {server.token}"}
    for body in ({"json": {"file": "<p>x</p>"}}, {"data": {"file": "<p>x</p>"}}):
        answer = requests.post(f"{server.url}/singlefile", headers=headers, timeout=10, **body)
        assert answer.status_code == 400 and "not a form" in answer.json()["error"]
    broken = b"--B\r\nContent-Disposition: form-data; name=file\r\n\r\n<p>cut off"
    headers["Content-Type"] = "multipart/form-data; boundary=B"
    answer = requests.post(f"{server.url}/singlefile", headers=headers, data=broken, timeout=10)
    assert answer.status_code == 400 and answer.json()["error"]
    assert server.alive()


def zipped_page() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("page.html", "<html><body><p>A page in a zip.</p></body></html>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "not a saved page (PNG image)"),
        (b"", "the page is empty"),
        (b"  \n\t ", "the page is empty"),
        (b"<html><body><div></div></body></html>", "no text"),
    ],
    ids=["png", "empty", "blank", "no-text"],
)
def test_what_is_not_a_page_is_415_with_the_reason(server: Server, data: bytes, reason: str):
    before = len(server.archive)
    answer = server.post(data, url="https://image.example/")
    assert answer.status_code == 415
    assert reason in answer.json()["error"]
    assert len(server.archive) == before
    line, error = server.lines[-1]
    assert error and line.startswith("failed: SingleFile.html: ") and reason in line


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.json", b'{"a": 1}', "not a saved page (a .json file)"),
        ("style.css", b"body { color: red }", "not a saved page (a .css file)"),
        ("pages.zip", zipped_page(), "not a saved page (ZIP archive): import it with 'clippings"),
    ],
    ids=["json", "css", "zip"],
)
def test_what_a_page_drags_along_or_holds_pages_is_415(
    server: Server, name: str, data: bytes, reason: str
) -> None:
    before = len(server.archive)
    answer = server.post(data, name=name)
    assert answer.status_code == 415
    assert reason in answer.json()["error"]
    assert len(server.archive) == before


def test_other_paths_and_methods_are_404_and_405_in_json(server: Server) -> None:
    answer = requests.get(f"{server.url}/nowhere", timeout=10)
    assert answer.status_code == 404 and "POST /singlefile" in answer.json()["error"]
    answer = requests.get(f"{server.url}/singlefile", timeout=10)
    assert answer.status_code == 405 and answer.headers["Allow"] == "POST"
    assert "GET" in answer.json()["error"]
    assert server.alive()


def test_over_the_size_limit_is_413_and_the_server_goes_on(served_archive: Archive) -> None:
    limit = 2000
    with serving(served_archive, token="secret", max_page_bytes=limit) as small:
        # a page over the limit, inside the form's room: refused by the server's own check
        answer = small.post(page("Too long", "Many words. " * 400))
        assert answer.status_code == 413 and "2,000 bytes" in answer.json()["error"]
        # a form past the limit and the form's room: refused by aiohttp before it is read
        answer = small.post(b"<p>" + b"x" * (limit + FORM_OVERHEAD + 1000))
        assert answer.status_code == 413 and "size limit" in answer.json()["error"]
        assert small.alive()
        answer = small.post(page("Short", "A short note on the weather."))
        assert answer.status_code == 201, answer.text
        assert [error for _, error in small.lines] == [True, True, False]


def test_other_field_names(served_archive: Archive) -> None:
    with serving(served_archive, token="t", file_field="page", url_field="address") as custom:
        given = "https://custom.example/wells"
        saved = page("Village wells", "The village wells were cleaned and tested.")
        answer = custom.post(saved, url=given, fields=("page", "address"))
        assert answer.status_code == 201, answer.text
        assert answer.json()["url"] == given
        answer = custom.post(saved, url=given)  # sent in "file" and "url": no page there
        assert answer.status_code == 400 and "'page'" in answer.json()["error"]


def test_an_unexpected_error_is_one_line_and_the_server_goes_on(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the disk\nwent away\x1b[2J")

    monkeypatch.setattr(server.archive, "receive", broken)
    answer = server.post(page("Broken", "Words of a page the import breaks on."))
    assert answer.status_code == 500
    assert answer.json() == {"error": "unexpected RuntimeError: the disk"}
    assert server.lines[-1] == ("error: unexpected RuntimeError: the disk", True)
    monkeypatch.undo()
    assert server.alive()
    answer = server.post(page("Mended", "Words of a page imported after the error."))
    assert answer.status_code == 201


# -- hostile pages, one after another ---------------------------------------------------------


def slip_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../escaped.html", article("Climbing out"))
        archive.writestr("/absolute/escaped.html", article("Absolute name"))
    return buffer.getvalue()


def hostile_uploads() -> list[tuple[str, bytes, int]]:
    """(file name, bytes, the status expected): the pages of tests/test_hostile.py that an
    upload can be (a zip, a WARC is no page: refused whole)."""
    # what a part's header can carry (C1 controls, bidi overrides, markup; no C0 control,
    # nothing aiohttp's header parser reads as syntax)
    syntax = ";\\\x7f"
    printable_name = "".join(c for c in hostile_file_name(".html") if c >= " " and c not in syntax)
    deep = 100_000
    deep_page = (
        "<html><head><title>Deep</title></head><body>"
        + "<div>" * deep
        + "<p>The river ferry resumed its crossings. Found at the bottom of the page.</p>"
        + "</div>" * deep
        + "</body></html>"
    )
    return [
        ("escapes.html", hostile_page().encode(), 201),
        (hostile_file_name(".html"), page("Escapes raw", "Control bytes in a header."), 400),
        (printable_name, page("Named in escapes", "A page with a hostile name."), 201),
        ("deep.html", deep_page.encode(), 201),
        (
            "utf16-lie.html",
            article("Café de la gare", head='<meta charset="utf-16">').encode(),
            201,
        ),
        ("no-charset.html", article("Unknown", head='<meta charset="x-klingon">').encode(), 201),
        ("latin1.html", article("Un café", head='<meta charset="utf-8">').encode("latin-1"), 201),
        ("invalid-utf8.html", article("Broken bytes").encode() + b"\xff\xfe\xc3\x28\xa0", 201),
        ("spaces.html", article("Spaces", "Words. " + " " * 300_000 + "More.").encode(), 201),
        ("slip.zip", slip_zip(), 415),
        ("bomb.warc.gz", gzip_bomb(64), 415),
        ("bad-base64.mhtml", mhtml(b"!!! not base64 at all @@@"), 415),
        ("random.html", bytes(range(256)) * 80, 415),
        ("big-singlefile.html", big_singlefile(), 201),
        ("big-book.html", big_text_page(), 201),
        ("too-large.html", b"<p>" + b"a" * (65 * 2**20), 413),
    ]


# (the raw escapes in a file name: aiohttp warns, quoting the header; `serve.run` hushes it)
@pytest.mark.filterwarnings("ignore::aiohttp.multipart.BadContentDispositionHeader")
def test_hostile_pages_get_clean_answers_and_the_server_goes_on(server: Server) -> None:
    outside = Path.cwd() / "escaped.html"
    for number, (name, data, status) in enumerate(hostile_uploads()):
        started = time.monotonic()
        answer = server.post(data, name=name, url=f"https://hostile.example/{number}")
        assert answer.status_code == status, (name, answer.text)
        assert time.monotonic() - started < 30, name
        assert_inert(answer.text)  # JSON: anything a terminal would act on is escaped
        got = answer.json()
        if status == 201:
            assert got["outcome"] == "imported" and got["id"], name
        else:
            assert got["error"] and "\n" not in got["error"], name
        line, error = server.lines[-1]
        assert_inert(line)
        assert error == (status != 201), (name, line)
        assert server.alive(), name
    assert not outside.exists() and not Path("/absolute/escaped.html").exists()
    assert not list((server.archive.path / "incoming").iterdir())
    assert server.archive.search('"Found at the bottom"').total == 1


# -- clippings token, clippings serve -----------------------------------------------------------


def test_token_prints_the_same_token_until_new(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    runner = CliRunner()
    first = runner.invoke(cli, ["--archive", str(folder), "token"])
    again = runner.invoke(cli, ["--archive", str(folder), "token"])
    assert first.exit_code == again.exit_code == 0, first.output
    assert first.stdout == again.stdout and len(first.stdout.strip()) >= 40
    assert stat.S_IMODE((folder / "upload-token").stat().st_mode) == 0o600
    new = runner.invoke(cli, ["--archive", str(folder), "token", "--new"])
    assert new.exit_code == 0 and new.stdout.strip() not in ("", first.stdout.strip())
    assert runner.invoke(cli, ["--archive", str(folder), "token"]).stdout == new.stdout
    assert stat.S_IMODE((folder / "upload-token").stat().st_mode) == 0o600
    as_json = json.loads(runner.invoke(cli, ["--archive", str(folder), "token", "--json"]).stdout)
    assert as_json == {"token": new.stdout.strip(), "file": str(folder / "upload-token")}


def test_a_new_token_takes_effect_at_once(server: Server) -> None:
    old = server.token
    runner = CliRunner()
    new = runner.invoke(cli, ["--archive", str(server.archive.path), "token", "--new"])
    new_token = new.stdout.strip()
    try:
        assert server.post(page("Old token", "Words."), token=old).status_code == 401
        saved = page("New token", "The ferry timetable changes with the new token.")
        assert server.post(saved, token=new_token).status_code == 201
    finally:
        server.token = new_token


def wait_until_serving(url: str, process: subprocess.Popen[str], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    pytest.fail("clippings serve did not answer")


def clippings(archive: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "archive", "--archive", str(archive), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_clippings_serve_runs_until_sigterm(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    port = free_port()
    process = clippings(folder, "serve", "--port", str(port))
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/", process)
        token = upload_token(folder)
        saved = page("Served", "The night train runs again.", url="https://train.example/")
        files = {"file": ("SingleFile.html", saved, "text/html")}
        headers = {"Authorization": f"Bearer {token}"}
        answer = requests.post(
            f"http://127.0.0.1:{port}/singlefile", files=files, headers=headers, timeout=30
        )
        assert answer.status_code == 201, answer.text
        # a second server on the same port: one line, status 1
        second = clippings(folder, "serve", "--port", str(port))
        out, err = second.communicate(timeout=30)
        assert second.returncode == 1
        assert err.strip().splitlines() == [
            f"clippings: can't listen on 127.0.0.1:{port}: the port is in use "
            "(another `clippings serve`? --port picks another)"
        ]
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert f"imported #{answer.json()['id']} Served (https://train.example/)" in out
    assert f"taking SingleFile uploads at http://127.0.0.1:{port}/singlefile" in err
    assert f"the token: clippings token --archive {folder}" in err
    assert "warning" not in err and "Traceback" not in err
    assert err.strip().endswith("stopped")


def test_clippings_serve_json_and_its_warning_beyond_this_machine(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    port = free_port()
    process = clippings(folder, "serve", "--host", "0.0.0.0", "--port", str(port), "--json")
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/", process)
        files = {"file": ("x.png", b"\x89PNG\r\n\x1a\n" + bytes(256), "image/png")}
        headers = {"Authorization": f"Bearer {upload_token(folder)}"}
        answer = requests.post(
            f"http://127.0.0.1:{port}/singlefile", files=files, headers=headers, timeout=30
        )
        assert answer.status_code == 415
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "warning: listening on 0.0.0.0, not this machine alone" in err
    assert [json.loads(line) for line in out.splitlines()] == [
        {
            "listening": f"http://{socket.gethostname()}:{port}/singlefile",  # not 0.0.0.0
            "file_field": "file",
            "url_field": "url",
        },
        {"status": 415, "error": "not a saved page (PNG image)", "name": "x.png"},
    ]


def test_serve_refuses_one_field_for_both(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--archive", str(tmp_path / "a"), "serve", "--file-field", "x", "--url-field", "x"]
    )
    assert result.exit_code == 2 and "must differ" in result.output


def test_every_new_command_has_help() -> None:
    for command in ("serve", "token"):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and "Examples:" in result.output
