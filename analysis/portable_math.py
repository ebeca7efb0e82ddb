"""Arithmetic that gives the same bits on every machine: ``exp``, ``log`` and reusable buffers.

numpy's ``exp`` picks a SIMD kernel by CPU (AVX2, AVX-512, or the C library), and the kernels
differ in the last bit; so does the C library's ``log``. The engine's draws are computed with
:func:`exp`, built from IEEE-754 additions, multiplications and divisions only (which round
identically everywhere), and from logs taken by :func:`exact_log` in decimal arithmetic, so a
seed gives the same bits on every machine.
"""

from __future__ import annotations

import functools
from decimal import Context, Decimal

import numpy as np


@functools.lru_cache(maxsize=4096)
def exact_log(value: float) -> float:
    """``ln(value)`` rounded the same on every machine.

    ``math.log`` is the C library's, which picks a CPU-specific variant (with or without FMA)
    that can differ in the last bit; the engine's draws are computed from these logs, so they
    come from decimal arithmetic instead, done in software to 40 digits (about 2 ms, so
    remembered: a scenario's medians and p90s are few and asked for on every repricing).

    Examples
    --------
    >>> exact_log(1.0), round(exact_log(2.718281828459045), 12)
    (0.0, 1.0)
    """
    return float(Decimal(value).ln(_LOG_CONTEXT))


_LOG_CONTEXT = Context(prec=40)


# -- a deterministic exp ---------------------------------------------------------------------
# Cody-Waite range reduction x = k ln2 + r, |r| <= ln2 / 2, then a polynomial (float32, from
# Cephes expf) or a Pade approximant (float64, from Cephes exp) for e^r, and 2^k built from its
# bits. Accurate to about 1 ulp; inputs are clipped to the range where the result is normal.
# Adding 1.5 * 2^(mantissa bits) rounds x / ln2 to the nearest integer k and leaves k in the low
# bits of the sum, so k needs no float-to-integer conversion (slow in numpy).


class _Constants:
    def __init__(self, dtype: type, integer: type, mantissa: int, bias: int, **values: object):
        self.dtype, self.integer, self.mantissa, self.bias = dtype, integer, mantissa, bias
        self.magic = dtype(1.5 * 2.0**mantissa)
        self.magic_bits = int(np.array(self.magic).view(integer))
        for name, value in values.items():
            setattr(
                self, name, tuple(map(dtype, value)) if isinstance(value, tuple) else dtype(value)
            )


_F32 = _Constants(
    np.float32, np.int32, 23, 127,
    log2e=1.4426950408889634, ln2_hi=0.693359375, ln2_lo=-2.12194440e-4,
    lowest=-87.0, highest=88.0,
    poly=(1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
          1.6666665459e-1, 5.0000001201e-1),
)  # fmt: skip
_F64 = _Constants(
    np.float64, np.int64, 52, 1023,
    log2e=1.4426950408889634, ln2_hi=6.93145751953125e-1, ln2_lo=1.42860682030941723212e-6,
    lowest=-708.0, highest=709.0,
    p=(1.26177193074810590878e-4, 3.02994407707441961300e-2, 9.99999999999999999910e-1),
    q=(3.00198505138664455042e-6, 2.52448340349684104192e-3, 2.27265548208155028766e-1,
       2.00000000000000000009e0),
)  # fmt: skip


class Workspace:
    """Reusable arrays for one thread's chunks.

    Fresh chunk-sized temporaries would be page-faulted in on every allocation (the C library
    hands large blocks back to the system when they are freed), which costs more than the
    arithmetic; reusing a few buffers keeps the hot loop in cache.
    """

    def __init__(self) -> None:
        self._buffers: dict[tuple[str, np.dtype], np.ndarray] = {}

    def get(self, name: str, size: int, dtype: type = np.float32) -> np.ndarray:
        """A buffer of ``size`` items of ``dtype`` for ``name`` (one per name and dtype, so
        that float32 and float64 users of a name do not take turns reallocating it); its
        contents are left over from earlier use."""
        key = (name, np.dtype(dtype))
        buffer = self._buffers.get(key)
        if buffer is None or buffer.size < size:
            buffer = self._buffers[key] = np.empty(size, dtype)
        return buffer[:size]


def exp(values: np.ndarray, work: Workspace | None = None) -> np.ndarray:
    """``e ** values`` for float32 or float64 arrays, bit-identical on every platform.

    Overwrites and returns ``values`` (one-dimensional). Inputs are clipped to [-87, 88]
    (float32) or [-708, 709] (float64). Within about 1 ulp (float32) or 2 ulp (float64) of the
    true value. About 20 vectorised passes; the float32 path, the engine's hot one, takes its
    temporaries from ``work`` when given.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([-1.0, 0.0, 0.5, 10.0])
    >>> bool(np.allclose(exp(x.copy()), np.exp(x), rtol=1e-15))
    True
    """
    if values.dtype not in (np.float32, np.float64) or values.ndim != 1:
        raise TypeError(f"exp takes a 1-D float32 or float64 array, not {values.dtype}")
    c = _F32 if values.dtype == np.float32 else _F64
    work = work or Workspace()
    shifted, k, scratch = (
        work.get(name, values.size, c.dtype) for name in ("exp1", "exp2", "exp3")
    )
    if values.size and not (values.min() >= c.lowest and values.max() <= c.highest):
        np.clip(values, c.lowest, c.highest, out=values)  # rare: two reductions cost less
    np.multiply(values, c.log2e, out=shifted)
    shifted += c.magic  # now holds k = rint(x / ln2) in its low bits
    np.subtract(shifted, c.magic, out=k)
    np.multiply(k, c.ln2_hi, out=scratch)
    values -= scratch
    np.multiply(k, c.ln2_lo, out=scratch)
    values -= scratch  # values is r now
    result = _expm_poly32(values, scratch) if c is _F32 else _expm_pade64(values, scratch, work)
    powers = shifted.view(c.integer)  # 2^k from its IEEE-754 bits: (k + bias) << mantissa
    powers += c.bias - c.magic_bits
    powers <<= c.mantissa
    np.multiply(result, shifted, out=values)  # shifted's bits are 2^k now
    return values


def _expm_poly32(r: np.ndarray, out: np.ndarray) -> np.ndarray:
    """e^r for |r| <= ln2 / 2 in float32: 1 + r + r^2 * P(r)."""
    poly = _F32.poly
    np.multiply(r, poly[0], out=out)
    for coefficient in poly[1:]:
        out += coefficient
        out *= r
    out *= r
    out += r
    out += np.float32(1)
    return out


def _expm_pade64(r: np.ndarray, out: np.ndarray, work: Workspace) -> np.ndarray:
    """e^r for |r| <= ln2 / 2 in float64: 1 + 2 r P(r^2) / (Q(r^2) - r P(r^2))."""
    size = r.size
    square = np.multiply(r, r, out=work.get("exp4", size, np.float64))
    p_part = _polynomial(square, _F64.p, work.get("exp5", size, np.float64))
    p_part *= r
    q_part = _polynomial(square, _F64.q, work.get("exp6", size, np.float64))
    np.subtract(q_part, p_part, out=out)
    np.divide(p_part, out, out=out)
    out *= 2.0
    out += 1.0
    return out


def _polynomial(x: np.ndarray, coefficients: tuple[float, ...], out: np.ndarray) -> np.ndarray:
    """Horner's rule into ``out``: the first coefficient, times ``x``, plus the next, ..."""
    out.fill(coefficients[0])
    for coefficient in coefficients[1:]:
        out *= x
        out += coefficient
    return out


def scaled_exp(
    normals: np.ndarray,
    mu: float,
    sigma: float,
    out: np.ndarray | None = None,
    work: Workspace | None = None,
) -> np.ndarray:
    """``exp(mu + sigma * normals)`` into ``out`` (which may be ``normals`` itself)."""
    kind = normals.dtype.type
    values = np.multiply(normals, kind(sigma), out=out)
    values += kind(mu)
    return exp(values, work)
