"""Labeling functions shared by the in-memory (unit) and the Dask (system) labeling tests.

A module of their own, importable from every test folder (``tests/`` is on the path, as
the folder of the root conftest) and by name on a Dask worker, which unpickles them.
"""

import numpy as np
import pandas as pd

SPAM, HAM, ABSTAIN = 1, -1, 0

FRAME = pd.DataFrame({"length": [3, 12, 7, 30, 1], "links": [0, 2, 1, 0, 5]})


def lf_has_links(row) -> int:
    """Row-style: uses `if`, so it only works one row at a time."""
    return SPAM if row["links"] > 0 else ABSTAIN


def lf_short(row) -> int:
    return HAM if row["length"] < 5 else ABSTAIN


def lf_long_vectorised(row):
    """Column-style: works on one row and on the whole frame alike."""
    return np.where(row["length"] > 10, SPAM, ABSTAIN)


#: The votes of (lf_has_links, lf_short, lf_long_vectorised) on FRAME.
EXPECTED = np.array([
    [0, -1, 0],
    [1, 0, 1],
    [1, 0, 0],
    [0, 0, 1],
    [1, -1, 0],
])


#: Three classes named by length, for the k-class labeling tests (classes=SIZES).
SIZES = ["short", "medium", "long"]


def lf_size_named(row):
    """Row-style, returning a class name or the package's ABSTAIN."""
    from dataprog_helpers import ABSTAIN as NO_VOTE

    if row["length"] < 5:
        return "short"
    return "long" if row["length"] > 20 else NO_VOTE


def lf_linked_medium_vectorised(frame):
    """Column-style: an object array of names and the package's ABSTAIN."""
    from dataprog_helpers import ABSTAIN as NO_VOTE

    return np.where(frame["links"] == 1, "medium", NO_VOTE)


#: Their votes on FRAME with classes=SIZES.
EXPECTED_SIZES = np.array([[0, -1], [-1, -1], [-1, 1], [2, -1], [0, -1]])
