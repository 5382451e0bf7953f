"""Multi-label classification with a Keras MLP, the scikit-learn way.

``import skmultilabel_mlp`` does not import Keras or a backend: the network code
is loaded the first time a classifier is fitted or unpickled.
"""

from ._classifier import MultiLabelMLPClassifier
from ._classifier_cv import MultiLabelMLPClassifierCV
from ._persistence import load, save
from ._version import __version__
from .losses import AsymmetricLoss, FocalLoss

__all__ = [
    "AsymmetricLoss",
    "FocalLoss",
    "MultiLabelMLPClassifier",
    "MultiLabelMLPClassifierCV",
    "__version__",
    "load",
    "save",
]
