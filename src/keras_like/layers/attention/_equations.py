"""The einsum equations of multi-head attention (the same strings Keras builds).

Letters stand for axes: `a` is the batch, then the free (attention and batch-like) axes,
then the bound (contracted) axes, then the projected axes (heads, channels).
"""

import string

import numpy as np


def _letter(i):
    return string.ascii_lowercase[i]


def build_proj_equation(free_dims, bound_dims, output_dims):
    """(equation, bias axes, output rank) of a projection that keeps `free_dims` leading axes,
    contracts `bound_dims` axes with the kernel and adds `output_dims` kernel axes.

    >>> build_proj_equation(2, 1, 2)
    ('abc,cde->abde', 'de', 4)
    """
    input_str, kernel_str, output_str, bias_axes = "", "", "", ""
    for i in range(free_dims):
        input_str += _letter(i)
        output_str += _letter(i)
    for i in range(free_dims, free_dims + bound_dims):
        input_str += _letter(i)
        kernel_str += _letter(i)
    for i in range(free_dims + bound_dims, free_dims + bound_dims + output_dims):
        kernel_str += _letter(i)
        output_str += _letter(i)
        bias_axes += _letter(i)
    return f"{input_str},{kernel_str}->{output_str}", bias_axes, len(output_str)


def build_attention_equation(rank, attn_axes):
    """(query-key product equation, combine equation, scores rank) for projected tensors of
    shape `(batch, <non-attention axes>, <attention axes>, heads, channels)`.

    The product maps key and query to `(<batch axes incl. heads>, <query attention axes>,
    <key attention axes>)`; the combine equation maps scores and value back to the query's
    layout.

    >>> build_attention_equation(4, (1,))
    ('aecd,abcd->acbe', 'acbe,aecd->abcd', 4)
    """
    target = "".join(_letter(i) for i in range(rank))
    # Every axis except the attention axes and the channels is a batch axis (heads included).
    batch_dims = tuple(np.delete(range(rank), attn_axes + (rank - 1,)))
    offset = rank
    source = ""
    for i in range(rank):
        if i in batch_dims or i == rank - 1:
            source += target[i]
        else:
            source += _letter(offset)
            offset += 1
    product = "".join([target[i] for i in batch_dims] + [target[i] for i in attn_axes]
                      + [source[i] for i in attn_axes])
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


def partial_output_shape(output_rank, known_last_dims):
    """An EinsumDense `output_shape`: unknown (None) leading dims, then the known ones."""
    return [None] * (output_rank - len(known_last_dims)) + list(known_last_dims)
