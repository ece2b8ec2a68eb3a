"""The ``clippings`` command: a thin layer over ``archive.Archive`` for people and scripts.

Every command takes ``--archive DIR`` and ``--json`` where it prints data. Errors are one line on
stderr and exit status 1; no traceback reaches the user (``CLIPPINGS_DEBUG=1`` shows them).

What came from a page or a file name is printed through ``_safe`` (``render.safe``) or as JSON
by ``_json``: no escape sequence or control character reaches the terminal, and Rich prints
with markup off, so ``[bold]`` in a page stays ``[bold]``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .models import Clipping, ClippingsError, counted

if TYPE_CHECKING:
    from rich.console import Console

    from .api import Archive
    from .models import SavedSearch

# (newest, oldest: by the date shown, published else saved; saved: recently saved first)
SORT_CHOICE = click.Choice(["relevance", "newest", "oldest", "saved"])


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # rich's exits with status 1, as if it failed
            self.quiet = True
            _pipe_closed()

    return _Console(stderr=stderr, highlight=False, emoji=False, markup=False)


def _set_archive(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.ensure_object(dict)["archive"] = value


archive_option = click.option(
    "--archive",
    "archive_path",
    metavar="DIR",
    expose_value=False,
    callback=_set_archive,
    is_eager=True,
    help="Archive folder (default: $CLIPPINGS_ARCHIVE, else your user data folder).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON, for scripts.")


@contextmanager
def open_archive(*, sync: bool = True) -> Iterator[Archive]:
    """The archive of ``--archive``; a write waits for another process's, saying so once."""
    from .api import Archive

    ctx = click.get_current_context()
    with Archive.open(ctx.ensure_object(dict).get("archive"), sync=sync) as archive:
        archive.on_wait = _waiting
        yield archive


# left raw in JSON strings by ``ensure_ascii=False`` but acted on (or reordered) by a terminal:
# DEL and the C1 controls (0x9b is CSI), the line separators, the bidi controls, and lone
# surrogates (file names that are not UTF-8, which could not even be written raw)
_JSON_ESCAPED = re.compile(
    r"[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _json(data: object, *, indent: int | None = None) -> str:
    """``data`` as JSON, readable text kept as it is, every character a terminal would act on
    escaped (``\\u001b``, ``\\u009b``): the same data, inert on a terminal."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _JSON_ESCAPED.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _waiting() -> None:
    from .locking import BUSY

    click.echo(f"clippings: {BUSY}; waiting for it…", err=True)


def _print_json(data: object) -> None:
    click.echo(_json(data))


class ClippingsGroup(click.Group):
    """Turns user-facing errors into one line and an exit status, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except ClippingsError as error:
            _fail(str(error))
        except KeyboardInterrupt:
            _fail("interrupted", status=130)
        except BrokenPipeError:
            _pipe_closed()
        except Exception as error:
            if os.environ.get("CLIPPINGS_DEBUG"):
                raise
            _fail(_unexpected(error, ctx))


def _unexpected(error: Exception, ctx: click.Context) -> str:
    """One line for an error no command expected: a failed write to the archive (a full disk,
    a read-only folder) says so, an unreadable file names itself, anything else its type."""
    from .location import archive_dir
    from .write_errors import as_write_error

    archive = archive_dir((ctx.obj or {}).get("archive"))
    found = as_write_error(error, archive)
    if found is not None:
        return str(found)
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    return f"unexpected {type(error).__name__}: {error} (CLIPPINGS_DEBUG=1 shows more)"


def _pipe_closed() -> None:
    """The reader of the output left (``clippings list | head``): stop without a word, as
    ``cat`` does. Python's advice: point stdout at devnull, or flushing it at exit raises
    again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(141)  # (128 + SIGPIPE, what a shell reports for ``cat`` in the same place)


def _fail(message: str, *, status: int = 1) -> None:
    first_line = message.strip().split("\n")[0]  # (not splitlines: a \r in a file name)
    click.echo(f"clippings: {_safe(first_line) or 'error'}", err=True)
    sys.exit(status)


@click.group(cls=ClippingsGroup, invoke_without_command=True)
@archive_option
@click.version_option(package_name="clippings")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Clippings: keep every saved web page, read it clean, find it as you type.

    With no command, opens the terminal UI (or, when not run in a terminal, lists the archive).
    """
    ctx.ensure_object(dict)
    if ctx.invoked_subcommand is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            ctx.invoke(tui_cmd)
        else:
            ctx.invoke(list_cmd)


@cli.command("tui")
@archive_option
def tui_cmd() -> None:
    """Open the terminal UI: search as you type, read clean articles, tag, import."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # (Textual would wait for a terminal's answers that never come, spinning a core)
        raise ClippingsError(
            "the terminal UI needs a terminal: run it in one, or use the commands "
            "(clippings --help)"
        )
    from .tui import create_app

    create_app(click.get_current_context().ensure_object(dict).get("archive")).run()


@cli.command("import")
@click.argument("paths", nargs=-1, type=click.Path())
@archive_option
@json_option
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: all cores).",
)
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False),
    help="Also write the report as JSON to FILE.",
)
@click.option(
    "--retry-failed", is_flag=True, help="Import again only what the last import could not."
)
@click.option(
    "--events",
    is_flag=True,
    help="Print a JSON line per file as it is done, then the summary (for programs that follow).",
)
def import_cmd(
    paths: tuple[str, ...],
    as_json: bool,
    jobs: int | None,
    report_file: str | None,
    retry_failed: bool,
    events: bool,
) -> None:
    """Import saved pages: files, and folders (recursively).

    Ends with what was imported, already there, duplicated, skipped and failed (each failure
    with its reason). Exits with status 1 if anything failed.
    """
    if not paths and not retry_failed:
        raise click.UsageError("give files or folders to import (or --retry-failed)")
    from .children import WORKERS_FROM, start_early

    if jobs != 1 and (len(paths) >= WORKERS_FROM or any(os.path.isdir(p) for p in paths)):
        start_early()  # workers will be needed: their fork server warms up meanwhile
    with open_archive() as archive:
        if retry_failed:
            paths = tuple(f.source for f in archive.last_failures()) + paths
            if not paths:
                click.echo("nothing to retry: the last import had no failures", err=True)
                return
        before = archive.newest_id()  # (ids only grow: a page saved again gets one too)
        try:
            with _progress(enabled=not (as_json or events)) as progress:
                report = archive.import_paths(
                    paths, progress=_print_event if events else progress, jobs=jobs
                )
            told = [i for _, i in report.restored] + [i for _, i, _, _ in report.files_added]
            if len(report.present_ids) <= NAMED_AT_MOST:  # a few pages there already: which
                told += [i for _, i in report.present_ids]
            titles = {i: archive.get(i).title for i in told}
        except KeyboardInterrupt:
            kept = archive.newest_id() - before
            _fail(
                f"interrupted: {_n(kept, 'page')} stored before the stop; the same import "
                "again finishes it (what is stored already is skipped)",
                status=130,
            )
        if not events:  # (a program following, the TUI, merges in its own time)
            _settle(archive, quiet=as_json)
        # a new save kept beside the one shown: because no article was found in it, or not
        no_article = {
            clipping_id
            for _, clipping_id, current in report.versions
            if clipping_id != current and archive.get(clipping_id).whole_page
        }
    summary = report.to_dict()
    if report_file:
        Path(report_file).write_text(_json(summary, indent=2) + "\n")
    if events:
        _print_json({"event": "done", **summary})
    elif as_json:
        _print_json(summary)
    else:
        for failure in report.failed:
            click.echo(f"failed: {_name(failure.source)}: {_safe(failure.reason)}", err=True)
        for source in report.unknown:
            click.echo(f"skipped, unknown type: {_name(source)}", err=True)
        if len(report.near_duplicates) <= NAMED_AT_MOST:
            for source, clipping_id, like in report.near_duplicates:
                others = ", ".join(f"#{i}" for i in like[:NAMED_AT_MOST])
                if len(like) > NAMED_AT_MOST:
                    others += f" and {len(like) - NAMED_AT_MOST} more"
                click.echo(f"near-duplicate: {_name(source)} (#{clipping_id}) reads like {others}")
        else:  # (a folder of near-copies: a line each pushed the summary out of sight)
            click.echo(
                f"near-duplicates: {len(report.near_duplicates):,} pages read like clippings "
                "already here (--report FILE names each)"
            )
        for _, clipping_id, folder, files in report.files_added:
            click.echo(_files_added(clipping_id, titles[clipping_id], folder, files))
        for source, clipping_id, current in report.versions:
            if current == clipping_id:
                said = "the earlier save stays, as an older version"
            elif clipping_id in no_article:
                said = f"no article found in it: #{current} stays the one shown"
            else:
                said = f"saved before #{current}, which stays the one shown"
            click.echo(
                f"new version: {_name(source)} (#{clipping_id}; {said}: "
                f"clippings versions {current})"
            )
        if len(report.present_ids) <= NAMED_AT_MOST:
            # (those told of as restored, or given their files folder, are named there)
            named = {i for _, i in report.restored} | {i for _, i, _, _ in report.files_added}
            for source, clipping_id in report.present_ids:
                if clipping_id not in named:
                    click.echo(
                        f"already in the archive: {_name(source)} is #{clipping_id} "
                        f"{_safe(titles[clipping_id])}"
                    )
        for source, clipping_id in report.restored:
            click.echo(
                f"original restored: #{clipping_id} {_safe(titles[clipping_id])} "
                f"(its stored copy was missing or damaged: written back from {_name(source)})"
            )
        again = f" ({len(report.versions)} of them a page saved before)" if report.versions else ""
        click.echo(
            f"imported {len(report.imported)}{again}, already present "
            f"{len(report.already_present)}, duplicates {len(report.duplicates)}, skipped "
            f"{len(report.skipped)}, failed {len(report.failed)}"
        )
        if not report.files:
            where = ", ".join(_name(str(path)) for path in paths)
            click.echo(f"no files found to import in {where}", err=True)
        if any(not _gone(failure.source) for failure in report.failed):
            click.echo(
                "clippings import --retry-failed tries those again (once the cause is fixed)",
                err=True,
            )
    if report.failed:
        sys.exit(1)


# pages imported again, or near-duplicates, are named one by one up to this many (a folder
# imported again is not), and the clippings a near-duplicate reads like
NAMED_AT_MOST = 10


def _gone(source: str) -> bool:
    """Whether a failed page's file is no longer there (a path mistyped, a file moved): no
    retry can read it. A member of a zip or a WARC is named after its container's path."""
    path = Path(source.split("#", 1)[0])
    while not path.exists():
        if path.parent == path:
            return True
        path = path.parent
    return path.is_dir() and path != Path(source.split("#", 1)[0])


@cli.command("versions")
@click.argument("clipping_id", type=int)
@archive_option
@json_option
def versions_cmd(clipping_id: int, as_json: bool) -> None:
    """List every saved version of a clipping's page (same URL): first the current one, which
    search and list show, then the others, newest first, readable with `show ID`."""
    from . import render

    with open_archive() as archive:
        archive.get(clipping_id)
        versions = archive.versions(clipping_id)
    for number, clipping in enumerate(versions):
        if as_json:
            _print_json({**clipping.to_dict(), "current": number == 0})
        else:
            mark = "current" if number == 0 else render.version_mark(clipping, versions[0])
            saved = _safe(clipping.saved[:19])
            click.echo(f"#{clipping.id}\t{saved}\t{mark}\t{_safe(clipping.title)}")


@cli.group("saved")
@archive_option
def saved_group() -> None:
    """Saved searches: queries kept under a name, with how many clippings each matches now.

    They live in the archive's catalog (a reindex keeps them); the terminal UI lists them in
    its side panel (Ctrl+F) and Ctrl+B saves the query in the box.

    \b
    Examples:
      clippings saved add korea 'korea OR "north korea"'
      clippings saved list --json
      clippings saved run korea --sort newest
      clippings saved rm korea
    """


def _saved_dict(saved: SavedSearch, count: int | None) -> dict[str, Any]:
    return {**saved.to_dict(), "count": count}


@saved_group.command("add", context_settings={"ignore_unknown_options": True})
@click.argument("name")
@click.argument("query", nargs=-1, required=True)
@click.option("--replace", is_flag=True, help="Replace a saved search of the same name.")
@archive_option
@json_option
def saved_add_cmd(name: str, query: tuple[str, ...], replace: bool, as_json: bool) -> None:
    """Save QUERY (the language of `clippings search`) under NAME. A query that can't be
    read is not saved; a name already taken needs --replace.

    \b
    Examples:
      clippings saved add korea 'korea OR "north korea"'
      clippings saved add reading tag:to-read -tag:done
      clippings saved add korea 'korea date:2019..' --replace
    """
    from .models import SavedSearchExists

    with open_archive() as archive:
        try:
            saved = archive.add_saved_search(name, " ".join(query), replace=replace)
        except SavedSearchExists as error:
            raise SavedSearchExists(f"{error} (--replace replaces it)") from None
        count = archive.count_matches(saved.query)
    if as_json:
        _print_json(_saved_dict(saved, count))
    else:
        noun = "clipping matches" if count == 1 else "clippings match"
        click.echo(f"saved {_safe(saved.name)!r}: {_safe(saved.query)} ({count:,} {noun} now)")


@saved_group.command("list")
@archive_option
@json_option
def saved_list_cmd(as_json: bool) -> None:
    """List the saved searches by name, each with how many clippings it matches now and its
    query ("?" when the query can't be read any more).

    \b
    Examples:
      clippings saved list
      clippings saved list --json     # one object per line: name, query, created, count
    """
    from rich.table import Table
    from rich.text import Text

    with open_archive() as archive:
        counts = archive.saved_search_counts()
    if as_json:
        for saved, count in counts:
            _print_json(_saved_dict(saved, count))
        return
    if not counts:
        click.echo("no saved searches yet: clippings saved add NAME QUERY keeps one", err=True)
        return
    table = Table(box=None, pad_edge=False)
    table.add_column("name", no_wrap=True, overflow="ellipsis", max_width=30)
    table.add_column("count", justify="right", no_wrap=True)
    table.add_column("query", overflow="fold")
    for saved, count in counts:
        shown = Text("?", style="red") if count is None else Text(f"{count:,}", style="cyan")
        table.add_row(Text(_safe(saved.name), style="bold"), shown, Text(_safe(saved.query)))
    _console().print(table)


def limit_option(default: int | None, help: str) -> Callable[[Any], Any]:
    """``--limit``/``-n``: how many to show, one at least (0 or -3 showed nothing, or all)."""
    return click.option(
        "--limit",
        "-n",
        type=click.IntRange(min=1),
        default=default,
        show_default=default is not None,
        help=help,
    )


# how many hits ``search`` and ``saved run`` show
hits_limit_option = limit_option(20, "How many hits to show.")


@saved_group.command("run")
@click.argument("name")
@hits_limit_option
@click.option("--sort", type=SORT_CHOICE, default="relevance", show_default=True)
@archive_option
@json_option
@click.pass_context
def saved_run_cmd(ctx: click.Context, name: str, limit: int, sort: str, as_json: bool) -> None:
    """Run a saved search: its hits, as `clippings search` prints them.

    \b
    Examples:
      clippings saved run korea
      clippings saved run korea --sort newest --limit 5 --json
    """
    with open_archive() as archive:
        saved = archive.saved_search(name)
    ctx.invoke(search_cmd, query=(saved.query,), limit=limit, sort=sort, as_json=as_json)


@saved_group.command("rm")
@click.argument("names", nargs=-1, required=True)
@archive_option
@json_option
def saved_rm_cmd(names: tuple[str, ...], as_json: bool) -> None:
    """Forget saved searches (the clippings they found stay).

    \b
    Examples:
      clippings saved rm korea
      clippings saved rm korea reading
    """
    with open_archive() as archive:
        for name in names:
            removed = archive.remove_saved_search(name)
            if as_json:
                _print_json(removed.to_dict())
            else:
                click.echo(f"forgot {_safe(removed.name)!r}: {_safe(removed.query)}")


@cli.command("check")
@click.option("--repair", is_flag=True, help="Fix what can be fixed (the index, leftovers).")
@click.option(
    "--from",
    "backup",
    type=click.Path(),
    metavar="BACKUP",
    help="With --repair: write back the missing or damaged originals this backup holds intact.",
)
@archive_option
@json_option
def check_cmd(repair: bool, backup: str | None, as_json: bool) -> None:
    """Verify every original against its hash, every clipping against its original, and the
    index against the catalog. Exits with status 1 on a problem left unfixed, naming it.

    An original missing or damaged is written back by importing the saved page again, or
    by --repair --from BACKUP, from a backup file (of `clippings backup`) that holds it.

    \b
    Examples:
      clippings check
      clippings check --repair --from ~/backups/clippings.zip
    """
    with open_archive(sync=False) as archive:
        report = archive.check(repair=repair, backup=backup)
        if repair:
            _settle(archive, quiet=as_json)
    if as_json:
        _print_json(report.to_dict())
    else:
        for line in report.repaired:
            click.echo(f"repaired: {_safe(line)}")
        for line in report.notes:
            click.echo(f"note: {_safe(line)}")
        for line in report.problems:
            click.echo(f"problem: {_safe(line)}", err=True)
        state = "ok" if report.ok else _n(len(report.problems), "problem")
        click.echo(f"{report.clippings} clippings, {report.originals} originals: {state}")
    if not report.ok:
        sys.exit(1)


@cli.command("export")
@click.argument("dest", type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html", "json"]),
    default="markdown",
    show_default=True,
    help="markdown: a .md file each; html: a web page each; json: one JSON Lines file.",
)
@click.option("--with-originals", is_flag=True, help="Also write every saved page, byte for byte.")
@archive_option
@json_option
def export_cmd(dest: str, fmt: str, with_originals: bool, as_json: bool) -> None:
    """Write every clipping (metadata, text, tags, note) to the folder DEST, older versions of
    pages too, in the order they came into the archive; file names are the id and the title.

    \b
    markdown  DEST/index.md, DEST/clippings/0012-harbour-cranes-return.md:
              YAML front matter (every field), then the article's Markdown
    html      DEST/index.html, DEST/clippings/0012-harbour-cranes-return.html:
              standalone pages, page text escaped, no scripts, nothing fetched
    json      DEST/clippings.jsonl: one object per clipping, every field, text and Markdown
    --with-originals  DEST/originals/0012-harbour-cranes-return.html, byte for byte

    DEST must be new, empty, or an earlier export (replaced once the new one is whole).
    Exits with status 1 if an original was missing or damaged, naming it.

    \b
    Examples:
      clippings export ~/clippings-notes
      clippings export ~/clippings-site --format html --with-originals
      clippings export /tmp/all --format json
    """
    with open_archive() as archive:
        report = archive.export(dest, fmt, with_originals=with_originals)
    for problem in report.problems:
        click.echo(f"problem: {_safe(problem)}", err=True)
    if as_json:
        _print_json(report.to_dict())
    else:
        pages = f" and {_n(report.originals, 'saved page')}" if with_originals else ""
        where = _safe(report.path / (report.index or "clippings.jsonl"))
        click.echo(f"exported {_n(report.clippings, 'clipping')}{pages} as {fmt} to {where}")
    if report.problems:
        sys.exit(1)


@cli.command("backup")
@click.argument("file", type=click.Path())
@archive_option
@json_option
def backup_cmd(file: str, as_json: bool) -> None:
    """Write the whole archive to one backup file (a zip): the catalog (metadata, text,
    tags, notes, saved searches) and every saved page byte for byte. The search index is
    left out: `clippings restore` rebuilds it.

    Safe while the archive is in use (an import, the terminal UI): the catalog is copied
    with SQLite's online backup. The file is written whole or not at all. FILE may be a
    folder (made if it ends in "/" and is not there yet): the backup is then named
    clippings-backup-<date>-<time>.zip in it. An earlier
    backup at FILE is replaced; any other file is left alone.

    An original the archive has lost (missing, or damaged: backed up as it is) is named, and
    exits with status 1. Such a backup does not replace an earlier one at FILE that holds
    any of those originals intact: it is written beside it, as FILE-<date>-<time>.zip.

    \b
    Examples:
      clippings backup ~/backups/clippings.zip
      clippings backup ~/backups/            # a new dated file each time
    """
    from .backup import create_backup
    from .location import archive_dir

    folder = archive_dir(click.get_current_context().ensure_object(dict).get("archive"))
    report = create_backup(folder, file)
    for line in report.problems:
        click.echo(f"problem: {_safe(line)}", err=True)
    if report.kept is not None:
        whose = ", ".join(str(i) for i in report.kept_for)
        which = "original of clipping" if len(report.kept_for) == 1 else "originals of clippings"
        click.echo(
            f"kept the earlier backup {_safe(report.kept)}: it holds the {which} {whose} intact, "
            "which this one lacks (this one is written beside it)",
            err=True,
        )
    if as_json:
        _print_json(report.to_dict())
    else:
        older = report.versions - report.clippings
        versions = f" (and {_n(older, 'older version')})" if older else ""
        click.echo(
            f"backed up {_n(report.clippings, 'clipping')}{versions} and "
            f"{_n(report.originals, 'original')} to {_safe(report.path)} ({_size(report.size)})"
        )
    if report.missing or report.damaged:
        sys.exit(1)


@cli.command("restore")
@click.argument("file", type=click.Path())
@click.option("--force", is_flag=True, help="Replace an archive already in the folder.")
@archive_option
@json_option
def restore_cmd(file: str, force: bool, as_json: bool) -> None:
    """Turn a backup file (from `clippings backup`) back into a working archive, in
    --archive DIR (else the default archive folder), and rebuild its search index.

    The folder must be new or empty; an archive there is replaced only with --force (and
    only once the restored one is complete). The file is checked first: a foreign file, one
    whose catalog is damaged, or one that names paths outside the archive, restores nothing.
    An original missing from the backup or damaged (lost before the backup was made, or in
    the file since) costs only its clipping's page: the rest is restored, and each such
    clipping named as `clippings check` names it, with exit status 1.

    \b
    Examples:
      clippings restore ~/backups/clippings.zip --archive ~/clippings-restored
      clippings restore ~/backups/clippings.zip --force
    """
    from .api import Archive

    path = click.get_current_context().ensure_object(dict).get("archive")
    report = Archive.restore(file, path, force=force)
    for line in report.problems:
        click.echo(f"problem: {_safe(line)}", err=True)
    if report.lost_in_file:
        click.echo(
            f"note: the backup file itself is damaged: {len(report.lost_in_file)} of those "
            "originals were whole in it when it was made",
            err=True,
        )
    if as_json:
        _print_json(report.to_dict())
    else:
        older = report.versions - report.clippings
        versions = f" (and {_n(older, 'older version')})" if older else ""
        saved = report.saved_searches
        searches = f", {_n(saved, 'saved search')}" if saved else ""
        click.echo(
            f"restored {_n(report.clippings, 'clipping')}{versions}, "
            f"{_n(report.originals, 'original')}{searches} into {_safe(report.path)} "
            f"(backup of {_safe(report.created) or 'unknown date'}); index rebuilt"
        )
    if report.problems:
        sys.exit(1)


# where `clippings serve` listens unless told otherwise: this machine alone (the browser that
# uploads runs on it), on a port no common service takes
SERVE_HOST = "127.0.0.1"
SERVE_PORT = 8686


@cli.command("serve")
@click.option(
    "--host",
    default=SERVE_HOST,
    show_default=True,
    help="The address to listen on (another than 127.0.0.1 lets the network upload).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=SERVE_PORT,
    show_default=True,
    help="The port to listen on (0: any free one).",
)
@click.option(
    "--file-field",
    default="file",
    show_default=True,
    metavar="NAME",
    help="The form field holding the page (SingleFile's archive data field name).",
)
@click.option(
    "--url-field",
    default="url",
    show_default=True,
    metavar="NAME",
    help="The form field holding the page's address (SingleFile's archive URL field name).",
)
@archive_option
@json_option
def serve_cmd(host: str, port: int, file_field: str, url_field: str, as_json: bool) -> None:
    """Take pages saved in the browser into the archive as they are uploaded (SingleFile's
    "upload to a REST Form API" destination), until Ctrl+C.

    Uploads are POST http://HOST:PORT/singlefile: a form with the page in field --file-field
    and its address in --url-field, sent with "Authorization: Bearer TOKEN" (`clippings
    token` prints it). Each is answered in JSON (201: the clipping's id, title, url and
    outcome: imported, new version, already there; else the error and why) and printed as
    a line (with --json, a JSON object per line: status, then id, title, url, outcome or
    error). Listens on this machine alone unless --host says otherwise.

    \b
    Examples:
      clippings serve
      clippings serve --port 9000 --file-field page
    """
    if file_field == url_field:
        raise click.UsageError("--file-field and --url-field must differ")
    from . import serve
    from .uploads import upload_token

    given = click.get_current_context().ensure_object(dict).get("archive")
    with open_archive() as archive:
        upload_token(archive.path)  # made now: `clippings token` prints the one asked for
        archive.start_merges()  # what a closed command left unmerged, while it serves
        token = "clippings token"
        if given:
            token += f" --archive {shlex.quote(_safe(archive.path.absolute()))}"
        with serve.listen(host, port) as sock:
            where = f"{serve.address_of(sock)}{serve.ROUTE}"
            click.echo(f"taking SingleFile uploads at {where} (Ctrl+C stops)", err=True)
            click.echo(
                f"the page in field {_safe(file_field)!r}, its address in {_safe(url_field)!r}; "
                f"the token: {token}",
                err=True,
            )
            if not serve.is_local(sock):
                click.echo(
                    f"warning: listening on {_safe(host)}, not this machine alone: anyone who "
                    "can reach it and has the token can upload pages, and both cross the "
                    "network unencrypted (plain HTTP)",
                    err=True,
                )
            if as_json:
                _print_json({"listening": where, "file_field": file_field, "url_field": url_field})
            log = (lambda event: _print_json(event.data)) if as_json else serve.print_event
            app = serve.create_app(archive, file_field=file_field, url_field=url_field, log=log)
            serve.run(app, sock)
    click.echo("stopped", err=True)


@cli.command("token")
@click.option("--new", is_flag=True, help="Make a new token; the old one stops working at once.")
@archive_option
@json_option
def token_cmd(new: bool, as_json: bool) -> None:
    """Print the archive's upload token: what `clippings serve` asks of every upload
    (SingleFile's "authorization token"). Made on first use and kept in the archive
    (upload-token), readable by you alone.

    \b
    Examples:
      clippings token
      clippings token --new     # then give SingleFile the new one
    """
    from .uploads import TOKEN_FILE, upload_token

    with open_archive(sync=False) as archive:
        token = upload_token(archive.path, new=new)
        if as_json:
            _print_json({"token": token, "file": str(archive.path / TOKEN_FILE)})
        else:
            click.echo(token)


def _n(count: int, noun: str) -> str:
    """``1 clipping``, ``2 clippings``, ``3 saved searches``."""
    return counted(count, noun, f"{noun}{'es' if noun.endswith('ch') else 's'}")


def _size(size: int) -> str:
    """A file size for people: 812 bytes, 4.2 MB."""
    value = float(size)
    for unit in ("bytes", "KB", "MB"):
        if value < 1024:
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def _files_added(clipping_id: int | None, title: str, folder: str, files: int) -> str:
    """A page there already, its ``Page_files/`` folder now stored with it (import, watch)."""
    where = _name(folder.rstrip("/") + "/")
    return f"files added: #{clipping_id} {_safe(title)}  ({where}, {_n(files, 'file')})"


def _print_event(event: Any) -> None:
    if not hasattr(event, "path"):  # the index catching up before the import
        click.echo(_json({"event": "index", "done": event.done, "total": event.total}))
        sys.stdout.flush()
        return
    data = {
        "event": "file",
        "done": event.done,
        "total": event.total,
        "path": str(event.path),
        "outcome": event.outcome,
        "reason": event.reason,
        "id": event.clipping_id,
    }
    if getattr(event, "restored", False):
        data["restored"] = True
    if getattr(event, "files_added", 0):  # a page there already: its files folder stored now
        data.update(files_added=event.files_added, files_folder=event.files_folder)
    click.echo(_json(data))
    sys.stdout.flush()


# a rate (and the time left) is shown once the run has gone on this long (seconds): the first
# pages' rate says little
_RATE_AFTER = 1.0


def _settle(archive: Archive, quiet: bool) -> None:
    """Wait for the index merge an import started (its segments merged, searches are faster),
    saying so; a Ctrl+C leaves it for later (the next import, the TUI), the index whole."""
    if not archive.merging():
        return
    said = "merging the index (Ctrl+C leaves it for later)…"
    try:
        if quiet or not sys.stderr.isatty():
            if not quiet:
                click.echo(said, err=True)
            archive.wait_for_merges()
            return
        with _console(stderr=True).status(said):
            archive.wait_for_merges()
    except KeyboardInterrupt:
        pass


@contextmanager
def _progress(enabled: bool, unit: str = "files") -> Iterator[Callable[..., None] | None]:
    """A progress bar on stderr when it is a terminal, else a plain line now and then; it
    takes events with ``done`` and ``total``, counted in ``unit``."""
    if not enabled:
        yield None
        return
    if not sys.stderr.isatty():
        # each stage of a rebuild counted from the end of the one before
        started: dict[str, float] = {}
        seen = [time.monotonic()]  # when the last event came
        last = [seen[0]]  # the first line after a few seconds, then every few

        def line(event: Any) -> None:
            now = time.monotonic()
            stage = getattr(event, "stage", "")
            began = started.setdefault(stage, seen[0])
            seen[0] = now
            if now - last[0] >= 5 or event.done == event.total:
                last[0] = now
                rate = event.done / max(now - began, 1e-6)
                said = f"{stage}: " if stage else ""
                click.echo(f"{said}{event.done}/{event.total} {unit} ({rate:.0f}/s)", err=True)

        yield line
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TaskProgressColumn,
        TextColumn,
    )
    from rich.text import Text

    # the rate over the whole run so far, not rich's over its last updates: results come in
    # bursts (a batch of pages from the workers at once), and "572,383 files/s" was shown
    def _rate(task: Any) -> float | None:
        elapsed = task.elapsed
        if not task.completed or not elapsed or elapsed < _RATE_AFTER:
            return None
        return task.completed / elapsed

    class _RateColumn(ProgressColumn):
        def render(self, task: Any) -> Text:
            rate = _rate(task)
            return Text(f"{rate:,.0f} {unit}/s" if rate else "", style="dim")

    class _LeftColumn(ProgressColumn):
        def render(self, task: Any) -> Text:
            rate = _rate(task)
            if task.finished or not rate or task.total is None:
                return Text("")
            left = int((task.total - task.completed) / rate)
            return Text(f"{left // 60}:{left % 60:02} left", style="cyan")

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        _RateColumn(),
        _LeftColumn(),
    )
    with Progress(*columns, console=_console(stderr=True), transient=True) as bar:
        task = bar.add_task("starting", total=None)  # (the workers start: a few seconds)

        def update(event: Any) -> None:
            stage = getattr(event, "stage", "")
            bar.update(task, completed=event.done, total=event.total, description=stage)

        yield update


# (a query may start with an exclusion, "-korea": not an option)
@cli.command("search", context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1)
@hits_limit_option
@click.option("--sort", type=SORT_CHOICE, default="relevance", show_default=True)
@click.option(
    "--facets",
    is_flag=True,
    help="Print the counts by site, year, tag and language instead (of the whole archive "
    "without a query).",
)
@archive_option
@json_option
def search_cmd(query: tuple[str, ...], limit: int, sort: str, facets: bool, as_json: bool) -> None:
    """Search the archive, best hits first, each with a highlighted snippet.

    The query language: `clippings help query`. With --json, one JSON object per hit (the
    snippet and the offsets of its highlighted words included).

    \b
    Examples:
      clippings search '"maximum pressure" author:nazarko'
      clippings search 'title:(korea OR japan) -trump' --sort newest
      clippings search 'sanction*' site:reuters date:2019-01..2019-06
      clippings search election saved:30d --facets
    """
    mistyped = [word for word in query if word.startswith("--") and len(word) > 2]
    if mistyped:  # (unknown options are taken as words, for "-korea"; "--limt" is no word)
        raise click.UsageError(f"no such option: {mistyped[0]}")
    text = " ".join(query)
    if not text.strip() and not facets:
        raise click.UsageError("give a query (or --facets for the counts of the whole archive)")
    with open_archive() as archive:
        if facets:
            _print_facets(archive.search(text, limit=1).total, archive.facets(text), as_json)
            return
        result = archive.search(text, limit=limit, sort=sort)
        # a query whose every word matched is what was meant: no "did you mean"
        missed = not result.total or result.partial
        suggestion = archive.suggest(text) if missed else None
    if suggestion:
        click.echo(f"did you mean: {_safe(suggestion)}", err=True)
    if result.outdated:
        click.echo(_OUTDATED, err=True)
    elif result.unindexed:
        plural = "s" if result.unindexed != 1 else ""
        click.echo(_UNINDEXED.format(n=result.unindexed, s=plural), err=True)
    from . import render

    if result.partial and result.total:
        heading, have = render.partial_heading(result.phrases)
        click.echo(f"{heading[0].lower()}{heading[1:]}: these have {have}", err=True)
    if as_json:
        partial = {"partial": True} if result.partial else {}
        for hit in result.hits:
            _print_json({**hit.to_dict(), **partial})
        return
    out = _console()
    if not result.hits:
        click.echo("no hits", err=True)
        return
    for hit in result.hits:
        out.print(render.hit_text(hit))
        out.print()
    shown = len(result.hits)
    more = f" (showing {shown}; --limit for more)" if result.total > shown else ""
    click.echo(f"{result.total} hit{'s' if result.total != 1 else ''}{more}", err=True)


_OUTDATED = (
    "note: searching the index of the previous version of Clippings until this version's is "
    "built; `clippings reindex --pending` builds it now"
)
_UNINDEXED = (
    "note: {n:,} clipping{s} not searchable yet (an import under way indexes them, else "
    "`clippings reindex --pending` does)"
)


def _print_facets(total: int, facets: dict[str, list[tuple[str, int]]], as_json: bool) -> None:
    if as_json:
        _print_json(
            {"total": total, "facets": {k: [list(p) for p in v] for k, v in facets.items()}}
        )
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", style="cyan")
    for name, counts in facets.items():
        for number, (value, count) in enumerate(counts):
            table.add_row(name if number == 0 else "", Text(_safe(value)), str(count))
    click.echo(f"{total} hit{'s' if total != 1 else ''}")
    _console().print(table)


@cli.command("similar")
@click.argument("clipping_id", type=int)
@limit_option(10, "How many to list.")
@archive_option
@json_option
def similar_cmd(clipping_id: int, limit: int, as_json: bool) -> None:
    """List the clippings most like clipping ID (more like this), closest first.

    \b
    Example:
      clippings similar 12 -n 5
    """
    with open_archive() as archive:
        hits = archive.similar(clipping_id, limit=limit)
    if as_json:
        for hit in hits:
            _print_json(hit.to_dict())
        return
    if not hits:
        click.echo("nothing like it", err=True)
        return
    from . import render

    out = _console()
    for hit in hits:
        out.print(render.hit_text(hit))
        out.print()


@cli.command("help")
@click.argument("topic", required=False)
@archive_option
@click.pass_context
def help_cmd(ctx: click.Context, topic: str | None) -> None:
    """Explain a topic: `clippings help query` is the query language, with examples;
    `clippings help COMMAND` is that command's help.

    Without a topic, the list of commands.
    """
    if topic is None:
        click.echo(ctx.parent.get_help() if ctx.parent else "")
        click.echo("\nTopics: clippings help query (the query language), clippings help COMMAND")
        return
    if topic == "query":
        from . import query_help

        click.echo(query_help.text())
        return
    command = cli.get_command(ctx, topic)
    if command is None:
        names = ", ".join(cli.list_commands(ctx))
        raise ClippingsError(f"no help on {topic!r}: the topics are query and {names}")
    with click.Context(command, info_name=topic, parent=ctx.parent) as inner:
        click.echo(command.get_help(inner))


@cli.command("note")
@click.argument("clipping_id", type=int)
@click.argument("text", required=False)
@archive_option
@json_option
def note_cmd(clipping_id: int, text: str | None, as_json: bool) -> None:
    """Print clipping ID's note, or replace it with TEXT ("" removes it).

    \b
    Example:
      clippings note 12 "follow up with the ministry"
    """
    with open_archive() as archive:
        clipping = archive.get(clipping_id) if text is None else archive.set_note(clipping_id, text)
    if as_json:
        _print_json({"id": clipping.id, "note": clipping.note})
    elif clipping.note:
        click.echo(_safe(clipping.note, block=True))


@cli.command("tag")
@click.argument("clipping_id", type=int)
@click.argument("tags", nargs=-1)
@click.option("--remove", "-r", is_flag=True, help="Remove these tags instead of adding them.")
@archive_option
@json_option
def tag_cmd(clipping_id: int, tags: tuple[str, ...], remove: bool, as_json: bool) -> None:
    """Add TAGS to clipping ID (or --remove them); with no TAGS, print its tags.

    \b
    Examples:
      clippings tag 12 korea to-read
      clippings tag 12 --remove to-read
    """
    with open_archive() as archive:
        clipping = archive.get(clipping_id)
        if tags:
            wanted = {t.lower() for t in tags}
            new = set(clipping.tags) - wanted if remove else set(clipping.tags) | wanted
            clipping = archive.set_tags(clipping_id, new)
    if as_json:
        _print_json({"id": clipping.id, "tags": list(clipping.tags)})
    elif clipping.tags:  # as they would be typed back: 'two words' quoted
        import shlex

        click.echo(shlex.join(_safe(t) for t in clipping.tags))


@cli.command("show")
@click.argument("clipping_id", type=int)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text: readable (rendered on a terminal); markdown: the reader's source; json: all.",
)
@archive_option
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
def show_cmd(clipping_id: int, fmt: str, as_json: bool) -> None:
    """Show one clipping as a clean article."""
    with open_archive() as archive:
        clipping = archive.get(clipping_id)
        versions = [saved.id for saved in archive.versions(clipping_id)]
        files = archive.files_kept(clipping_id)
    from . import render

    if fmt == "json" or as_json:
        _print_json({**clipping.to_dict(full=True), "versions": versions, "files": files})
    elif fmt == "text" and sys.stdout.isatty():
        _console().print(render.article(clipping, versions, files))
    else:
        text = render.article_plain(
            clipping, markdown=fmt == "markdown", versions=versions, files=files
        )
        click.echo(text, nl=False)


@cli.command("list")
@limit_option(None, "Show only the first N.")
@archive_option
@json_option
def list_cmd(limit: int | None, as_json: bool) -> None:
    """List every clipping in the order it came into the archive (by id): a table on a
    terminal; elsewhere (a pipe, a file) one line per clipping, its id, date, site and title
    apart by tabs."""
    from rich.table import Table

    from . import render

    console = _console()
    lines = not as_json and not console.is_terminal  # (grep, cut, sort: a line each)
    table = Table(box=None, show_header=not as_json, pad_edge=False)
    for name in ("id", "date", "site", "title"):
        table.add_column(name, overflow="ellipsis", no_wrap=name != "title")
    with open_archive() as archive:
        for count, clipping in enumerate(archive.clippings(), 1):
            if limit is not None and count > limit:
                break
            if as_json:
                _print_json(clipping.to_dict())
            elif lines:
                cells = (cell.plain.replace("\t", " ") for cell in render.list_row(clipping))
                click.echo("\t".join(cells))
            else:
                table.add_row(*render.list_row(clipping))
    if not as_json and not lines:
        console.print(table)


@cli.command("rm")
@click.argument("clipping_ids", nargs=-1, type=int, required=True)
@archive_option
@json_option
def rm_cmd(clipping_ids: tuple[int, ...], as_json: bool) -> None:
    """Delete clippings (their catalog entry, index entry and stored original)."""
    with open_archive() as archive:
        for clipping_id in clipping_ids:
            saves = [saved.id for saved in archive.versions(clipping_id)]
            removed = archive.remove(clipping_id)
            # the page's current save removed: another of its saves takes its place
            after = None
            if saves[0] == clipping_id and len(saves) > 1:
                after = archive.versions(saves[1])[0]
            if as_json:
                _print_json({**removed.to_dict(), "now_current": after.id if after else None})
            else:
                now = ""
                if after:
                    saved = _safe(after.saved[:10])
                    now = f" (#{after.id}, its save of {saved}, is now the one listed)"
                click.echo(f"removed #{removed.id}: {_safe(removed.title)}{now}")


@cli.command("watch")
@click.argument("folders", nargs=-1, required=True, type=click.Path())
@click.option(
    "--settle",
    type=click.FloatRange(0.1, 600),
    default=None,
    metavar="SECONDS",
    help="How long a page must stay unchanged before it is imported (default 1.5).",
)
@archive_option
@json_option
def watch_cmd(folders: tuple[str, ...], settle: float | None, as_json: bool) -> None:
    """Import the pages saved into FOLDERS (and below) as they arrive, until Ctrl+C.

    First imports what arrived while it was not running (pages already in the archive are
    known by their content and left alone), then each page once it is complete: a download
    in progress (.crdownload, .part) once it is renamed, a page being written once it stays
    unchanged, a "Webpage, complete" save together with its _files folder (a folder that comes
    after its page is stored with its clipping). Prints a line per page: imported, new version,
    already in the archive, files added, or failed with the reason. It takes
    what `import` takes: web pages (.html, .mhtml), WARC captures, zips of pages and pages
    saved as text (.txt). Never deletes, moves or changes your files. Ctrl+C stops it after
    the page under way (what was imported is kept; the rest is taken at the next start).
    With --json, one JSON object per line.
    """
    import signal

    from .watch import SETTLE_SECONDS, CaughtUp, Stopped, Watcher, WatchEvent

    paths = [Path(f).expanduser().absolute() for f in folders]
    for path in paths:
        if not path.exists():
            raise ClippingsError(f"{_safe(path)}: no such folder")
        if not path.is_dir():
            raise ClippingsError(f"{_safe(path)}: not a folder (watch the folder it is in)")
    with open_archive() as archive:
        inside = [p for p in paths if p.resolve().is_relative_to(archive.path.resolve())]
        if inside or any(archive.path.resolve().is_relative_to(p.resolve()) for p in paths):
            raise ClippingsError("a watched folder can't hold the archive, or be in it")

        def report(event: WatchEvent) -> None:
            if as_json:
                _print_json(event.to_dict())
            elif event.outcome == "failed":
                click.echo(f"failed: {_name(event.path)}: {_safe(event.reason)}", err=True)
            elif event.outcome == "files":
                title = archive.get(event.id).title if event.id else ""
                click.echo(_files_added(event.id, title, event.folder, event.files))
            else:
                title = _safe(archive.get(event.id).title) if event.id else ""
                said = {"imported": "imported", "version": "new version"}
                what = said.get(event.outcome, "already in the archive")
                aside = ""
                if event.outcome == "version":
                    shown = archive.versions(event.id)[0].id
                    aside = f" (kept beside #{shown}, the one shown)" if shown != event.id else ""
                click.echo(f"{what} #{event.id} {title}{aside}  ({_name(event.path)})")

        def started() -> None:
            if as_json:
                _print_json({"watching": [str(p) for p in paths]})
            else:
                where = ", ".join(_safe(p) for p in paths)
                click.echo(f"watching {where}; Ctrl+C stops", err=True)

        def caught_up(found: CaughtUp) -> None:
            if as_json:
                _print_json(
                    {
                        "caught_up": True,
                        "already_present": found.present,
                        "failed_before": found.failed_before,
                    }
                )
                return
            click.echo(
                f"caught up: {found.present} of the pages there were already in the archive",
                err=True,
            )
            if found.failed_before:
                one = found.failed_before == 1
                what = "file that failed before is" if one else "files that failed before are"
                was = "was" if one else "were"
                click.echo(
                    f"{found.failed_before} {what} unchanged and {was} not tried again "
                    "(`clippings import FILE` says why)",
                    err=True,
                )

        watcher = Watcher(archive, paths, report, settle=settle or SETTLE_SECONDS)

        def stopping(signum: int, frame: object) -> None:
            if watcher.stop.is_set():  # asked twice: stop now (whatever was committed stays)
                raise SystemExit(130)
            watcher.stop.set()  # after the page under way
            if watcher.waiting_for_lock:  # nothing written yet: now
                raise Stopped

        signal.signal(signal.SIGINT, stopping)
        signal.signal(signal.SIGTERM, stopping)
        with suppress(Stopped):
            watcher.run(on_start=started, on_caught_up=caught_up)
    if not as_json:
        click.echo("stopped", err=True)


@cli.command("reindex")
@click.option(
    "--from-catalog",
    is_flag=True,
    help="Rebuild from the text extracted at import (no extraction: much faster).",
)
@click.option(
    "--pending",
    is_flag=True,
    help="Only index the clippings the index lacks (after an upgrade or an interrupted write).",
)
@archive_option
@json_option
def reindex_cmd(from_catalog: bool, pending: bool, as_json: bool) -> None:
    """Rebuild the search index from the stored originals (extracting each page again).

    Searches keep answering from the old index until the new one is complete. With
    --pending, index only what the index lacks; searches find those as each batch commits.
    """
    if from_catalog and pending:
        raise click.UsageError("--from-catalog and --pending: choose one")
    with open_archive(sync=False) as archive:
        with _progress(not as_json, "clippings") as bar:
            if pending:
                count = archive.catch_up(progress=bar)
                failures = []
            else:
                failures = archive.reindex(reextract=not from_catalog, progress=bar)
                count = len(archive)
        _settle(archive, quiet=as_json)
    if as_json:
        _print_json({"reindexed": count, "kept_old": [vars(f) for f in failures]})
        return
    for failure in failures:
        click.echo(
            f"kept the old extraction of {_name(failure.source)}: {_safe(failure.reason)}",
            err=True,
        )
    click.echo(f"{'indexed' if pending else 'reindexed'} {count} clippings")


@cli.command("extract")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "markdown"]),
    default="json",
    show_default=True,
    help="json: one object per line, in argument order; markdown: the reader's view.",
)
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@archive_option
def extract_cmd(files: tuple[str, ...], fmt: str, as_json: bool) -> None:
    """Show what would be extracted from saved pages, touching no archive.

    The tool for bug reports: one JSON object per line, in argument order. A file that fails
    gives an object with an "error" field, and the exit status is 1.
    """
    from pathlib import Path

    from . import render
    from .extract import extract
    from .sources import candidate_for, read_page, shown
    from .store import sha256_of

    failed = False
    for name in files:
        path = Path(name)
        source = shown(name)  # a name that is not UTF-8 with \xNN escapes, as imports show it
        try:
            page = read_page(candidate_for(path))
            article = extract(page)
        except ClippingsError as error:
            failed = True
            if as_json or fmt == "json":
                _print_json({"source": source, "error": str(error)})
            click.echo(f"clippings: {_name(source)}: {_safe(error)}", err=True)
            continue
        clipping = Clipping(**vars(article), source=source, sha256=sha256_of(page.data))
        if as_json or fmt == "json":
            _print_json(clipping.to_dict(full=True))
        else:
            click.echo(render.article_plain(clipping, markdown=True))
    if failed:
        sys.exit(1)


def _name(path: object) -> str:
    """A file's path as printed: what a terminal would act on written out (``render.safe_name``)."""
    from .render import safe_name

    return safe_name(path)


def _safe(text: object, *, block: bool = False) -> str:
    """``text`` (page text, a file name, an error) as a terminal may show it: one line unless
    ``block``."""
    from .render import safe

    return safe(text, block=block)


def main() -> None:
    cli(prog_name="clippings")
