"""Byte strings grouped by length, as uint8 matrices, for vectorised hashing (not exported).

The hash functions (FarmHash, SipHash) branch on the length of their input and read it in
8-byte words at offsets that depend on the length. Grouping the strings by exact length gives
one `(count, length)` matrix per group, where every offset is a constant: each step of the
algorithm is then one NumPy operation over the whole group instead of a Python loop per string.
"""

import numpy as np


def length_groups(data):
    """Yields `(indices, length, matrix)` for each distinct length among `data`.

    Args:
        data: A sequence of `bytes`.

    `indices` (int64) are the positions in `data` of the group's strings, `matrix` their bytes
    as a uint8 array of shape `(len(indices), length)`.
    """
    lengths = np.fromiter(map(len, data), dtype=np.int64, count=len(data))
    if not len(data):
        return
    order = np.argsort(lengths, kind="stable")
    sorted_lengths = lengths[order]
    starts = np.flatnonzero(np.diff(sorted_lengths, prepend=-1))
    ends = np.append(starts[1:], len(order))
    for start, end in zip(starts.tolist(), ends.tolist()):
        indices = order[start:end]
        length = int(sorted_lengths[start])
        joined = b"".join([data[i] for i in indices.tolist()])
        matrix = np.frombuffer(joined, dtype=np.uint8).reshape(len(indices), length)
        yield indices, length, matrix


def fetch64(matrix, offset):
    """The little-endian uint64 words at byte `offset` of every row."""
    return np.ascontiguousarray(matrix[:, offset:offset + 8]).view("<u8")[:, 0].astype(np.uint64)


def fetch32(matrix, offset):
    """The little-endian uint32 words at byte `offset` of every row, widened to uint64."""
    return np.ascontiguousarray(matrix[:, offset:offset + 4]).view("<u4")[:, 0].astype(np.uint64)


def rows_to_bytes(values, encoding="utf-8"):
    """The flat list of `bytes` TF hashes for `values` (a NumPy array of any shape).

    Strings become their encoded bytes and bytes stay as they are; numbers become their
    decimal text, as `tf.as_string` writes integers (floats are first truncated to int64, as
    Keras's Hashing does); booleans become `"true"` / `"false"`.
    """
    values = np.asarray(values)
    if values.dtype.kind == "b":
        return [b"true" if v else b"false" for v in values.reshape(-1).tolist()]
    if values.dtype.kind == "f":
        values = values.astype(np.int64)
    if values.dtype.kind in "iu":
        return [str(v).encode() for v in values.reshape(-1).tolist()]
    out = []
    for v in values.reshape(-1).tolist():
        if isinstance(v, bytes):
            out.append(v)
        elif isinstance(v, str):
            out.append(v.encode(encoding))
        else:
            raise ValueError(f"Expected string, bytes or integer values. Received: {v!r} of "
                             f"type {type(v).__name__}")
    return out
