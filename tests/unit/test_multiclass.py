"""ClassConditionalLabelModel with k classes (cardinality=k): Snorkel's vote convention,
recovery of the tables, the prior and the posterior, orientation, and every refusal."""

import functools
import warnings

import numpy as np
import pytest
from sklearn.base import clone

from dataprog_helpers import (
    ClassConditionalLabelModel,
    IdentifiabilityWarning,
    lf_summary,
    majority_vote,
    majority_vote_proba,
    signed_label_matrix,
    vote_distribution_table,
)
from dataprog_helpers.analysis import class_vote_counts
from dataprog_helpers.course import make_class_conditional_tables, sample_class_label_matrix
from dataprog_helpers.label_model.class_posterior import ClassPosterior
from dataprog_helpers.label_model.orientation import orient_classes

K, N_LFS, N_POINTS = 4, 12, 20_000
PRIOR = np.array([0.4, 0.3, 0.2, 0.1])


@functools.cache
def _simulated(seed: int, n_points: int = N_POINTS):
    rng = np.random.default_rng(seed)
    y = rng.choice(K, size=n_points, p=PRIOR)
    tables = make_class_conditional_tables(K, N_LFS)
    label_matrix = sample_class_label_matrix(y, tables, seed=seed + 1)
    return y, label_matrix, tables


@functools.cache
def _fitted(seed: int) -> ClassConditionalLabelModel:
    return ClassConditionalLabelModel(cardinality=K).fit(_simulated(seed)[1])


@pytest.mark.statistical
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_k_class_model_recovers_tables_prior_and_posterior(seed):
    y, label_matrix, tables = _simulated(seed)
    model = _fitted(seed)
    # The sampling floor of the tables' error is about 0.003 at n = 20,000.
    assert np.abs(model.conditional_probabilities_ - tables).mean() < 0.01
    assert np.abs(model.class_prior_ - PRIOR).max() < 0.015
    with np.errstate(divide="ignore"):  # the true tables hold zeros
        oracle = ClassPosterior(np.log(tables), np.log(PRIOR)).score(label_matrix, y)
    assert model.score(label_matrix, y) >= oracle - 0.005
    assert model.structure_ == "class-conditional" and model.converged_


def test_k_class_outputs_have_snorkels_shapes_and_meanings():
    y, label_matrix, _ = _simulated(0)
    model = _fitted(0)
    probabilities = model.predict_proba(label_matrix[:50])
    assert probabilities.shape == (50, K)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-12)
    predictions = model.predict(label_matrix[:50])
    np.testing.assert_array_equal(predictions, probabilities.argmax(axis=1))
    assert set(np.unique(predictions)) <= set(range(K))
    assert model.conditional_probabilities_.shape == (N_LFS, K, K + 1)
    np.testing.assert_allclose(model.conditional_probabilities_.sum(axis=2), 1.0, rtol=1e-12)
    assert model.class_prior_.shape == (K,) and model.class_prior_.sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(model.classes_, np.arange(K))
    assert model.accuracies_.shape == (N_LFS,)
    # Index 0 is abstention: LF 0 fires on class 0 only, mostly.
    assert model.conditional_probabilities_[0, 1, 0] > 0.9
    assert model.conditional_probabilities_[0, 0, 1] > 0.5
    # A point no LF votes on gets the prior times every LF's chance of abstaining:
    # abstentions are evidence here (LF 0 fires mostly on class 0).
    silent = model.class_prior_ * model.conditional_probabilities_[:, :, 0].prod(axis=0)
    np.testing.assert_allclose(model.predict_proba(np.full((1, N_LFS), -1))[0],
                               silent / silent.sum(), rtol=1e-9)
    assert 0.0 < model.score(label_matrix, y) <= 1.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_k_class_model_beats_majority_vote_on_class_dependent_lfs(seed, z_bound):
    # Paired on the same points: the model's 0/1 against majority vote's expected score
    # with ties broken at random (1 / the number of tied classes; 1 / k without votes).
    y, label_matrix, _ = _simulated(seed)
    votes = np.stack([(label_matrix == c).sum(axis=1) for c in range(K)], axis=1)
    top = votes == votes.max(axis=1, keepdims=True)
    majority = top[np.arange(y.size), y] / top.sum(axis=1)
    differences = (_fitted(seed).predict(label_matrix) == y) - majority
    standard_error = differences.std(ddof=1) / np.sqrt(y.size)
    assert differences.mean() > z_bound(3) * standard_error


def test_without_cardinality_the_signed_binary_model_is_unchanged():
    model = ClassConditionalLabelModel()
    assert model.cardinality is None
    signed = np.array([[1, 0, -1], [1, 1, 0], [-1, -1, 0], [0, 1, 1]] * 50)
    fitted = model.fit(signed)
    assert fitted.conditional_probabilities_.shape == (3, 2, 3)
    assert fitted.predict_proba(signed).shape == (200,)
    np.testing.assert_array_equal(fitted.classes_, [-1, 1])


def test_cardinality_two_is_refused_pointing_to_the_signed_default_and_the_converter():
    with pytest.raises(ValueError, match=r"cardinality=2 is refused.*signed_label_matrix"):
        ClassConditionalLabelModel(cardinality=2).fit(np.array([[0, 1, -1]] * 10))


def test_signed_label_matrix_converts_snorkels_binary_votes():
    snorkel = np.array([[-1, 0, 1], [1, 1, -1]])
    np.testing.assert_array_equal(signed_label_matrix(snorkel), [[0, -1, 1], [1, 1, 0]])
    with pytest.raises(ValueError, match=r"class index 0 to 1 \(cardinality=2\); found \[2\]"):
        signed_label_matrix([[2, 0]])


def test_a_signed_binary_matrix_given_three_classes_is_not_read_silently():
    signed = np.array([[1, 0, -1], [1, 1, 0], [-1, -1, 0], [0, 1, 1]] * 50)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ClassConditionalLabelModel(cardinality=3).fit(signed)
    messages = [str(warning.message) for warning in caught
                if warning.category is IdentifiabilityWarning]
    assert any("no LF votes for class(es) [2]" in message and "signed convention" in message
               for message in messages), messages


@pytest.mark.parametrize(
    ("options", "arguments", "pattern"),
    [
        ({}, {"label_matrix": [[0, 1, 4], [1, 2, 0]]},
         r"label_matrix entries must be -1 \(abstain\) or a class index 0 to 3 "
         r"\(cardinality=4\); found \[4\]"),
        ({}, {"label_matrix": [[0, 1, -2], [1, 2, 0]]}, r"found \[-2\]"),
        ({}, {"dev_labels": [0, 4]}, r"dev_labels must hold class indices 0 to 3 "
                                     r"\(cardinality=4\); found \[4\]"),
        ({}, {"dev_labels": [-1, 1]}, r"dev_labels must hold class indices"),
        ({}, {"dev_label_matrix": [[0, 5, 1]]}, r"dev_label_matrix entries must be"),
        ({"class_prior": 0.3}, {}, r"class_prior=0.3 is one number"),
        ({"class_prior": [0.5, 0.5]}, {}, r"4 positive probabilities summing to 1"),
        ({"class_prior": [0.5, 0.6, -0.2, 0.1]}, {}, r"4 positive probabilities summing to 1"),
        ({"class_prior": [0.5, np.nan, 0.25, 0.25]}, {}, r"4 positive probabilities"),
        ({"dependencies": [(0, 1)]}, {}, r"dependencies cannot be combined with cardinality"),
        ({"method": "moments"}, {}, r'method="moments" cannot be combined with cardinality'),
        ({"cardinality": 1}, {}, r"The 'cardinality' parameter"),
        ({"cardinality": 200}, {}, r"The 'cardinality' parameter"),
        ({"cardinality": True}, {}, r"The 'cardinality' parameter"),
    ],
    ids=["vote-beyond-k", "vote-below-abstain", "dev-label-beyond-k", "dev-label-signed",
         "dev-vote-beyond-k", "scalar-prior", "short-prior", "negative-prior", "nan-prior",
         "dependencies", "moments",
         "one-class", "too-many-classes", "bool"],
)
def test_bad_k_class_input_is_refused_by_name(options, arguments, pattern):
    defaults = {"label_matrix": [[0, 1, 2], [1, 2, 3], [3, -1, 0]],
                "dev_label_matrix": [[0, 1, 2], [1, 2, 3]], "dev_labels": [0, 1]}
    defaults.update(arguments)
    if "dev_label_matrix" in arguments and "dev_labels" not in arguments:
        defaults["dev_labels"] = [0]
    model = ClassConditionalLabelModel(**{"cardinality": K, **options})
    with pytest.raises(ValueError, match=pattern):
        model.fit(defaults["label_matrix"], defaults["dev_label_matrix"], defaults["dev_labels"])


def test_a_fixed_k_class_prior_is_kept():
    _, label_matrix, _ = _simulated(0)
    model = ClassConditionalLabelModel(cardinality=K, class_prior=PRIOR).fit(label_matrix)
    np.testing.assert_array_equal(model.class_prior_, PRIOR)


def test_gold_fitting_refuses_labels_outside_the_classes():
    label_matrix = _simulated(0)[1][:200]
    model = ClassConditionalLabelModel(cardinality=K)
    with pytest.raises(ValueError, match=r"y must hold class indices 0 to 3"):
        model.fit_supervised(label_matrix, np.r_[np.zeros(199, int), 4])
    with pytest.raises(ValueError, match=r"inconsistent numbers of points"):
        model.fit_supervised(label_matrix, np.zeros(150, int))


def test_a_dask_label_matrix_must_be_two_dimensional():
    da = pytest.importorskip("dask.array")
    with pytest.raises(ValueError, match=r"label_matrix must be 2-D"):
        ClassConditionalLabelModel(cardinality=K).fit(da.zeros(10, dtype=np.int8))


def test_k_class_refusals_name_what_to_use_instead():
    model = ClassConditionalLabelModel(cardinality=K)
    with pytest.raises(TypeError, match=r"statistics must be a VoteStatistics, got NoneType"):
        model.fit_statistics(None)
    with pytest.raises(ValueError, match=r"need cardinality=k"):
        ClassConditionalLabelModel(class_prior=[0.5, 0.5]).fit([[1, 0, -1], [1, 1, 1]])


def test_dev_labels_orient_lfs_that_vote_a_shifted_class():
    # Every LF calls class c "c + 1": the votes alone, under the assumption that LFs vote
    # for the true class, read the classes shifted; a few dev labels put them back.
    y, label_matrix, _ = _simulated(0)
    shifted = np.where(label_matrix >= 0, (label_matrix + 1) % K, -1)
    assumed = ClassConditionalLabelModel(cardinality=K).fit(shifted)
    assert assumed.score(shifted, y) < 0.1
    dev = slice(0, 100)
    oriented = ClassConditionalLabelModel(cardinality=K).fit(shifted, shifted[dev], y[dev])
    assert oriented.score(shifted, y) == pytest.approx(_fitted(0).score(label_matrix, y),
                                                       abs=0.002)
    assert oriented.sign_flipped_ and not assumed.sign_flipped_


def test_lfs_that_favour_no_class_leave_the_orientation_uncertain_and_warn():
    # Every LF votes each class alike whatever the truth: every matching of the
    # fitted classes to the labels explains the votes equally well.
    tables = np.full((5, 3, 4), 0.25)
    prior = np.full(3, 1 / 3)
    with pytest.warns(IdentifiabilityWarning, match=r"which class is which is uncertain"):
        order = orient_classes(tables, prior)
    assert sorted(order.tolist()) == [0, 1, 2]
    # LFs that mostly vote the true class leave no doubt.
    tables[:, np.arange(3), np.arange(3) + 1] = 0.6
    tables[:, :, 1:] /= tables[:, :, 1:].sum(axis=2, keepdims=True) / 0.75
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(orient_classes(tables, prior), [0, 1, 2])


def test_the_symmetric_structure_has_one_coverage_and_one_accuracy_per_lf():
    _, label_matrix, _ = _simulated(0)
    model = ClassConditionalLabelModel(cardinality=K, structure="symmetric").fit(label_matrix)
    tables = model.conditional_probabilities_
    diagonal = tables[:, np.arange(K), np.arange(K) + 1]
    # The same chance of a right vote, and of abstaining, for every class.
    np.testing.assert_allclose(diagonal, np.broadcast_to(diagonal[:, :1], diagonal.shape),
                               rtol=1e-9)
    np.testing.assert_allclose(tables[:, :, 0], np.broadcast_to(tables[:, :1, 0], (N_LFS, K)),
                               rtol=1e-9)
    assert model.structure_ == "symmetric"


@pytest.mark.statistical
def test_auto_keeps_the_symmetric_structure_on_sparse_symmetric_lfs():
    rng = np.random.default_rng(3)
    k, n_lfs = 3, 10
    tables = np.zeros((n_lfs, k, k + 1))
    tables[:, :, 0] = 0.9
    tables[:, :, 1:] = 0.1 * 0.35 / (k - 1)
    tables[:, np.arange(k), np.arange(k) + 1] = 0.1 * 0.65
    y = rng.integers(0, k, size=3000)
    label_matrix = sample_class_label_matrix(y, tables, seed=4)
    model = ClassConditionalLabelModel(cardinality=k).fit(label_matrix)
    assert model.structure_ == "symmetric"
    assert model.bic_["symmetric"] < model.bic_["class-conditional"]


def test_fit_supervised_counts_the_tables_on_gold_labels():
    y, label_matrix, _ = _simulated(0)
    model = ClassConditionalLabelModel(cardinality=K).fit_supervised(label_matrix, y)
    for lf, c, vote in [(0, 0, 0), (1, 2, 1), (3, 3, -1)]:
        share = np.mean(label_matrix[y == c, lf] == vote)
        assert model.conditional_probabilities_[lf, c, vote + 1] == pytest.approx(share,
                                                                                abs=1e-3)
    np.testing.assert_allclose(model.class_prior_, np.bincount(y) / y.size, atol=1e-3)


def test_the_vote_distribution_table_reads_k_class_tables_by_class_name():
    model = _fitted(0)
    names = ["north", "east", "south", "west"]
    table = vote_distribution_table(model.conditional_probabilities_, class_names=names)
    assert table.shape == (N_LFS, K * (K + 1))
    assert list(table["east"].columns) == ["abstain", *names]
    np.testing.assert_array_equal(table[("east", "abstain")],
                                  model.conditional_probabilities_[:, 1, 0])
    np.testing.assert_array_equal(table[("east", "west")],
                                  model.conditional_probabilities_[:, 1, 4])
    np.testing.assert_allclose(table.T.groupby(level="class").sum().T, 1.0)
    assert list(vote_distribution_table(model.conditional_probabilities_).columns[0]) == [
        "0", "abstain"]
    with pytest.raises(TypeError, match=r"class_names must be 4 str, one per class"):
        vote_distribution_table(model.conditional_probabilities_, class_names=names[:3])
    bad = model.conditional_probabilities_.copy()
    bad[2, 1, 3] += 0.1
    with pytest.raises(ValueError, match=r"conditional_probabilities\[2, 1, :\] sums to"):
        vote_distribution_table(bad)


def test_k_class_model_clones_and_refits_as_binary():
    model = ClassConditionalLabelModel(cardinality=K)
    assert clone(model).get_params()["cardinality"] == K
    _, label_matrix, _ = _simulated(0)
    model.fit(label_matrix)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.set_params(cardinality=None).fit(np.array([[1, 0, -1], [1, 1, 0], [-1, 0, -1]] * 9))
    assert model.predict_proba(np.array([[1, 1, 1]])).shape == (1,)
    assert not hasattr(model, "vote_log_ratios_") or model.vote_log_ratios_.shape == (3, 3)


VOTES = np.array([[2, 2, 0], [0, 1, -1], [-1, -1, -1], [1, 1, 1], [0, -1, 2]])


def test_k_class_majority_vote_names_the_most_voted_class_and_minus_one_for_ties():
    np.testing.assert_array_equal(majority_vote(VOTES, cardinality=3), [2, -1, -1, 1, -1])
    np.testing.assert_array_equal(class_vote_counts(VOTES, 3),
                                  [[1, 0, 2], [1, 1, 0], [0, 0, 0], [0, 3, 0], [1, 0, 1]])


def test_k_class_majority_vote_probabilities_are_vote_shares_and_uniform_without_votes():
    shares = majority_vote_proba(VOTES, cardinality=3)
    assert shares.shape == (5, 3)
    np.testing.assert_allclose(shares[0], [1 / 3, 0, 2 / 3])
    np.testing.assert_allclose(shares[2], [1 / 3, 1 / 3, 1 / 3])
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)


def test_k_class_lf_summary_reads_polarity_conflicts_and_accuracy():
    y = np.array([2, 1, 0, 1, 2])
    summary = lf_summary(VOTES, y, cardinality=3)
    assert summary["polarity"].tolist() == [[0, 1, 2], [1, 2], [0, 1, 2]]
    np.testing.assert_allclose(summary["coverage"], [0.8, 0.6, 0.6])
    # LF 0 conflicts on rows 0 (its 2 against LF 2's 0), 1 (0 against 1) and 4 (0 against 2).
    np.testing.assert_allclose(summary["conflicts"], [0.6, 0.4, 0.4])
    np.testing.assert_array_equal(summary["votes"], [4, 3, 3])
    np.testing.assert_allclose(summary["accuracy"], [2 / 4, 3 / 3, 2 / 3])
    with pytest.raises(ValueError, match=r"y must hold class indices 0 to 2"):
        lf_summary(VOTES, [2, 1, 0, 1, 3], cardinality=3)
    with pytest.raises(ValueError, match=r"found \[3\]"):
        majority_vote([[3, 0]], cardinality=3)


@pytest.mark.parametrize(
    ("cardinality", "error", "pattern"),
    [(1, ValueError, r"cardinality must lie in \[2, 127\], got 1"),
     (200, ValueError, r"cardinality must lie in \[2, 127\], got 200"),
     ("3", TypeError, r"cardinality must be an integer, got '3'"),
     (True, TypeError, r"cardinality must be an integer, got True")],
)
def test_the_k_class_analysis_refuses_a_bad_cardinality_by_name(cardinality, error, pattern):
    for call in (majority_vote, majority_vote_proba, lf_summary):
        with pytest.raises(error, match=pattern):
            call(VOTES, cardinality=cardinality)


def test_conditional_tables_for_simulations_refuse_bad_sizes_and_entries():
    with pytest.raises(ValueError, match=r"cardinality must lie in \[2, "):
        make_class_conditional_tables(1)
    with pytest.raises(ValueError, match=r"n_lfs must lie in \[1, "):
        make_class_conditional_tables(3, 0)
    negative = make_class_conditional_tables(3, 2)
    negative[0, 0, :2] = [1.2, -0.2]
    with pytest.raises(ValueError, match=r"entries must be probabilities in \[0, 1\]; "
                                         r"conditional_probabilities\[0, 0, 0\] = 1.2"):
        sample_class_label_matrix([0, 1], negative, seed=0)


def test_the_signed_majority_vote_is_not_the_k_class_one():
    # majority_vote reads signed votes; k-class votes need the k-class model's conventions.
    assert majority_vote([[1, 1, -1]]).tolist() == [1]
