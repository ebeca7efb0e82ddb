"""The engine keeps its arrays off transparent huge pages while it runs, and gives numpy's
setting back afterwards (analysis.engine.pages)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from numpy._core import multiarray

from analysis import load_scenario, simulate
from analysis.engine import pages
from analysis.engine import result as result_module
from analysis.engine.core import progress_to

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="numpy advises huge pages on Linux only"
)


@pytest.fixture
def advice_on():
    """numpy's huge-page advice switched on for the test (as numpy starts on Linux), and put
    back as it was after."""
    if pages._SET_ADVICE is None:
        pytest.skip("NUMPY_MADVISE_HUGEPAGE is set for this run: its setting is the user's")
    before = multiarray._set_madvise_hugepage(True)
    yield
    multiarray._set_madvise_hugepage(before)


def test_simulation_and_repricing_run_without_the_advice_and_restore_it(advice_on, monkeypatch):
    seen = []
    price = result_module.price

    def pricing(*args):  # where a result's money columns are made
        seen.append(("priced", multiarray._get_madvise_hugepage()))
        return price(*args)

    monkeypatch.setattr(result_module, "price", pricing)
    with progress_to(lambda done: seen.append(("block", multiarray._get_madvise_hugepage()))):
        result = simulate(load_scenario("server-office"), trials=70_000, seed=1)
    assert seen == [("block", False), ("block", False), ("priced", False)]  # two blocks
    assert multiarray._get_madvise_hugepage() is True
    seen.clear()
    result.reprice(result.scenario.with_overrides({"organisation.loaded_hourly_cost": 60}))
    assert seen == [("priced", False)]
    assert multiarray._get_madvise_hugepage() is True


def test_a_failed_simulation_restores_it(advice_on):
    def stop(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), progress_to(stop):
        simulate(load_scenario("server-office"), trials=1_000, seed=1)
    assert multiarray._get_madvise_hugepage() is True


def test_overlapping_simulations_in_threads_restore_it_once_the_last_ends(advice_on):
    """The first to start may end first: the advice stays off until the other has ended."""
    inside, release = threading.Event(), threading.Event()
    seen = []

    def slow(done: int) -> None:
        inside.set()
        release.wait(timeout=60)
        seen.append(multiarray._get_madvise_hugepage())

    def second() -> None:
        with progress_to(slow):
            simulate(load_scenario("micro-cloud-office"), trials=500, seed=2)

    thread = threading.Thread(target=second)
    thread.start()
    assert inside.wait(timeout=60)
    simulate(load_scenario("micro-cloud-office"), trials=500, seed=3)  # starts and ends inside
    assert multiarray._get_madvise_hugepage() is False  # the other is still running
    release.set()
    thread.join(timeout=60)
    assert seen == [False]
    assert multiarray._get_madvise_hugepage() is True


def test_a_users_own_setting_is_left_alone():
    """NUMPY_MADVISE_HUGEPAGE=1 asks for the advice: simulations keep it."""
    code = (
        "from numpy._core import multiarray\n"
        "from analysis import load_scenario, simulate\n"
        "from analysis.engine.core import progress_to\n"
        "seen = []\n"
        "with progress_to(lambda done: seen.append(multiarray._get_madvise_hugepage())):\n"
        "    simulate(load_scenario('micro-cloud-office'), trials=500, seed=1)\n"
        "print(seen, multiarray._get_madvise_hugepage())\n"
    )
    env = {**os.environ, "NUMPY_MADVISE_HUGEPAGE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["[True]", "True"]
