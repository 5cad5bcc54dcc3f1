"""Forward-mode differentiation (`keras.ops.linalg.jvp`) built on reverse mode.

The Jacobian-vector product is the vjp of the vjp: `u -> J^T u` is linear in `u`, so its own
vjp with cotangent `t` is `J t`. Two nested tapes compute it; the engine records the inner
backward pass when an outer tape is active.
"""

from keras_like import tree
from keras_like.backend.dtypes import is_float_dtype
from keras_like.backend.gradient_tape import GradientTape
from keras_like.ops._base import E, tensor

__all__ = ["jvp"]


def jvp(fun, primals, tangents, has_aux=False):
    """Computes `fun(*primals)` and the Jacobian of `fun` at `primals` applied to `tangents`.

    Args:
        fun: A function of tensors (or nested structures of tensors) written with
            `keras.ops`. With `has_aux`, it returns `(output, aux)`.
        primals: Tuple or list of the arguments of `fun`.
        tangents: Tuple or list with the structure and shapes of `primals`.
        has_aux: Whether `fun` returns auxiliary data next to its output.

    Returns:
        `(primals_out, tangents_out)`, or `(primals_out, tangents_out, aux)` with `has_aux`;
        `tangents_out` has the structure of `primals_out`.

    Example:
    >>> out, tangent = jvp(keras_like.ops.sin, (0.1,), (0.2,))
    >>> round(float(tangent), 6)
    0.199001
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError(
            "`primals` and `tangents` must be tuples or lists of arguments. Received: "
            f"primals={type(primals).__name__}, tangents={type(tangents).__name__}"
        )
    if len(primals) != len(tangents):
        raise ValueError(
            "`primals` and `tangents` must have the same length. Received: "
            f"len(primals)={len(primals)}, len(tangents)={len(tangents)}"
        )
    flat_primals = [tensor(p) for p in tree.flatten(list(primals))]
    flat_tangents = [tensor(t) for t in tree.flatten(list(tangents))]
    if len(flat_primals) != len(flat_tangents):
        raise ValueError("`primals` and `tangents` must have the same structure.")
    for p, t in zip(flat_primals, flat_tangents):
        if tuple(p.shape) != tuple(t.shape):
            raise ValueError(
                "Each tangent must have the shape of its primal. Received: "
                f"primal shape={tuple(p.shape)}, tangent shape={tuple(t.shape)}"
            )
    args = tree.pack_sequence_as(list(primals), flat_primals)
    with GradientTape(persistent=True) as outer:
        with GradientTape() as inner:
            inner.watch(flat_primals)
            result = fun(*args)
        out, aux = result if has_aux else (result, None)
        flat_out = [tensor(o) for o in tree.flatten(out)]
        differentiable = [o for o in flat_out if is_float_dtype(o.dtype)]
        dummies = [E.full(list(o.shape), 0.0, o.dtype, o.device) for o in differentiable]
        outer.watch(dummies)
        pullback = inner.gradient(differentiable, flat_primals, output_gradients=dummies) \
            if differentiable else [None] * len(flat_primals)
    pairs = [(g, t) for g, t in zip(pullback, flat_tangents) if g is not None]
    pushed = outer.gradient([g for g, _ in pairs], dummies,
                            output_gradients=[E.cast(t, g.dtype) for g, t in pairs]) \
        if pairs and dummies else [None] * len(dummies)
    by_output = dict(zip((id(o) for o in differentiable), pushed))
    flat_tangents_out = []
    for o in flat_out:
        g = by_output.get(id(o))
        if g is None:
            g = E.full(list(o.shape), 0.0, o.dtype, o.device)
        flat_tangents_out.append(g)
    primals_out = tree.pack_sequence_as(out, flat_out)
    tangents_out = tree.pack_sequence_as(out, flat_tangents_out)
    if has_aux:
        return primals_out, tangents_out, aux
    return primals_out, tangents_out
