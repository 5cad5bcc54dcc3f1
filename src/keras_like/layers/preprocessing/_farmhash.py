"""FarmHash Fingerprint64 and TF's FingerprintCat64 in NumPy (not exported).

TensorFlow's `tf.strings.to_hash_bucket_fast` and `tf.sparse.cross_hashed` (behind Keras's
Hashing and HashedCrossing layers) fingerprint strings with `farmhash::Fingerprint64`, which
is `farmhashna::Hash64` (google/farmhash, src/farmhash.cc). This is that function written for
NumPy uint64 arrays: the strings are grouped by length (`_packed_bytes.length_groups`) so that
each branch of the algorithm runs once per length over all the strings of that length.
uint64 array arithmetic wraps modulo 2**64, as the C++ does.
"""

import numpy as np

from keras_like.layers.preprocessing._packed_bytes import fetch32, fetch64, length_groups

_MASK64 = (1 << 64) - 1
K0 = 0xC3A5C85C97CB3127
K1 = 0xB492B66FBE98F273
K2 = 0x9AE16A3B2F90404F
_K0, _K1, _K2 = np.uint64(K0), np.uint64(K1), np.uint64(K2)
_CAT_MUL = np.uint64(0xC6A4A7935BD1E995)
_SEED = 81


def _u64(value):
    """A Python int as a NumPy uint64 scalar, wrapped modulo 2**64."""
    return np.uint64(value & _MASK64)


def _rotate(v, shift):
    """Rotates right by `shift` bits (farmhash's Rotate64)."""
    return (v >> np.uint64(shift)) | (v << np.uint64(64 - shift))


def _shift_mix(v):
    return v ^ (v >> np.uint64(47))


def _hash_len16(u, v, mul):
    a = (u ^ v) * mul
    a ^= a >> np.uint64(47)
    b = (v ^ a) * mul
    b ^= b >> np.uint64(47)
    return b * mul


def _hash_len0to16(m, length):
    count = m.shape[0]
    if length >= 8:
        mul = _u64(K2 + length * 2)
        a = fetch64(m, 0) + _K2
        b = fetch64(m, length - 8)
        c = _rotate(b, 37) * mul + a
        d = (_rotate(a, 25) + b) * mul
        return _hash_len16(c, d, mul)
    if length >= 4:
        mul = _u64(K2 + length * 2)
        a = fetch32(m, 0)
        return _hash_len16(np.uint64(length) + (a << np.uint64(3)), fetch32(m, length - 4), mul)
    if length > 0:
        # uint32 arithmetic in the C++ (y and z fit in 32 bits, so no wrap is lost).
        y = m[:, 0].astype(np.uint64) + (m[:, length >> 1].astype(np.uint64) << np.uint64(8))
        z = np.uint64(length) + (m[:, length - 1].astype(np.uint64) << np.uint64(2))
        return _shift_mix(y * _K2 ^ z * _K0) * _K2
    return np.full(count, _K2, dtype=np.uint64)


def _hash_len17to32(m, length):
    mul = _u64(K2 + length * 2)
    a = fetch64(m, 0) * _K1
    b = fetch64(m, 8)
    c = fetch64(m, length - 8) * mul
    d = fetch64(m, length - 16) * _K2
    return _hash_len16(_rotate(a + b, 43) + _rotate(c, 30) + d,
                       a + _rotate(b + _K2, 18) + c, mul)


def _weak_hash_len32_with_seeds(m, offset, a, b):
    """farmhash's WeakHashLen32WithSeeds(s + offset, a, b) -> (first, second)."""
    w, x = fetch64(m, offset), fetch64(m, offset + 8)
    y, z = fetch64(m, offset + 16), fetch64(m, offset + 24)
    a = a + w
    b = _rotate(b + a + z, 21)
    c = a
    a = a + x
    a = a + y
    b = b + _rotate(a, 44)
    return a + z, b + c


def _hash_len33to64(m, length):
    mul = _u64(K2 + length * 2)
    a = fetch64(m, 0) * _K2
    b = fetch64(m, 8)
    c = fetch64(m, length - 8) * mul
    d = fetch64(m, length - 16) * _K2
    y = _rotate(a + b, 43) + _rotate(c, 30) + d
    z = _hash_len16(y, a + _rotate(b + _K2, 18) + c, mul)
    e = fetch64(m, 16) * mul
    f = fetch64(m, 24)
    g = (y + fetch64(m, length - 32)) * mul
    h = (z + fetch64(m, length - 24)) * mul
    return _hash_len16(_rotate(e + f, 43) + _rotate(g, 30) + h,
                       e + _rotate(f + a, 18) + g, mul)


def _hash_len65plus(m, length):
    count = m.shape[0]
    zeros = np.zeros(count, dtype=np.uint64)
    x = np.full(count, _u64(_SEED * K2), dtype=np.uint64) + fetch64(m, 0)
    y_start = (_SEED * K1 + 113) & _MASK64
    y = np.full(count, _u64(y_start), dtype=np.uint64)
    z = _shift_mix(y * _K2 + np.uint64(113)) * _K2
    v0, v1, w0, w1 = zeros, zeros, zeros, zeros
    # Whole 64-byte blocks, leaving 1 to 64 bytes for the final round.
    for s in range(0, ((length - 1) // 64) * 64, 64):
        x = _rotate(x + y + v0 + fetch64(m, s + 8), 37) * _K1
        y = _rotate(y + v1 + fetch64(m, s + 48), 42) * _K1
        x = x ^ w1
        y = y + v0 + fetch64(m, s + 40)
        z = _rotate(z + w0, 33) * _K1
        v0, v1 = _weak_hash_len32_with_seeds(m, s, v1 * _K1, x + w0)
        w0, w1 = _weak_hash_len32_with_seeds(m, s + 32, z + w1, y + fetch64(m, s + 16))
        z, x = x, z
    mul = _K1 + ((z & np.uint64(0xFF)) << np.uint64(1))
    s = length - 64  # the last 64 bytes
    w0 = w0 + np.uint64((length - 1) & 63)
    v0 = v0 + w0
    w0 = w0 + v0
    x = _rotate(x + y + v0 + fetch64(m, s + 8), 37) * mul
    y = _rotate(y + v1 + fetch64(m, s + 48), 42) * mul
    x = x ^ (w1 * np.uint64(9))
    y = y + v0 * np.uint64(9) + fetch64(m, s + 40)
    z = _rotate(z + w0, 33) * mul
    v0, v1 = _weak_hash_len32_with_seeds(m, s, v1 * mul, x + w0)
    w0, w1 = _weak_hash_len32_with_seeds(m, s + 32, z + w1, y + fetch64(m, s + 16))
    z, x = x, z
    return _hash_len16(_hash_len16(v0, w0, mul) + _shift_mix(y) * _K0 + z,
                       _hash_len16(v1, w1, mul) + x, mul)


def _hash_group(matrix, length):
    if length <= 16:
        return _hash_len0to16(matrix, length)
    if length <= 32:
        return _hash_len17to32(matrix, length)
    if length <= 64:
        return _hash_len33to64(matrix, length)
    return _hash_len65plus(matrix, length)


def fingerprint64(data):
    """FarmHash Fingerprint64 of each `bytes` in `data`, as a uint64 array."""
    out = np.empty(len(data), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for indices, length, matrix in length_groups(data):
            out[indices] = _hash_group(matrix, length)
    return out


def fingerprint_cat64(fp1, fp2):
    """TF's FingerprintCat64 (tensorflow/core/platform/fingerprint.h) of two uint64 arrays."""
    with np.errstate(over="ignore"):
        result = np.asarray(fp1, dtype=np.uint64) ^ _CAT_MUL
        result = result ^ (_shift_mix(np.asarray(fp2, dtype=np.uint64) * _CAT_MUL) * _CAT_MUL)
        result = result * _CAT_MUL
        result = _shift_mix(result) * _CAT_MUL
        return _shift_mix(result)
