"""`keras_like.utils.pad_sequences` (also `keras_like.preprocessing.sequence.pad_sequences`)."""

import numpy as np


def pad_sequences(
    sequences,
    maxlen=None,
    dtype="int32",
    padding="pre",
    truncating="pre",
    value=0.0,
):
    """Pads sequences to the same length.

    Turns a list of `num_samples` sequences into a 2-D NumPy array of shape
    `(num_samples, num_timesteps)`, where `num_timesteps` is `maxlen` if given, else the
    length of the longest sequence. Shorter sequences are padded with `value`; longer ones
    are truncated. `padding` and `truncating` say on which side ("pre" or "post") that
    happens. Sequences of vectors (each item shaped `s`) give an array shaped
    `(num_samples, num_timesteps) + s`.

    Args:
        sequences: List of sequences (each sequence is a list of integers).
        maxlen: Optional int, the length of every output sequence.
        dtype: Type of the output sequences (`object` for variable-length strings).
        padding: "pre" or "post": pad before or after each sequence.
        truncating: "pre" or "post": drop values from the start or the end of sequences
            longer than `maxlen`.
        value: Float or string, the padding value.

    Returns:
        NumPy array with shape `(len(sequences), maxlen)`.

    Example:
    >>> pad_sequences([[1], [2, 3], [4, 5, 6]])
    array([[0, 0, 1],
           [0, 2, 3],
           [4, 5, 6]], dtype=int32)
    >>> pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2, padding="post")
    array([[1, 0],
           [2, 3],
           [5, 6]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    num_samples = len(sequences)

    lengths = []
    sample_shape = ()
    found_sample_shape = False
    # The item shape comes from the first non-empty sequence; the others are checked below.
    for x in sequences:
        try:
            lengths.append(len(x))
            if not found_sample_shape and len(x):
                sample_shape = np.asarray(x).shape[1:]
                found_sample_shape = True
        except TypeError as e:
            raise ValueError(
                "`sequences` must be a list of iterables. "
                f"Found non-iterable: {str(x)}"
            ) from e

    if maxlen is None:
        maxlen = np.max(lengths)

    is_dtype_str = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not is_dtype_str:
        raise ValueError(
            f"`dtype` {dtype} is not compatible with `value`'s type: "
            f"{type(value)}\nYou should set `dtype=object` for variable length "
            "strings."
        )

    x = np.full((num_samples, maxlen) + sample_shape, value, dtype=dtype)
    for idx, s in enumerate(sequences):
        if not len(s):
            continue
        if truncating == "pre":
            trunc = s[-maxlen:]
        elif truncating == "post":
            trunc = s[:maxlen]
        else:
            raise ValueError(f'Truncating type "{truncating}" not understood')

        trunc = np.asarray(trunc, dtype=dtype)
        if trunc.shape[1:] != sample_shape:
            raise ValueError(
                f"Shape of sample {trunc.shape[1:]} of sequence at "
                f"position {idx} is different from expected shape "
                f"{sample_shape}"
            )

        if padding == "post":
            x[idx, : len(trunc)] = trunc
        elif padding == "pre":
            x[idx, -len(trunc):] = trunc
        else:
            raise ValueError(f'Padding type "{padding}" not understood')
    return x
