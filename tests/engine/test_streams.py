"""The seeding scheme of analysis.engine.streams: streams keyed by tier name."""

from __future__ import annotations

import numpy as np

from analysis.engine.streams import tier_streams


def test_tier_streams_depend_on_the_tier_name_only():
    one = tier_streams(7, 2, "minor")["fix"].random(3)
    again = tier_streams(7, 2, "minor")["fix"].random(3)
    other = tier_streams(7, 2, "major")["fix"].random(3)
    assert np.array_equal(one, again) and not np.array_equal(one, other)
