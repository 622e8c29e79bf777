"""Tests of LFDevelopmentRound: one round of writing LFs, judged on unlabeled and dev rows."""

import numpy as np
import pandas as pd
import pytest

from dataprog_helpers import LFDevelopmentRound, accuracy, majority_vote

SPAM, HAM, ABSTAIN = 1, -1, 0


def lf_link(row) -> int:
    return SPAM if "http" in row["text"] else ABSTAIN


def lf_short(row) -> int:
    return HAM if len(row["text"].split()) < 3 else ABSTAIN


def lf_song(row) -> int:
    return HAM if "song" in row["text"] else ABSTAIN


def lf_never(row) -> int:
    return ABSTAIN


UNLABELED = pd.DataFrame({"text": ["see http://a.b", "nice", "great song", "long words here too",
                                   "http://x.y now", "ok then", "so good really yes"] * 5})
DEV = pd.DataFrame({
    "text": ["visit http://spam.com now", "cool", "buy now http://x", "short spam",
             "a long ham comment", "another long one here"],
    "y": [SPAM, HAM, SPAM, SPAM, HAM, HAM]})


@pytest.fixture(scope="module")
def development():
    return LFDevelopmentRound([lf_link, lf_short, lf_song, lf_never], unlabeled=UNLABELED,
                              dev=DEV)


def test_the_report_counts_dev_votes_and_accuracies_with_their_wilson_intervals(development):
    report = development.report()
    assert list(report.index) == ["lf_link", "lf_short", "lf_song", "lf_never"]
    # lf_short votes HAM on "cool" (right) and "short spam" (wrong).
    assert report.loc["lf_short", "dev votes"] == 2
    assert report.loc["lf_short", "dev accuracy"] == 0.5
    # Wilson's interval: 1 of 2 right gives (0.095, 0.905); 2 of 2, (0.342, 1).
    assert report.loc["lf_short", "dev accuracy low"] == pytest.approx(0.0945, abs=1e-4)
    assert report.loc["lf_short", "dev accuracy high"] == pytest.approx(0.9055, abs=1e-4)
    assert report.loc["lf_link", "dev accuracy"] == 1.0
    assert report.loc["lf_link", "dev accuracy low"] == pytest.approx(0.3424, abs=1e-4)
    assert report.loc["lf_link", "dev accuracy high"] == 1.0
    assert np.isnan(report.loc["lf_never", "dev accuracy low"])
    # Coverage is measured on the unlabeled rows: 2 of every 7 have a link.
    assert report.loc["lf_link", "coverage"] == pytest.approx(2 / 7)


def test_mistakes_and_uncovered_rows_are_shown_with_their_text(development):
    mistakes = development.mistakes()
    assert mistakes.to_dict("records") == [
        {"lf": "lf_short", "vote": HAM, "label": SPAM, "text": "short spam"}]
    assert development.mistakes("lf_link").empty
    uncovered = development.uncovered()
    assert uncovered.text.tolist() == ["a long ham comment", "another long one here"]
    assert uncovered.label.tolist() == [HAM, HAM]


def test_the_summary_is_one_line_of_coverage_and_dev_accuracies(development):
    summary = development.summary()
    assert summary["LFs"] == 4
    assert summary["coverage"] == pytest.approx(5 / 7)  # rows with a link or under 3 words
    # Majority vote on dev: right on 3 comments, wrong on "short spam", two ties (half each).
    assert summary["dev majority vote"] == pytest.approx(4 / 6)
    assert 0 <= summary["dev label model"] <= 1
    assert summary["dev points"] == 6
    for name in ("majority vote", "label model"):
        low, high = summary[f"{name} low"], summary[f"{name} high"]
        assert 0 <= low < summary[f"dev {name}"] < high <= 1
    # The LF that never votes is left out of the label model, not an error.
    assert development.label_model_lfs == ["lf_link", "lf_short", "lf_song"]


def test_dev_predictions_are_what_the_summary_scores(development):
    predictions = development.dev_predictions()
    assert predictions.shape == (6,) and set(np.unique(predictions)) <= {-1, 0, 1}
    assert accuracy(DEV.y, predictions) == pytest.approx(development.summary()["dev label model"])


def test_a_round_with_too_few_voting_lfs_still_reports():
    silent = LFDevelopmentRound([lf_link, lf_never], unlabeled=UNLABELED, dev=DEV)
    assert silent.label_model is None
    assert np.isnan(silent.summary()["dev label model"])
    np.testing.assert_array_equal(silent.dev_predictions(), majority_vote(silent.dev_label_matrix))
    assert silent.summary()["dev majority vote"] == pytest.approx((2 + 4 * 0.5) / 6)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"unlabeled": UNLABELED.text}, TypeError, r"unlabeled must be a pandas DataFrame"),
        ({"dev": DEV.drop(columns="y")}, ValueError, r"dev has no column 'y'"),
        ({"dev": DEV.assign(y=[1, 0, 1, 1, 0, 0])}, ValueError,
         r"dev\['y'\] must contain only -1 and \+1"),
        ({"text_column": "comment"}, ValueError, r"dev has no column 'comment'"),
    ],
    ids=["series", "no-labels", "zero-one-labels", "no-text"],
)
def test_bad_input_is_rejected_by_name(kwargs, error, pattern):
    arguments = {"unlabeled": UNLABELED, "dev": DEV, **kwargs}
    with pytest.raises(error, match=pattern):
        LFDevelopmentRound([lf_link, lf_short], **arguments)


def test_an_unknown_lf_name_is_rejected(development):
    with pytest.raises(ValueError, match=r"lf must be one of this round's LFs"):
        development.mistakes("lf_missing")
