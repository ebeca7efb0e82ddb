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

import hashlib
import os
import re
import tempfile
import unicodedata
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


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
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o666 & ~current_umask())  # mkstemp makes it private
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
