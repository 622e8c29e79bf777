"""Tests of LFDevelopmentRound: one round of writing LFs, judged on unlabeled and dev rows."""

import numpy as np
import pandas as pd
import pytest

import dataprog_helpers as dh
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


# --- k classes: names in, names out -----------------------------------------------------------

GENRES = ["pop", "rock", "rap"]


def lf_pop(row):
    return "pop" if "dance" in row["text"] else dh.ABSTAIN


def lf_rock(row):
    return "rock" if "guitar" in row["text"] else dh.ABSTAIN


def lf_rap(row):
    return "rap" if "rhyme" in row["text"] else dh.ABSTAIN


def lf_loud(row):
    return "rock" if "loud" in row["text"] else dh.ABSTAIN


SONGS = pd.DataFrame({"text": ["dance all night", "guitar solo", "rhyme time", "loud guitar",
                               "dance floor loud", "slow rhyme flow", "quiet evening"] * 20})
SONGS_DEV = pd.DataFrame({
    "text": ["dance with me", "loud dance beat", "guitar and rhyme", "rhyme and flow",
             "nothing at all", "big guitar riff"],
    "genre": ["pop", "pop", "rock", "rap", "rap", "rock"]})


@pytest.fixture(scope="module")
def genres():
    return LFDevelopmentRound([lf_pop, lf_rock, lf_rap, lf_loud], SONGS, SONGS_DEV,
                              label_column="genre", classes=GENRES)


def test_a_k_class_round_reports_class_names(genres):
    assert genres.dev_labels.tolist() == [0, 0, 1, 2, 2, 1]
    report = genres.report()
    assert report.loc["lf_rock", "polarity"] == ["rock"]
    assert report.loc["lf_loud", "dev votes"] == 1  # "loud dance beat", a pop song
    assert report.loc["lf_loud", "dev accuracy"] == 0.0
    assert report.loc["lf_pop", "dev accuracy"] == 1.0
    assert 0.0 < report.loc["lf_pop", "dev accuracy low"] < 1.0
    mistakes = genres.mistakes()
    assert mistakes.to_dict("records") == [
        {"lf": "lf_rap", "vote": "rap", "label": "rock", "text": "guitar and rhyme"},
        {"lf": "lf_loud", "vote": "rock", "label": "pop", "text": "loud dance beat"}]
    assert genres.uncovered().to_dict("records") == [{"label": "rap", "text": "nothing at all"}]
    assert isinstance(genres.label_model, dh.ClassConditionalLabelModel)
    assert genres.label_model.cardinality == 3
    assert set(genres.dev_predictions()) <= {0, 1, 2}


def test_the_confusion_of_an_lf_counts_its_dev_votes_by_gold_class(genres):
    table = genres.confusion("lf_loud")
    assert list(table.index) == GENRES and list(table.columns) == [*GENRES, "abstain"]
    assert table.loc["pop", "rock"] == 1 and table.loc["pop", "abstain"] == 1
    assert table.to_numpy().sum() == len(SONGS_DEV)
    binary = LFDevelopmentRound([lf_link, lf_short, lf_song], UNLABELED, DEV).confusion("lf_link")
    assert list(binary.index) == [-1, 1] and binary.loc[1, 1] == 2


def test_the_k_class_summary_shares_majority_votes_ties(genres):
    summary = genres.summary()
    # Dev rows: 2 pop (one tied between pop and rock: half), rock 1 right + 1 tied rock/rap
    # (half), rap 1 right + 1 without votes (a third).
    assert summary["dev majority vote"] == pytest.approx((1 + 0.5 + 1 + 0.5 + 1 + 1 / 3) / 6)


def test_dev_labels_outside_the_classes_are_refused():
    dev = SONGS_DEV.assign(genre=["pop", "pop", "rock", "rap", "jazz", "rock"])
    with pytest.raises(ValueError, match=r"dev\['genre'\] holds 'jazz' \(row 4\), which is "
                                         r"neither one of classes"):
        LFDevelopmentRound([lf_pop, lf_rock, lf_rap], SONGS, dev, label_column="genre",
                           classes=GENRES)


def test_k_class_dev_labels_may_be_given_as_class_indices(genres):
    as_indices = SONGS_DEV.assign(genre=[0, 0, 1, 2, 2, 1])
    round_ = LFDevelopmentRound([lf_pop, lf_rock, lf_rap, lf_loud], SONGS, as_indices,
                                label_column="genre", classes=GENRES)
    assert round_.dev_labels.tolist() == genres.dev_labels.tolist()
    with pytest.raises(ValueError, match=r"holds 3 \(row 0\), which is neither"):
        LFDevelopmentRound([lf_pop, lf_rock, lf_rap], SONGS, SONGS_DEV.assign(genre=[3] * 6),
                           label_column="genre", classes=GENRES)
