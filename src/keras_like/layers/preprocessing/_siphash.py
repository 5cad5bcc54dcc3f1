"""SipHash-2-4 in NumPy, as TensorFlow's keyed string hash (not exported).

`tf.strings.to_hash_bucket_strong(x, n, key)` (Keras's Hashing with a `salt`) hashes with
highwayhash's `SipHash(key, bytes, size)` (google/highwayhash, highwayhash/sip_hash.h): the
SipHash-2-4 of the paper, keyed by two uint64 words. Strings are grouped by length so every
8-byte packet is one NumPy operation over the group.
"""

import numpy as np

from keras_like.layers.preprocessing._packed_bytes import fetch64, length_groups

_MASK64 = (1 << 64) - 1
_INIT = (0x736F6D6570736575, 0x646F72616E646F6D, 0x6C7967656E657261, 0x7465646279746573)


def _rotl(v, bits):
    return (v << np.uint64(bits)) | (v >> np.uint64(64 - bits))


def _compress(state, rounds):
    v0, v1, v2, v3 = state
    for _ in range(rounds):
        v0 = v0 + v1
        v2 = v2 + v3
        v1 = _rotl(v1, 13)
        v3 = _rotl(v3, 16)
        v1 = v1 ^ v0
        v3 = v3 ^ v2
        v0 = _rotl(v0, 32)
        v2 = v2 + v1
        v0 = v0 + v3
        v1 = _rotl(v1, 17)
        v3 = _rotl(v3, 21)
        v1 = v1 ^ v2
        v3 = v3 ^ v0
        v2 = _rotl(v2, 32)
    return [v0, v1, v2, v3]


def _update(state, packet):
    state[3] = state[3] ^ packet
    state = _compress(state, 2)
    state[0] = state[0] ^ packet
    return state


def _hash_group(matrix, length, key):
    count = matrix.shape[0]
    keys = (key[0], key[1], key[0], key[1])
    state = [np.full(count, np.uint64((init ^ k) & _MASK64), dtype=np.uint64)
             for init, k in zip(_INIT, keys)]
    full = length - length % 8
    for offset in range(0, full, 8):
        state = _update(state, fetch64(matrix, offset))
    # The last packet: the remaining bytes, zero padded, with the length's low byte on top.
    last = np.zeros((count, 8), dtype=np.uint8)
    last[:, :length - full] = matrix[:, full:]
    last[:, 7] = length & 0xFF
    state = _update(state, fetch64(last, 0))
    state[2] = state[2] ^ np.uint64(0xFF)
    v0, v1, v2, v3 = _compress(state, 4)
    return (v0 ^ v1) ^ (v2 ^ v3)


def siphash(data, key):
    """SipHash-2-4 of each `bytes` in `data` under `key` (two ints, taken modulo 2**64)."""
    key = [int(k) & _MASK64 for k in key]
    out = np.empty(len(data), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for indices, length, matrix in length_groups(data):
            out[indices] = _hash_group(matrix, length, key)
    return out
