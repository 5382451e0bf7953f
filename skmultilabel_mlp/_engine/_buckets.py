"""Row counts padded to a few sizes, so that compiled programs are reused.

An XLA program is compiled for its arrays' shapes. Padding the rows of a fit's
arrays (features, targets, weights, each copy's row indices) to a bucket size
lets a fit on another number of rows reuse the program of an earlier one
instead of compiling a new one. The padded rows are never visited: each copy's
row indices and their counts (``n_k``, ``v_k``) are unchanged. The widths of
padded sparse rows (``_sparse``: non-zeros per row) are padded too, and those
padding slots (column 0, value 0) are real work: a sparse first layer gathers
up to twice the kernel rows it would unpadded, and the shuffle sorts the
padded row count.
"""

import numpy as np

__all__ = ["bucket", "padded"]


def bucket(n):
    """The padded size of ``n`` rows: fits on other row counts reuse the program.

    A power of two up to 65,536 rows, where compiling again would cost more
    than the padding; above, one of 8 sizes per power of two (at most 1/8 more
    memory) where the padding would cost more than compiling.
    """
    n = max(int(n), 1)
    if n <= 1 << 16:
        return 1 << (n - 1).bit_length()
    step = 1 << (n.bit_length() - 4)
    return -(-n // step) * step


def padded(data):
    """The arrays of ``_loop.train``'s ``data`` padded to bucket sizes."""
    out = dict(data)
    n = data["w"].shape[0]
    extra = bucket(n) - n
    for name in ("X", "Y"):  # dense, or padded sparse rows (``_sparse``)
        if name in data:
            out[name] = np.pad(data[name], ((0, extra), (0, 0)))
            continue
        width = data[f"{name}cols"].shape[1]
        pad = ((0, extra), (0, bucket(width) - width))
        for key in (f"{name}cols", f"{name}vals"):
            out[key] = np.pad(data[key], pad)
    out["w"] = np.pad(data["w"], (0, extra))
    for key in ("rows", "vrows"):
        width = data[key].shape[1]
        out[key] = np.pad(data[key], ((0, 0), (0, bucket(width) - width)))
    return out
