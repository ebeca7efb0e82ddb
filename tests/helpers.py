"""Helpers shared by the tests: the closed-form scenario and standard-error tolerances."""

from __future__ import annotations

import io
import math
from typing import Any

from ruamel.yaml import YAML

import analysis
from analysis.scenario.io import scenario_from_data

#: Statistical tests accept an estimate within this many standard errors of its closed form.
#: With fixed seeds the outcome is deterministic; 4 SE would be exceeded by chance with
#: probability 6e-5, so a failure means a real discrepancy, not bad luck.
Z_TOLERANCE = 4.0

#: A one-tier scenario whose expectations have closed forms; tests change it with dotted keys.
CLOSED_FORM = {
    "name": "Closed form",
    "organisation": {
        "employees": 10,
        "loaded_hourly_cost": 40,
        "revenue_per_hour": 200,
        "productivity_loss": 0.5,
    },
    "incidents": {
        "only": {"rate_per_year": 5, "users_affected": 0.4, "revenue_impact": 0.3, "fix_hours": 2}
    },
    "break_fix": {"hourly_rate": 100, "response_hours": 3},
    "managed": {"per_user_monthly": 0, "response_hours": 1},
}


def closed_form(changes: dict | None = None) -> analysis.Scenario:
    """The closed-form scenario with dotted-key ``changes`` applied."""
    base = scenario_from_data(CLOSED_FORM)
    return base.with_overrides(changes or {})


def assert_within_se(estimate: float, expected: float, standard_error: float) -> None:
    """``estimate`` must lie within ``Z_TOLERANCE`` standard errors of ``expected``."""
    assert standard_error > 0
    z = (estimate - expected) / standard_error
    assert abs(z) <= Z_TOLERANCE, (
        f"estimate {estimate:.6g} is {z:+.2f} standard errors ({standard_error:.3g}) "
        f"from the closed form {expected:.6g}"
    )


def sample_variance_se(kappa2: float, kappa4: float, n: int) -> float:
    """Standard error of the sample variance from the population's cumulants.

    Var(s^2) ~= (mu4 - sigma^4) / n with mu4 = kappa4 + 3 kappa2^2.
    """
    return math.sqrt((kappa4 + 2 * kappa2**2) / n)


def yaml_text(data: Any, indent: int = 2, flow: bool = False) -> str:
    """``data`` as YAML text, keys in the given order, written by ruamel.yaml itself (not by
    the code under test)."""
    writer = YAML(typ="safe", pure=True)
    writer.default_flow_style = flow
    writer.indent(mapping=indent, sequence=indent, offset=0)
    writer.representer.sort_base_mapping_type_on_output = False
    stream = io.StringIO()
    writer.dump(data, stream)
    return stream.getvalue()


def read_yaml(text: str) -> Any:
    """YAML text as plain data, read by ruamel.yaml itself."""
    return YAML(typ="safe", pure=True).load(text)
