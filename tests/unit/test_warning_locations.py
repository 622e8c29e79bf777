"""Every warning of the label models points at the user's line, whichever entry was called.

A warning's recorded ``filename`` and ``lineno`` (what ``warnings`` prints, and
what filters by module match on) must be the line of this file that called into
the package, not a line inside it nor one further up, for ``fit``,
``fit_statistics``, ``find_dependencies`` and the functions below them.  Each
test notes the line of its call with :func:`_next_line` and makes the call on
the next line.
"""

import contextlib
import itertools
import os
import sys
import warnings

import numpy as np
import pytest

from dataprog_helpers import (
    ClassConditionalLabelModel,
    IdentifiabilityWarning,
    LabelModel,
    VoteStatistics,
    find_dependencies,
)
from dataprog_helpers.course.explorer import ExplorerSettings, simulate_label_matrix
from dataprog_helpers.exceptions import ConvergenceWarning
from dataprog_helpers.label_model import diagnostics as diagnostics_module
from dataprog_helpers.label_model import row_sums as row_sums_module
from dataprog_helpers.label_model.symmetric_completion import triplet_correlations
from dataprog_helpers.utils.caller_warnings import PACKAGE_PREFIX, warn_at_caller


def _next_line() -> int:
    """The number of the line after the caller's."""
    return sys._getframe(1).f_lineno + 1


@contextlib.contextmanager
def _recorded(category):
    """Collect the warnings of ``category`` given in the block (there must be one)."""
    found = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield found
    found.extend(warning for warning in caught if issubclass(warning.category, category))
    assert found, f"no {category.__name__} was given"


def _assert_at(found, line: int) -> None:
    for warning in found:
        assert (warning.filename, warning.lineno) == (__file__, line), str(warning.message)


@pytest.fixture(scope="module")
def sign_uncertain_votes(exact_label_matrix):
    """Accuracies (3/4, 3/4, 1/4, 1/4, 1/4): every fit says the sign is uncertain."""
    return exact_label_matrix([3, 3, 1, 1, 1], 4)


@pytest.fixture(scope="module")
def coin_flip_votes(exact_label_matrix):
    """Three LFs of accuracy exactly 1/2: the triplet estimate is undetermined."""
    return exact_label_matrix([2, 2, 2], 4)


@pytest.fixture(scope="module")
def silent_dev():
    return np.zeros((4, 5), dtype=np.int8), np.array([1, -1, 1, -1])


def _data(L, entry: str, patterns: bool = True):
    """What ``entry`` fits from: the label matrix, or its statistics."""
    return L if entry == "fit" else VoteStatistics.from_label_matrix(L, patterns=patterns)


# --- The label models ---------------------------------------------------------------------------


@pytest.mark.parametrize("entry", ["fit", "fit_statistics"])
@pytest.mark.parametrize("model", [LabelModel(max_iter=2), ClassConditionalLabelModel(max_iter=2)],
                         ids=["LabelModel", "ClassConditionalLabelModel"])
def test_convergence_warning_points_at_the_call(tutorial_data, model, entry):
    # LabelModel fits without the vote patterns; the class-conditional model needs them.
    data = _data(tutorial_data.L_train[:2000], entry, patterns=not isinstance(model, LabelModel))
    fit = getattr(model, entry)
    with _recorded(ConvergenceWarning) as found:
        line = _next_line()
        fit(data)
    _assert_at(found, line)


@pytest.mark.parametrize("entry", ["fit", "fit_statistics"])
def test_label_model_sign_warnings_point_at_the_call(sign_uncertain_votes, silent_dev, entry):
    data = _data(sign_uncertain_votes, entry)
    fit = getattr(LabelModel(), entry)
    with _recorded(IdentifiabilityWarning) as found:
        line = _next_line()
        fit(data)
    _assert_at(found, line)
    # The dev labels' warning comes from the same function on another path.
    with _recorded(IdentifiabilityWarning) as found:
        line = _next_line()
        fit(data, *silent_dev)
    assert any("do not decide" in str(warning.message) for warning in found)
    _assert_at(found, line)


@pytest.mark.parametrize("entry", ["fit", "fit_statistics"])
def test_triplet_warning_points_at_the_call(coin_flip_votes, entry):
    data = _data(coin_flip_votes, entry)
    fit = getattr(LabelModel(method="triplet"), entry)
    with _recorded(IdentifiabilityWarning) as found:
        line = _next_line()
        fit(data)
    assert any("triplet estimate" in str(warning.message) for warning in found)
    _assert_at(found, line)


def test_triplet_correlations_called_directly_warns_at_the_call():
    mask, counts = 1.0 - np.eye(3), np.full((3, 3), 100.0)
    with _recorded(IdentifiabilityWarning) as found:
        line = _next_line()
        triplet_correlations(np.zeros((3, 3)), mask, counts, 0.99)
    _assert_at(found, line)


# --- ClassConditionalLabelModel ------------------------------------------------------------------


@pytest.mark.parametrize("entry", ["fit", "fit_statistics"])
def test_class_conditional_identifiability_warnings_point_at_the_call(tutorial_data, entry):
    # A copy of LF 0 votes on exactly its points (the shared-abstentions warning), and
    # dev points without votes cannot say which class is which.
    L = tutorial_data.L_train[:2000, :6]
    data = _data(np.column_stack([L, L[:, 0]]).astype(np.int8), entry)
    dev = np.zeros((2, 7), dtype=np.int8), np.array([1, -1])
    fit = getattr(ClassConditionalLabelModel(), entry)
    with _recorded(IdentifiabilityWarning) as found:
        line = _next_line()
        fit(data, *dev)
    messages = " ".join(str(warning.message) for warning in found)
    assert "vote on exactly the same points" in messages and "do not decide" in messages
    _assert_at(found, line)


@pytest.mark.parametrize("entry", ["fit", "fit_statistics"])
@pytest.mark.parametrize("method", ["em", "moments"])
def test_class_conditional_warning_of_its_moment_estimate_points_at_the_call(method, entry):
    # Three LFs whose votes are independent of each other (every combination once)
    # carry no signal: the moment estimate's third moments cannot give the class prior.
    data = _data(np.array(list(itertools.product([-1, 0, 1], repeat=3)), dtype=np.int8), entry)
    fit = getattr(ClassConditionalLabelModel(method=method, init="moments"), entry)
    with _recorded(IdentifiabilityWarning) as found:
        line = _next_line()
        fit(data)
    assert any("third moments" in str(warning.message) for warning in found)
    _assert_at(found, line)


# --- find_dependencies and VoteStatistics --------------------------------------------------------


def test_find_dependencies_warnings_point_at_the_call(near_copy_run):
    # The symmetric search on near-copies, and the class-conditional one on notebook 0's
    # explorer with copies at correlation 0.5 (seed 3), both change their flags after
    # the first refit, so max_rounds=1 cuts them short.
    L = near_copy_run(0).L_train
    with _recorded(ConvergenceWarning) as found:
        line = _next_line()
        find_dependencies(L, max_rounds=1)
    _assert_at(found, line)
    _, L, _ = simulate_label_matrix(ExplorerSettings(one_sided=False, copy_rate=0.5, seed=3))
    with _recorded(ConvergenceWarning) as found:
        line = _next_line()
        find_dependencies(L, max_rounds=1, model="class-conditional")
    _assert_at(found, line)


class _TwoStepLabelModel(LabelModel):
    """A LabelModel that stops after two steps, for find_dependencies' refits."""

    def __init__(self, seed: int = 0, dependencies=None) -> None:
        super().__init__(max_iter=2, seed=seed, dependencies=dependencies)


def test_a_warning_of_a_refit_inside_find_dependencies_points_at_its_call(near_copy_run,
                                                                           monkeypatch):
    # find_dependencies refits LabelModel; a refit that stops short warns at the user's
    # find_dependencies line, not at the refit inside the package.
    monkeypatch.setattr(diagnostics_module, "LabelModel", _TwoStepLabelModel)
    L = near_copy_run(0).L_train
    with _recorded(ConvergenceWarning) as found:
        line = _next_line()
        find_dependencies(L)
    assert any("max_iter=2" in str(warning.message) for warning in found)
    _assert_at(found, line)


def test_the_faulty_blas_warning_points_at_the_call(monkeypatch, tutorial_data):
    # A BLAS kernel that returns wrong float32 products (as OpenBLAS's for Apple M4 has)
    # makes the statistics recompute in float64, with a warning, on every entry.
    gram = row_sums_module.gram
    monkeypatch.setattr(row_sums_module, "gram", lambda rows: (
        gram(rows) * 0.5 if rows.dtype == np.float32 else gram(rows)))
    L = tutorial_data.L_train[:500]
    with _recorded(RuntimeWarning) as found:
        line = _next_line()
        VoteStatistics.from_label_matrix(L)
    _assert_at(found, line)
    with _recorded(RuntimeWarning) as found:
        line = _next_line()
        VoteStatistics.empty(L.shape[1]).update(L)
    _assert_at(found, line)
    with _recorded(RuntimeWarning) as found:
        line = _next_line()
        LabelModel().fit(L)
    _assert_at(found, line)
    with _recorded(RuntimeWarning) as found:
        line = _next_line()
        find_dependencies(L)
    _assert_at(found, line)


def test_warn_at_caller_skips_exactly_the_package_frames():
    assert PACKAGE_PREFIX.endswith("dataprog_helpers" + os.sep)
    with _recorded(UserWarning) as found:
        line = _next_line()
        warn_at_caller("here", UserWarning)
    _assert_at(found, line)
