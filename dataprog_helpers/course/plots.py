"""Figures for the notebooks.  Each function draws on ``ax`` (a new one if None) and returns it."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.ticker import MaxNLocator

from ..scores import calibration_table
from ..utils.validation import (
    check_label_matrix,
    check_labels,
    check_positive_int,
    check_probabilities,
    check_same_length,
)
from .experiment import loglog_slope

__all__ = [
    "draw_reference_lines",
    "plot_accuracy_bars",
    "plot_agreement_matrix",
    "plot_accuracy_estimates",
    "plot_estimator_comparison",
    "plot_hand_label_curve",
    "plot_label_matrix",
    "plot_leaderboard",
    "plot_loglog",
    "plot_loss_curve",
    "plot_overlap_matrix",
    "plot_posterior_histogram",
    "plot_reliability",
    "plot_two_lf_ambiguity",
]


def _axes(ax: Axes | None, figsize: tuple[float, float] = (6.0, 4.0)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _named_values(argument, name: str) -> dict:
    """``argument`` (a mapping, or None for none) as a dict; anything else is a TypeError."""
    if argument is None:
        return {}
    if not isinstance(argument, Mapping):
        raise TypeError(f"{name} must be a mapping of name -> value, e.g. a dict, got "
                        f"{type(argument).__name__}")
    return dict(argument)


def draw_reference_lines(ax: Axes, reference_lines: Mapping[str, float]) -> None:
    """Draw horizontal grey lines at given accuracies on ``ax``, named in the legend.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    reference_lines : mapping of name to accuracy
        One line per entry, labelled ``"name (value)"`` with the value to 3
        decimals; the line styles cycle through dotted, dashed and dash-dotted.
    """
    line_styles = [":", "--", "-."]
    for k, (name, value) in enumerate(reference_lines.items()):
        ax.axhline(value, linestyle=line_styles[k % len(line_styles)], color="dimgrey",
                   label=f"{name} ({np.round(value, 3):.3f})")


def plot_label_matrix(label_matrix, n_points: int = 40, ax: Axes | None = None) -> Axes:
    """Show the votes of the first ``n_points`` points as a coloured grid."""
    n_points = check_positive_int(n_points, "n_points")
    label_matrix = check_label_matrix(label_matrix)[:n_points]
    ax = _axes(ax, (7.0, 4.0))
    colours = ListedColormap(["tab:red", "whitesmoke", "tab:blue"])
    image = ax.imshow(label_matrix.T, cmap=colours, vmin=-1, vmax=1, aspect="auto",
                      interpolation="nearest")
    colourbar = ax.figure.colorbar(image, ax=ax, ticks=[-1, 0, 1])
    colourbar.ax.set_yticklabels(["-1", "abstain", "+1"])
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("data point")
    ax.set_ylabel("labeling function")
    n_points, n_lfs = label_matrix.shape
    ax.set_title(f"Label matrix: votes of {n_lfs} LFs on {n_points} points")
    return ax


def plot_agreement_matrix(agreements: np.ma.MaskedArray, ax: Axes | None = None,
                          title: str = "Agreement matrix Z",
                          colorbar_label: str = "agreement $Z_{ij}$, mean product of votes",
                          ) -> Axes:
    """Heat map of an (m, m) agreement matrix Z, without its diagonal.

    ``agreements`` is e.g. :func:`~dataprog_helpers.analysis.agreement_matrix`'s
    Z, of shape (n_lfs, n_lfs), whose entry Z_ij = E[lambda_i lambda_j | both vote]
    is the agreement of LFs i and j.

    Masked (missing) entries and the diagonal are left blank; the colour scale is
    symmetric around 0 (blue: the pair tends to agree, red: to disagree).  Any
    square matrix of pairs can be shown, e.g. a fitted model's ``residuals_``
    with ``colorbar_label="$Z_{ij} - q_i q_j$"``.
    """
    agreements = np.ma.masked_invalid(np.ma.asarray(agreements, dtype=np.float64))
    if agreements.ndim != 2 or agreements.shape[0] != agreements.shape[1]:
        raise ValueError(f"agreements must be a square 2-D matrix, got shape {agreements.shape}")
    ax = _axes(ax, (5.0, 4.2))
    # The diagonal (always 1) carries no information about accuracies; hide it.
    shown = np.ma.masked_where(np.eye(len(agreements), dtype=bool), agreements)
    limit = float(np.ma.max(np.ma.abs(shown))) if shown.count() else 1.0
    image = ax.imshow(shown, cmap="RdBu", vmin=-limit, vmax=limit, interpolation="nearest")
    ax.figure.colorbar(image, ax=ax, label=colorbar_label)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("labeling function j")
    ax.set_ylabel("labeling function i")
    ax.set_title(title)
    return ax


#: The old name of :func:`plot_agreement_matrix`, kept as an alias.
plot_overlap_matrix = plot_agreement_matrix


def plot_loss_curve(loss_history, ax: Axes | None = None,
                    title: str = "Label model fit: completion loss") -> Axes:
    """Loss against optimisation step, on a log scale."""
    loss_history = np.asarray(loss_history, dtype=np.float64)
    if loss_history.ndim != 1 or loss_history.size == 0:
        raise ValueError("loss_history must be a non-empty 1-D sequence of losses")
    if not np.all(np.isfinite(loss_history)):
        raise ValueError("loss_history contains NaN or infinite values")
    ax = _axes(ax)
    ax.semilogy(np.arange(loss_history.size), loss_history, marker=".")
    ax.set_xlabel("optimisation step")
    ax.set_ylabel("loss (log scale)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    return ax


def plot_accuracy_estimates(true_accuracies, estimated_accuracies, ax: Axes | None = None,
                            title: str = "Estimated vs true LF accuracies",
                            label: str = "labeling function") -> Axes:
    """Scatter of estimated against true LF accuracies, with the line y = x.

    ``label`` names the points in the legend (one point per LF).
    """
    true_accuracies = np.asarray(true_accuracies, dtype=np.float64)
    estimated_accuracies = np.asarray(estimated_accuracies, dtype=np.float64)
    if (true_accuracies.ndim != 1 or true_accuracies.size == 0
            or true_accuracies.shape != estimated_accuracies.shape):
        raise ValueError(
            "true_accuracies and estimated_accuracies must be non-empty, 1-D and of the same "
            "length, got "
            f"shapes {true_accuracies.shape} and {estimated_accuracies.shape}"
        )
    ax = _axes(ax, (4.8, 4.5))
    low = min(true_accuracies.min(), estimated_accuracies.min()) - 0.02
    high = max(true_accuracies.max(), estimated_accuracies.max()) + 0.02
    ax.plot([low, high], [low, high], color="grey", linestyle="--", label="perfect estimate")
    ax.scatter(true_accuracies, estimated_accuracies, label=label, zorder=3)
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    ax.set_aspect("equal")
    ax.set_xlabel("true accuracy P(right | votes)")
    ax.set_ylabel("estimated accuracy")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_posterior_histogram(probabilities, y, ax: Axes | None = None, bins: int = 30,
                             title: str = "Posterior P(y = +1 | votes) by true class") -> Axes:
    """Histograms of P(y = +1) for the points of each true class."""
    bins = check_positive_int(bins, "bins")
    probabilities = check_probabilities(probabilities, "probabilities")
    y = check_labels(y, "y")
    check_same_length(probabilities=probabilities, y=y)
    ax = _axes(ax)
    edges = np.linspace(0.0, 1.0, bins + 1)
    for label, colour in ((-1, "tab:red"), (1, "tab:blue")):
        ax.hist(probabilities[y == label], bins=edges, alpha=0.6, color=colour,
                label=f"true y = {label:+d}")
    ax.set_xlabel("P(y = +1 | votes)")
    ax.set_ylabel("number of points")
    ax.set_title(title)
    ax.legend()
    return ax


def plot_accuracy_bars(results: pd.DataFrame, ax: Axes | None = None,
                       title: str = "Test accuracy by training labels",
                       reference_lines: Mapping[str, float] | None = None) -> Axes:
    """Grouped bar chart of a table of accuracies.

    Parameters
    ----------
    results : pandas.DataFrame
        Rows are models (groups of bars), columns are label sources (one bar each).
    reference_lines : mapping of name to accuracy, optional
        Drawn as horizontal lines named in the legend, e.g. majority vote.
    """
    if not isinstance(results, pd.DataFrame) or results.empty:
        raise ValueError("results must be a non-empty pandas DataFrame of accuracies")
    reference_lines = _named_values(reference_lines, "reference_lines")
    ax = _axes(ax, (7.0, 4.2))
    n_rows, n_cols = results.shape
    width = 0.8 / n_cols
    positions = np.arange(n_rows)
    rounded = results.astype(float).round(3)  # bar labels show what a rounded table shows
    for k, column in enumerate(results.columns):
        bars = ax.bar(positions + (k - (n_cols - 1) / 2) * width, results[column], width,
                      label=str(column))
        ax.bar_label(bars, labels=[f"{value:.3f}" for value in rounded[column]], fontsize=8)
    draw_reference_lines(ax, reference_lines)
    ax.set_xticks(positions, [str(label) for label in results.index])
    low = min([float(np.nanmin(results.to_numpy(dtype=float)))] + list(reference_lines.values()))
    ax.set_ylim(max(0.0, low - 0.05), 1.0)
    ax.set_xlabel("end model")
    ax.set_ylabel("test accuracy")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_reliability(probabilities: Mapping[str, np.ndarray], y, n_bins: int = 10,
                     ax: Axes | None = None,
                     title: str = "Reliability diagram") -> Axes:
    """Observed frequency of y = +1 against predicted P(y = +1), one line per predictor.

    Parameters
    ----------
    probabilities : mapping of name to ndarray of shape (n,)
        Each predictor's P(y = +1) on the same points.
    y : array-like of shape (n,)
        Gold labels in {-1, +1}.

    Points on the diagonal are calibrated; marker area grows with the number of
    points in the bin (see :func:`~dataprog_helpers.analysis.calibration_table`).
    """
    if not isinstance(probabilities, Mapping) or not probabilities:
        raise ValueError("probabilities must be a non-empty mapping of name to probabilities")
    ax = _axes(ax, (5.0, 4.6))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfectly calibrated")
    for name, values in probabilities.items():
        table = calibration_table(y, values, n_bins)
        sizes = 15 + 150 * table["count"] / table["count"].max()
        line = ax.plot(table["predicted"], table["observed"], marker=None, label=str(name))[0]
        ax.scatter(table["predicted"], table["observed"], s=sizes, color=line.get_color(),
                   zorder=3)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel("predicted P(y = +1), mean in bin")
    ax.set_ylabel("observed fraction with y = +1")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_loglog(sizes, values: Mapping[str, np.ndarray], ax: Axes | None = None,
                xlabel: str = "number of points n", ylabel: str = "error",
                title: str = "Error against data size",
                reference_slope: float | None = -0.5) -> Axes:
    """Mean over repeats against size on log-log axes, with fitted slopes.

    Parameters
    ----------
    sizes : array-like of shape (k,)
    values : mapping of name to ndarray of shape (n_repeats, k)
        One row per repeat (seed); the line is the mean, the band its min to max.
        The legend gives the least-squares slope of the mean (see
        :func:`~dataprog_helpers.analysis.loglog_slope`).
    reference_slope : float or None, default -0.5
        Also draw a line of this slope through the first series' first mean.
    """
    sizes = np.asarray(sizes, dtype=np.float64)
    if not isinstance(values, Mapping) or not values:
        raise ValueError("values must be a non-empty mapping of name to (n_repeats, k) arrays")
    ax = _axes(ax, (6.0, 4.4))
    anchor = None
    for name, repeats in values.items():
        repeats = np.atleast_2d(np.asarray(repeats, dtype=np.float64))
        if repeats.shape[1] != sizes.shape[0]:
            raise ValueError(
                f"values[{name!r}] has {repeats.shape[1]} columns but sizes has "
                f"{sizes.shape[0]} entries"
            )
        mean = repeats.mean(axis=0)
        slope = loglog_slope(sizes, mean)
        line = ax.loglog(sizes, mean, marker="o", label=f"{name} (slope {slope:.2f})")[0]
        ax.fill_between(sizes, repeats.min(axis=0), repeats.max(axis=0),
                        color=line.get_color(), alpha=0.2)
        anchor = anchor if anchor is not None else mean[0]
    if reference_slope is not None:
        ax.loglog(sizes, anchor * (sizes / sizes[0]) ** reference_slope, color="grey",
                  linestyle="--", label=f"reference slope {reference_slope:g}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_estimator_comparison(comparison: pd.DataFrame) -> tuple[Axes, Axes]:
    """Error and fit time against the number of LFs, one line per method (two panels).

    Parameters
    ----------
    comparison : pandas.DataFrame
        The table of :func:`~dataprog_helpers.experiment.compare_estimators`:
        columns ``n_lfs``, ``seed``, ``method``, ``error`` and ``seconds``.

    Each panel is a :func:`plot_loglog` (mean over seeds, band from min to max,
    fitted slope in the legend).
    """
    needed = {"n_lfs", "seed", "method", "error", "seconds"}
    if not isinstance(comparison, pd.DataFrame) or not needed <= set(comparison.columns):
        raise ValueError(f"comparison must be a DataFrame with columns {sorted(needed)}")
    n_lfs_values = np.sort(comparison["n_lfs"].unique())
    _, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    panels = ((left, "error", "mean |estimated - true| accuracy", "Accuracy of the estimates"),
              (right, "seconds", "seconds per fit (from the statistics)", "Time of the fit"))
    for ax, column, ylabel, title in panels:
        by_seed = {method: rows.pivot(index="seed", columns="n_lfs", values=column)
                   .reindex(columns=n_lfs_values).to_numpy()
                   for method, rows in comparison.groupby("method")}
        plot_loglog(n_lfs_values, by_seed, ax=ax, xlabel="number of LFs m", ylabel=ylabel,
                    title=title, reference_slope=None)
    return left, right


def plot_hand_label_curve(curve: pd.DataFrame, reference_lines: Mapping[str, float],
                          ax: Axes | None = None,
                          title: str = "Hand labels needed to match data programming",
                          reference_bands: Mapping[str, tuple[float, float]] | None = None,
                          ) -> Axes:
    """Test accuracy against the number of hand labels, with reference accuracies as lines.

    Parameters
    ----------
    curve : pandas.DataFrame
        From :func:`~dataprog_helpers.course.hand_labels.hand_label_curve` (or
        ``HandLabelScores.curve()``): columns
        ``n_labels``, ``draw`` and ``accuracy``.  The line is the mean over draws,
        the band spans their min to max.
    reference_lines : mapping of name to accuracy
        Drawn as horizontal lines, e.g. the noise-aware end model's accuracy.
    reference_bands : mapping of name to (low, high), optional
        Drawn as grey horizontal bands, e.g. a reference accuracy's confidence
        interval (``LabelsWorth.accuracy_interval``, :mod:`~dataprog_helpers.course.hand_labels`).
    """
    needed = {"n_labels", "accuracy"}
    if not isinstance(curve, pd.DataFrame) or not needed <= set(curve.columns):
        raise ValueError(f"curve must be a DataFrame with columns {sorted(needed)}")
    reference_lines = _named_values(reference_lines, "reference_lines")
    bands = _named_values(reference_bands, "reference_bands")
    for name, band in bands.items():
        if np.shape(band) != (2,) or not band[0] <= band[1]:
            raise ValueError(f"reference_bands[{name!r}] must be a pair (low, high) with "
                             f"low <= high, got {band!r}")
    ax = _axes(ax, (6.4, 4.2))
    stats = curve.groupby("n_labels")["accuracy"].agg(["mean", "min", "max"])
    line = ax.semilogx(stats.index, stats["mean"], marker="o",
                       label="same model, k hand labels (mean of draws)")[0]
    ax.fill_between(stats.index, stats["min"], stats["max"], color=line.get_color(), alpha=0.2)
    for name, (low, high) in bands.items():
        ax.axhspan(low, high, color="grey", alpha=0.15,
                   label=f"{name} ({np.round(low, 3):.3f} to {np.round(high, 3):.3f})")
    draw_reference_lines(ax, reference_lines)
    ax.set_xlabel("number of hand-labeled training points k (log scale)")
    ax.set_ylabel("test accuracy")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_two_lf_ambiguity(agreement: float, true_correlations: tuple[float, float],
                          ax: Axes | None = None) -> Axes:
    """Every (q_1, q_2) with q_1 q_2 = Z_12: what two LFs' agreement leaves open.

    With two LFs the data give one number, so the accuracies lie anywhere on a
    hyperbola (both branches: the sign ambiguity too).  Pass the population
    value ``agreement = q_1 q_2`` to show that even unlimited data leave this
    freedom, and the true ``(q_1, q_2)`` to mark it on the curve.
    """
    agreement = float(agreement)
    if not 0 < abs(agreement) < 1:
        raise ValueError(f"agreement must be in (-1, 0) or (0, 1), got {agreement}")
    ax = _axes(ax, (4.8, 4.5))
    q_1 = np.linspace(abs(agreement), 1.0, 200)
    for sign in (1.0, -1.0):
        ax.plot(sign * q_1, sign * agreement / q_1, color="tab:blue",
                label="$q_1 q_2 = Z_{12}$" if sign > 0 else None)
    ax.scatter(*true_correlations, color="tab:red", zorder=3, label="true $(q_1, q_2)$")
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.axvline(0, color="grey", linewidth=0.5)
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    ticks = [-1.0, -0.5, 0.0, 0.5, 1.0]
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.set_aspect("equal")
    ax.set_xlabel("$q_1 = 2 p_1 - 1$")
    ax.set_ylabel("$q_2 = 2 p_2 - 1$")
    ax.set_title(f"Two LFs: every point fits $Z_{{12}} = {agreement:.2f}$")
    ax.legend(loc="lower left", fontsize=8)
    return ax


#: Columns :func:`plot_leaderboard` reads from a leaderboard table.
_LEADERBOARD_COLUMNS = ("task", "model", "accuracy", "accuracy SE", "calibration error")


def plot_leaderboard(table: pd.DataFrame, axes=None) -> np.ndarray:
    """Test accuracy (with +-1 standard error) and calibration error of every model on every task.

    Parameters
    ----------
    table : pandas.DataFrame
        As :func:`~dataprog_helpers.leaderboard.label_model_leaderboard` returns it:
        one row per task and model.
    axes : array of two Axes, optional

    Returns
    -------
    ndarray of two Axes: accuracy, then calibration error; one row of markers per
    task, one marker per model (a model that refused the LFs has none).
    """
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise ValueError("table must be a non-empty leaderboard DataFrame")
    missing = [column for column in _LEADERBOARD_COLUMNS if column not in table.columns]
    if missing:
        raise ValueError(f"table has no column(s) {missing}; pass label_model_leaderboard()")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(13.0, 4.8), sharey=True)
    axes = np.asarray(axes)
    tasks = list(dict.fromkeys(table["task"]))
    models = list(dict.fromkeys(table["model"]))
    offsets = np.linspace(-0.3, 0.3, len(models)) if len(models) > 1 else np.zeros(1)
    markers = "osD^vP*X"
    for k, model in enumerate(models):
        rows = table[table["model"] == model].set_index("task").reindex(tasks)
        positions = np.arange(len(tasks)) + offsets[k]
        axes[0].errorbar(rows["accuracy"], positions, xerr=rows["accuracy SE"], fmt=markers[k % 8],
                         capsize=2, label=model)
        axes[1].plot(rows["calibration error"], positions, markers[k % 8], label=model)
    axes[0].set_yticks(np.arange(len(tasks)), tasks)
    axes[0].invert_yaxis()
    axes[0].set_xlabel("test accuracy (bars: one standard error)")
    axes[0].set_ylabel("task (a set of LFs on a data set)")
    axes[0].set_title("Accuracy of each label model")
    axes[1].set_xlabel("expected calibration error (lower is better)")
    axes[1].set_title("Calibration of P(y = +1)")
    # Outside the panels, where it hides no marker.
    axes[1].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)
    return axes

