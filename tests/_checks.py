"""Assertions several test modules share."""

import numpy as np


def _history(est):
    return (est[-1] if hasattr(est, "steps") else est).history_["loss"]


def same_fold_models(ours, theirs, X):
    """Two ``cross_validate(..., return_estimator=True)`` results hold the same
    networks: identical test scores, probabilities on ``X`` within 1e-5 and
    as many epochs run, fold by fold (estimators or Pipelines ending in one)."""
    np.testing.assert_array_equal(ours["test_score"], theirs["test_score"])
    assert len(ours["estimator"]) == len(theirs["estimator"])
    for a, b in zip(ours["estimator"], theirs["estimator"]):
        np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), atol=1e-5)
        assert len(_history(a)) == len(_history(b))
