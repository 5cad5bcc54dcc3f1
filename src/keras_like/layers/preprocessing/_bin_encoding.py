"""Keras's `encode_categorical_inputs` for bin indices, in NumPy (not exported).

Shared by Hashing and HashedCrossing, whose indices are always in `[0, depth)`. The shapes
are the ones real Keras gives (keras/src/utils/numerical_utils.py): a scalar is one sample;
`"one_hot"` adds a trailing axis of size `depth`; `"multi_hot"` and `"count"` reduce axis 1
(axis 0 of a vector), which for a 2D input is the sample axis.
"""

import numpy as np

from keras_like import ops


def encode_bins(indices, output_mode, depth, dtype):
    """`indices` (an int64 NumPy array) encoded as `output_mode`, as a tensor of `dtype`."""
    if output_mode == "int":
        return ops.convert_to_tensor(indices.astype(dtype), dtype=dtype)
    if indices.ndim == 0:
        indices = indices.reshape(1)
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices[..., 0]
        encoded = indices[..., None] == np.arange(depth)
        return ops.convert_to_tensor(encoded.astype(dtype), dtype=dtype)
    axis = 1 if indices.ndim > 1 else 0
    moved = np.moveaxis(indices, axis, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    # One bincount over all rows: row r's bins are offset by r * depth.
    offsets = np.arange(rows.shape[0], dtype=np.int64)[:, None] * depth
    counts = np.bincount((rows + offsets).reshape(-1), minlength=rows.shape[0] * depth)
    counts = counts.reshape(moved.shape[:-1] + (depth,))
    if output_mode == "multi_hot":
        counts = np.minimum(counts, 1)
    return ops.convert_to_tensor(counts.astype(dtype), dtype=dtype)
