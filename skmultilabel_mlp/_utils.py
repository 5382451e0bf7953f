"""Small facts the whole package shares, each stated once.

The last step of a pipeline, the ``classes_`` of a multi-label model, a 0/1 view
of an indicator matrix with unknown entries, an atomic file write (regular files
only, umask honoured), the installed versions of packages and the memory a fit
will need. Imports nothing from the package.
"""

import errno
import itertools
import os
import secrets
import stat
import warnings
from importlib import metadata
from pathlib import Path

import numpy as np
import scipy.sparse as sp

__all__ = [
    "atomic_write",
    "check_thresholds",
    "check_writable",
    "existing_file",
    "final_step",
    "indicator_01",
    "multilabel_classes",
    "package_versions",
    "warn_if_too_large",
]


def existing_file(path):
    """``Path(path)``, or ``FileNotFoundError`` naming it when it is no file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    return path


def check_thresholds(threshold, n_labels):
    """One decision threshold per label, each in [0, 1], from a scalar or a sequence."""
    if threshold is None or isinstance(threshold, (bool, np.bool_, str)):
        raise TypeError(
            f"threshold must be a number in [0, 1] or one per label, got {threshold!r}."
        )
    if np.asarray(threshold).dtype.kind == "b":
        raise TypeError(
            f"threshold must be numbers in [0, 1], not bools: {threshold!r}."
        )
    t = np.asarray(threshold, dtype=float)
    t = np.full(n_labels, float(t)) if t.ndim == 0 else t.ravel()
    if t.size != n_labels:
        raise ValueError(
            f"threshold has {t.size} values but the classifier has {n_labels} "
            "labels; pass a scalar or one value per label."
        )
    if not np.all(np.isfinite(t)) or np.any((t < 0) | (t > 1)):
        raise ValueError(
            f"threshold values must lie in [0, 1], got {np.unique(t)[:5].tolist()}."
        )
    return t


def final_step(estimator):
    """The last step of a Pipeline, or the estimator itself."""
    steps = getattr(estimator, "steps", None)
    return steps[-1][1] if steps else estimator


def multilabel_classes(n_labels):
    """``classes_`` of a multi-label model: an ``(n_labels, 2)`` array of ``[0, 1]`` rows.

    A 2-D array, not a 1-D ``[0, 1]``: ``type_of_target`` reads it as
    multi-label, so scikit-learn's scorers treat the model as multi-label even
    with two labels, and, unlike a list, it has the ``shape`` that
    ``cross_val_predict`` and ``StackingClassifier`` read.
    """
    return np.tile(np.array([0, 1]), (n_labels, 1))


def indicator_01(Y):
    """A dense int 0/1 copy of an indicator matrix; unknown (NaN) entries become 0.

    For splitting and stratifying, where an unknown label counts as absent.
    """
    Y = Y.toarray() if sp.issparse(Y) else np.asarray(Y, dtype=float)
    return np.nan_to_num(Y, nan=0.0).astype(int)


_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


def _destination(path):
    """``(file to replace, its mode or None)``; anything but a regular file is refused.

    A symbolic link is written through (the link stays, the file it names is
    replaced), as a shell's ``>`` does. A FIFO, a device (``/dev/stdout``) or a
    directory is refused: renaming over it would turn it into a regular file.
    """
    path = Path(path)
    try:
        st = os.stat(path)  # follows links: what a write would reach
    except FileNotFoundError:
        return Path(os.path.realpath(path)), None
    if not stat.S_ISREG(st.st_mode):
        kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a file")
        raise ValueError(
            f"{path} is {kind}, not a regular file; pass the path of a file to "
            "write (on the command line, - writes text to standard output)."
        )
    return Path(os.path.realpath(path)), stat.S_IMODE(st.st_mode)


def _temporary_beside(target):
    # O_EXCL with mode 0o666: the kernel applies the umask (mkstemp forces 0600);
    # the target's suffix stays last, for writers that read the format from it
    for _ in range(100):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}{target.suffix}")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(errno.EEXIST, "cannot create a temporary file", str(target))


def _naming(exc, path, target):
    """``exc`` about ``path`` rather than the temporary file beside ``target``."""
    name = None if exc.filename is None else Path(exc.filename).name
    if name is not None and not name.startswith(f".{target.name}."):
        return exc
    if exc.errno is None:
        return OSError(f"cannot write {path}: {exc}")
    return OSError(exc.errno, exc.strerror, str(path))  # the errno's subclass


def check_writable(path):
    """Raise now what ``atomic_write(path, ...)`` would raise for the destination.

    For commands that work a long time before they write: a FIFO, a device or a
    directory is refused (ValueError), a missing or read-only folder is an
    OSError naming ``path``.
    """
    target, _ = _destination(path)
    tmp = None
    try:
        tmp = _temporary_beside(target)
    except OSError as exc:
        raise _naming(exc, path, target) from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def atomic_write(path, write):
    """Call ``write(tmp_path)``, then rename the file to ``path``: no partial file on failure.

    The file is a regular file with the mode of the one it replaces, or the
    umask's; a symbolic link is written through; a FIFO, a device or a directory
    is refused with a ValueError. OSErrors name ``path``, not the temporary file.
    """
    target, mode = _destination(path)
    tmp = None
    try:
        tmp = _temporary_beside(target)
        write(tmp)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        renamed = _naming(exc, path, target)
        if renamed is exc:
            raise
        raise renamed from exc
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return Path(path)


def package_versions(names):
    """``{name: version}`` of the installed distributions among ``names``."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _data_bytes(A):
    # dense: our float32 copy plus the input pipeline's; sparse: CSR arrays
    return A.nnz * 12 * 2 if sp.issparse(A) else A.shape[0] * A.shape[1] * 4 * 2


def memory_estimate(X, Y, hidden_layer_sizes, batch_size):
    """Bytes per part of a fit: ``{"X", "y", "network", "batches"}``."""
    widths = [X.shape[1], *hidden_layer_sizes, Y.shape[1]]
    n_weights = sum(a * b + b for a, b in itertools.pairwise(widths))
    return {
        "X": _data_bytes(X),
        "y": _data_bytes(Y),
        "network": n_weights * 4 * 4,  # weights, gradients, two Adam moments
        "batches": batch_size * sum(widths) * 4 * 4,
    }


def warn_if_too_large(X, Y, hidden_layer_sizes, batch_size, max_memory_mb):
    """Warn (ResourceWarning, with the estimate) when a fit exceeds ``max_memory_mb``."""
    parts = memory_estimate(X, Y, hidden_layer_sizes, batch_size)
    total_mb = sum(parts.values()) / 2**20
    if total_mb > max_memory_mb:
        detail = ", ".join(f"{k} {v / 2**20:.0f} MB" for k, v in parts.items())
        warnings.warn(
            f"fit needs about {total_mb:.0f} MB ({detail}), more than "
            f"max_memory_mb={max_memory_mb}; consider sparse X or y, fewer "
            "hidden units, or raise max_memory_mb.",
            ResourceWarning,
            stacklevel=5,
        )
