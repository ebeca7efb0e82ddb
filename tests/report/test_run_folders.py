"""Run folders: refused up front when they cannot be written, claimed without collisions,
and never left half-made by an interrupt or a full disk (issue 12)."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from analysis.cli.entry import main
from analysis.errors import ArgumentError
from analysis.files import check_output_folder, claim_folder, filesystem_type, write_atomic
from analysis.report.parameters import check_report_parameters

#: A report as small as a report gets: the cheapest preset, few trials.
SMALL = ("micro-cloud-office", "--trials", "1000")
SLUG = "micro-cloud-office-4-staff"  # the preset's name, as a folder


def run(command, *args, **options) -> subprocess.CompletedProcess:
    return subprocess.run([*command, *args], capture_output=True, text=True, **options)


def one_line_error(done: subprocess.CompletedProcess) -> str:
    """The one line a refused command prints, checked to be one line and no traceback."""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


# -- refused before any work ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("out", "reason"),
    [
        ("/proc", "/proc is on the kernel's proc file system, not storage"),
        ("/proc/self/reports", "is on the kernel's proc file system"),
        ("/sys/kernel", "is on the kernel's sysfs file system"),
        ("/dev/null", "/dev/null is a device or other special file, not a folder"),
        ("a-file", "a-file is a file, not a folder"),
        ("a-file/reports", "is inside"),
        ("x" * 300, "a name in it is too long for the file system"),
    ],
)
def test_an_output_folder_that_cannot_be_written_is_refused_up_front(
    itcost_command, tmp_path, out, reason
):
    (tmp_path / "a-file").write_text("a file\n")
    started = time.monotonic()
    done = run(itcost_command, "report", *SMALL, "--out", out, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    line = one_line_error(done)
    assert line.startswith("itcost: error: --out: ") and reason in line
    assert time.monotonic() - started < 20  # before the kernel, not after the run
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # nothing made


def test_a_folder_without_write_permission_is_refused(tmp_path, monkeypatch):
    """As root every folder is writable, so permission is taken away where it is asked."""
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(ArgumentError, match=r"^out_dir: .*: no permission to write in "):
        check_output_folder(tmp_path / "reports", "out_dir")


def test_papermills_output_dir_is_checked_with_the_other_parameters():
    with pytest.raises(ArgumentError, match=r"^output_dir: /proc/x is on the kernel's proc"):
        check_report_parameters("micro-cloud-office", "Acme", "", 1000, 1, {}, "/proc/x")


def test_the_file_system_of_a_folder_is_read_from_the_mount_table(tmp_path):
    if not Path("/proc/self/mountinfo").exists():
        pytest.fail("this test needs Linux's /proc/self/mountinfo")
    assert filesystem_type("/proc/self") == "proc"
    assert filesystem_type(tmp_path) not in (None, "proc", "sysfs")


# -- claimed without collisions ------------------------------------------------------------------


def test_runs_finishing_at_once_in_the_same_second_each_get_a_folder(tmp_path):
    """Sixteen finished runs renamed to one stamp at the same moment: each lands whole, in a
    folder of its own (stamp, stamp-2, ...), and none overwrites another."""
    (tmp_path / "20261201-120000").mkdir()  # an earlier run of that second
    (tmp_path / "20261201-120000" / "report.html").write_text("earlier")
    works = []
    for index in range(16):
        work = tmp_path / f".work-{index}"
        work.mkdir()
        (work / "report.html").write_text(f"run {index}")
        works.append(work)
    start = threading.Barrier(len(works))
    finals: dict[int, Path] = {}

    def finish(index: int) -> None:
        start.wait()
        finals[index] = claim_folder(works[index], tmp_path, "20261201-120000")

    threads = [threading.Thread(target=finish, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(finals.values())) == len(works)
    for index, final in finals.items():
        assert (final / "report.html").read_text() == f"run {index}"
    assert (tmp_path / "20261201-120000" / "report.html").read_text() == "earlier"
    names = {p.name for p in tmp_path.iterdir()}
    assert names == {"20261201-120000", *(f"20261201-120000-{n}" for n in range(2, 18))}


def test_files_written_into_one_folder_at_once_never_mix(tmp_path):
    """Papermill runs sharing an output_dir: each write is whole, and no temporary is left."""
    target = tmp_path / "trials.parquet"
    texts = [f"{index}\n" * 100_000 for index in range(8)]
    start = threading.Barrier(len(texts))

    def write(text: str) -> None:
        start.wait()
        write_atomic(target, lambda temporary: temporary.write_text(text))

    threads = [threading.Thread(target=write, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert target.read_text() in texts
    assert [p.name for p in tmp_path.iterdir()] == ["trials.parquet"]


def test_two_reports_for_one_client_at_once_both_land(itcost_command, tmp_path):
    """Two `itcost report` runs started together (so, as a rule, with the same stamp): both
    succeed, in folders of their own, each with its whole report."""
    runs = [
        subprocess.Popen([*itcost_command, "report", *SMALL, "--out", str(tmp_path)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]  # fmt: skip
    results = [process.communicate(timeout=300) for process in runs]
    assert [process.returncode for process in runs] == [0, 0], [err for _, err in results]
    htmls = {Path(out.strip()) for out, _ in results}
    assert len(htmls) == 2
    for html in htmls:
        assert html.is_file() and "IT support cost report" in html.read_text()
        assert (html.parent / "summary.json").is_file()
    assert sorted(p.name.startswith(".") for p in (tmp_path / SLUG).iterdir()) == [False, False]


# -- never half-made -----------------------------------------------------------------------------


def wait_for(process: subprocess.Popen, client: Path, pattern: str) -> None:
    """Wait (two minutes at most) until the run has written ``pattern`` in ``client``."""
    deadline = time.monotonic() + 120
    while not (client.is_dir() and any(client.glob(pattern))):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"the run never wrote {pattern}"
        time.sleep(0.1)


@pytest.mark.parametrize(
    ("signum", "status"),
    [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)],
)
def test_an_interrupted_report_leaves_no_folder(itcost_command, tmp_path, signum, status):
    """Stopped while the kernel runs (as Ctrl-C, `timeout`, `docker stop` or a closed terminal
    stop it): the temporary run folder and the client's new folder are removed, and the
    status is 128 + the signal. (The child starts with the signals at their defaults: a test
    run in the background may have SIGINT ignored, which a child would inherit.)"""

    def defaults() -> None:
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)

    process = subprocess.Popen(
        [*itcost_command, "report", "micro-cloud-office", "--trials", "200000",
         "--out", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=defaults,
    )  # fmt: skip
    wait_for(process, tmp_path / SLUG, ".*/report.ipynb")  # papermill has begun
    time.sleep(1.0)  # well inside the kernel's work
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == status, stderr
    assert stderr.strip().splitlines()[-1].startswith("itcost: ")
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_leaves_earlier_reports_intact(tmp_path, monkeypatch, capsys):
    """ENOSPC half way through writing the run: one line, status 1, the temporary folder
    removed, and the earlier run of the same client untouched."""
    import papermill

    earlier = tmp_path / "acme" / "20261130-090000"
    earlier.mkdir(parents=True)
    (earlier / "report.html").write_text("the earlier report")

    def full_disk(notebook, output, **options):
        Path(output).write_bytes(b"\0" * 100_000)  # a part written, then the disk is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), output)

    monkeypatch.setattr(papermill, "execute_notebook", full_disk)
    status = main(["report", *SMALL, "--client", "Acme", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 1
    assert err.strip().splitlines() == [
        f"itcost: error: could not write the report in {tmp_path / 'acme'}: No space left on device"
    ]
    assert [p.name for p in (tmp_path / "acme").iterdir()] == ["20261130-090000"]
    assert (earlier / "report.html").read_text() == "the earlier report"


def test_the_signal_handlers_are_the_callers_again_afterwards():
    before = signal.getsignal(signal.SIGTERM)
    assert main(["presets"]) == 0
    assert signal.getsignal(signal.SIGTERM) is before
    assert sys.stdout is not None


def test_under_nohup_a_hangup_does_not_stop_a_report(itcost_command, tmp_path):
    """SIGHUP ignored when itcost starts (nohup): it stays ignored, and the report lands."""

    def hangups_ignored() -> None:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    process = subprocess.Popen(
        [*itcost_command, "report", *SMALL, "--out", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=hangups_ignored,
    )  # fmt: skip
    wait_for(process, tmp_path / SLUG, ".*/scenario.yaml")
    process.send_signal(signal.SIGHUP)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert Path(out.strip()).is_file()
