"""The ``itcost`` command line: parse, run a command, and turn errors into exit statuses.

Bad input exits with status 2 and one line on stderr naming the field or the flag and the
reason; a document that could not be made exits with status 1. Library errors name Python
arguments (``trials``) and scenario sources (``overrides``); :func:`in_flags` is the one place
that says them as this command line's flags (``--trials``, ``--set``).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import NoReturn, TextIO

from analysis._version import __version__
from analysis.cli import compare, decide, documents, scenarios, serve, simulate, upgrade
from analysis.errors import ArgumentError, ItcostError, ReportError, ScenarioError, ToolMissingError
from analysis.present.formatting import terminal_text
from analysis.scenario.paths import OVERRIDES

EXIT_BAD_INPUT = 2
EXIT_NOT_MADE = 1

#: Python argument names as every command's flags (``overrides``, which dotted-path values come
#: through, is --set); a command adds its own with ``set_defaults(flags=...)``.
FLAGS = {
    "trials": "--trials",
    "seed": "--seed",
    "threads": "--threads",
    "parameter": "--parameter",
    "option": "--option",
    "against": "--against",
    "client_name": "--client",
    "pdf": "--pdf",
    "out_dir": "--out",
    OVERRIDES: "--set",
}


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="itcost",
        description=(
            "Compare ways to buy IT support (pay per incident, managed contracts, hybrids, "
            "competing quotes) by Monte Carlo simulation: what each costs in IT spend, what it "
            "loses in downtime and security, and the total."
        ),
        epilog="Run 'itcost COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"itcost {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # In the order `itcost --help` lists them.
    simulate.add_commands(commands)
    compare.add_commands(commands)
    documents.add_report(commands)
    scenarios.add_commands(commands)
    upgrade.add_commands(commands)
    serve.add_commands(commands)
    decide.add_commands(commands)
    documents.add_sweep(commands)
    return parser


class _Shown:
    """A text stream that writes what it is given as a terminal shows it literally
    (:func:`~analysis.present.formatting.terminal_text`): names in scenario files and
    arguments never reach the terminal as control sequences. A character the stream's encoding
    lacks (``PYTHONIOENCODING=ascii``) is written as its escape; a stream that was closed when
    the program started (``None``) fails on writing, as a closed file does."""

    def __init__(self, stream: TextIO | None, name: str) -> None:
        self._stream, self._name = stream, name
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")

    def write(self, text: str) -> int:
        if self._stream is None:
            raise OSError(errno.EBADF, f"standard {self._name} is closed")
        return self._stream.write(terminal_text(text))

    def flush(self) -> None:
        if self._stream is not None:
            self._stream.flush()

    @property
    def raw_stream(self) -> TextIO | None:
        """The stream itself, for what is meant for the terminal as it is (a progress bar)."""
        return self._stream

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP (``timeout``, ``docker stop``, a closed terminal), raised where the
    program is, as Ctrl-C's KeyboardInterrupt is: every cleanup that Ctrl-C runs (a report's
    temporary folder removed) runs for them too."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


#: The signals that stop a command as Ctrl-C does (SIGHUP is POSIX only).
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@contextlib.contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """While the command runs, SIGTERM and SIGHUP raise :class:`Stopped`, and once one has,
    further ones are ignored. A signal this process was started ignoring stays ignored:
    under ``nohup``, SIGHUP does not stop a report. (Cleanups block every stop signal while
    they run: see :func:`analysis.report.notebook._discard`.)"""
    if threading.current_thread() is not threading.main_thread():  # handlers: main thread only
        yield
        return
    caught = [n for n in STOP_SIGNALS if signal.getsignal(n) not in (signal.SIG_IGN, None)]

    def stop(signum: int, frame: object) -> None:
        for number in caught:
            signal.signal(number, signal.SIG_IGN)
        raise Stopped(signum)

    saved = {number: signal.signal(number, stop) for number in caught}
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Shown(sys.stdout, "output"), _Shown(sys.stderr, "error")
    try:
        with _stopped_by_signals():
            return _main(argv)
    finally:
        sys.stdout, sys.stderr = streams


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status = args.handler(args)
        sys.stdout.flush()  # here, so that a full disk is this command's error, not Python's
        return status
    except ItcostError as error:
        flags = {**FLAGS, **getattr(args, "flags", {})}
        print(f"itcost: error: {in_flags(error, flags)}", file=sys.stderr)
        return EXIT_NOT_MADE if isinstance(error, ReportError) else EXIT_BAD_INPUT
    except KeyboardInterrupt as error:  # Ctrl-C: 130; SIGTERM, SIGHUP: 128 + the signal
        if isinstance(error, Stopped):
            print(f"itcost: stopped by {signal.Signals(error.signum).name}", file=sys.stderr)
            return 128 + error.signum
        print("itcost: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as error:  # the output could not be written: a full disk, a closed stream
        _quiet_stdout()
        where = f" ({error.filename})" if error.filename else ""
        reason = error.strerror or str(error)
        with contextlib.suppress(OSError):  # standard error is gone too: the status says it
            print(f"itcost: error: cannot write the output{where}: {reason}", file=sys.stderr)
        return EXIT_NOT_MADE


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so that Python's own flush at exit finds nothing
    more to write (and prints no second error)."""
    with contextlib.suppress(OSError, AttributeError, ValueError):  # closed from the start
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def in_flags(error: ItcostError, flags: Mapping[str, str]) -> str:
    """``error``'s message with the Python names in it as the command line's flags.

    Examples
    --------
    >>> in_flags(ArgumentError("values", "needs finite LO < HI"), {"values": "--range"})
    '--range: needs finite LO < HI'
    >>> in_flags(ScenarioError("colour", "no such field", argument="overrides"), FLAGS)
    '--set: colour: no such field'
    """

    def flag(name: str | None) -> str | None:
        return flags.get(name, name) if name else name

    if isinstance(error, ScenarioError):  # a file's or preset's name is said as it is
        error = ScenarioError(
            error.field, error.reason, error.source, argument=flag(error.argument)
        )
    elif isinstance(error, ArgumentError):
        error = ArgumentError(tuple(map(flag, error.names)), error.reason, error.detail)
    elif isinstance(error, ToolMissingError):
        error = ToolMissingError(error.tool, error.hint, flag(error.name))
    return str(error)
