"""A simulation's arrays on ordinary memory pages, not transparent huge pages.

numpy advises Linux to back every array of 4 MB or more with transparent huge pages
(``madvise(MADV_HUGEPAGE)``; numpy's "global state" documentation). Where the kernel's
``/sys/kernel/mm/transparent_hugepage/defrag`` is ``madvise``, the default of most
distributions, a huge page that is not at hand when such an array is first written is made
there and then, by compaction, and on a virtual machine whose memory the host backs lazily the
first write to each 2 MB can stall for milliseconds (numpy issue #31590 reports the stalls).

A run of a million trials writes about 300 MB of per-trial results once, in order, and reads
them a few times: huge pages save it little, and on the project's two-core virtual machine
they cost it 1.2 to 2 s of kernel time in a 7 to 9 s run, more or less from one run to the
next as the machine's memory had been used (``make bench`` prints the kernel time). Without
the advice the same run spends 0.2 to 0.35 s in the kernel. An array under 4 MB (a column of
up to 524,288 trials, the engine's chunk-sized working arrays) is never advised, so the
calculator's runs are the same either way.

The advice is a process-wide numpy setting: :func:`ordinary_pages` turns it off while any
simulation runs, in any thread, and restores it when the last one ends. Arrays made by other
threads meanwhile are not advised either, which only changes how fast they are first written.
Whoever set ``NUMPY_MADVISE_HUGEPAGE`` has chosen for their process and is left alone, as is a
numpy without the setting.

Not a cure in a long-lived process: memory that numpy advised for an array made outside a
simulation (a large summary or trials table, in a notebook or the app) keeps the advice after
it is freed (the same numpy issue), and a later result that the C library places there can
still meet the stall. Nor where ``transparent_hugepage/enabled`` is ``always``: the kernel then
uses huge pages unasked, though without stalling to compact for them.
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
    entered = False
    try:
        with _lock:
            if _running == 0:
                _advice_before = _SET_ADVICE(False)
            _running += 1
            entered = True
        yield
    finally:
        if entered:  # not when stopped (Ctrl-C) before it counted itself in
            with _lock:
                _running -= 1
                if _running == 0:
                    _SET_ADVICE(_advice_before)
