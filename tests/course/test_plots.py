"""Tests of dataprog_helpers.plots: every figure function returns a labelled Axes."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

from dataprog_helpers import agreement_matrix, calibration_table
from dataprog_helpers.course.plots import (
    draw_reference_lines,
    plot_accuracy_bars,
    plot_accuracy_estimates,
    plot_agreement_matrix,
    plot_estimator_comparison,
    plot_hand_label_curve,
    plot_label_matrix,
    plot_loglog,
    plot_loss_curve,
    plot_posterior_histogram,
    plot_reliability,
    plot_two_lf_ambiguity,
)

#: Sizes and two series of error curves (3 repeats each) for plot_loglog: exact power laws
#: n^(-1/2) and n^(-1) scaled by repeat-specific constants, so the mean's slope is exact.
_SIZES = np.array([500, 1000, 2000, 4000, 8000])
_ERRORS = {
    "gradient": np.outer([0.8, 1.0, 1.2], _SIZES**-0.5),
    "triplet": np.outer([2.0, 2.5, 3.0], _SIZES**-1.0),
}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def accuracy_table():
    return pd.DataFrame(
        {"no gold labels": [0.85, 0.83], "gold labels": [0.87, 0.86]},
        index=["Logistic regression", "MLP"],
    )


def _plot_calls(data, model, table):
    """(name, zero-argument call) for every plot function, on realistic inputs."""
    L, y = data.L_test, data.y_test
    return {
        "plot_label_matrix": lambda **kw: plot_label_matrix(L, **kw),
        "plot_agreement_matrix": lambda **kw: plot_agreement_matrix(model.agreement_matrix_, **kw),
        "plot_loss_curve": lambda **kw: plot_loss_curve(model.loss_history_, **kw),
        "plot_accuracy_estimates": lambda **kw: plot_accuracy_estimates(
            data.lf_accuracies, model.accuracies_, **kw
        ),
        "plot_posterior_histogram": lambda **kw: plot_posterior_histogram(
            model.predict_proba(L), y, **kw
        ),
        "plot_accuracy_bars": lambda **kw: plot_accuracy_bars(table, **kw),
        "plot_reliability": lambda **kw: plot_reliability(
            {"label model": model.predict_proba(L)}, y, **kw
        ),
        "plot_loglog": lambda **kw: plot_loglog(_SIZES, _ERRORS, **kw),
        "plot_two_lf_ambiguity": lambda **kw: plot_two_lf_ambiguity(
            model.agreement_matrix_[0, 1], tuple(2 * data.lf_accuracies[:2] - 1), **kw
        ),
    }


_NAMES = [
    "plot_label_matrix",
    "plot_agreement_matrix",
    "plot_loss_curve",
    "plot_accuracy_estimates",
    "plot_posterior_histogram",
    "plot_accuracy_bars",
    "plot_reliability",
    "plot_loglog",
    "plot_two_lf_ambiguity",
]


@pytest.mark.parametrize("name", _NAMES)
def test_plot_returns_axes_with_nonempty_xlabel_ylabel_and_title(
    name, tutorial_data, fitted_label_model, accuracy_table
):
    ax = _plot_calls(tutorial_data, fitted_label_model, accuracy_table)[name]()
    assert isinstance(ax, Axes)
    assert ax.get_ylabel() and ax.get_title()
    assert ax.get_xlabel()


def test_plot_accuracy_bars_returns_axes_with_ylabel_and_title(accuracy_table):
    ax = plot_accuracy_bars(accuracy_table)
    assert isinstance(ax, Axes)
    assert ax.get_ylabel() and ax.get_title()


@pytest.mark.parametrize("name", [n if isinstance(n, str) else n.values[0] for n in _NAMES])
def test_plot_draws_on_the_given_axes(name, tutorial_data, fitted_label_model, accuracy_table):
    _, ax = plt.subplots()
    returned = _plot_calls(tutorial_data, fitted_label_model, accuracy_table)[name](ax=ax)
    assert returned is ax


# --- what is drawn -------------------------------------------------------------------------


def test_plot_label_matrix_shows_the_first_n_points_transposed(tutorial_data):
    L = tutorial_data.L_test
    ax = plot_label_matrix(L, n_points=25)
    np.testing.assert_array_equal(ax.images[0].get_array(), L[:25].T)
    assert "20 LFs on 25 points" in ax.get_title()


def test_plot_agreement_matrix_hides_the_diagonal_and_centres_the_colour_scale(tutorial_data):
    Z = agreement_matrix(tutorial_data.L_train)
    ax = plot_agreement_matrix(Z, title="Z")
    shown = ax.images[0].get_array()
    assert np.all(np.ma.getmaskarray(shown).diagonal())
    off_diagonal = ~np.eye(len(Z), dtype=bool)
    np.testing.assert_array_equal(np.asarray(shown)[off_diagonal], Z.data[off_diagonal])
    limit = np.abs(Z.data[off_diagonal]).max()
    assert ax.images[0].get_clim() == pytest.approx((-limit, limit))
    assert ax.get_title() == "Z"


def test_plot_loss_curve_draws_every_loss_on_a_log_scale(fitted_label_model):
    history = fitted_label_model.loss_history_
    ax = plot_loss_curve(history)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), history)
    assert ax.get_yscale() == "log"


def test_plot_accuracy_estimates_scatters_true_against_estimated():
    true, estimated = np.array([0.5, 0.6, 0.7]), np.array([0.52, 0.58, 0.71])
    ax = plot_accuracy_estimates(true, estimated)
    np.testing.assert_allclose(ax.collections[0].get_offsets(), np.column_stack([true, estimated]))


def test_plot_posterior_histogram_counts_every_point_once_per_class():
    probabilities = np.array([0.1, 0.2, 0.9, 1.0, 0.0, 0.5])
    y = np.array([-1, -1, 1, 1, 1, -1])
    ax = plot_posterior_histogram(probabilities, y, bins=10)
    negatives, positives = ax.containers
    assert sum(bar.get_height() for bar in negatives) == 3
    assert sum(bar.get_height() for bar in positives) == 3


def test_plot_accuracy_bars_draws_one_bar_per_cell_and_the_reference_lines(accuracy_table):
    ax = plot_accuracy_bars(accuracy_table, reference_lines={"majority vote": 0.62})
    heights = [[bar.get_height() for bar in container] for container in ax.containers]
    np.testing.assert_allclose(heights, accuracy_table.to_numpy().T)
    assert any(line.get_ydata()[0] == 0.62 for line in ax.lines)
    # The reference line and every bar top are inside the visible range.
    low, high = ax.get_ylim()
    assert low < 0.62 and high >= accuracy_table.to_numpy().max()
    with pytest.raises(TypeError, match=r"reference_lines must be a mapping .* got float"):
        plot_accuracy_bars(accuracy_table, reference_lines=0.62)



def test_draw_reference_lines_names_each_line_with_its_value():
    _, ax = plt.subplots()
    draw_reference_lines(ax, {"majority vote": 0.61234, "oracle": 0.8})
    assert [line.get_ydata()[0] for line in ax.lines] == [0.61234, 0.8]
    assert [line.get_label() for line in ax.lines] == ["majority vote (0.612)", "oracle (0.800)"]
    assert [line.get_linestyle() for line in ax.lines] == [":", "--"]


def test_plot_agreement_matrix_labels_its_colour_bar(fitted_label_model):
    ax = plot_agreement_matrix(fitted_label_model.agreement_matrix_)
    assert ax.images[0].colorbar.ax.get_ylabel() == "agreement $Z_{ij}$, mean product of votes"
    assert ax.get_title() == "Agreement matrix Z"
    ax = plot_agreement_matrix(fitted_label_model.residuals_, title="Residuals",
                             colorbar_label="$Z_{ij} - q_i q_j$")
    assert ax.images[0].colorbar.ax.get_ylabel() == "$Z_{ij} - q_i q_j$"
    assert ax.get_title() == "Residuals"
    # The residuals' diagonal is masked and stays blank.
    assert np.all(np.ma.getmaskarray(ax.images[0].get_array()).diagonal())


def test_plot_reliability_draws_each_predictor_against_its_calibration_table(tutorial_data,
                                                                             fitted_label_model):
    y = tutorial_data.y_test
    probabilities = {
        "label model": fitted_label_model.predict_proba(tutorial_data.L_test),
        "constant": np.full(len(y), 0.5),
    }
    ax = plot_reliability(probabilities, y, n_bins=5)
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["perfectly calibrated", "label model", "constant"]
    assert ax.get_title() == "Reliability diagram"
    diagonal, label_model_line, constant_line = ax.lines
    np.testing.assert_array_equal(diagonal.get_xydata(), [[0, 0], [1, 1]])
    table = calibration_table(y, probabilities["label model"], n_bins=5)
    np.testing.assert_allclose(label_model_line.get_xdata(), table["predicted"])
    np.testing.assert_allclose(label_model_line.get_ydata(), table["observed"])
    # A constant 1/2 is one bin: every point, observed = fraction of positives.
    np.testing.assert_allclose(constant_line.get_ydata(), [(y == 1).mean()])
    assert len(ax.collections) == 2  # one marker set (area ~ count) per predictor
    assert ax.get_xlim() == (0, 1) and ax.get_ylim() == (0, 1)


def test_plot_loglog_reports_the_fitted_slopes_and_a_reference_line():
    ax = plot_loglog(_SIZES, _ERRORS, title="Error", ylabel="mean |error|")
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["gradient (slope -0.50)", "triplet (slope -1.00)", "reference slope -0.5"]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_title() == "Error" and ax.get_ylabel() == "mean |error|"
    gradient, triplet, reference = ax.lines
    np.testing.assert_allclose(gradient.get_ydata(), _ERRORS["gradient"].mean(axis=0))
    # The reference line starts at the first series' first mean with slope -1/2: here it
    # is that series' own mean.
    np.testing.assert_allclose(reference.get_ydata(), _ERRORS["gradient"].mean(axis=0))
    assert len(ax.collections) == 2  # a min-max band per series
    ax = plot_loglog(_SIZES, {"one repeat": _ERRORS["triplet"][0]}, reference_slope=None)
    assert len(ax.lines) == 1
    assert [text.get_text() for text in ax.get_legend().get_texts()] == [
        "one repeat (slope -1.00)"
    ]


def test_plot_estimator_comparison_draws_error_and_time_per_method():
    # 2 methods x 2 seeds x 3 numbers of LFs, rows in a shuffled order.
    rows = [{"n_lfs": m, "seed": seed, "method": method, "error": 0.1 / m + seed * 1e-3,
             "seconds": m * (1 if method == "gradient" else 0.5)}
            for m in (40, 10, 20) for seed in (1, 0) for method in ("triplet", "gradient")]
    left, right = plot_estimator_comparison(pd.DataFrame(rows))
    for ax in (left, right):
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        assert ax.get_xlabel() == "number of LFs m" and ax.get_title()
        assert len(ax.lines) == 2  # one per method, no reference line
    gradient_error = left.lines[0]
    np.testing.assert_allclose(gradient_error.get_xdata(), [10, 20, 40])
    np.testing.assert_allclose(gradient_error.get_ydata(), 0.1 / np.array([10, 20, 40]) + 5e-4)
    legend = [text.get_text() for text in right.get_legend().get_texts()]
    assert legend == ["gradient (slope 1.00)", "triplet (slope 1.00)"]
    with pytest.raises(ValueError, match=r"comparison must be a DataFrame with columns"):
        plot_estimator_comparison(pd.DataFrame({"n_lfs": [1]}))


def test_plot_hand_label_curve_draws_the_mean_over_draws_and_the_reference_lines():
    curve = pd.DataFrame({"n_labels": [10, 10, 100], "draw": [0, 1, 0],
                          "accuracy": [0.7, 0.9, 0.95]})
    ax = plot_hand_label_curve(curve, {"data programming": 0.85})
    mean_line = ax.lines[0]
    np.testing.assert_allclose(mean_line.get_xdata(), [10, 100])
    np.testing.assert_allclose(mean_line.get_ydata(), [0.8, 0.95])
    assert ax.get_xscale() == "log" and ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend[1] == "data programming (0.850)"
    with pytest.raises(ValueError, match=r"curve must be a DataFrame with columns"):
        plot_hand_label_curve(pd.DataFrame({"k": [1]}), {})
    ax = plot_hand_label_curve(curve, {"data programming": 0.85},
                               reference_bands={"its interval": (0.8, 0.9)})
    ax.figure.canvas.draw()
    band = ax.patches[-1].get_window_extent().transformed(ax.transData.inverted())
    assert band.y0 == pytest.approx(0.8, abs=1e-3) and band.y1 == pytest.approx(0.9, abs=1e-3)
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "its interval (0.800 to 0.900)" in legend
    with pytest.raises(ValueError, match=r"reference_bands\['b'\] must be a pair"):
        plot_hand_label_curve(curve, {}, reference_bands={"b": (0.9, 0.8)})
    # A list of pairs is not silently read as a mapping.
    with pytest.raises(TypeError, match=r"reference_bands must be a mapping .* got list"):
        plot_hand_label_curve(curve, {}, reference_bands=[("b", (0.8, 0.9))])
    with pytest.raises(TypeError, match=r"reference_lines must be a mapping .* got list"):
        plot_hand_label_curve(curve, [("data programming", 0.85)])


def test_plot_two_lf_ambiguity_draws_both_branches_of_the_hyperbola():
    ax = plot_two_lf_ambiguity(0.2, (0.4, 0.5))
    positive, negative = ax.lines[:2]
    for line in (positive, negative):
        x, y = line.get_data()
        np.testing.assert_allclose(x * y, 0.2, atol=1e-12)
        assert np.all(np.abs(x) >= 0.2) and np.all(np.abs(x) <= 1.0)
    assert np.all(positive.get_xdata() > 0) and np.all(negative.get_xdata() < 0)
    np.testing.assert_allclose(ax.collections[0].get_offsets(), [[0.4, 0.5]])
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["$q_1 q_2 = Z_{12}$", "true $(q_1, q_2)$"]
    assert "0.20" in ax.get_title()


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda: plot_accuracy_estimates([0.5, 0.6], [0.5]), r"same length"),
        (lambda: plot_accuracy_estimates([[0.5, 0.6]], [[0.5, 0.6]]), r"non-empty, 1-D"),
        (lambda: plot_accuracy_estimates([], []), r"non-empty, 1-D"),
        (lambda: plot_loss_curve([1.0, np.nan]), r"loss_history contains NaN"),
        (lambda: plot_label_matrix([[1, 0, -1]], n_points=0), r"n_points must lie in"),
        (lambda: plot_posterior_histogram([0.5], [1], bins=0), r"bins must lie in"),
        (lambda: plot_loss_curve([]), r"loss_history must be a non-empty 1-D"),
        (lambda: plot_loss_curve([[1.0, 0.5]]), r"loss_history must be a non-empty 1-D"),
        (lambda: plot_agreement_matrix(np.ones((3, 4))), r"agreements must be a square 2-D"),
        (lambda: plot_agreement_matrix(np.ones(3)), r"agreements must be a square 2-D"),
        (lambda: plot_posterior_histogram([0.5, 1.5], [1, -1]), r"probabilities must be prob"),
        (lambda: plot_posterior_histogram([0.5, -0.5], [1, -1]), r"probabilities must be prob"),
        (lambda: plot_posterior_histogram([0.5, np.nan], [1, -1]), r"probabilities contains NaN"),
        (lambda: plot_posterior_histogram([0.5, 0.5], [1, 0]), r"y must contain only -1 and \+1"),
        (lambda: plot_posterior_histogram([0.5, 0.5], [1, -1, 1]),
         r"probabilities has 2, y has 3"),
        (lambda: plot_accuracy_bars(pd.DataFrame()), r"results must be a non-empty pandas"),
        (lambda: plot_accuracy_bars({"a": [0.5]}), r"results must be a non-empty pandas"),
        (lambda: plot_label_matrix([[1, 2]]), r"label_matrix entries must be -1, 0"),
        (lambda: plot_label_matrix([1, 0, -1]), r"label_matrix must be 2-D"),
        (lambda: plot_label_matrix(np.zeros((0, 2))), r"label_matrix is empty"),
        (lambda: plot_reliability({}, [1, -1]), r"probabilities must be a non-empty mapping"),
        (lambda: plot_reliability([0.5, 0.5], [1, -1]), r"probabilities must be a non-empty map"),
        (lambda: plot_reliability({"a": [0.5, 1.5]}, [1, -1]), r"probabilities must be prob"),
        (lambda: plot_reliability({"a": [0.5, 0.5]}, [1, -1, 1]),
         r"y has 3, probabilities has 2"),
        (lambda: plot_reliability({"a": [0.5, 0.5]}, [1, 0]), r"y must contain only -1 and \+1"),
        (lambda: plot_reliability({"a": [0.5, 0.5]}, [1, -1], n_bins=0), r"n_bins must lie in"),
        (lambda: plot_loglog(_SIZES, {}), r"values must be a non-empty mapping"),
        (lambda: plot_loglog(_SIZES, [[1.0] * 5]), r"values must be a non-empty mapping"),
        (lambda: plot_loglog(_SIZES, {"a": np.ones((2, 4))}),
         r"values\['a'\] has 4 columns but sizes has 5 entries"),
        (lambda: plot_loglog(_SIZES, {"a": np.zeros(5)}), r"must be positive"),
        (lambda: plot_loglog(np.full(5, 100), {"a": np.ones(5)}), r"sizes must not all be equal"),
        (lambda: plot_two_lf_ambiguity(0.0, (0.5, 0.5)), r"agreement must be in \(-1, 0\) or"),
        (lambda: plot_two_lf_ambiguity(1.0, (0.5, 0.5)), r"agreement must be in"),
        (lambda: plot_two_lf_ambiguity(-1.2, (0.5, 0.5)), r"agreement must be in"),
        (lambda: plot_two_lf_ambiguity(np.nan, (0.5, 0.5)), r"agreement must be in"),
    ],
    ids=["estimates-lengths", "estimates-2-D", "estimates-empty", "loss-nan",
         "label-matrix-zero-points", "hist-zero-bins", "loss-empty", "loss-2-D",
         "agreement-not-square",
         "agreement-1-D", "hist-above-one", "hist-negative", "hist-nan", "hist-zero-one-y",
         "hist-lengths", "bars-empty", "bars-not-a-frame", "label-matrix-two",
         "label-matrix-1-D", "label-matrix-empty", "reliability-empty", "reliability-list",
         "reliability-above-one", "reliability-lengths", "reliability-zero-one-y",
         "reliability-zero-bins", "loglog-empty", "loglog-list", "loglog-columns",
         "loglog-zero", "loglog-equal-sizes", "ambiguity-zero", "ambiguity-one",
         "ambiguity-below-minus-one", "ambiguity-nan"],
)
def test_plot_functions_reject_bad_input(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()
