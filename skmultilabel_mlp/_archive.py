"""Zip archives from untrusted files, read within bounds (no decompression bombs).

A zip member declares its inflated size in the archive's directory, and Python's
``zipfile`` never returns more than that, so the declared sizes bound what
reading costs. Every member is checked before anything is read: it must be
stored or deflated, not encrypted, and, past a floor, inflate to at most a
bounded multiple of the bytes it occupies in the file. Two policies:

- ``MODEL_FILES``: the package's model files and Keras' ``.keras`` files are
  written stored (1:1), so past 1 MiB a member may expand at most 20 times;
- ``DATA_FILES``: ``np.savez_compressed`` deflates sparse 0/1 data and
  ``train``/``test`` strings 100-750 times (measured), so ratios cannot tell a
  bomb from data below 256 MiB; past that, at most 100 times (Keras' own
  extraction guard), which refuses a megabyte claiming a gigabyte.

An ``.npy`` member's header must not declare a larger array than the member
holds, since NumPy allocates the declared shape before reading. Imports
nothing from the package.
"""

import io
import math
import zipfile
import zlib

import numpy as np

__all__ = [
    "DATA_FILES",
    "MODEL_FILES",
    "check_members",
    "open_zip",
    "read",
    "read_npy",
    "read_npz_arrays",
]

#: ``(floor, ratio)``: a member past ``floor`` bytes may inflate at most
#: ``ratio`` times the bytes it occupies in the file.
MODEL_FILES = (2**20, 20)
DATA_FILES = (2**28, 100)

_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_READ_ERRORS = (zipfile.BadZipFile, EOFError, NotImplementedError, zlib.error, OSError)


def _size(n):
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def open_zip(source, where, kind="zip archive"):
    """A ``ZipFile`` over a path or bytes; a ValueError naming ``where`` if it is none."""
    try:
        return zipfile.ZipFile(
            io.BytesIO(source) if isinstance(source, bytes) else source
        )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise ValueError(f"{where}: not a {kind} ({exc})") from None


def check_members(zf, where, policy=MODEL_FILES, limits=None):
    """Refuse the archive if a member could not be read within bounds.

    ``policy`` is ``MODEL_FILES`` or ``DATA_FILES``; ``limits`` maps member
    names to a largest declared size of their own (for members such as a
    checksum, which are always tiny).
    """
    floor, ratio = policy
    for info in zf.infolist():
        name, size = info.filename, info.file_size
        if info.compress_type not in _METHODS or info.flag_bits & 0x1:
            raise ValueError(
                f"{where}: {name} is encrypted or compressed with method "
                f"{info.compress_type}; only stored and deflated members are read."
            )
        limit = (limits or {}).get(name)
        if limit is not None and size > limit:
            raise ValueError(
                f"{where}: {name} declares {_size(size)}, more than the "
                f"{_size(limit)} such a part can hold; refusing to read it."
            )
        if size > floor and size > ratio * info.compress_size:
            raise ValueError(
                f"{where}: {name} declares {_size(size)} but stores "
                f"{_size(info.compress_size)}; refusing to inflate a possible "
                "decompression bomb."
            )


def read(zf, name, where):
    """The bytes of a checked member; a corrupt member is a ValueError."""
    try:
        return zf.read(name)
    except _READ_ERRORS as exc:
        raise ValueError(f"{where}: {name} cannot be read ({exc})") from None


def read_npy(zf, name, where):
    """The array in a checked ``.npy`` member, without pickle."""
    try:
        with zf.open(name) as f:
            version = np.lib.format.read_magic(f)
            read_header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, _, dtype = read_header(f)
            declared = math.prod(shape) * dtype.itemsize
            holds = zf.getinfo(name).file_size - f.tell()
            if declared > holds:
                raise ValueError(
                    f"{where}: {name} declares a {shape} {dtype} array "
                    f"({_size(declared)}) but holds {_size(max(holds, 0))}; "
                    "refusing to allocate it."
                )
            f.seek(0)
            return np.lib.format.read_array(f, allow_pickle=False)
    except _READ_ERRORS as exc:
        raise ValueError(f"{where}: {name} cannot be read ({exc})") from None
    except ValueError as exc:
        message = str(exc)
        if message.startswith(f"{where}: "):
            raise
        raise ValueError(
            f"{where}: {name} is not a readable array ({message})"
        ) from None


def read_npz_arrays(path, kind, names=None):
    """``{name: array}`` of the ``.npy`` members of the ``.npz`` at ``path``.

    Checked as data files (``DATA_FILES``) and read without pickle
    (``read_npy``); ``names``, when given, keeps only those arrays.
    """
    with open_zip(path, path, kind=kind) as zf:
        check_members(zf, path, DATA_FILES)
        return {
            name[: -len(".npy")]: read_npy(zf, name, path)
            for name in zf.namelist()
            if name.endswith(".npy")
            and (names is None or name[: -len(".npy")] in names)
        }
