"""What the numbers mean for the choice, as numbers and tables (no prose).

``inputs`` (vary one input) sits beneath ``breakeven``, ``sensitivity`` and ``sweeps``;
``breakdowns`` splits a result by tier and by month (budget risk).
"""
