"""Metric functions against hand-computed values and sklearn's implementations."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn import metrics as skm

from skmultilabel_mlp import metrics as m

Y_TRUE = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]])
Y_PRED = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 1, 1]])
# wrong entries: (0, 2), (2, 1), (3, 1) -> 3 of 12; only row 1 is fully right
PROBA = np.array([[0.9, 0.2, 0.4], [0.1, 0.7, 0.3], [0.8, 0.45, 0.1], [0.3, 0.6, 0.9]])


@pytest.mark.parametrize("convert", [np.asarray, sp.csr_matrix, pd.DataFrame])
def test_hamming_and_exact_match_by_hand(convert):
    yt, yp = convert(Y_TRUE), convert(Y_PRED)
    assert m.hamming_loss(yt, yp) == pytest.approx(3 / 12)
    assert m.hamming_score(yt, yp) == pytest.approx(9 / 12)
    assert m.exact_match_score(yt, yp) == pytest.approx(1 / 4)


def test_hamming_and_exact_match_equal_sklearn():
    w = np.array([1, 2, 3, 4])
    assert m.hamming_loss(Y_TRUE, Y_PRED, sample_weight=w) == pytest.approx(
        skm.hamming_loss(Y_TRUE, Y_PRED, sample_weight=w)
    )
    assert m.exact_match_score(Y_TRUE, Y_PRED, sample_weight=w) == pytest.approx(
        skm.accuracy_score(Y_TRUE, Y_PRED, sample_weight=w)
    )


def test_per_label_f1_by_hand_and_against_sklearn():
    # label 0 perfect; label 1 TP=1 FP=1 FN=1 -> 0.5; label 2 TP=1 FN=1 -> 2/3
    f1 = m.per_label_f1_score(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(f1, [1.0, 0.5, 2 / 3])
    np.testing.assert_allclose(f1, skm.f1_score(Y_TRUE, Y_PRED, average=None))


def test_mean_bce_by_hand():
    value = m.mean_binary_cross_entropy([[1, 0]], [[0.8, 0.3]])
    assert value == pytest.approx(-(np.log(0.8) + np.log(0.7)) / 2)


def test_mean_bce_is_the_mean_of_per_label_log_loss():
    expected = np.mean(
        [skm.log_loss(Y_TRUE[:, j], PROBA[:, j], labels=[0, 1]) for j in range(3)]
    )
    assert m.mean_binary_cross_entropy(Y_TRUE, PROBA) == pytest.approx(expected)


def test_mean_bce_differs_from_sklearn_log_loss_as_the_reference_says():
    """sklearn's log_loss ignores negative labels: predicting all labels scores ~0."""
    everything = np.full(Y_TRUE.shape, 0.999)
    with pytest.warns(UserWarning, match="sum to one"):
        sk = skm.log_loss(Y_TRUE, everything)
    ours = m.mean_binary_cross_entropy(Y_TRUE, everything)
    assert sk < 0.002
    # half the entries are negatives predicted at 0.999: -log(0.001) / 2 ~ 3.45
    assert ours == pytest.approx((6 * -np.log(0.999) + 6 * -np.log(0.001)) / 12)
    # sklearn's value is exactly the mean over rows of -sum(y log p)
    assert sk == pytest.approx(np.mean(-(Y_TRUE * np.log(everything)).sum(axis=1)))


def test_mean_bce_accepts_the_multioutput_list_format():
    as_list = [np.column_stack([1 - PROBA[:, j], PROBA[:, j]]) for j in range(3)]
    assert m.mean_binary_cross_entropy(Y_TRUE, as_list) == pytest.approx(
        m.mean_binary_cross_entropy(Y_TRUE, PROBA)
    )


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (
            m.label_ranking_average_precision_score,
            skm.label_ranking_average_precision_score,
        ),
        (m.label_ranking_loss, skm.label_ranking_loss),
        (m.coverage_error, skm.coverage_error),
    ],
)
def test_ranking_metrics_equal_sklearn(ours, theirs):
    assert ours(Y_TRUE, PROBA) == pytest.approx(theirs(Y_TRUE, PROBA))


def test_lrap_by_hand():
    # row 0: labels 0 (rank 1) and 2 (rank 2) -> (1/1 + 2/2)/2 = 1
    # row 1: label 1 rank 1 -> 1; row 3: label 2 rank 1 -> 1
    # row 2: label 0 rank 1 -> 1, label 1 rank 2 -> 2/2 = 1
    assert m.label_ranking_average_precision_score(Y_TRUE, PROBA) == pytest.approx(1.0)


def test_nan_in_y_true_needs_ignore_missing():
    yt = Y_TRUE.astype(float)
    yt[0, 2] = np.nan  # hides the (0, 2) error
    with pytest.raises(ValueError, match="ignore_missing=True"):
        m.hamming_loss(yt, Y_PRED)
    assert m.hamming_loss(yt, Y_PRED, ignore_missing=True) == pytest.approx(2 / 11)
    assert m.exact_match_score(yt, Y_PRED, ignore_missing=True) == pytest.approx(2 / 4)
    f1 = m.per_label_f1_score(yt, Y_PRED, ignore_missing=True)
    assert f1[2] == pytest.approx(1.0)  # label 2 on rows 1-3: TP=1, no error
    bce = m.mean_binary_cross_entropy(yt, PROBA, ignore_missing=True)
    known = ~np.isnan(yt)
    terms = -(
        np.nan_to_num(yt) * np.log(PROBA) + (1 - np.nan_to_num(yt)) * np.log(1 - PROBA)
    )
    assert bce == pytest.approx(terms[known].mean())


@pytest.mark.parametrize(
    "y_pred, match",
    [
        (Y_PRED[:3], r"shape \(4, 3\) but y_pred has shape \(3, 3\)"),
        (Y_PRED * 2, "only 0 and 1"),
    ],
)
def test_bad_input_names_the_argument(y_pred, match):
    with pytest.raises(ValueError, match=match):
        m.hamming_loss(Y_TRUE, y_pred)


def test_probabilities_out_of_range_are_rejected():
    with pytest.raises(ValueError, match=r"y_proba must hold probabilities"):
        m.mean_binary_cross_entropy(Y_TRUE, PROBA * 2)


def test_report_has_per_label_and_aggregate_rows():
    report = m.multilabel_report(Y_TRUE, Y_PRED, PROBA, label_names=["a", "b", "c"])
    np.testing.assert_allclose(report.loc[["a", "b", "c"], "f1"], [1.0, 0.5, 2 / 3])
    np.testing.assert_array_equal(report.loc[["a", "b", "c"], "support"], [2, 2, 2])
    np.testing.assert_allclose(report.loc[["a", "b", "c"], "positive_rate"], [0.5] * 3)
    assert report.loc["micro avg", "f1"] == pytest.approx(
        skm.f1_score(Y_TRUE, Y_PRED, average="micro")
    )
    assert report.loc["samples avg", "f1"] == pytest.approx(
        skm.f1_score(Y_TRUE, Y_PRED, average="samples")
    )
    assert report.loc["hamming loss", "value"] == pytest.approx(0.25)
    assert report.loc["exact match", "value"] == pytest.approx(0.25)
    assert report.loc["a", "roc_auc"] == pytest.approx(
        skm.roc_auc_score(Y_TRUE[:, 0], PROBA[:, 0])
    )


def test_report_renders_as_text_with_dataframe_names():
    text = m.multilabel_report(
        pd.DataFrame(Y_TRUE, columns=["x", "y", "z"]), Y_PRED, output="text"
    )
    assert "macro avg" in text and "hamming loss  0.2500" in text
    assert text.splitlines()[2].startswith("x ")


# One label: tp=1 fp=1 fn=2 -> F1 0.4; scikit-learn's macro over the classes 0 and
# 1 of this binary target would be 0.56.
Y1_TRUE = np.array([1, 0, 0, 0, 1, 0, 1, 0])
Y1_PRED = np.array([0, 0, 1, 0, 1, 0, 0, 0])
PROBA1 = np.array([0.4, 0.1, 0.6, 0.2, 0.9, 0.3, 0.35, 0.05])
ONE_LABEL = pytest.mark.parametrize("shape", [(-1,), (-1, 1)], ids=["1d", "column"])


@ONE_LABEL
def test_one_label_per_label_f1_is_sklearns_binary_f1(shape):
    f1 = m.per_label_f1_score(Y1_TRUE.reshape(shape), Y1_PRED.reshape(shape))
    np.testing.assert_allclose(f1, [skm.f1_score(Y1_TRUE, Y1_PRED)])


@ONE_LABEL
def test_one_label_report_rows_equal_sklearns_binary_scores(shape):
    yt, yp = Y1_TRUE.reshape(shape), Y1_PRED.reshape(shape)
    report = m.multilabel_report(yt, yp, PROBA1.reshape(shape), label_names=["x"])
    binary = skm.precision_recall_fscore_support(Y1_TRUE, Y1_PRED, average="binary")
    for row in ["x", "micro avg", "macro avg"]:
        np.testing.assert_allclose(
            report.loc[row, ["precision", "recall", "f1"]].astype(float), binary[:3]
        )
    assert report.loc["x", "support"] == 3
    # per row, F1 is 1 where both hold the label and 0 otherwise (zero_division=0)
    assert report.loc["samples avg", "f1"] == pytest.approx(np.mean(Y1_TRUE * Y1_PRED))
    assert report.loc["x", "roc_auc"] == pytest.approx(
        skm.roc_auc_score(Y1_TRUE, PROBA1)
    )
    assert report.loc["hamming loss", "value"] == pytest.approx(3 / 8)
    assert "macro avg" in m.multilabel_report(yt, yp, output="text")


@ONE_LABEL
def test_one_label_ranking_metrics_follow_their_definition(shape):
    yt, proba = Y1_TRUE.reshape(shape), PROBA1.reshape(shape)
    # one label: nothing to rank below it, and covering a row takes 1 label iff
    # the row has it (sklearn's coverage is 0 for a row without true labels)
    assert m.label_ranking_average_precision_score(yt, proba) == 1.0
    assert m.label_ranking_loss(yt, proba) == 0.0
    assert m.coverage_error(yt, proba) == pytest.approx(Y1_TRUE.mean())
