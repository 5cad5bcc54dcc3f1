"""NumPy references for convolution and pooling (channels last), written from the
definitions: sliding windows with einsum / max / nanmean, and scatter-add for the transposed
convolution."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _same(size, window, stride):
    out = -(-size // stride)
    total = max((out - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def _windows(x, window, strides, dilation, padding, fill):
    """(N, *out, C, *window) array of the (dilated) windows of channels-last `x`."""
    n = x.ndim - 2
    eff = [(w - 1) * d + 1 for w, d in zip(window, dilation)]
    pads = [(0, 0)] * n if padding == "valid" else \
        [_same(x.shape[1 + i], eff[i], strides[i]) for i in range(n)]
    x = np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=fill)
    v = sliding_window_view(x, eff, axis=tuple(range(1, n + 1)))
    index = (slice(None),) + tuple(slice(None, None, s) for s in strides) + (slice(None),) + \
        tuple(slice(None, None, d) for d in dilation)
    return v[index]


def np_conv(x, k, strides, padding, dilation, groups):
    n = x.ndim - 2
    w = _windows(x, k.shape[:n], strides, dilation, padding, 0.0)
    cg, fg = k.shape[-2], k.shape[-1] // groups
    taps, out = "ijk"[:n], "xyz"[:n]
    return np.concatenate([
        np.einsum(f"n{out}c{taps},{taps}cf->n{out}f",
                  w[(Ellipsis, slice(g * cg, (g + 1) * cg)) + (slice(None),) * n],
                  k[..., g * fg:(g + 1) * fg])
        for g in range(groups)], -1)


def np_pool(x, pool, strides, padding, kind):
    n = x.ndim - 2
    fill = -np.inf if kind == "max" else np.nan
    w = _windows(x.astype(np.float64), pool, strides, [1] * n, padding, fill)
    axes = tuple(range(-n, 0))
    return np.max(w, axis=axes) if kind == "max" else np.nanmean(w, axis=axes)


def np_conv_transpose(x, k, strides, padding, output_padding, dilation):
    """Scatter-add definition: input element i, kernel tap o lands on i*s + o*d, then Keras's
    crop/extension of the full result."""
    n = x.ndim - 2
    eff = [(w - 1) * d + 1 for w, d in zip(k.shape[:n], dilation)]
    full_shape = [(x.shape[1 + i] - 1) * strides[i] + eff[i] for i in range(n)]
    full = np.zeros((x.shape[0], *full_shape, k.shape[-2]))
    for pos in np.ndindex(*x.shape[1:-1]):
        for tap in np.ndindex(*k.shape[:n]):
            at = tuple(p * s + t * d for p, s, t, d in zip(pos, strides, tap, dilation))
            full[(slice(None), *at)] += x[(slice(None), *pos)] @ k[tap].T
    index = [slice(None)]
    pads = []
    for i in range(n):
        op = None if output_padding is None else output_padding[i]
        if padding == "valid":
            extra = max(eff[i], strides[i]) - eff[i] if op is None else op
            size = full_shape[i] + extra
            left = 0
        else:
            size = x.shape[1 + i] * strides[i] if op is None else \
                (x.shape[1 + i] - 1) * strides[i] + eff[i] % 2 + op
            total = strides[i] + eff[i] - 2 if op is None else eff[i] + eff[i] % 2 - 2 + op
            left = eff[i] - 1 - min(total // 2 + total % 2, eff[i] - 1)
        pads.append((0, max(0, left + size - full_shape[i])))
        index.append(slice(left, left + size))
    full = np.pad(full, [(0, 0), *pads, (0, 0)])
    return full[tuple(index)]
