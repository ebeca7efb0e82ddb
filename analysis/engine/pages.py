"""A simulation's arrays on ordinary memory pages, not transparent huge pages.

numpy advises Linux to back every array of 4 MB or more with transparent huge pages
(``madvise(MADV_HUGEPAGE)``; numpy's "global state" documentation). Where the kernel's
``/sys/kernel/mm/transparent_hugepage/defrag`` is ``madvise``, the default of most
distributions, a huge page that is not at hand when such an array is first written is made
there and then, by compaction, and on a virtual machine whose memory the host backs lazily the
first write to each 2 MB can stall for milliseconds (numpy issue #31590 reports the stalls).

A run of a million trials writes about 300 MB of per-trial results once, in order, and reads
them a few times: huge pages save it little, and on the project's two-core virtual machine
they cost it 1.5 to 2 s of kernel time in a 9 s run, more or less from one run to the next
as the machine's memory was used (``make bench`` prints the kernel time). On ordinary pages
the same run spends 0.2 s in the kernel. Below 4 MB an array (a column of up to 524,288
trials, every working array of the engine) is never advised, so the calculator's runs are the
same either way.

The advice is a process-wide numpy setting: :func:`ordinary_pages` turns it off while any
simulation runs, in any thread, and restores it when the last one ends. Arrays made by other
threads meanwhile are on ordinary pages too, which only changes how fast they are first
written. Whoever set ``NUMPY_MADVISE_HUGEPAGE`` has chosen for their process and is left
alone, as is a numpy without the setting.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator


def _numpy_setter() -> Callable[[bool], bool] | None:
    """numpy's switch of the advice (it returns the setting it replaces), or None when it is
    the user's to make or numpy has none."""
    if "NUMPY_MADVISE_HUGEPAGE" in os.environ:
        return None
    try:
        from numpy._core import multiarray
    except ImportError:  # pragma: no cover - numpy 2 has it
        return None
    return getattr(multiarray, "_set_madvise_hugepage", None)


_SET_ADVICE = _numpy_setter()
_lock = threading.Lock()
_running = 0  # simulations inside ordinary_pages, in every thread
_advice_before = False


@contextlib.contextmanager
def ordinary_pages() -> Iterator[None]:
    """Inside, numpy asks for no transparent huge pages (see the module's docstring).

    Examples
    --------
    >>> with ordinary_pages():
    ...     pass
    """
    global _running, _advice_before
    if _SET_ADVICE is None:
        yield
        return
    with _lock:
        if _running == 0:
            _advice_before = _SET_ADVICE(False)
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0:
                _SET_ADVICE(_advice_before)
