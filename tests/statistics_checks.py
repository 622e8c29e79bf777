"""One check shared by the Dask tests: two VoteStatistics are the same, field by field."""

from __future__ import annotations

import numpy as np

#: Every field of VoteStatistics.
FIELDS = ("products", "counts", "vote_sums", "n_points", "patterns", "pattern_counts",
          "positive_counts")


def assert_same_statistics(expected, found) -> None:
    """Equal values and dtypes in every field (both None where patterns are not kept)."""
    for field in FIELDS:
        wanted, got = getattr(expected, field), getattr(found, field)
        if wanted is None:
            assert got is None, field
        else:
            np.testing.assert_array_equal(got, wanted, err_msg=field)
            assert np.asarray(got).dtype == np.asarray(wanted).dtype, field
