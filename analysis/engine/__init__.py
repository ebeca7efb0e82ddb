"""The simulation: a scenario's plain numbers, random streams, the Monte Carlo core, the result.

Bottom to top: ``inputs`` (scenario to engine numbers) and ``streams`` (seeding), ``result``
(per-trial columns and the summary contract), ``core`` (blocks and chunks of incidents);
``pages`` keeps their large arrays off transparent huge pages.
"""
