"""A progress bar on standard error for the long commands, shown only on a terminal.

A command that has run for :data:`SHOW_AFTER` seconds and is not done shows one line that it
rewrites in place: what it is doing, a bar, the steps done of all, and an estimate of the time
left from the pace so far. It is cleared when the command ends, so what the command prints
is left as it would be without it. Nothing is shown when standard error is not a terminal (a
pipe, a file, CI), so logs and scripts see only the command's own output.

Examples
--------
>>> import io
>>> bar = Progress("simulating", 40, stream=io.StringIO())  # not a terminal: silent
>>> bar.advance(10); bar.close(); bar.stream.getvalue()
''
>>> line(12, 40, 6.0, width=10)
'[###.......] 12/40, about 14 s left'
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Iterator
from typing import TextIO

from analysis.engine.core import progress_to

#: Seconds a command runs before its bar appears: a quick command shows none.
SHOW_AFTER = 2.0
#: Seconds between redraws at most.
REDRAW = 0.25


def line(done: int, total: int, elapsed: float, width: int = 24) -> str:
    """The bar, the steps and the estimate, for ``done`` of ``total`` after ``elapsed`` s."""
    share = min(done / total, 1.0) if total else 1.0
    filled = round(share * width)
    left = elapsed / done * (total - done) if done else None
    estimate = "estimating" if left is None else f"about {_duration(max(left, 0.0))} left"
    return f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}, {estimate}"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, seconds = divmod(round(seconds), 60)
    return (
        f"{minutes} min {seconds:02d} s"
        if minutes < 60
        else f"{minutes // 60} h {minutes % 60:02d} min"
    )


class Progress:
    """``total`` steps of ``label``, counted by :meth:`advance` (from any thread)."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label, self.total = label, max(int(total), 1)
        self.stream = sys.stderr if stream is None else stream
        self.shown = _is_terminal(self.stream)
        self.done = 0
        self._start = time.monotonic()
        self._drawn = 0.0
        self._lock = threading.Lock()

    def advance(self, steps: int = 1) -> None:
        with self._lock:
            self.done += steps
            now = time.monotonic()
            if self.shown and now - self._start >= SHOW_AFTER and now - self._drawn >= REDRAW:
                self._drawn = now
                text = f"{self.label} {line(self.done, self.total, now - self._start)}"
                self._write(f"\r{text}\x1b[K")

    def close(self) -> None:
        """Clear the bar's line (when one was drawn)."""
        with self._lock:
            if self._drawn:
                self._write("\r\x1b[K")
                self._drawn = 0.0

    def _write(self, text: str) -> None:
        with contextlib.suppress(OSError, ValueError):  # the terminal went away: no bar
            self.stream.write(text)
            self.stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, OSError, ValueError):
        return False


@contextlib.contextmanager
def simulating(label: str, trials: int, stream: TextIO | None = None) -> Iterator[Progress]:
    """A bar over the ``trials`` trials that the simulations inside will run in all."""
    bar = Progress(label, trials, stream=terminal() if stream is None else stream)
    try:
        with progress_to(bar.advance):
            yield bar
    finally:
        bar.close()


def terminal() -> TextIO:
    """Standard error as the terminal shows it: the stream under the command line's escaping
    wrapper (a bar's carriage return and erase-line are meant for the terminal)."""
    return getattr(sys.stderr, "raw_stream", sys.stderr)
