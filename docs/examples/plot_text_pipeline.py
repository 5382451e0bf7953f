"""
A text pipeline with TF-IDF
===========================

Sparse TF-IDF features go straight into the MLP: each batch is densified inside
the input pipeline, never the whole matrix. Labels are given as sets of names.
"""

# %%
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline

from skmultilabel_mlp import MultiLabelMLPClassifier

RANDOM_STATE = 0
texts = [
    "the striker scored a late goal",
    "new phone chip is faster",
    "election results tonight",
    "the team won the cup final",
    "parliament votes on the tech tax",
    "a goal and a red card",
    "the minister unveils a chip factory",
    "fans celebrate the league title",
    "software update fixes the phone",
    "the senate debates the budget",
] * 6
tags = [
    {"sport"},
    {"tech"},
    {"politics"},
    {"sport"},
    {"politics", "tech"},
    {"sport"},
    {"politics", "tech"},
    {"sport"},
    {"tech"},
    {"politics"},
] * 6

# %%
model = make_pipeline(
    TfidfVectorizer(),
    MultiLabelMLPClassifier(
        hidden_layer_sizes=(16,),
        epochs=60,
        learning_rate=0.01,
        random_state=RANDOM_STATE,
    ),
)
model.fit(texts, tags)
new = ["the goal of the new chip", "tax vote in parliament"]
print(model[-1].label_names_)
print(model.predict_proba(new).round(2))
print(model[-1].predict_labels(model[0].transform(new)))
