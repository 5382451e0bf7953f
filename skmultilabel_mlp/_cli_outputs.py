"""What the CLI writes for outputs with their own classes (``--outputs``).

Predictions as a CSV (each output's class, then ``p(output=class)`` for every
class) and ``evaluate``'s measures per fold: exact match, mean per-output
accuracy and macro-F1, and log loss. Imports no backend until a model runs.
"""

import json

__all__ = ["output_predictions", "output_scores"]

SCORERS = (
    "multioutput_exact_match",
    "mean_output_accuracy",
    "mean_output_macro_f1",
    "neg_mean_output_log_loss",
)


def output_predictions(model, clf, X):
    """The CSV text of ``model``'s predictions for ``X`` (``clf`` its classifier)."""
    import pandas as pd

    probas = model.predict_proba(X)
    predicted = model.predict(X)
    if clf._one_d_:
        probas, predicted = [probas], predicted.reshape(-1, 1)
    result = pd.DataFrame(
        {str(n): predicted[:, j] for j, n in enumerate(clf.label_names_)}
    )
    classes = [clf.classes_] if clf._one_d_ else clf.classes_
    for name, p, cls in zip(clf.label_names_, probas, classes, strict=True):
        for k, c in enumerate(cls):
            result[f"p({name}={c})"] = p[:, k]
    return result.to_csv(index=False)


def output_scores(model, X, Y, n_folds, random_state):
    """``(table text, JSON text)`` of the measures over ``n_folds`` shuffled folds."""
    import pandas as pd
    from sklearn.model_selection import KFold

    from .metrics import get_scorer
    from .model_selection import cross_validate

    cv = KFold(n_folds, shuffle=True, random_state=random_state)
    scores = cross_validate(
        model, X, Y, cv=cv, scoring={n: get_scorer(n) for n in SCORERS}
    )
    frame = pd.DataFrame({n: scores[f"test_{n}"] for n in SCORERS})
    table = frame.agg(["mean", "std"]).T.round(4).to_string()
    payload = json.dumps({n: frame[n].tolist() for n in SCORERS}, indent=1) + "\n"
    return table, payload
