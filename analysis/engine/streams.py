"""Random streams: the seeding that reproducibility rests on.

Block ``b`` of a run seeded with ``seed`` draws only from children of
``SeedSequence(seed, spawn_key=(b,))``, which is ``SeedSequence(seed).spawn(n)[b]`` for any
``n > b``. Below it, every incident tier has its own family of streams keyed by the tier's
*name* (so reordering, adding or removing a tier leaves the other tiers' draws alone), and
within a family each kind of draw has its own stream (so changing a fee, a share or a duration
leaves every other draw unchanged: options and scenarios compare on common random numbers). Two
pairs of yes/no draws share a stream, one float64 draw for both; it is drawn whenever either of
the pair is needed, so neither changes the other.
"""

from __future__ import annotations

import hashlib

import numpy as np

#: The streams of one tier, in spawn order. Each is consumed in the same order whatever the
#: chunking, so results do not depend on how incidents are split into chunks.
TIER_STREAMS = (
    "counts",  # incident counts per trial-year
    "frailty",  # Gamma rate multipliers of the negative binomial
    "start",  # the moment of the week each incident starts
    "fix",  # repair hours
    "response",  # the standard normal behind every option's response wait
    # Yes/no draws, two independent uniforms from the bits of each float64 draw:
    "prevent_onsite",  # top bits: prevented by each option whose share exceeds it; others: a visit
    "scope_parts",  # top bits: managed out-of-scope work; others: the repair replaces hardware
    "parts_cost",  # the cost of replaced hardware, one normal per replacement
    "month",  # the month an incident falls in (drawn only for budget risk)
)
#: The streams of security events, in spawn order.
SECURITY_STREAMS = ("counts", "loss", "keep")

Streams = dict[str, np.random.Generator]


def block_seed(seed: int, block: int) -> np.random.SeedSequence:
    """The seed of block ``block``: ``SeedSequence(seed).spawn(block + 1)[block]``."""
    return np.random.SeedSequence(seed, spawn_key=(block,))


def tier_streams(seed: int, block: int, tier: str) -> Streams:
    """The generators of tier ``tier`` in block ``block``, one per entry of TIER_STREAMS."""
    name_key = int.from_bytes(hashlib.sha256(tier.encode()).digest()[:16], "little")
    return _generators((*block_seed(seed, block).spawn_key, 1, name_key), seed, TIER_STREAMS)


def security_streams(seed: int, block: int) -> Streams:
    """The generators of security events in block ``block``."""
    return _generators((*block_seed(seed, block).spawn_key, 0), seed, SECURITY_STREAMS)


def _generators(spawn_key: tuple[int, ...], seed: int, names: tuple[str, ...]) -> Streams:
    family = np.random.SeedSequence(seed, spawn_key=spawn_key)
    children = family.spawn(len(names))
    return {
        name: np.random.Generator(np.random.PCG64(child))
        for name, child in zip(names, children, strict=True)
    }
