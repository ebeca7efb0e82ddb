"""analysis.files: the package's own files in a checkout, folder names from free text, safe
writes."""

from __future__ import annotations

import os
import re
import stat

import pytest

from analysis.files import (
    app_path,
    current_umask,
    data_dir,
    notebook_path,
    slugify,
    write_text_atomic,
)


def test_slugify():
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("Café Ünïcode") == "cafe-unicode"
    # No ASCII letter or digit: a folder of its own, stable, never empty.
    chinese, japanese = slugify("北京律师事务所"), slugify("東京歯科クリニック")
    assert re.fullmatch(r"client-[0-9a-f]{8}", chinese) and chinese != japanese
    assert slugify("北京律师事务所") == chinese
    assert re.fullmatch(r"client-[0-9a-f]{8}", slugify("<<>>"))


def test_the_packages_files_are_found_in_a_checkout():
    assert (data_dir() / "references.yaml").is_file()
    assert notebook_path().name == "client_report.ipynb" and notebook_path("sweep").is_file()
    assert app_path().name == "app.py" and app_path().parent.name == "dashboards"
    with pytest.raises(FileNotFoundError, match="no-such-notebook"):
        notebook_path("no-such-notebook")


def test_write_text_atomic_replaces_whole_files_with_the_umasks_permissions(tmp_path):
    target = tmp_path / "deeper" / "out.txt"
    write_text_atomic(target, "first")
    write_text_atomic(target, "second ✓")
    assert target.read_text(encoding="utf-8") == "second ✓"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]  # no temporary left
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o666 & ~current_umask()


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    write_text_atomic(target, "kept")

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_text_atomic(target, "lost")
    assert target.read_text() == "kept" and [p.name for p in tmp_path.iterdir()] == ["out.txt"]
