"""The explorer of notebook 00: its settings, its simulation, and its update function.

Everything here runs without a browser or a kernel: the sliders are ipywidgets
objects whose ``value`` is set from Python, which is what a reader's drag does.
"""

from __future__ import annotations

import builtins
import dataclasses

import numpy as np
import pytest
from matplotlib.figure import Figure

import dataprog_helpers as dh
from dataprog_helpers.course import explorer as explorer_module
from dataprog_helpers.course import plots
from dataprog_helpers.course.explorer import (
    ExplorerSettings,
    LabelModelExplorer,
    explorer_sweep,
    plot_explorer,
    plot_explorer_sweep,
    run_explorer,
    simulate_label_matrix,
)
from dataprog_helpers.scores import labels_from_probabilities

SMALL = ExplorerSettings(n_points=2_000)


@pytest.mark.parametrize(
    ("changes", "argument"),
    [
        ({"n_lfs": 2}, "n_lfs"),
        ({"n_lfs": 4.5}, "n_lfs"),
        ({"coverage": 0.0}, "coverage"),
        ({"coverage": 1.5}, "coverage"),
        ({"accuracy_range": (0.8, 0.6)}, "accuracy_range"),
        ({"accuracy_range": (0.5, 1.2)}, "accuracy_range[1]"),
        ({"accuracy_range": 0.7}, "accuracy_range"),
        ({"class_prior": 1.0}, "class_prior"),
        ({"class_prior": float("nan")}, "class_prior"),
        ({"copy_rate": -0.1}, "copy_rate"),
        ({"copy_rate": 1.1}, "copy_rate"),
        ({"n_points": 50}, "n_points"),
        ({"seed": -1}, "seed"),
        ({"one_sided": 1}, "one_sided"),
    ],
)
def test_bad_settings_raise_a_clear_error(changes, argument):
    with pytest.raises((ValueError, TypeError), match=argument.replace("[", r"\[")):
        dataclasses.replace(SMALL, **changes)


def test_simulation_has_the_requested_shape_and_copies():
    settings = dataclasses.replace(SMALL, n_lfs=9, copy_rate=1.0)
    y, label_matrix, true_accuracies = simulate_label_matrix(settings)
    assert label_matrix.shape == (2_000, 9) and y.shape == (2_000,)
    assert settings.n_copies == 3
    # copy rate 1: every copy repeats LF 0's vote exactly
    np.testing.assert_array_equal(label_matrix[:, 6:], np.repeat(label_matrix[:, [0]], 3, 1))
    np.testing.assert_allclose(true_accuracies[6:], true_accuracies[0])


@pytest.mark.parametrize("one_sided", [False, True])
def test_at_copy_rate_zero_the_copies_are_independent_lfs(one_sided):
    settings = dataclasses.replace(SMALL, n_points=40_000, one_sided=one_sided)
    y, label_matrix, true_accuracies = simulate_label_matrix(settings)
    lf_0, copies = label_matrix[:, 0], label_matrix[:, -settings.n_copies:]
    for copy in copies.T:
        # Whether they vote is independent given y, and so is what they vote.
        for label in (-1, 1):
            both = np.mean((lf_0[y == label] != 0) & (copy[y == label] != 0))
            product = np.mean(lf_0[y == label] != 0) * np.mean(copy[y == label] != 0)
            assert both == pytest.approx(product, abs=0.01)
        voted = copy != 0
        assert np.mean(copy[voted] == y[voted]) == pytest.approx(true_accuracies[0], abs=0.02)


def test_one_sided_lfs_vote_one_way_with_the_stated_coverage_and_accuracy():
    settings = dataclasses.replace(SMALL, n_points=40_000, one_sided=True, copy_rate=0.0)
    y, label_matrix, true_accuracies = simulate_label_matrix(settings)
    n_independent = settings.n_lfs - settings.n_copies
    for lf, column in enumerate(label_matrix.T):
        votes = set(np.unique(column).tolist()) - {0}
        # LF i votes +1 for even i, -1 for odd i; the copies vote as LF 0 does.
        assert votes == ({1} if lf % 2 == 0 or lf >= n_independent else {-1})
        assert np.mean(column != 0) == pytest.approx(settings.coverage, abs=0.01)
        voted = column != 0
        assert np.mean(column[voted] == y[voted]) == pytest.approx(true_accuracies[lf], abs=0.02)
    true_range = (true_accuracies >= settings.accuracy_range[0] - 1e-12) & (
        true_accuracies <= settings.accuracy_range[1] + 1e-12)
    assert true_range.all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_sided_lfs_break_the_symmetric_model_and_not_the_class_conditional_one(seed):
    result = run_explorer(dataclasses.replace(SMALL, n_points=10_000, one_sided=True,
                                                 seed=seed))
    assert result.scores["class-conditional"] >= result.scores["oracle"] - 0.01
    assert result.scores["class-conditional"] > result.scores["majority vote"] + 0.03
    assert result.scores["label model"] < result.scores["majority vote"]
    assert result.class_conditional_error < 0.05 < result.mean_absolute_error
    by_class = result.class_conditional_probabilities
    assert by_class.shape == result.y.shape
    assert dh.accuracy(result.y, labels_from_probabilities(by_class)) == pytest.approx(
        result.scores["class-conditional"], abs=1e-3)


def test_the_middle_panel_shows_the_posterior_of_the_model_the_lfs_suit():
    for one_sided, title in ((False, "Label model posterior"),
                             (True, "Class-conditional posterior")):
        result = run_explorer(dataclasses.replace(SMALL, one_sided=one_sided))
        axes = plot_explorer(result, Figure().subplots(1, 3))
        assert axes[1].get_title().startswith(title)
        shown = [patch.get_height() for patch in axes[1].patches]
        expected = result.class_conditional_probabilities if one_sided else result.probabilities
        counts = [np.histogram(expected[result.y == label], np.linspace(0, 1, 26))[0]
                  for label in (-1, 1)]
        np.testing.assert_array_equal(shown, np.concatenate(counts))


def test_simulation_rejects_anything_but_settings():
    with pytest.raises(TypeError, match="settings"):
        simulate_label_matrix({"n_lfs": 5})


def test_run_explorer_is_deterministic_and_scores_every_method():
    first, second = run_explorer(SMALL), run_explorer(SMALL)
    np.testing.assert_array_equal(first.probabilities, second.probabilities)
    assert first.scores == second.scores
    assert list(first.scores) == ["majority vote", "label model", "class-conditional", "oracle"]
    assert all(0.0 <= score <= 1.0 for score in first.scores.values())
    assert first.is_copy.sum() == SMALL.n_copies and not first.messages


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_independent_lfs_are_estimated_well_and_beat_majority_vote(seed):
    result = run_explorer(dataclasses.replace(SMALL, n_points=10_000, seed=seed))
    assert result.mean_absolute_error < 0.05
    assert result.scores["label model"] > result.scores["majority vote"]
    # Both models' assumptions hold, so they agree on what matters.
    assert result.class_conditional_error < 0.05
    assert abs(result.scores["class-conditional"] - result.scores["label model"]) < 0.01


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_near_copies_are_over_trusted(seed):
    # 10,000 points: at copy rate 0 the copies are ordinary LFs, and on 2,000 points
    # the estimation noise of any three LFs' mean accuracy reaches 0.06.
    def copies_overestimate(copy_rate):
        result = run_explorer(dataclasses.replace(SMALL, copy_rate=copy_rate, seed=seed,
                                                     n_points=10_000))
        error = result.estimated_accuracies - result.true_accuracies
        return error[result.is_copy].mean()

    assert abs(copies_overestimate(0.0)) < 0.05
    assert copies_overestimate(0.95) > 0.1


def test_class_prior_is_estimated():
    result = run_explorer(dataclasses.replace(SMALL, class_prior=0.2, n_points=10_000))
    assert result.estimated_class_prior == pytest.approx(0.2, abs=0.03)


def test_a_hopeless_setting_reports_why_instead_of_raising():
    result = run_explorer(ExplorerSettings(n_lfs=3, coverage=0.01, n_points=100))
    assert any("label model not fitted" in message for message in result.messages)
    assert any("class-conditional model not fitted" in message for message in result.messages)
    assert np.all(result.probabilities == 0.5)
    assert np.all(np.isnan(result.estimated_accuracies))
    assert np.all(np.isnan(result.class_conditional_accuracies))
    assert result.scores["label model"] == 0.5  # every point a tie
    assert result.scores["class-conditional"] == 0.5
    plot_explorer(result, Figure().subplots(1, 3))  # still drawable


def test_update_refits_and_redraws_the_three_panels():
    explorer = LabelModelExplorer(SMALL)
    before = explorer.result_
    result = explorer.update(coverage=0.6, n_lfs=12)
    assert explorer.settings == dataclasses.replace(SMALL, coverage=0.6, n_lfs=12)
    assert result is explorer.result_ and result.true_accuracies.shape == (12,)
    assert result.scores != before.scores
    titles = [ax.get_title() for ax in explorer.figure.axes]
    assert titles[1] == "Label model posterior by true class"
    assert titles[2] == "m = 12, coverage 0.60, copy rate 0.00"
    assert len(explorer.figure.axes) == 3  # redrawn, not stacked


def test_update_rejects_bad_values_and_keeps_the_old_state():
    explorer = LabelModelExplorer(SMALL)
    with pytest.raises(ValueError, match="coverage"):
        explorer.update(coverage=2.0)
    with pytest.raises(TypeError, match="unknown setting"):
        explorer.update(covrage=0.5)
    assert explorer.settings == SMALL


def test_explorer_rejects_anything_but_settings():
    with pytest.raises(TypeError, match="settings"):
        LabelModelExplorer({"coverage": 0.5})


def _sliders(box):
    controls = box.children[0]
    return [slider for column in controls.children for slider in column.children]


def test_moving_a_slider_calls_the_update_function():
    pytest.importorskip("ipywidgets")
    explorer = LabelModelExplorer(SMALL)
    box = explorer.widgets()
    sliders = {slider.description: slider for slider in _sliders(box)}
    assert set(sliders) == {"LFs (m)", "coverage", "accuracy range", "P(y = +1)",
                            "copy rate", "points (n)", "one-sided LFs"}
    assert all(not slider.continuous_update for name, slider in sliders.items()
               if name != "one-sided LFs")
    image = box.children[1]
    first_png = bytes(image.value)
    assert first_png.startswith(b"\x89PNG")
    sliders["copy rate"].value = 0.5
    sliders["accuracy range"].value = (0.6, 0.9)
    assert explorer.settings.copy_rate == 0.5
    assert explorer.settings.accuracy_range == (0.6, 0.9)
    assert explorer.result_.settings == explorer.settings
    assert bytes(image.value).startswith(b"\x89PNG") and bytes(image.value) != first_png
    sliders["one-sided LFs"].value = True
    assert explorer.settings.one_sided and explorer.result_.settings.one_sided
    assert "one-sided" in explorer.figure.axes[2].get_title()


def test_the_widgets_show_why_a_fit_failed():
    pytest.importorskip("ipywidgets")
    explorer = LabelModelExplorer(SMALL)
    box = explorer.widgets()
    assert box.children[2].value == ""
    explorer.update(n_lfs=3, coverage=0.01, n_points=100)
    assert "label model not fitted" in box.children[2].value


def test_sliders_start_at_the_settings_even_outside_their_usual_range():
    pytest.importorskip("ipywidgets")
    settings = dataclasses.replace(SMALL, n_lfs=40, coverage=0.02, n_points=3_000)
    sliders = {slider.description: slider
               for slider in _sliders(LabelModelExplorer(settings).widgets())}
    assert (sliders["LFs (m)"].value, sliders["coverage"].value) == (40, 0.02)
    assert sliders["points (n)"].value == 3_000


def test_show_falls_back_to_the_static_figure_without_ipywidgets(monkeypatch, capsys):
    real_import = builtins.__import__

    def no_ipywidgets(name, *args, **kwargs):
        if name.startswith("ipywidgets"):
            raise ImportError("No module named 'ipywidgets'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ipywidgets)
    explorer = LabelModelExplorer(SMALL)
    explorer.show()
    assert "ipywidgets is not installed" in capsys.readouterr().out
    assert len(explorer.figure.axes) == 3
    explorer.update(copy_rate=0.3)  # the update function still works from code
    assert explorer.settings.copy_rate == 0.3


def test_the_explorer_plots_live_in_the_explorer_module_and_stay_at_the_top_level():
    assert plot_explorer is plot_explorer
    assert plot_explorer_sweep is plot_explorer_sweep
    assert not hasattr(plots, "plot_explorer") and not hasattr(plots, "plot_explorer_sweep")


def test_every_setting_the_sweep_can_vary_has_an_axis_label():
    fields = {field.name for field in dataclasses.fields(ExplorerSettings)} - {"seed"}
    assert set(explorer_module._SETTING_LABELS) == fields


def test_the_sweep_is_indexed_by_the_new_setting_names():
    sweep = explorer_sweep({"copy_rate": [0.5], "class_prior": [0.3]}, SMALL, seeds=(0,))
    assert list(sweep.index) == [("copy_rate", 0.5), ("class_prior", 0.3)]
    axes = plot_explorer_sweep(sweep)
    assert axes[1, 0].get_xlabel() == "copy rate of the near-copies"
    assert axes[0, 1].get_title() == "varying class prior P(y = +1)"
    with pytest.raises(ValueError, match=r"unknown setting\(s\) \['correlation'\]"):
        explorer_sweep({"correlation": [0.5]}, SMALL, seeds=(0,))


def test_plot_explorer_checks_its_axes():
    with pytest.raises(ValueError, match="3 Axes"):
        plot_explorer(run_explorer(SMALL), Figure().subplots(1, 2))


def test_sweep_varies_one_setting_at_a_time():
    sweep = explorer_sweep({"coverage": [0.1, 0.5], "n_lfs": [4]}, SMALL, seeds=(0, 1))
    assert list(sweep.index) == [("coverage", 0.1), ("coverage", 0.5), ("n_lfs", 4)]
    assert list(sweep.columns) == ["majority vote", "label model", "class-conditional",
                                   "oracle", "mean accuracy error",
                                   "class-conditional accuracy error"]
    single = run_explorer(dataclasses.replace(SMALL, n_lfs=4, seed=1))
    other = run_explorer(dataclasses.replace(SMALL, n_lfs=4, seed=0))
    expected = (single.scores["oracle"] + other.scores["oracle"]) / 2
    assert sweep.loc[("n_lfs", 4), "oracle"] == pytest.approx(expected)
    errors = (single.class_conditional_error + other.class_conditional_error) / 2
    assert sweep.loc[("n_lfs", 4), "class-conditional accuracy error"] == pytest.approx(errors)
    # more coverage, more votes per point: majority vote gets better
    assert sweep.loc[("coverage", 0.5), "majority vote"] > sweep.loc[("coverage", 0.1),
                                                                     "majority vote"]


@pytest.mark.parametrize(
    ("arguments", "error", "match"),
    [
        (({},), ValueError, "values_by_setting"),
        (({"covrage": [0.1]},), ValueError, "unknown setting"),
        (({"seed": [1]},), ValueError, "unknown setting"),
        (({"coverage": [0.1]}, {"n_lfs": 3}), TypeError, "settings"),
        (({"coverage": [0.1]}, SMALL, ()), ValueError, "seeds"),
        (({"coverage": [0.1]}, SMALL, (-2,)), ValueError, "seeds"),
        (({"coverage": [3.0]},), ValueError, "coverage"),
    ],
)
def test_sweep_rejects_bad_input(arguments, error, match):
    with pytest.raises(error, match=match):
        explorer_sweep(*arguments)


def test_plot_explorer_sweep_draws_one_column_per_setting():
    sweep = explorer_sweep({"coverage": [0.1, 0.5], "accuracy_range": [[0.5, 0.7]]},
                              SMALL, seeds=(0,))
    axes = plot_explorer_sweep(sweep)
    assert axes.shape == (2, 2)
    assert axes[1, 1].get_xlabel() == "accuracy range (midpoint)"
    assert all(ax.get_ylabel() for ax in axes[:, 0])
    # Both label models' errors, in the colours of their accuracies above.
    errors, scores = axes[1, 0].get_lines(), dict(
        (line.get_label(), line) for line in axes[0, 0].get_lines())
    assert [line.get_label() for line in errors] == ["label model", "class-conditional"]
    assert all(line.get_color() == scores[line.get_label()].get_color() for line in errors)
    with pytest.raises(ValueError, match="explorer_sweep"):
        plot_explorer_sweep(sweep.reset_index())
    with pytest.raises(ValueError, match="shape"):
        plot_explorer_sweep(sweep, Figure().subplots(2, 3))


def test_show_outside_ipython_says_what_to_do_instead(monkeypatch, capsys):
    real_import = builtins.__import__

    def no_ipython(name, *args, **kwargs):
        if name.startswith(("IPython", "ipywidgets")):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ipython)
    LabelModelExplorer(SMALL).show()
    assert "explorer.figure.savefig" in capsys.readouterr().out
