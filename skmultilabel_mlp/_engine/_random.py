"""Counter-based random numbers for the compiled fit: shuffles and dropout masks.

Every random number of a fit is a hash of ``(seed, what it is for, where it
is)``, never a draw from a stream shared by the copies of a stacked
computation. So copy ``k`` of a stacked fit sees exactly the shuffles and
dropout masks a solo fit with its seed sees, whatever the other copies, the
padding of the arrays or the backend: that is what makes the stacked engine an
optimisation rather than a different model.

The hash is ``lowbias32`` (C. Wellons' 32-bit integer hash: xor-shifts and
multiplications, a bijection of the 32-bit integers with good avalanche).
Written with ``keras.ops`` on ``uint32``, it gives the same bits on TensorFlow,
JAX and NumPy.

A shuffle sorts the hashes of the positions ``0 .. n - 1``: as the hash is a
bijection the keys are distinct, so a plain sort of one ``uint32`` array (far
cheaper on the CPU than an argsort) followed by the inverse hash gives the
permutation; padding positions get the largest key and sort last.
"""

import numpy as np
from keras import ops

__all__ = ["dropout_uniform", "hash32", "shuffled_positions", "stream"]

_M1, _M2 = 0x7FEB352D, 0x846CA68B
_M1_INV, _M2_INV = pow(_M1, -1, 2**32), pow(_M2, -1, 2**32)
_GOLDEN = 0x9E3779B9  # 2**32 / golden ratio: spreads consecutive counters
_LAST = 0xFFFFFFFF

# what a stream of numbers is for (mixed into its key)
SHUFFLE, DROPOUT = 1, 2


def _u32(value):
    """A Python integer as a uint32 constant (mod 2**32)."""
    return ops.convert_to_tensor(np.uint32(value % 2**32), "uint32")


def _xorshift(x, bits):
    return ops.bitwise_xor(x, ops.right_shift(x, _u32(bits)))


def hash32(x):
    """``lowbias32`` of each ``uint32`` in ``x``."""
    x = ops.multiply(_xorshift(x, 16), _u32(_M1))
    x = ops.multiply(_xorshift(x, 15), _u32(_M2))
    return _xorshift(x, 16)


def _hash32_inverse(x):
    x = ops.multiply(_xorshift(x, 16), _u32(_M2_INV))
    # the inverse of x ^= x >> 15 on 32 bits is x ^= (x >> 15) ^ (x >> 30)
    x = ops.bitwise_xor(
        x,
        ops.bitwise_xor(ops.right_shift(x, _u32(15)), ops.right_shift(x, _u32(30))),
    )
    x = ops.multiply(x, _u32(_M1_INV))
    return _xorshift(x, 16)


def stream(seeds, purpose, counter):
    """Per copy, the key of one stream: ``hash(seed, purpose, counter)``.

    ``seeds`` (K,) uint32; ``counter`` (K,) or scalar int (an epoch, a step).
    """
    counter = ops.cast(counter, "uint32")
    inner = hash32(ops.add(ops.multiply(counter, _u32(_GOLDEN)), _u32(purpose)))
    return hash32(ops.bitwise_xor(seeds, inner))


def _counters(n):
    return ops.cast(ops.arange(n), "uint32")


def shuffled_positions(keys, n_k, N):
    """Per copy, a random order of positions ``0 .. n_k - 1``, then the padding.

    ``keys`` (K,) uint32 (one shuffle stream per copy), ``n_k`` (K,) int;
    returns (K, N) int32. The order of a copy's positions depends only on its
    key and ``n_k``, not on ``N`` or on the other copies.
    """
    positions = _counters(N)
    hashed = hash32(ops.bitwise_xor(keys[:, None], positions[None, :]))
    valid = ops.less(ops.arange(N)[None, :], ops.cast(n_k, "int32")[:, None])
    hashed = ops.where(valid, hashed, _u32(_LAST))
    order = ops.bitwise_xor(_hash32_inverse(ops.sort(hashed, axis=1)), keys[:, None])
    # a padding slot decodes to an arbitrary position: clip it into the array
    last = ops.cast(N - 1, "uint32")
    return ops.cast(ops.minimum(order, last), "int32")


def dropout_uniform(keys, layer, batch_size, width):
    """Uniform [0, 1) numbers of shape (K, batch_size, width) for one layer's mask.

    ``keys`` (K,) uint32 are the copies' dropout streams of this step; the
    number at ``[k, b, j]`` depends only on ``keys[k]``, ``layer``, ``b`` and
    ``j`` (not on the padded width of a layer or the other copies).
    """
    layer_keys = hash32(ops.bitwise_xor(keys, _u32((layer + 1) * _GOLDEN)))
    rows = hash32(
        ops.bitwise_xor(
            layer_keys[:, None], ops.multiply(_counters(batch_size), _u32(_GOLDEN))
        )
    )
    units = hash32(ops.add(ops.multiply(_counters(width), _u32(_M2)), _u32(1)))
    bits = hash32(ops.bitwise_xor(rows[:, :, None], units[None, None, :]))
    # the top 24 bits, as a float32 in [0, 1)
    return ops.cast(ops.right_shift(bits, _u32(8)), "float32") * (1.0 / 2**24)
