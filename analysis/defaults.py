"""Defaults that more than one front end uses, each written once.

The notebooks' parameter cells must hold literal values (papermill reads them as text); a test
keeps them equal to these.
"""

from __future__ import annotations

#: The seed of every run unless one is given: the same seed and trials give the same numbers.
SEED = 2026
#: Trials of a simulation, a report and ``itcost simulate``.
TRIALS = 100_000
#: Trials of each run of a break-even search (a dozen runs or more) and of each sweep point.
BREAKEVEN_TRIALS = 20_000
SWEEP_TRIALS = 20_000
#: Trials of each run of a tornado (two runs per input).
TORNADO_TRIALS = 10_000
#: Sobol indices: base samples (a power of 2) and trials per sample point.
SOBOL_SAMPLES = 64
SOBOL_TRIALS = 2_000
#: The report and the app run break-evens and the tornado at no more than this many trials.
DECISION_TRIALS = 10_000
#: The calculator's default precision: a full recompute of any preset stays under half a
#: second on a two-core machine (``make bench`` measures it; the target is 0.3 s).
APP_TRIALS = 10_000
