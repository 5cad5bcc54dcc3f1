"""`scale_and_translate`, as `jax.image.scale_and_translate`.

Output pixel `i` of a spatial axis samples input coordinate
`(i + 0.5 - translation) / scale - 0.5`. Unlike `resize`, scale and translation may be
tensors, so the weight matrices are built from ops (and are differentiable in both).
"""

import math

import numpy as np

from keras_like.ops import core as _core
from keras_like.ops import numpy as _np
from keras_like.ops._base import tensor
from keras_like.ops.image_common import FLOATS

_METHODS = {"linear": "linear", "bilinear": "linear", "trilinear": "linear",
            "triangle": "linear", "cubic": "cubic", "bicubic": "cubic", "tricubic": "cubic",
            "keyscubic": "cubic", "lanczos3": "lanczos3", "lanczos5": "lanczos5"}
def _kernel(method, x):
    if method == "linear":
        return _np.maximum(0.0, 1.0 - x)
    if method == "cubic":
        out = _np.where(x >= 1.0, ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0,
                        (1.5 * x - 2.5) * x * x + 1.0)
        return _np.where(x >= 2.0, 0.0, out)
    radius = 3.0 if method == "lanczos3" else 5.0
    # The safe denominator keeps the centre's 0/0 out of values and gradients.
    safe = _np.where(x > 1e-3, x, 1.0)
    y = radius * _np.sin(math.pi * safe) * _np.sin(math.pi * safe / radius) / (
        math.pi**2 * safe * safe)
    return _np.where(x > radius, 0.0, _np.where(x > 1e-3, y, 1.0))


def _weights(in_size, out_size, scale, translation, method, antialias, dtype):
    inv_scale = 1.0 / scale
    kernel_scale = _np.maximum(inv_scale, 1.0) if antialias else 1.0
    out_idx = _core.convert_to_tensor(np.arange(out_size), dtype)
    in_idx = _core.convert_to_tensor(np.arange(in_size)[:, None], dtype)
    sample = (out_idx + 0.5) * inv_scale - translation * inv_scale - 0.5
    weights = _kernel(method, _np.abs(sample[None, :] - in_idx) / kernel_scale)
    total = _np.sum(weights, axis=0, keepdims=True)
    weights = _np.where(_np.abs(total) > 1000.0 * float(np.finfo(np.float32).eps),
                        weights / _np.where(total != 0, total, 1.0), 0.0)
    inside = _np.logical_and(sample >= -0.5, sample <= in_size - 0.5)
    return _np.where(inside[None, :], weights, 0.0)


def _factor(value):
    # Python numbers go through float64, so a scale of 1.7 is not first rounded to float32.
    if isinstance(value, (list, tuple, float, int)):
        value = np.asarray(value, np.float64)
    return tensor(value)


def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method,
                        antialias=True):
    """Resamples `spatial_dims` of `images` by `scale` and `translation` into `output_shape`.

    Args:
        images: A tensor of any rank.
        output_shape: The full output shape; dims outside `spatial_dims` must be unchanged.
        scale: One scale per spatial dim (numbers or a tensor).
        translation: One translation per spatial dim, in output pixels.
        spatial_dims: The axes to resample.
        method: `"linear"`/`"bilinear"`, `"cubic"`/`"bicubic"`, `"lanczos3"` or
            `"lanczos5"` (nearest is not supported, as in JAX).
        antialias: Whether to widen the kernel when downsampling.

    Example:
    >>> x = np.ones((4, 4, 1))
    >>> keras_like.ops.image.scale_and_translate(x, (8, 8, 1), [2.0, 2.0], [0.0, 0.0],
    ...                                          (0, 1), "bilinear").shape
    (8, 8, 1)
    """
    images = tensor(images)
    output_shape = tuple(int(d) for d in output_shape)
    spatial_dims = tuple(int(d) % max(images.ndim, 1) for d in spatial_dims)
    if len(output_shape) != images.ndim:
        raise ValueError("shape must have length equal to the number of dimensions of x; "
                         f"{output_shape} vs {tuple(images.shape)}")
    scale, translation = _factor(scale), _factor(translation)
    if scale.ndim != 1 or scale.shape[0] != len(spatial_dims):
        raise ValueError("spatial_dims must have the same length as scale; "
                         f"{spatial_dims} vs {tuple(scale.shape)}")
    if translation.ndim != 1 or translation.shape[0] != len(spatial_dims):
        raise ValueError("spatial_dims must have the same length as translation; "
                         f"{spatial_dims} vs {tuple(translation.shape)}")
    for d in range(images.ndim):
        if d not in spatial_dims and output_shape[d] != images.shape[d]:
            raise ValueError(f"Axis {d} is not in `spatial_dims`, so its size cannot change: "
                             f"{images.shape[d]} vs output_shape={output_shape}")
    key = str(method).lower()
    if key == "nearest":
        raise ValueError("Nearest neighbor resampling is not currently supported for "
                         "scale_and_translate.")
    if key not in _METHODS:
        raise ValueError(f"Unknown resize method: {method}")
    dtype = images.dtype if images.dtype in FLOATS else "float32"
    x = _core.cast(images, dtype)
    scale, translation = _core.cast(scale, dtype), _core.cast(translation, dtype)
    for i, d in enumerate(spatial_dims):
        w = _weights(images.shape[d], output_shape[d], scale[i], translation[i],
                     _METHODS[key], antialias, dtype)
        x = _np.moveaxis(_np.tensordot(x, w, axes=([d], [0])), -1, d)
    return x
