"""Tests of tumour_lfs: notebook 6's LFs, with thresholds from the dev set."""

import numpy as np
import pytest

from dataprog_helpers import apply_lfs
from dataprog_helpers.course import load_breast_cancer_frame, split_dev_test
from dataprog_helpers.course.tumour_lfs import (
    ABSTAIN,
    BENIGN,
    MALIGNANT,
    ONE_SIDED_RULES,
    TWO_SIDED_COLUMNS,
    one_sided_tumour_lfs,
    two_sided_tumour_lfs,
)


@pytest.fixture(scope="module")
def splits():
    return split_dev_test(load_breast_cancer_frame(), dev_size=40, test_fraction=0.3, seed=0)


def _notebook_votes(frame, dev, column, vote):
    """Notebook 6's rule, written as it writes it: row by row, thresholds from dev."""
    above_benign = np.quantile(dev.loc[dev.y == BENIGN, column], 0.95)
    below_malignant = np.quantile(dev.loc[dev.y == MALIGNANT, column], 0.05)
    votes = []
    for value in frame[column]:
        if vote in (MALIGNANT, None) and value > above_benign:
            votes.append(MALIGNANT)
        elif vote in (BENIGN, None) and value < below_malignant:
            votes.append(BENIGN)
        else:
            votes.append(ABSTAIN)
    return np.array(votes, dtype=np.int8)


def test_the_lfs_are_notebook_6s_rules(splits):
    one_sided = one_sided_tumour_lfs(splits.dev)
    two_sided = two_sided_tumour_lfs(splits.dev)
    assert [lf.__name__ for lf in one_sided] == [name for name, _, _ in ONE_SIDED_RULES]
    assert [lf.__name__ for lf in two_sided] == [name for name, _ in TWO_SIDED_COLUMNS]
    for part in (splits.train, splits.test):
        L = apply_lfs(one_sided, part)
        for index, (_, column, vote) in enumerate(ONE_SIDED_RULES):
            expected = _notebook_votes(part, splits.dev, column, vote)
            np.testing.assert_array_equal(L[:, index], expected)
        L = apply_lfs(two_sided, part)
        for index, (_, column) in enumerate(TWO_SIDED_COLUMNS):
            expected = _notebook_votes(part, splits.dev, column, None)
            np.testing.assert_array_equal(L[:, index], expected)


def test_the_lfs_vote_the_same_row_by_row(splits):
    lfs = one_sided_tumour_lfs(splits.dev) + two_sided_tumour_lfs(splits.dev)
    np.testing.assert_array_equal(apply_lfs(lfs, splits.test),
                                  apply_lfs(lfs, splits.test, vectorize=False))


def test_the_one_sided_lfs_vote_one_way_only(splits):
    L = apply_lfs(one_sided_tumour_lfs(splits.dev), splits.train)
    for index, (_, _, vote) in enumerate(ONE_SIDED_RULES):
        assert set(np.unique(L[:, index])) <= {ABSTAIN, vote}
        assert np.any(L[:, index] == vote)


def test_bad_dev_sets_are_named(splits):
    with pytest.raises(TypeError, match=r"dev must be a pandas DataFrame, got ndarray"):
        one_sided_tumour_lfs(splits.dev.to_numpy())
    with pytest.raises(ValueError, match=r"dev has no column\(s\) \['y'\]"):
        two_sided_tumour_lfs(splits.dev.drop(columns="y"))
    with pytest.raises(ValueError, match=r"benign and malignant"):
        two_sided_tumour_lfs(splits.dev[splits.dev.y == BENIGN])
