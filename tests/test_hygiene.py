"""The shape of the package: a core without UI, a bundled sample, an installable wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, SAMPLE

CORE_MODULES = [
    "archive",
    "archive.api",
    "archive.backup",
    "archive.cli",
    "archive.export",
    "archive.extract",
    "archive.importer",
    "archive.index",
    "archive.location",
    "archive.models",
    "archive.render",
    "archive.sources",
    "archive.store",
]


def test_core_modules_do_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_only_the_tui_package_imports_textual() -> None:
    for path in (ROOT / "archive").rglob("*.py"):
        if "tui" in path.relative_to(ROOT / "archive").parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert "import textual" not in text and "from textual" not in text, path


def test_the_tui_keeps_its_styles_in_tcss() -> None:
    for path in (ROOT / "archive" / "tui").rglob("*.py"):
        assert "DEFAULT_CSS" not in path.read_text(encoding="utf-8"), path
    assert (ROOT / "archive" / "tui" / "app.tcss").is_file()


def test_only_the_index_package_imports_whoosh() -> None:
    for path in (ROOT / "archive").rglob("*.py"):
        if "index" in path.relative_to(ROOT / "archive").parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert "import whoosh" not in text and "from whoosh" not in text, path


def test_import_archive_is_cheap() -> None:
    """``import archive`` (what the CLI's --help needs) loads neither Whoosh nor trafilatura."""
    code = (
        "import sys, archive.cli; "
        "print(sorted(m for m in ('whoosh', 'trafilatura') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--quiet", "archive", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_bundled_sample_is_the_shared_sample_byte_for_byte() -> None:
    from archive.location import bundled_dir

    assert sorted(bundled_dir().iterdir())[0].read_bytes() == SAMPLE.read_bytes()
    assert SAMPLE.stat().st_size == 3316


@pytest.mark.slow
def test_installed_wheel_finds_its_bundled_sample_without_the_checkout(tmp_path: Path) -> None:
    """Build the wheel, install it away from the checkout, and open a new archive with it."""
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if build.returncode != 0:
        pytest.fail(f"pip wheel failed: {build.stderr[-2000:]}")
    [wheel] = tmp_path.glob("clippings-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read("archive/_bundled/000_409f49da4b6764bf.txt") == SAMPLE.read_bytes()
        assert b"#results" in zf.read("archive/tui/app.tcss")
        zf.extractall(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    env["CLIPPINGS_ARCHIVE"] = str(tmp_path / "new-archive")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = subprocess.run(
        [sys.executable, "-m", "archive", "list", "--json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert '"id": 1' in out.stdout and "The Dire Necessity" in out.stdout
    source = out.stdout.split('"source": "')[1].split('"')[0]
    assert source.startswith(str(tmp_path / "site")), source
