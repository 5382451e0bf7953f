"""A cross-validation splitter in a manifest: its class name and plain arguments.

``MultiLabelMLPClassifierCV(cv=...)`` is saved when ``cv`` is an int or one of
the k-fold and shuffle splitters of scikit-learn and of this package, written
as ``{"__splitter__": class name, "args": constructor arguments}`` (plain
values only, read as scikit-learn's repr reads them) and rebuilt from the
allowed classes alone, so a manifest can name no other code.
"""

import inspect

from sklearn import model_selection as sk_ms

from .model_selection import (
    MultilabelStratifiedKFold,
    MultilabelStratifiedShuffleSplit,
    RepeatedMultilabelStratifiedKFold,
)

__all__ = ["SPLITTERS", "from_json", "to_json"]

SPLITTERS = {
    cls.__name__: cls
    for cls in (
        sk_ms.KFold,
        sk_ms.StratifiedKFold,
        sk_ms.RepeatedKFold,
        sk_ms.RepeatedStratifiedKFold,
        sk_ms.ShuffleSplit,
        sk_ms.StratifiedShuffleSplit,
        MultilabelStratifiedKFold,
        RepeatedMultilabelStratifiedKFold,
        MultilabelStratifiedShuffleSplit,
    )
}
_KEY = "__splitter__"
_EXPECTED = "must be null, an int >= 2 or a splitter this package saves"


def _plain(value):
    return value is None or isinstance(value, (bool, int, float, str))


def to_json(cv):
    """``cv`` as a manifest value, or None when it is not one of ``SPLITTERS``
    with plain constructor arguments."""
    if SPLITTERS.get(type(cv).__name__) is not type(cv):
        return None
    args = {}
    for name in inspect.signature(type(cv).__init__).parameters:
        if name == "self":
            continue
        value = getattr(cv, name, None)
        if value is None and hasattr(cv, "cvargs"):  # the Repeated* splitters
            value = cv.cvargs.get(name)
        if not _plain(value):
            return None
        args[name] = value
    return {_KEY: type(cv).__name__, "args": args}


def from_json(value):
    """The splitter a manifest value describes; a ValueError saying what is
    wrong otherwise."""
    if not (
        isinstance(value, dict)
        and set(value) == {_KEY, "args"}
        and isinstance(value[_KEY], str)
        and value[_KEY] in SPLITTERS
        and isinstance(value["args"], dict)
    ):
        raise ValueError(_EXPECTED)
    cls = SPLITTERS[value[_KEY]]
    names = set(inspect.signature(cls.__init__).parameters) - {"self"}
    args = value["args"]
    if not set(args) <= names or not all(_plain(v) for v in args.values()):
        raise ValueError(_EXPECTED)
    try:
        return cls(**args)
    except (TypeError, ValueError) as exc:
        raise ValueError(str(exc)) from None
