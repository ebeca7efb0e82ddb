"""Several quotes on one simulation: common random numbers make their differences exact."""

from __future__ import annotations

import numpy as np

from analysis import load_scenario, simulate


def test_quotes_that_differ_only_in_their_fee_differ_by_exactly_the_fee_trial_by_trial():
    """Three managed quotes, the same contract at 150, 130 and 110 a user a month: every trial's
    savings differ by the fee difference times users times twelve, and by nothing else (not
    a Monte Carlo error: the same incidents, prevented alike, with the same losses)."""
    base = load_scenario("server-office")
    managed = base.to_dict()["options"]["managed"]
    quotes = {}
    for name, fee in (("quote-b", 130), ("quote-c", 110)):
        quote = {**managed, "title": name, "fees": {**managed["fees"], "per_user_monthly": fee}}
        quotes[f"options.{name}"] = quote
    scenario = base.with_overrides(quotes)
    result = simulate(scenario, trials=20_000, seed=3)
    users = scenario.organisation.employees
    a = result.savings("managed")
    for name, fee in (("quote-b", 130), ("quote-c", 110)):
        gap = result.savings(name) - a
        expected = (150 - fee) * users * 12
        # Exact but for the rounding of sums of a few thousand dollars: 1e-9 of the total.
        np.testing.assert_allclose(gap, expected, rtol=0, atol=1e-9 * float(np.abs(a).max()))
        for quantity in ("downtime", "security", "incidents", "downtime_hours"):
            np.testing.assert_array_equal(
                result.column(name, quantity), result.column("managed", quantity)
            )
