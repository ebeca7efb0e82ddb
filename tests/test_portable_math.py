"""The platform-independent exp of analysis.portable_math."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.portable_math import exp


@pytest.mark.parametrize(("dtype", "low", "high", "ulps"),
                         [(np.float32, -87, 88, 1.0), (np.float64, -708, 709, 2.0)])  # fmt: skip
def test_exp_is_accurate_over_its_whole_range(dtype, low, high, ulps):
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(low, high, 1_000_000), rng.normal(0, 3, 200_000),
                        [low, high, 0.0, -0.0, 1e-30, -1e-30],
                        np.log(2) * (np.arange(-100, 100) + 0.5)]).astype(dtype)  # fmt: skip
    got = exp(x.copy()).astype(np.longdouble)
    exact = np.exp(x.astype(np.longdouble))
    error_in_ulps = np.abs(got - exact) / np.spacing(exact.astype(dtype)).astype(np.longdouble)
    assert error_in_ulps.max() <= ulps


def test_exp_clips_instead_of_overflowing():
    assert np.isfinite(exp(np.array([1e6, -1e6], dtype=np.float32))).all()
    assert exp(np.array([-1e6])) > 0


def test_exp_rejects_other_types():
    with pytest.raises(TypeError):
        exp(np.arange(3))
