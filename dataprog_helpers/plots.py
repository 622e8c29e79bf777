"""Figures for the notebooks.  Each function draws on ``ax`` (a new one if None) and returns it."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.ticker import MaxNLocator

from ._validation import (
    check_label_matrix,
    check_labels,
    check_positive_int,
    check_probabilities,
    check_same_length,
)

__all__ = [
    "plot_accuracy_bars",
    "plot_accuracy_estimates",
    "plot_label_matrix",
    "plot_loss_curve",
    "plot_overlap_matrix",
    "plot_posterior_histogram",
]


def _axes(ax: Axes | None, figsize: tuple[float, float] = (6.0, 4.0)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


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


def plot_overlap_matrix(agreements: np.ma.MaskedArray, ax: Axes | None = None,
                        title: str = "Agreement matrix Z") -> Axes:
    """Heat map of an (m, m) agreement matrix, without its diagonal.

    Masked (missing) entries and the diagonal are left blank; the colour scale is
    symmetric around 0 (blue: the pair tends to agree, red: to disagree).
    """
    agreements = np.ma.masked_invalid(np.ma.asarray(agreements, dtype=np.float64))
    if agreements.ndim != 2 or agreements.shape[0] != agreements.shape[1]:
        raise ValueError(f"agreements must be a square 2-D matrix, got shape {agreements.shape}")
    ax = _axes(ax, (5.0, 4.2))
    # The diagonal (always 1) carries no information about accuracies; hide it.
    shown = np.ma.masked_where(np.eye(len(agreements), dtype=bool), agreements)
    limit = float(np.ma.max(np.ma.abs(shown))) if shown.count() else 1.0
    image = ax.imshow(shown, cmap="RdBu", vmin=-limit, vmax=limit, interpolation="nearest")
    ax.figure.colorbar(image, ax=ax, label="$Z_{ij}$, mean product of votes")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("labeling function j")
    ax.set_ylabel("labeling function i")
    ax.set_title(title)
    return ax


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
                            title: str = "Estimated vs true LF accuracies") -> Axes:
    """Scatter of estimated against true LF accuracies, with the line y = x."""
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
    ax.scatter(true_accuracies, estimated_accuracies, label="labeling function", zorder=3)
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
    reference_lines = dict(reference_lines or {})
    ax = _axes(ax, (7.0, 4.2))
    n_rows, n_cols = results.shape
    width = 0.8 / n_cols
    positions = np.arange(n_rows)
    rounded = results.astype(float).round(3)  # bar labels show what a rounded table shows
    for k, column in enumerate(results.columns):
        bars = ax.bar(positions + (k - (n_cols - 1) / 2) * width, results[column], width,
                      label=str(column))
        ax.bar_label(bars, labels=[f"{value:.3f}" for value in rounded[column]], fontsize=8)
    line_styles = [":", "--", "-."]
    for k, (name, value) in enumerate(reference_lines.items()):
        ax.axhline(value, linestyle=line_styles[k % len(line_styles)], color="dimgrey",
                   label=f"{name} ({np.round(value, 3):.3f})")
    ax.set_xticks(positions, [str(label) for label in results.index])
    low = min([float(np.nanmin(results.to_numpy(dtype=float)))] + list(reference_lines.values()))
    ax.set_ylim(max(0.0, low - 0.05), 1.0)
    ax.set_xlabel("end model")
    ax.set_ylabel("test accuracy")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    return ax
