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
#: The calculator's default precision: APP_TRIALS simulated years, or, when that many would
#: simulate more than APP_INCIDENTS incidents, the most whole thousands that do not (never
#: under APP_MIN_TRIALS), so that a recompute stays under 0.3 s on a two-core machine (``make
#: bench`` measures it; about 0.2 s for two million incidents there). Large scenarios lose
#: little by it: with hundreds of incidents a year each simulated year's total is already
#: steady, and at 4,000 trials (the presets' fewest) a chance such as P(cheapest) has a
#: standard error of at most 0.8 percentage points (1.1 at APP_MIN_TRIALS).
APP_TRIALS = 10_000
APP_MIN_TRIALS = 2_000
APP_INCIDENTS = 2_000_000
#: The calculator refuses a run of more simulated incidents than this (about ten seconds on
#: two cores): a link or an upload cannot freeze a session.
APP_MAX_INCIDENTS = 100_000_000
#: The calculator's results, shared by every session of a server, hold at most this much
#: memory in all (a preset's result at the default trials is 1 to 5 MB; one at the slider's
#: largest count, a few hundred MB, is shown but not kept).
APP_CACHE_BYTES = 512 * 2**20
#: The command line asks for --force before a command that simulates more incidents than this
#: in all (about four minutes on one core of the benchmark machine, which simulates 9 million
#: a second: ``make bench``), so that a slip of the finger (--trials 100000000) is a question,
#: not an afternoon. Every command at its defaults fits, for every preset: the largest,
#: ``itcost sensitivity manufacturer --sobol``, simulates about 1.2 billion.
CLI_MAX_INCIDENTS = 2_000_000_000
