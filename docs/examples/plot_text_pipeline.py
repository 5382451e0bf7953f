"""
A text pipeline with TF-IDF
===========================

Sparse TF-IDF features go straight into the MLP: each batch is densified inside
the input pipeline, never the whole matrix. Labels are given as sets of names,
and the per-label F1 is compared with binary relevance on the same features.
"""

# %%
# Synthetic headlines: each has one or two topics, draws three words from its
# topics' vocabularies, four common words and one stray word from any topic.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from skmultilabel_mlp import MultiLabelMLPClassifier

RANDOM_STATE = 0
rng = np.random.default_rng(RANDOM_STATE)
WORDS = {
    "economy": "budget tax market prices jobs bank growth trade inflation investors",
    "politics": "parliament election minister senate vote law party campaign debate",
    "sport": "goal striker match league cup coach referee fans season title win",
    "tech": "chip phone software app startup data cloud laptop battery robot",
}
WORDS = {topic: words.split() for topic, words in WORDS.items()}
COMMON = "the a new big late first today after report says week city plan".split()


def headline(topics):
    topical = [w for t in sorted(topics) for w in WORDS[t]]
    words = [*rng.choice(topical, 3), *rng.choice(COMMON, 4)]
    words.append(rng.choice(WORDS[rng.choice(list(WORDS))]))
    return " ".join(rng.permutation(words))


def draw_topics():
    k = rng.choice([1, 2], p=[0.6, 0.4])
    return {str(t) for t in rng.choice(list(WORDS), k, replace=False)}


tags = [draw_topics() for _ in range(800)]
texts = [headline(t) for t in tags]
texts_train, texts_test, tags_train, tags_test = train_test_split(
    texts, tags, test_size=0.25, random_state=RANDOM_STATE
)
pd.DataFrame({"headline": texts_train[:5], "topics": tags_train[:5]})

# %%
# The MLP learns from the label sets directly.
model = make_pipeline(
    TfidfVectorizer(),
    MultiLabelMLPClassifier(
        hidden_layer_sizes=(64,), epochs=20, random_state=RANDOM_STATE
    ),
)
model.fit(texts_train, tags_train)
new = ["late goal wins the cup", "senate vote on a chip tax"]
model[-1].predict_labels(model[0].transform(new))

# %%
# Binary relevance, one logistic regression per label on the same TF-IDF
# features, is the classic text baseline. Per-label F1 on the held-out quarter:
labels = list(model[-1].label_names_)
binarizer = MultiLabelBinarizer(classes=labels)
Y_train = binarizer.fit_transform(tags_train)
Y_test = binarizer.transform(tags_test)
baseline = make_pipeline(
    TfidfVectorizer(), OneVsRestClassifier(LogisticRegression(max_iter=1000))
).fit(texts_train, Y_train)
scores = pd.DataFrame(
    {
        "binary relevance": f1_score(
            Y_test, baseline.predict(texts_test), average=None
        ),
        "MLP": f1_score(Y_test, model.predict(texts_test), average=None),
        "test rows with it": Y_test.sum(axis=0),
    },
    index=pd.Index(labels, name="label"),
)
scores.round(3)

# %%
# The same numbers as bars.
fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
rows = np.arange(len(labels))
ax.barh(rows + 0.2, scores["binary relevance"], 0.4, label="binary relevance")
ax.barh(rows - 0.2, scores["MLP"], 0.4, label="MultiLabelMLPClassifier")
ax.set_yticks(rows, labels)
ax.set(xlim=(0.5, 1), xlabel="F1 on the test headlines", title="F1 per label")
fig.legend(loc="outside right upper", fontsize="small")
