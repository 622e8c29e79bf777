"""SQUAREM's extrapolation step, shared by the EM fits of both class-conditional routes.

Varadhan and Roland (*Scand. J. Statist.* 35, 2008), scheme S3: from a point x0 and
two EM steps x1 = F(x0), x2 = F(x1), with ``r = x1 - x0`` and ``v = x2 - 2 x1 + x0``,
the point ``x' = x0 - 2 a r + a^2 v`` with ``a = -|r| / |v|``, at most -1 (a = -1
gives x2).  The callers bring x' back to valid probabilities, take one EM step from
it and keep the result only if it does not lower the likelihood.
"""

from __future__ import annotations

import numpy as np

__all__ = ["extrapolate"]


def extrapolate(start: np.ndarray, step: np.ndarray, curvature: np.ndarray) -> np.ndarray:
    """``x0 - 2 a r + a^2 v`` for ``start`` x0, ``step`` r and ``curvature`` v (flat arrays)."""
    alpha = -1.0
    if np.any(curvature != 0.0):
        alpha = min(-np.linalg.norm(step) / np.linalg.norm(curvature), -1.0)
    return start - 2.0 * alpha * step + alpha**2 * curvature
