"""Where itcost's own files are (a source checkout or an installed wheel), and safe writes.

In a checkout, presets and references are in the top-level ``data/``, the notebooks in
``notebooks/`` and the app in ``dashboards/``; a wheel carries the same folders inside the
package as ``_data``, ``_notebooks`` and ``_dashboards``, so both kinds of install find them.

Examples
--------
>>> (data_dir() / "scenarios").is_dir()
True
>>> slugify("Acme & Sons <Ltd>")
'acme-sons-ltd'
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path

from analysis.errors import ArgumentError

PACKAGE = Path(__file__).resolve().parent
#: File systems that are the kernel's windows onto itself, not storage: no output goes there.
SPECIAL_FILESYSTEMS = frozenset({
    "proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "debugfs", "tracefs",
    "securityfs", "pstore", "bpf", "configfs", "fusectl", "mqueue", "hugetlbfs", "efivarfs",
    "binfmt_misc", "rpc_pipefs", "nsfs", "selinuxfs",
})  # fmt: skip


def _resource(checkout: str, installed: str, inside: str) -> Path:
    """The folder holding ``inside``: ``installed`` within the package (a wheel), else
    ``checkout`` beside it (a source checkout)."""
    for folder in (PACKAGE / installed, PACKAGE.parent / checkout):
        if (folder / inside).exists():
            return folder
    raise FileNotFoundError(
        f"{checkout}/{inside} is missing from this installation of itcost ({PACKAGE})"
    )


@cache
def data_dir() -> Path:
    """The folder holding ``scenarios/`` and ``references.yaml``."""
    return _resource("data", "_data", "scenarios")


def notebook_path(name: str = "client_report") -> Path:
    """The notebook ``name`` (``client_report`` or ``sweep``)."""
    notebook = f"{name}.ipynb"
    return _resource("notebooks", "_notebooks", notebook) / notebook


def app_path() -> Path:
    """The calculator's entry point, ``dashboards/app.py``."""
    return _resource("dashboards", "_dashboards", "app.py") / "app.py"


def slugify(text: str) -> str:
    """A folder or file name from free text: ASCII letters, digits and hyphens, never a path.

    A text with no letter or digit in ASCII (a name in Chinese or Japanese script, say) gets
    ``client-`` and eight hex digits of its SHA-256, so that two such clients get folders of
    their own, the same ones every time.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    return slug or f"client-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def current_umask() -> int:
    """The process's file-creation mask (reading it means setting it, then restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename, so
    an existing file is never left half-written."""

    def write(temporary: Path) -> None:
        temporary.write_text(text, encoding="utf-8")

    write_atomic(path, write)


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Have ``write(temporary)`` write a file of a name no other writer uses, in ``path``'s
    folder, then rename it to ``path``: an existing file is never left half-written, and runs
    writing into one folder at once never take each other's files. On any failure (a full
    disk, an interrupt) the temporary file is removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.chmod(temporary, 0o666 & ~current_umask())  # mkstemp makes it private
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path as a message names it: at most 120 characters."""
    text = os.fspath(path)
    return text if len(text) <= 120 else f"{text[:60]}...{text[-57:]}"


def check_output_folder(path: str | os.PathLike[str], name: str) -> None:
    """Refuse, before any work, a folder that outputs cannot go to; ``name`` is the argument
    it came through (``out_dir``, ``output_dir``).

    Refused, as one :class:`~analysis.errors.ArgumentError`: a path that is a file or a
    device (``/dev/null``), a folder on one of the kernel's :data:`SPECIAL_FILESYSTEMS`
    (``/proc``), on a read-only file system or not writable, a name in the path longer than
    the file system allows, and any operating-system error. The folder need not exist yet: its
    nearest existing parent is checked.
    """
    shown = shown_path(path)
    try:
        existing = Path(path).absolute()
        while not os.path.lexists(existing):
            existing = existing.parent
        mode = os.stat(existing).st_mode
        longest = max((len(os.fsencode(part)) for part in Path(path).parts), default=0)
        if longest > os.pathconf(existing, "PC_NAME_MAX"):
            raise OSError(errno.ENAMETOOLONG, "a name in it is too long for the file system")
        if not stat.S_ISDIR(mode):
            what = "a file" if stat.S_ISREG(mode) else "a device or other special file"
            inside = shown_path(existing)
            where = "is" if existing == Path(path).absolute() else f"is inside {inside}, which is"
            raise ArgumentError(name, f"{shown} {where} {what}, not a folder")
        kind = filesystem_type(existing)
        if kind in SPECIAL_FILESYSTEMS:
            raise ArgumentError(name, f"{shown} is on the kernel's {kind} file system, not storage")
        if os.statvfs(existing).f_flag & os.ST_RDONLY:
            raise ArgumentError(name, f"{shown} is on a read-only file system")
        if not os.access(existing, os.W_OK | os.X_OK):
            raise ArgumentError(name, f"{shown}: no permission to write in {shown_path(existing)}")
    except OSError as error:
        raise ArgumentError(name, f"{shown}: {error.strerror or error}") from None


def filesystem_type(path: str | os.PathLike[str]) -> str | None:
    """The type of the file system holding ``path`` (which exists), from the kernel's mount
    table; None where there is none to read (not Linux)."""
    try:
        table = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    real = os.path.realpath(path)
    found, kind = "", None
    for line in table.splitlines():
        fields = line.split()
        if "-" not in fields[6:]:
            continue
        # Spaces and the like in a mount point are written as octal escapes (\040).
        mount = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4])
        inside = real == mount or real.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(found):  # the deepest, and the last mounted there
            found, kind = mount, fields[fields.index("-", 6) + 1]
    return kind


def claim_folder(work: Path, folder: Path, name: str) -> Path:
    """Rename the finished folder ``work`` to ``folder/name``, or ``name-2``, ``name-3``, ...
    when another run has that name (two runs in the same second, or at once): the rename
    claims the name atomically, so runs never take or overwrite each other's folders."""
    for counter in range(1, 10_000):
        final = folder / (name if counter == 1 else f"{name}-{counter}")
        try:
            os.rename(work, final)  # fails on a folder that is there and not empty
        except OSError as error:
            if error.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR):
                continue
            raise
        return final
    raise FileExistsError(errno.EEXIST, "no free run folder name", str(folder / name))
