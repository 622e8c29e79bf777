"""Tests of the course's breast cancer data and its stratified dev / unlabeled / test split."""

import numpy as np
import pandas as pd
import pytest

from dataprog_helpers.course import load_breast_cancer_frame, split_dev_test


@pytest.fixture(scope="module")
def tumours():
    return load_breast_cancer_frame()


def test_breast_cancer_frame_has_30_features_and_malignant_as_plus_one(tumours):
    # The published data: 569 tumours, 212 malignant and 357 benign (Wolberg et al.).
    assert tumours.shape == (569, 31)
    assert list(tumours.columns[:2]) == ["mean radius", "mean texture"]
    assert tumours["y"].value_counts().to_dict() == {-1: 357, 1: 212}
    # Malignant tumours are the larger ones: a fact the notebook's LFs rely on.
    sizes = tumours.groupby("y")["worst radius"].mean()
    assert sizes[1] > sizes[-1]


def test_split_is_stratified_disjoint_and_complete(tumours):
    splits = split_dev_test(tumours, dev_size=40, test_fraction=0.3, seed=0)
    assert len(splits.dev) == 40
    assert len(splits.test) == 171  # round(0.3 * 569)
    assert len(splits.train) + len(splits.dev) + len(splits.test) == 569
    # Disjoint and complete: every tumour appears exactly once (rows are unique).
    together = pd.concat([splits.train, splits.dev, splits.test])
    assert not together.duplicated().any()
    # Stratified: each part's share of malignant tumours is the overall 212/569 = 0.373
    # up to the rounding of one point per class.
    for part in (splits.train, splits.dev, splits.test):
        positives = (part["y"] == 1).sum()
        assert abs(positives - 212 / 569 * len(part)) <= 1


def test_split_is_reproducible_and_depends_on_the_seed(tumours):
    first, again = split_dev_test(tumours, seed=3), split_dev_test(tumours, seed=3)
    pd.testing.assert_frame_equal(first.dev, again.dev)
    other = split_dev_test(tumours, seed=4)
    assert not first.dev.equals(other.dev)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"dev_size": 0}, ValueError, r"dev_size must lie in \[1, "),
        ({"dev_size": 2.5}, TypeError, r"dev_size must be an integer"),
        ({"test_fraction": 0.0}, ValueError, r"test_fraction must lie in \(0.0, 1.0\)"),
        ({"test_fraction": 1.0}, ValueError, r"test_fraction must lie in"),
        ({"dev_size": 400}, ValueError, r"leave no unlabeled training points"),
        ({"seed": -1}, ValueError, r"seed must lie in"),
    ],
    ids=["zero-dev", "float-dev", "zero-test", "all-test", "dev-too-big", "seed"],
)
def test_split_rejects_bad_arguments(tumours, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        split_dev_test(tumours, **kwargs)


def test_split_needs_a_frame_with_labels():
    with pytest.raises(ValueError, match=r'with a label column "y"'):
        split_dev_test(pd.DataFrame({"x": np.arange(10)}))
    with pytest.raises(ValueError, match=r"frame must be a pandas DataFrame"):
        split_dev_test(np.zeros((10, 2)))


def test_split_stratifies_class_indices_and_refuses_other_labels(tumours):
    # 0/1 labels (scikit-learn's own coding) are two class indices: no row is lost.
    zero_one = tumours.assign(y=(tumours["y"] == 1).astype(int))
    splits = split_dev_test(zero_one, dev_size=40, seed=0)
    assert sum(len(part) for part in (splits.train, splits.dev, splits.test)) == len(tumours)
    assert splits.dev.y.tolist().count(1) == round(40 * zero_one.y.mean())
    with pytest.raises(ValueError, match=r'frame\["y"\] must contain only -1 and \+1'):
        split_dev_test(tumours.assign(y=np.where(tumours["y"] == 1, 1, -2)))
    with pytest.raises(ValueError, match=r'frame\["y"\] must hold class indices'):
        split_dev_test(tumours.assign(y=(tumours["y"] == 1) * 1.5))
