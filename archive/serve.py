"""``clippings serve``: pages uploaded over HTTP (SingleFile's "REST Form API" destination)
taken into the archive.

One route, ``POST /singlefile``: a ``multipart/form-data`` form with the page in field ``file``
and its address in field ``url`` (both names configurable), sent with ``Authorization: Bearer
TOKEN`` (the archive's upload token, ``archive.uploads.upload_token``). Every answer is JSON:

- 201 ``{"id", "title", "url", "outcome"}``, the outcome one of ``OUTCOMES``: ``imported``,
  ``new version`` (of a page saved before from the same address) or ``already there`` (the
  same bytes are archived: ``id`` is that clipping's);
- 400 not a multipart form, or one without the page; 401 no token or the wrong one (with
  ``WWW-Authenticate: Bearer``); 404 another path; 405 another method;
- 413 the page (or the whole form) over the size limit; 415 not a page (empty, binary data,
  an image) or a page no import could read, with the reason;
- 503 the archive can't be written (a full disk, a read-only folder); 500 anything
  unexpected, as ``{"error": "..."}``: one line, logged as one line, and the server goes on.

The import blocks, so it runs on one worker thread: the event loop goes on answering, and
uploads wait their turn (one writer at a time, as for any import). Each request to the upload
route is reported (an ``Event``): a line, for stdout what became of the page (outcome, id,
title, address), for stderr why it was refused, made printable (no escape from a page reaches
the terminal); and the same as data, for ``--json``.
"""

from __future__ import annotations

import asyncio
import errno
import hmac
import ipaddress
import logging
import os
import socket
import sys
import traceback
import warnings
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.multipart import BadContentDispositionHeader

from .extract.clean import printable
from .models import ArchiveWriteError, ClippingsError
from .sources import MAX_PAGE_BYTES
from .uploads import NotAPage, TooLarge, upload_token

if TYPE_CHECKING:
    from .api import Archive

APP_NAME = "clippings"
ROUTE = "/singlefile"
FILE_FIELD = "file"  # SingleFile's "archive data field name" for the page
URL_FIELD = "url"  # SingleFile's "archive URL field name" for the page's address
FALLBACK_NAME = "page.html"  # a page sent without a file name: read as HTML
# room in a request beside the page: boundaries, part headers, and the page's address (a
# browser takes URLs of up to 2 MB); past page plus this, the form is refused unread (413)
FORM_OVERHEAD = 2 * 2**20
# how long a stopped server lets an upload in flight finish before it gives up on it
SHUTDOWN_SECONDS = 60.0
# each outcome of ``Archive.receive`` as an answer says it (and the line on the terminal)
OUTCOMES = {"imported": "imported", "version": "new version", "present": "already there"}


@dataclass
class Event:
    """What one request came to, as the server reports it: ``line`` for a terminal (made
    printable), ``data`` for a script (the HTTP status, then the answer's fields: ``id, title,
    url, outcome`` or ``error``; the page's file ``name``, the sender's address ``remote``)."""

    line: str
    data: dict[str, Any]

    @property
    def error(self) -> bool:
        """Whether the request was refused (or failed): a line for stderr."""
        return self.data["status"] >= 400


Log = Callable[[Event], None]


def print_event(event: Event) -> None:
    """The line of ``event``: on stdout, or on stderr when it says why a request failed."""
    print(event.line, file=sys.stderr if event.error else sys.stdout, flush=True)


@dataclass
class Settings:
    """What one server was told: its archive, its token, its field names and limit."""

    archive: Archive
    token: str | None  # None: the archive's token, read at each upload (`token --new` holds)
    file_field: str
    url_field: str
    max_page_bytes: int
    log: Log
    writer: ThreadPoolExecutor

    def current_token(self) -> str:
        return self.token if self.token is not None else upload_token(self.archive.path)


SETTINGS = web.AppKey("settings", Settings)


def create_app(
    archive: Archive,
    *,
    token: str | None = None,
    file_field: str = FILE_FIELD,
    url_field: str = URL_FIELD,
    max_page_bytes: int = MAX_PAGE_BYTES,
    log: Log = print_event,
) -> web.Application:
    """The upload server of ``archive``: ``POST /singlefile`` and ``GET /`` (a health check
    naming the app). Without ``token``, uploads must carry the archive's upload token as it
    is at that moment (``clippings token --new`` takes effect at once)."""
    app = web.Application(
        middlewares=[_json_errors], client_max_size=max_page_bytes + FORM_OVERHEAD
    )
    # one thread: uploads are imported one at a time, in the order they came
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clippings-upload")
    app[SETTINGS] = Settings(archive, token, file_field, url_field, max_page_bytes, log, writer)
    app.router.add_get("/", _health)
    app.router.add_post(ROUTE, _upload)
    app.on_cleanup.append(_finish_uploads)
    return app


async def _finish_uploads(app: web.Application) -> None:
    """An upload still importing when the server stops is finished (archived whole) first."""
    app[SETTINGS].writer.shutdown(wait=True)


def _answer(
    status: int, data: dict[str, Any], headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(data, status=status, headers=headers)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return _answer(status, {"error": message}, headers)


async def _health(request: web.Request) -> web.Response:
    return _answer(200, {"app": APP_NAME, "upload": f"POST {ROUTE}"})


# -- every answer JSON, never a traceback ---------------------------------------------------


@web.middleware
async def _json_errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """aiohttp's own refusals (404, 405, 413) as JSON; anything unexpected as a 500 of one
    line, logged as one line (with ``CLIPPINGS_DEBUG=1``, its traceback too)."""
    try:
        return await handler(request)
    except web.HTTPException as refusal:
        if refusal.status < 400:
            raise
        kept = {k: v for k, v in refusal.headers.items() if k in ("Allow", "WWW-Authenticate")}
        return _error(refusal.status, _refusal_text(request, refusal), kept)
    except asyncio.CancelledError:
        raise
    except Exception as error:
        _say(request.app[SETTINGS], f"error: {_unexpected(error)}", 500, error=_unexpected(error))
        if os.environ.get("CLIPPINGS_DEBUG"):
            traceback.print_exc()
        return _error(500, _unexpected(error))


def _refusal_text(request: web.Request, refusal: web.HTTPException) -> str:
    if refusal.status == 404:
        return f"nothing here: pages are uploaded to POST {ROUTE}"
    if refusal.status == 405:
        allowed = refusal.headers.get("Allow", "")
        return f"{request.method} is not allowed here (allowed: {allowed})"
    if refusal.status == 413:
        limit = request.app[SETTINGS].max_page_bytes
        return f"the upload is over the size limit (a page of {_size(limit)})"
    return _one_line(refusal.text or refusal.reason)


def _unexpected(error: BaseException) -> str:
    return _one_line(f"unexpected {type(error).__name__}: {error}")


def _one_line(text: str) -> str:
    return printable(text.strip().split("\n")[0])


def _size(size: int) -> str:
    return f"{size // 2**20} MB" if size >= 2**20 and size % 2**20 == 0 else f"{size:,} bytes"


# -- the upload -------------------------------------------------------------------------------


def _authorized(header: str, token: str) -> bool:
    """Whether ``header`` is ``Bearer TOKEN`` with the right token, compared in constant time
    (how long the check takes says nothing of how much of a guess was right)."""
    scheme, _, given = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode("utf-8", "replace"), token.encode())


async def _upload(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    who = request.remote or "?"
    header = request.headers.get("Authorization", "")
    if not _authorized(header, settings.current_token()):
        why = "no upload token" if not header.strip() else "wrong upload token"
        _say(settings, f"refused an upload from {who}: {why}", 401, error=why, remote=who)
        return _error(
            401,
            f"{why}: send Authorization: Bearer TOKEN (`clippings token` prints it)",
            {"WWW-Authenticate": 'Bearer realm="clippings"'},
        )
    if request.content_type != "multipart/form-data":
        return _refuse(settings, 400, f"not a form: {_form_expected(settings)}")
    try:
        form = await request.post()
    except web.HTTPRequestEntityTooLarge as refusal:  # past client_max_size
        return _refuse(settings, 413, _refusal_text(request, refusal))
    except ConnectionError:
        return _refuse(settings, 400, f"the upload from {who} was cut off")
    except (ValueError, LookupError, RuntimeError, TypeError, HttpProcessingError) as error:
        detail = error.message if isinstance(error, HttpProcessingError) else str(error)
        why = f" ({_one_line(detail)})" if detail.strip() else ""
        return _refuse(settings, 400, f"the form can't be read{why}")
    page = form.get(settings.file_field)
    url = form.get(settings.url_field)
    if page is None:
        return _refuse(settings, 400, f"no page in the form: {_form_expected(settings)}")
    loop = asyncio.get_running_loop()
    job = _Upload(settings, page, _text(url))
    status, data, line = await loop.run_in_executor(settings.writer, job.run)
    _say(settings, line, status, **data, name=job.name)
    return _answer(status, data)


def _form_expected(settings: Settings) -> str:
    return (
        f"send multipart/form-data with the page in field {settings.file_field!r} "
        f"and its address in field {settings.url_field!r}"
    )


def _say(settings: Settings, line: str, status: int, **data: Any) -> None:
    """Report what a request came to (the line made printable: what came from a page or a
    request is in it)."""
    settings.log(Event(printable(line), {"status": status, **data}))


def _refuse(settings: Settings, status: int, message: str) -> web.Response:
    _say(settings, f"failed: {message}", status, error=message)
    return _error(status, message)


def _text(value: object) -> str:
    """A form field's value as text (the address of the page), whatever it came as."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace").strip()
    return ""  # a file where the address belongs: no address


class _Upload:
    """One upload, run on the writer thread: read, checked, imported, answered."""

    def __init__(self, settings: Settings, page: Any, url: str) -> None:
        self.settings = settings
        self.page = page
        self.url = url
        self.name = getattr(page, "filename", "") or FALLBACK_NAME

    def run(self) -> tuple[int, dict[str, Any], str]:
        """(status, answer, line to print)."""
        label = _one_line(self.name)
        try:
            data = self._read()
            if len(data) > self.settings.max_page_bytes:
                raise TooLarge(f"the page is over {_size(self.settings.max_page_bytes)}")
            received = self.settings.archive.receive(data, self.name, self.url)
        except TooLarge as error:
            return 413, {"error": str(error)}, f"failed: {label}: {_one_line(str(error))}"
        except NotAPage as error:
            return 415, {"error": str(error)}, f"failed: {label}: {_one_line(str(error))}"
        except ArchiveWriteError as error:
            return 503, {"error": str(error)}, f"failed: {label}: {_one_line(str(error))}"
        except ClippingsError as error:
            return 500, {"error": str(error)}, f"failed: {label}: {_one_line(str(error))}"
        if received.outcome == "failed" or received.id is None:
            reason = received.reason or "not a saved page"
            return 415, {"error": reason}, f"failed: {label}: {_one_line(reason)}"
        clipping = self.settings.archive.get(received.id)
        outcome = OUTCOMES[received.outcome]
        url = clipping.url or self.url
        answer = {"id": clipping.id, "title": clipping.title, "url": url, "outcome": outcome}
        shown = f"{outcome} #{clipping.id} {printable(clipping.title) or label}"
        return 201, answer, shown + (f" ({printable(url)})" if url else "")

    def _read(self) -> bytes:
        page = self.page
        if isinstance(page, str):
            return page.encode("utf-8")
        if isinstance(page, bytes | bytearray):
            return bytes(page)
        file: IO[bytes] = page.file
        try:
            return file.read(self.settings.max_page_bytes + 1)
        finally:
            file.close()


# -- running it -------------------------------------------------------------------------------


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port``, or ``ClippingsError`` saying why not (the
    port in use, an address this machine does not have)."""
    where = f"{host}:{port}"
    try:
        family, _, _, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        return socket.create_server(address, family=family)
    except socket.gaierror as error:
        raise ClippingsError(
            f"can't listen on {where}: no such address ({error.strerror})"
        ) from None
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            why = "the port is in use (another `clippings serve`? --port picks another)"
        elif error.errno == errno.EACCES:
            why = "not allowed (ports below 1024 need root)"
        elif error.errno == errno.EADDRNOTAVAIL:
            why = "this machine has no such address"
        else:
            why = error.strerror or str(error)
        raise ClippingsError(f"can't listen on {where}: {why}") from None


def address_of(sock: socket.socket) -> str:
    """``http://host:port`` of a listening socket; on every interface (0.0.0.0, ``::``),
    this machine's name, which others reach it by (``0.0.0.0`` is no address to send to)."""
    host, port = sock.getsockname()[:2]
    if ipaddress.ip_address(host).is_unspecified:
        host = socket.gethostname()
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def is_local(sock: socket.socket) -> bool:
    """Whether only this machine can reach the socket (it listens on a loopback address)."""
    return ipaddress.ip_address(sock.getsockname()[0]).is_loopback


def run(app: web.Application, sock: socket.socket) -> None:
    """Serve ``app`` on ``sock`` until SIGINT (Ctrl+C) or SIGTERM, then stop gracefully: the
    uploads in flight are answered first (up to ``SHUTDOWN_SECONDS``)."""
    _one_line_logs()
    web.run_app(app, sock=sock, print=None, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)


class _OneLine(logging.Formatter):
    """A log record as one printable line: its message and, for an exception, its type and
    message, never its traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            line = f"{line}: {type(error).__name__}: {error}"
        return f"clippings serve: {_one_line(line)}"


def _one_line_logs() -> None:
    """What aiohttp and asyncio log themselves (a client gone mid-answer), and warnings, as
    one printable line each. A part header aiohttp can't read is answered (400) as it is:
    aiohttp's warning about it, quoting the header, is not printed."""
    warnings.filterwarnings("ignore", category=BadContentDispositionHeader)
    logging.captureWarnings(True)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLine())
    for name in ("aiohttp", "asyncio", "py.warnings"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.WARNING)
        logger.propagate = False
