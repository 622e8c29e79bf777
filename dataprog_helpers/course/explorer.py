"""An interactive explorer of the label model: change the LFs, watch the estimates move.

:class:`ExplorerSettings` describes one simulated setting (number of LFs, coverage,
accuracy range, class prior, copy rate, number of points);
:func:`run_explorer` simulates it, fits the label model and scores majority vote,
both label models (the symmetric :class:`~dataprog_helpers.LabelModel` and
:class:`~dataprog_helpers.ClassConditionalLabelModel`) and an oracle;
:class:`LabelModelExplorer` ties sliders
(ipywidgets) to :meth:`LabelModelExplorer.update`, which does the same and redraws
three linked plots (:func:`plot_explorer`); :func:`explorer_sweep` moves one
setting at a time without widgets and :func:`plot_explorer_sweep` draws the result.

Without ipywidgets, or outside a notebook, :meth:`LabelModelExplorer.show` draws
the figure for the current settings instead: a static fallback.  The update
function needs no browser, so it is unit-tested like the rest of the package.

Dependent LFs are simulated with near-copies: a third of the LFs are copies of
LF 0, each repeating its output on a point (its vote, or its abstention) with
probability ``copy_rate``, and otherwise voting or abstaining on its own, with
LF 0's coverage and accuracy.  At copy rate 0 every LF is conditionally
independent given y; as it grows, both label models' independence assumption
fails more and more, and at 1 the copies are LF 0 itself.

The ``one_sided`` switch replaces the tutorial's LFs by one-sided ones, as real
LFs mostly are: each votes for one class only (even-numbered LFs for +1, odd ones
for -1), firing more often on points of its class, so that *whether* it votes
depends on y.  Coverage and accuracy keep their meaning: an LF votes on a share
``coverage`` of the points and is right on a share ``p_i`` of its votes.  The
symmetric model's assumptions then fail; the class-conditional model's hold.
"""

from __future__ import annotations

import dataclasses
import html
import io
import warnings
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import imsave

from ..analysis import majority_vote
from ..label_model import (
    ClassConditionalLabelModel,
    LabelModel,
    conditional_posterior_proba,
    posterior_proba,
)
from ..scores import accuracy, labels_from_probabilities
from ..utils.validation import (
    check_positive_int,
    check_probability_range,
    check_real_in_range,
    check_seed,
)
from .plots import draw_reference_lines, plot_accuracy_estimates, plot_posterior_histogram
from .synthetic import draw_labels, make_label_matrix, sample_label_matrix

__all__ = [
    "ExplorerResult",
    "ExplorerSettings",
    "LabelModelExplorer",
    "explorer_sweep",
    "plot_explorer",
    "plot_explorer_sweep",
    "run_explorer",
    "simulate_label_matrix",
]

#: Methods scored in the third panel, in the order they are drawn.
SCORED_METHODS = ("majority vote", "label model", "class-conditional", "oracle")


@dataclass(frozen=True)
class ExplorerSettings:
    """One simulated setting of the explorer.

    Attributes
    ----------
    n_lfs : int, at least 3
        Number of labeling functions m (a third of them, rounded down, are the
        near-copies of LF 0).
    coverage : float in (0, 1]
        Probability that an LF votes on a point.
    accuracy_range : (low, high), 0 <= low <= high <= 1
        LF accuracies are drawn uniformly in this range.
    class_prior : float in (0, 1)
        P(y = +1).
    copy_rate : float in [0, 1]
        Probability that a near-copy repeats LF 0's output (vote or abstention) on a point.
        (:func:`~dataprog_helpers.course.add_near_copies`'s ``copy_rate`` copies only
        the vote: its copies share every abstention of their source.)
    n_points : int, at least 100
    seed : int
    one_sided : bool, default False
        One-sided LFs (module docstring): LF i votes only ``+1`` (i even) or ``-1``
        (i odd), on a point of its class with probability
        ``min(1, p_i coverage / P(its class))`` and on one of the other class with
        probability ``min(1, (1 - p_i) coverage / P(other class))``; without the
        clipping at 1 it then votes on a share ``coverage`` of the points and is
        right on a share ``p_i`` of its votes.
    """

    n_lfs: int = 10
    coverage: float = 0.3
    accuracy_range: tuple[float, float] = (0.55, 0.8)
    class_prior: float = 0.5
    copy_rate: float = 0.0
    n_points: int = 5_000
    seed: int = 0
    one_sided: bool = False

    def __post_init__(self) -> None:
        check_positive_int(self.n_lfs, "n_lfs", minimum=3)
        check_real_in_range(self.coverage, "coverage", 0.0, 1.0, include_low=False)
        accuracy_range = check_probability_range(self.accuracy_range, "accuracy_range")
        object.__setattr__(self, "accuracy_range", accuracy_range)
        check_real_in_range(self.class_prior, "class_prior", 0.0, 1.0,
                            include_low=False, include_high=False)
        check_real_in_range(self.copy_rate, "copy_rate", 0.0, 1.0)
        check_positive_int(self.n_points, "n_points", minimum=100)
        check_seed(self.seed)
        if not isinstance(self.one_sided, (bool, np.bool_)):
            raise TypeError(f"one_sided must be True or False, got {self.one_sided!r}")
        object.__setattr__(self, "one_sided", bool(self.one_sided))

    @property
    def n_copies(self) -> int:
        """How many of the ``n_lfs`` LFs are near-copies of LF 0."""
        return self.n_lfs // 3


@dataclass(frozen=True)
class ExplorerResult:
    """What :func:`run_explorer` measured for one setting.

    Attributes
    ----------
    settings : ExplorerSettings
    y : ndarray of int8, shape (n_points,)
        The simulated true labels.
    true_accuracies : ndarray of shape (n_lfs,)
        P(right | votes) of each LF.
    estimated_accuracies : ndarray of shape (n_lfs,)
        The label model's estimates (NaN where the fit failed).
    is_copy : ndarray of bool, shape (n_lfs,)
        True for the near-copies of LF 0.
    probabilities : ndarray of shape (n_points,)
        The label model's P(y = +1 | votes) (0.5 everywhere where the fit failed).
    scores : dict of str to float
        Accuracy (ties count half) of each method of :data:`SCORED_METHODS`:
        majority vote, the label model, the class-conditional model, and the
        oracle: the posterior with the true parameters (accuracies, or vote
        distributions for one-sided LFs) and class prior.  The oracle also
        assumes independence, so the near-copies mislead it too.
    estimated_class_prior : float
        The label model's estimate of P(y = +1) (NaN where the fit failed).
    messages : tuple of str
        Warnings from the fits, or why one failed, for display.
    class_conditional_accuracies : ndarray of shape (n_lfs,)
        The class-conditional model's estimates of P(right | votes) (NaN where
        its fit failed).
    class_conditional_probabilities : ndarray of shape (n_points,)
        Its P(y = +1 | votes) (0.5 everywhere where its fit failed).
    """

    settings: ExplorerSettings
    y: np.ndarray
    true_accuracies: np.ndarray
    estimated_accuracies: np.ndarray
    is_copy: np.ndarray
    probabilities: np.ndarray
    scores: dict[str, float]
    estimated_class_prior: float
    messages: tuple[str, ...]
    class_conditional_accuracies: np.ndarray
    class_conditional_probabilities: np.ndarray

    @property
    def mean_absolute_error(self) -> float:
        """Mean |estimated - true| accuracy over the LFs (NaN where the fit failed)."""
        return float(np.mean(np.abs(self.estimated_accuracies - self.true_accuracies)))

    @property
    def class_conditional_error(self) -> float:
        """The same for the class-conditional model's estimates."""
        return float(np.mean(np.abs(self.class_conditional_accuracies - self.true_accuracies)))


def simulate_label_matrix(settings: ExplorerSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw the true labels and the label matrix of one setting.

    Returns
    -------
    y : ndarray of int8, shape (n_points,)
    label_matrix : ndarray of int8, shape (n_points, n_lfs)
        The first ``n_lfs - n_copies`` columns are independent LFs; the last
        ``n_copies`` are near-copies of column 0.
    true_accuracies : ndarray of shape (n_lfs,)
    """
    y, label_matrix, true_accuracies, _ = _simulate(settings)
    return y, label_matrix, true_accuracies


def _simulate(settings: ExplorerSettings):
    """:func:`simulate_label_matrix`, and the true vote distributions of one-sided LFs."""
    if not isinstance(settings, ExplorerSettings):
        raise TypeError(f"settings must be an ExplorerSettings, got {type(settings).__name__}")
    y = draw_labels(settings.n_points, settings.class_prior,
                    np.random.default_rng(settings.seed))
    n_independent = settings.n_lfs - settings.n_copies
    if settings.one_sided:
        label_matrix, true_accuracies, tables = _one_sided_lfs(y, n_independent, settings)
    else:
        label_matrix, true_accuracies = make_label_matrix(
            y, n_independent, settings.coverage, settings.accuracy_range, seed=settings.seed + 1
        )
        tables = None
    if settings.n_copies:
        if tables is None:  # votes of their own, with LF 0's coverage and accuracy
            accuracy_0 = float(true_accuracies[0])
            own, _ = make_label_matrix(y, settings.n_copies, settings.coverage,
                                       (accuracy_0, accuracy_0), seed=settings.seed + 2)
        else:
            own = sample_label_matrix(y, np.repeat(tables[:1], settings.n_copies, axis=0),
                                      seed=settings.seed + 2)
        repeats = np.random.default_rng(settings.seed + 3).random(own.shape) < settings.copy_rate
        copies = np.where(repeats, label_matrix[:, :1], own).astype(np.int8)
        label_matrix = np.concatenate([label_matrix, copies], axis=1)
        true_accuracies = np.concatenate([true_accuracies,
                                          np.repeat(true_accuracies[:1], settings.n_copies)])
        if tables is not None:
            tables = np.concatenate([tables, np.repeat(tables[:1], settings.n_copies, axis=0)])
    return y, label_matrix, true_accuracies, tables


def _one_sided_lfs(y: np.ndarray, n_lfs: int, settings: ExplorerSettings):
    """``n_lfs`` one-sided LFs (see :class:`ExplorerSettings`).

    Returns the label matrix, the true accuracies and the true vote distributions,
    of shape (n_lfs, 2, 3).
    """
    rng = np.random.default_rng(settings.seed + 1)
    accuracies = rng.uniform(*settings.accuracy_range, size=n_lfs)
    positive = np.arange(n_lfs) % 2 == 0  # LFs that vote +1
    prior = settings.class_prior
    own_share = np.where(positive, prior, 1.0 - prior)  # P(the LF's class)
    fires_own = np.minimum(1.0, accuracies * settings.coverage / own_share)
    fires_other = np.minimum(1.0, (1.0 - accuracies) * settings.coverage / (1.0 - own_share))
    tables = np.zeros((n_lfs, 2, 3))
    lfs, vote = np.arange(n_lfs), np.where(positive, 2, 0)  # column of the LF's vote
    own_class = positive.astype(int)  # row of the LF's class
    tables[lfs, own_class, vote] = fires_own
    tables[lfs, 1 - own_class, vote] = fires_other
    tables[:, :, 1] = 1.0 - tables.sum(axis=2)
    label_matrix = sample_label_matrix(y, tables, seed=int(rng.integers(2**31)))
    right = own_share * fires_own
    return label_matrix, right / (right + (1.0 - own_share) * fires_other), tables


def run_explorer(settings: ExplorerSettings | None = None) -> ExplorerResult:
    """Simulate one setting, fit both label models, and score every method.

    The label model is :class:`~dataprog_helpers.label_model.LabelModel` with
    ``class_prior="estimate"``, fitted by gradient descent on all ``n_points``
    points; the class-conditional model is
    :class:`~dataprog_helpers.label_model.ClassConditionalLabelModel` with its
    defaults.  Both are scored on the same points: there is no training here,
    only inference, so no test split is needed.  Settings where a model cannot
    identify its parameters (e.g. too few LFs vote together) do not raise: the
    result carries the reason in ``messages`` and, for that model, a posterior
    that always answers 0.5.
    """
    settings = ExplorerSettings() if settings is None else settings
    y, label_matrix, true_accuracies, true_tables = _simulate(settings)
    n_lfs = settings.n_lfs
    is_copy = np.arange(n_lfs) >= n_lfs - settings.n_copies
    model, model_messages = _fit_quietly(LabelModel(class_prior="estimate"), label_matrix,
                                         "label model")
    per_class, per_class_messages = _fit_quietly(ClassConditionalLabelModel(), label_matrix,
                                                 "class-conditional model")
    messages = model_messages + per_class_messages
    if model is None:
        estimated = np.full(n_lfs, np.nan)
        probabilities = np.full(len(y), 0.5)
        estimated_prior = float("nan")
    else:
        estimated = model.accuracies_
        probabilities = model.predict_proba(label_matrix)
        estimated_prior = model.class_prior_
    if per_class is None:
        per_class_accuracies = np.full(n_lfs, np.nan)
        per_class_probabilities = np.full(len(y), 0.5)
        per_class_predictions = np.zeros(len(y), dtype=np.int8)
    else:
        per_class_accuracies = per_class.accuracies_
        per_class_probabilities = per_class.predict_proba(label_matrix)
        per_class_predictions = per_class.predict(label_matrix)
    if true_tables is None:
        oracle = posterior_proba(label_matrix, true_accuracies, settings.class_prior)
    else:
        oracle = conditional_posterior_proba(label_matrix, true_tables, settings.class_prior)
    predictions = {
        "majority vote": majority_vote(label_matrix),
        "label model": labels_from_probabilities(probabilities),
        "class-conditional": per_class_predictions,
        "oracle": labels_from_probabilities(oracle),
    }
    scores = {name: accuracy(y, predictions[name]) for name in SCORED_METHODS}
    return ExplorerResult(
        settings=settings, y=y, true_accuracies=true_accuracies,
        estimated_accuracies=estimated, is_copy=is_copy, probabilities=probabilities,
        scores=scores, estimated_class_prior=estimated_prior, messages=tuple(messages),
        class_conditional_accuracies=per_class_accuracies,
        class_conditional_probabilities=per_class_probabilities,
    )


def _fit_quietly(model, label_matrix: np.ndarray, name: str):
    """``(fitted model or None, messages)``: the fit's warnings, or why it failed, as text."""
    messages = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = model.fit(label_matrix)
        except ValueError as error:
            model = None
            messages.append(f"{name} not fitted: {error}")
    prefix = "" if name == "label model" else f"{name}: "
    messages.extend(prefix + str(warning.message) for warning in caught)
    return model, messages


def explorer_sweep(
    values_by_setting: dict[str, list],
    settings: ExplorerSettings | None = None,
    seeds: tuple[int, ...] = (0, 1, 2),
) -> pd.DataFrame:
    """Move one slider at a time, the others at ``settings``: the explorer without widgets.

    Parameters
    ----------
    values_by_setting : dict of setting name to list of values
        E.g. ``{"coverage": [0.1, 0.3, 0.6]}``; each setting is varied alone.
    settings : ExplorerSettings, optional
        The fixed values of the other settings (the defaults if None).
    seeds : tuple of int
        Each point is the mean over these simulation seeds.

    Returns
    -------
    pandas.DataFrame
        One row per (setting, value), indexed by both, with the mean accuracy of
        each method in :data:`SCORED_METHODS`, ``"mean accuracy error"`` (the
        label model's mean |estimated - true| LF accuracy) and
        ``"class-conditional accuracy error"`` (the same for the class-conditional
        model; NaN where a fit failed).
    """
    settings = ExplorerSettings() if settings is None else settings
    if not isinstance(settings, ExplorerSettings):
        raise TypeError(f"settings must be an ExplorerSettings, got {type(settings).__name__}")
    if not isinstance(values_by_setting, dict) or not values_by_setting:
        raise ValueError("values_by_setting must be a non-empty dict of setting -> values")
    fields = {field.name for field in dataclasses.fields(ExplorerSettings)} - {"seed"}
    unknown = sorted(set(values_by_setting) - fields)
    if unknown:
        raise ValueError(f"values_by_setting has unknown setting(s) {unknown}; "
                         f"expected some of {sorted(fields)}")
    seeds = tuple(check_seed(seed, "seeds") for seed in seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    rows, names, values = [], [], []
    for name, setting_values in values_by_setting.items():
        for value in setting_values:
            value = tuple(value) if isinstance(value, list) else value  # hashable, for the index
            results = [run_explorer(dataclasses.replace(settings, **{name: value, "seed": seed}))
                       for seed in seeds]
            names.append(name)
            values.append(value)
            row = {}
            for method in SCORED_METHODS:
                row[method] = np.mean([result.scores[method] for result in results])
            row["mean accuracy error"] = np.mean([r.mean_absolute_error for r in results])
            row["class-conditional accuracy error"] = np.mean(
                [r.class_conditional_error for r in results])
            rows.append(row)
    table = pd.DataFrame(rows)
    # Explicit levels, so that values of different settings (ints, floats, ranges) keep
    # their own types instead of all becoming floats.
    name_level, value_level = list(dict.fromkeys(names)), list(dict.fromkeys(values))
    table.index = pd.MultiIndex(
        levels=[pd.Index(name_level), pd.Index(value_level, dtype=object)],
        codes=[[name_level.index(name) for name in names],
               [value_level.index(value) for value in values]],
        names=["setting", "value"],
    )
    return table


def plot_explorer(result, axes=None) -> np.ndarray:
    """The explorer's three linked panels for one explorer result.

    Left: estimated against true LF accuracies, the near-copies of LF 0
    marked apart, and the class-conditional model's estimates beside the label
    model's.  Middle: the posterior P(y = +1 | votes) by true class, of the
    model whose assumptions the simulated LFs meet: the label model's, or the
    class-conditional model's for one-sided LFs (the title says which).  Right:
    the accuracy of majority vote, the label model, the class-conditional model
    and the oracle (true parameters and class prior), with the chance level
    of always answering the majority class.

    Parameters
    ----------
    result : ExplorerResult
        From :func:`run_explorer`.
    axes : sequence of three Axes, optional
        Where to draw (a new 1 x 3 figure if None).

    Returns
    -------
    ndarray of three Axes
    """
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(13.0, 4.2), layout="constrained")
    axes = np.asarray(axes, dtype=object).ravel()
    if axes.size != 3:
        raise ValueError(f"axes must hold 3 Axes, got {axes.size}")
    settings = result.settings
    accuracy_ax, posterior_ax, score_ax = axes
    if np.all(np.isfinite(result.estimated_accuracies)):
        title = f"LF accuracies (label model: mean error {result.mean_absolute_error:.3f})"
        plot_accuracy_estimates(result.true_accuracies, result.estimated_accuracies,
                                ax=accuracy_ax, title=title, label="label model")
        if result.is_copy.any():
            accuracy_ax.scatter(result.true_accuracies[result.is_copy],
                                result.estimated_accuracies[result.is_copy], marker="x",
                                color="tab:red", s=60, zorder=4, label="near-copy of LF 0")
        if np.all(np.isfinite(result.class_conditional_accuracies)):
            accuracy_ax.scatter(result.true_accuracies, result.class_conditional_accuracies,
                                marker="^", facecolors="none", edgecolors="tab:orange", s=40,
                                zorder=3, label="class-conditional model "
                                f"(mean error {result.class_conditional_error:.3f})")
        accuracy_ax.legend(loc="best", fontsize=8)
    else:
        accuracy_ax.text(0.5, 0.5, "label model not fitted", ha="center", va="center",
                         transform=accuracy_ax.transAxes)
        accuracy_ax.set_xlabel("true accuracy P(right | votes)")
        accuracy_ax.set_ylabel("estimated accuracy")
        accuracy_ax.set_title("LF accuracies")
    if settings.one_sided:
        plot_posterior_histogram(result.class_conditional_probabilities, result.y,
                                 ax=posterior_ax, bins=25,
                                 title="Class-conditional posterior by true class")
    else:
        plot_posterior_histogram(result.probabilities, result.y, ax=posterior_ax, bins=25,
                                 title="Label model posterior by true class")
    names = list(result.scores)
    values = [result.scores[name] for name in names]
    bars = score_ax.bar([name.replace(" ", "\n") for name in names], values,
                        color=[_METHOD_COLOURS.get(name, "tab:purple") for name in names])
    score_ax.bar_label(bars, labels=[f"{value:.3f}" for value in values], fontsize=9)
    chance = max(settings.class_prior, 1 - settings.class_prior)
    draw_reference_lines(score_ax, {"majority class": chance})
    score_ax.set_ylim(min(0.4, min(values) - 0.05), 1.05)
    score_ax.set_xlabel("method")
    score_ax.set_ylabel("accuracy (ties count half)")
    score_ax.set_title(f"m = {settings.n_lfs}{' one-sided' if settings.one_sided else ''}, "
                       f"coverage {settings.coverage:.2f}, "
                       f"copy rate {settings.copy_rate:.2f}", fontsize=10)
    score_ax.legend(loc="lower right", fontsize=8)
    return axes


#: Axis label of each setting that :func:`explorer_sweep` can vary (every field but
#: ``seed``); the part before " (" also titles the panel.
_SETTING_LABELS = {
    "n_lfs": "number of LFs m",
    "coverage": "coverage",
    "accuracy_range": "accuracy range (midpoint)",
    "class_prior": "class prior P(y = +1)",
    "copy_rate": "copy rate of the near-copies",
    "n_points": "number of points n",
    "one_sided": "one-sided LFs (0: no, 1: yes)",
}


#: One colour per method across the explorer's figures.
_METHOD_COLOURS = {"majority vote": "tab:grey", "label model": "tab:blue",
                   "class-conditional": "tab:orange", "oracle": "tab:green"}

#: The sweep's columns of LF-accuracy errors, and the model each belongs to.
_SWEEP_ERRORS = {"mean accuracy error": "label model",
                 "class-conditional accuracy error": "class-conditional"}


def plot_explorer_sweep(sweep: pd.DataFrame, axes=None) -> np.ndarray:
    """One column of panels per swept setting: what moving that one slider does.

    Top row: each method's accuracy.  Bottom row: each label model's mean
    |estimated - true| LF accuracy.

    Parameters
    ----------
    sweep : pandas.DataFrame
        From :func:`explorer_sweep`.
    axes : array of Axes of shape (2, number of settings), optional
        Where to draw (a new grid if None).

    Returns
    -------
    ndarray of Axes, shape (2, number of settings)
    """
    if (not isinstance(sweep, pd.DataFrame) or sweep.empty
            or list(sweep.index.names) != ["setting", "value"]
            or "mean accuracy error" not in sweep.columns):
        raise ValueError("sweep must be the non-empty table returned by explorer_sweep")
    names = list(dict.fromkeys(sweep.index.get_level_values("setting")))
    if axes is None:
        _, axes = plt.subplots(2, len(names), figsize=(3.2 * len(names), 5.6),
                               layout="constrained", sharey="row", squeeze=False)
    axes = np.asarray(axes, dtype=object).reshape(2, -1)
    if axes.shape[1] != len(names):
        raise ValueError(f"axes must have shape (2, {len(names)}), one column per setting, "
                         f"got {axes.shape}")
    methods = [column for column in sweep.columns if column not in _SWEEP_ERRORS]
    errors = [column for column in _SWEEP_ERRORS if column in sweep.columns]
    for (score_ax, error_ax), name in zip(axes.T, names, strict=True):
        rows = sweep.xs(name, level="setting")
        # A range setting such as accuracy_range is plotted at its midpoint.
        positions = [float(np.mean(value)) for value in rows.index]
        for method, marker in zip(methods, "os^v", strict=False):
            score_ax.plot(positions, rows[method], marker=marker, label=method,
                          color=_METHOD_COLOURS.get(method))
        for column, marker in zip(errors, "s^", strict=False):
            model = _SWEEP_ERRORS[column]
            error_ax.plot(positions, rows[column], marker=marker, label=model,
                          color=_METHOD_COLOURS[model])
        score_ax.set_title(f"varying {_SETTING_LABELS.get(name, name).split(' (')[0]}",
                           fontsize=10)
        error_ax.set_xlabel(_SETTING_LABELS.get(name, name))
    axes[0, 0].set_ylabel("accuracy (ties count half)")
    axes[1, 0].set_ylabel("mean |estimated - true|\nLF accuracy")
    axes[0, 0].legend(fontsize=8)
    axes[1, 0].legend(fontsize=8)
    return axes


class LabelModelExplorer:
    """Sliders for the simulation's settings (and a one-sided-LF checkbox), wired to three plots.

    Parameters
    ----------
    settings : ExplorerSettings, optional
        Where the sliders start (the defaults of :class:`ExplorerSettings`).

    Attributes
    ----------
    settings : ExplorerSettings
        The current settings.
    result_ : ExplorerResult
        The result for the current settings.
    figure : matplotlib.figure.Figure
        The figure the three panels are drawn on (made without pyplot, so it is
        shown only where the explorer shows it).

    Examples
    --------
    In a notebook, ``LabelModelExplorer().show()`` shows the sliders and the plots;
    ``explorer.update(coverage=0.1)`` does what moving the coverage slider does.
    """

    def __init__(self, settings: ExplorerSettings | None = None) -> None:
        if settings is not None and not isinstance(settings, ExplorerSettings):
            raise TypeError(
                f"settings must be an ExplorerSettings, got {type(settings).__name__}"
            )
        self.settings = settings or ExplorerSettings()
        self.figure = Figure(figsize=(13.0, 4.2), dpi=90, layout="constrained")
        FigureCanvasAgg(self.figure)  # draws in memory, without pyplot
        self._views = None  # (image, messages) widgets once widgets() has been called
        self.result_ = self._redraw()

    def _redraw(self) -> ExplorerResult:
        result = run_explorer(self.settings)
        self.figure.clear()
        plot_explorer(result, self.figure.subplots(1, 3))
        return result

    def update(self, **changes) -> ExplorerResult:
        """Apply new settings (any :class:`ExplorerSettings` field), refit and redraw.

        This is what each slider calls.  Invalid values raise ``ValueError``
        (or ``TypeError`` for an unknown setting) and leave the explorer as it was.

        Returns
        -------
        ExplorerResult
            The new result, also stored as ``result_``.
        """
        fields = {field.name for field in dataclasses.fields(ExplorerSettings)}
        unknown = sorted(set(changes) - fields)
        if unknown:
            raise TypeError(f"unknown setting(s) {unknown}; expected some of {sorted(fields)}")
        self.settings = dataclasses.replace(self.settings, **changes)
        self.result_ = self._redraw()
        if self._views is not None:
            self._refresh_views()
        return self.result_

    def png(self) -> bytes:
        """The current figure as PNG bytes (what the sliders' image shows).

        One draw (the constrained layout, then the pixels), then the pixels
        encoded: ``savefig`` would draw twice, the first time for the layout alone.
        """
        canvas = self.figure.canvas
        canvas.draw()
        buffer = io.BytesIO()
        imsave(buffer, np.asarray(canvas.buffer_rgba()), format="png")
        return buffer.getvalue()

    def _messages_html(self) -> str:
        return "<br>".join(html.escape(message) for message in self.result_.messages)

    def _refresh_views(self) -> None:
        image, messages = self._views
        image.value = self.png()
        messages.value = self._messages_html()

    def widgets(self):
        """The sliders, the figure (as a PNG image widget) and any fit warnings, in one box.

        Sliders update on release (``continuous_update=False``), so each change
        costs one refit and one redraw.  Raises ``ImportError`` without ipywidgets.
        """
        import ipywidgets as widgets

        s = self.settings
        sizes = sorted({1_000, 2_000, 5_000, 10_000, 20_000, 50_000, s.n_points})
        style = {"description_width": "9em"}
        layout = widgets.Layout(width="24em")
        options = dict(continuous_update=False, style=style, layout=layout)
        sliders = {
            "n_lfs": widgets.IntSlider(s.n_lfs, min=3, max=max(30, s.n_lfs),
                                       description="LFs (m)", **options),
            "coverage": widgets.FloatSlider(s.coverage, min=min(0.05, s.coverage), max=1.0,
                                            step=0.05,
                                            description="coverage", **options),
            "accuracy_range": widgets.FloatRangeSlider(
                value=s.accuracy_range, min=min(0.3, s.accuracy_range[0]),
                max=max(0.95, s.accuracy_range[1]), step=0.05,
                description="accuracy range", **options),
            "class_prior": widgets.FloatSlider(
                s.class_prior, min=min(0.05, s.class_prior), max=max(0.95, s.class_prior),
                step=0.05, description="P(y = +1)", **options),
            "copy_rate": widgets.FloatSlider(s.copy_rate, min=0.0, max=1.0, step=0.05,
                                             description="copy rate", **options),
            "n_points": widgets.SelectionSlider(
                options=sizes, value=s.n_points,
                description="points (n)", **options),
            "one_sided": widgets.Checkbox(s.one_sided, description="one-sided LFs",
                                          style=style, layout=layout),
        }
        for name, slider in sliders.items():
            slider.observe(lambda change, name=name: self.update(**{name: change["new"]}),
                           names="value")
        self._views = (widgets.Image(format="png", layout=widgets.Layout(max_width="100%")),
                       widgets.HTML())
        self._refresh_views()
        controls = widgets.HBox([widgets.VBox(list(sliders.values())[:4]),
                                 widgets.VBox(list(sliders.values())[4:])])
        return widgets.VBox([controls, *self._views])

    def show(self) -> None:
        """Show the sliders and plots, or, without ipywidgets, the static figure.

        The fallback prints why there are no sliders and displays the figure for
        the current settings; :meth:`update` still works from code.  Outside
        IPython (a plain script) there is nothing to display on, so it says so:
        save ``explorer.figure`` instead.
        """
        try:
            from IPython.display import Image, display
        except ImportError:
            print("Not running in IPython or Jupyter: nothing to show. "
                  "Save explorer.figure with explorer.figure.savefig(...) instead.")
            return
        try:
            box = self.widgets()
        except ImportError:
            print("ipywidgets is not installed: showing the figure for the current settings. "
                  "Call explorer.update(...) to change them.")
            display(Image(self.png()))
            for message in self.result_.messages:
                print(message)
        else:
            display(box)
