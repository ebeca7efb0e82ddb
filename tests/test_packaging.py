"""Packaging: pyproject.toml and environment.yml agree; presets load from a non-editable install."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

from tests.helpers import read_yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _spec(requirement: str) -> str:
    return requirement.replace(" ", "")


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    environment = read_yaml((ROOT / "environment.yml").read_text())
    conda = [item for item in environment["dependencies"] if isinstance(item, str)]
    conda = [item for item in conda if _name(item) not in {"python", "pip"}]
    assert sorted(map(_spec, conda)) == sorted(map(_spec, wanted))
    pip = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    assert pip == ["-e .[dev]"]
    python = next(item for item in environment["dependencies"] if _name(item) == "python")
    assert python == f"python{project['requires-python']}"
    assert "conda-forge" in environment["channels"]


def test_presets_load_from_a_non_editable_install(tmp_path):
    """`pip install .` into a fresh venv, then `itcost simulate server-office` from elsewhere."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # Dependencies come from this environment (no download); itcost itself from a built wheel.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    Path(site, "test-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(ROOT)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    env = {**os.environ, "PYTHONPATH": ""}
    where = subprocess.run(
        [str(python), "-c", "import analysis; print(analysis.__file__)"],
        capture_output=True, text=True, cwd=tmp_path, env=env, check=True,
    ).stdout  # fmt: skip
    assert where.startswith(site), "the test must import the installed copy, not the checkout"
    done = subprocess.run(
        [str(venv / "bin" / "itcost"), "simulate", "server-office", "--trials", "2000"],
        capture_output=True, text=True, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Server office" in done.stdout
    presets = subprocess.run(
        [str(venv / "bin" / "itcost"), "presets"], capture_output=True, text=True, cwd=tmp_path,
        env=env,
    ).stdout  # fmt: skip
    assert "manufacturer" in presets
    # The report notebook and its HTML template ship inside the wheel too.
    check = (
        "from analysis.files import notebook_path; from analysis.report.notebook import TEMPLATES; "
        "print(notebook_path(), notebook_path('sweep'), TEMPLATES.is_dir())"
    )
    shipped = subprocess.run([str(python), "-c", check], capture_output=True, text=True,
                             cwd=tmp_path, env=env, check=True).stdout  # fmt: skip
    first, sweep_notebook, templates = shipped.split()
    assert first.startswith(site) and sweep_notebook.startswith(site) and templates == "True"
    # So does the calculator app, which runs from the installed copy.
    app_check = (
        "from analysis.files import app_path; from streamlit.testing.v1 import AppTest; "
        "at = AppTest.from_file(str(app_path()), default_timeout=120); at.run(); "
        "print(app_path(), [e.value for e in at.exception], at.metric[0].label)"
    )
    served = subprocess.run([str(python), "-c", app_check], capture_output=True, text=True,
                            cwd=tmp_path, env=env, check=True).stdout  # fmt: skip
    assert served.startswith(site) and served.strip().endswith("[] IT spend")
