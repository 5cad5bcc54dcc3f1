"""Control flow ops: cond, switch, while/fori loops, scan, map and associative scan.

The loops run eagerly in Python, so gradients flow through every iteration by ordinary
recording. On meta tensors (shape inference) the ops follow Keras's `compute_output_spec`
rules: a branch or loop whose predicate has no value is resolved from shapes alone.
"""

import numpy as np

from keras_like import tree
from keras_like.backend.engine import Tensor
from keras_like.ops._base import E, tensor

__all__ = [
    "associative_scan", "cond", "fori_loop", "map", "scan", "switch", "vectorized_map",
    "while_loop",
]

_INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32")

# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------


def _is_meta(t):
    return type(t) is Tensor and t.device.startswith("meta")


def _leaf(x):
    """A tensor for a pytree leaf; `None` stays `None`."""
    return None if x is None else tensor(x)


def _as_int(value, name, op):
    if type(value) is Tensor or hasattr(value, "_keras_like_value"):
        value = tensor(value)
        if _is_meta(value):
            raise ValueError(f"`{op}`: `{name}` needs a concrete value, not a symbolic tensor")
        if value.size != 1 or value.dtype not in _INT_DTYPES:
            raise TypeError(
                f"`{op}`: `{name}` must be an integer scalar. Received a tensor of shape "
                f"{value.shape} and dtype {value.dtype}"
            )
        return int(value.item())
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"`{op}`: `{name}` must be an integer. Received: {name}={value!r}")
    return int(value)


def _truth(pred, op):
    """Python truth of a scalar predicate; `None` when it is a meta tensor (no value)."""
    if type(pred) is not Tensor and not hasattr(pred, "_keras_like_value"):
        return bool(pred)
    pred = tensor(pred)
    if _is_meta(pred):
        return None
    if pred.size != 1:
        raise ValueError(
            f"`{op}`: the predicate must be a scalar boolean. Received a tensor of shape "
            f"{pred.shape}"
        )
    return bool(pred.item())


def _row(x, i, axis=0):
    """`x[i]` along `axis` as a view with that axis removed."""
    starts = [0] * x.ndim
    stops = list(x.shape)
    starts[axis], stops[axis] = i, i + 1
    out_shape = list(x.shape[:axis]) + list(x.shape[axis + 1:])
    return E.reshape(E.slice(x, starts, stops, [1] * x.ndim), out_shape)


def _range(x, start, stop, axis, step=1):
    """`x[start:stop:step]` along `axis` (bounds already normalised, like `slice.indices`)."""
    starts, stops, steps = [0] * x.ndim, list(x.shape), [1] * x.ndim
    starts[axis], stops[axis], steps[axis] = start, stop, step
    return E.slice(x, starts, stops, steps)


def _flip(x, axis):
    return _range(x, x.shape[axis] - 1, -1, axis, step=-1)


def _stack(values, op):
    """Stacks equal-shaped tensors along a new leading axis (dtypes promote)."""
    values = [tensor(v) for v in values]
    first = values[0].shape
    for i, v in enumerate(values):
        if v.shape != first:
            raise ValueError(
                f"`{op}`: every iteration must produce outputs of the same shape. Received "
                f"shape {first} at iteration 0 and {v.shape} at iteration {i}"
            )
    new_shape = [1] + list(first)
    return E.concatenate([E.reshape(v, new_shape) for v in values], 0)


def _stack_tree(outputs, op):
    """Stacks a list of same-structured pytrees leaf by leaf; `None` leaves stay `None`."""
    flats = [tree.flatten(o) for o in outputs]
    count = len(flats[0])
    for i, flat in enumerate(flats):
        if len(flat) != count:
            raise ValueError(
                f"`{op}`: every iteration must return the same structure. Iteration 0 returned "
                f"{outputs[0]!r} but iteration {i} returned {outputs[i]!r}"
            )
    stacked = []
    for j in range(count):
        leaves = [flat[j] for flat in flats]
        stacked.append(None if leaves[0] is None else _stack(leaves, op))
    return tree.pack_sequence_as(outputs[0], stacked)


def _zeros_like(x):
    return None if x is None else E.full(list(x.shape), 0, x.dtype, x.device)


def _empty_outputs(op, fn, *args):
    """Outputs for a zero-length loop: `fn` runs once on zeros to learn their shapes."""
    probe_args = [tree.map_structure(_zeros_like, a) for a in args]
    out = fn(*probe_args)

    def empty(t):
        if t is None:
            return None
        t = tensor(t)
        return E.full([0] + list(t.shape), 0, t.dtype, t.device)

    return tree.map_structure(empty, out)


def _normalize_axis(axis, ndim, op):
    axis = _as_int(axis, "axis", op)
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"`{op}`: `axis` {axis} is out of bounds for a tensor of rank {ndim}"
        )
    return axis % ndim


def _leading_size(leaves, op, name):
    n = None
    for leaf in leaves:
        if leaf.ndim == 0:
            raise ValueError(f"`{op}`: `{name}` must have a leading axis. Received a scalar")
        if n is None:
            n = leaf.shape[0]
        elif leaf.shape[0] != n:
            raise ValueError(
                f"`{op}`: all tensors in `{name}` must have the same leading size. Received "
                f"shapes {[leaf.shape for leaf in leaves]}"
            )
    return n


# ---------------------------------------------------------------------------------------------
# Control flow
# ---------------------------------------------------------------------------------------------


def _same_specs(a, b):
    fa, fb = tree.flatten(a), tree.flatten(b)
    if len(fa) != len(fb):
        return False
    for x, y in zip(fa, fb, strict=True):
        if (x is None) != (y is None):
            return False
        if x is not None and (tuple(tensor(x).shape) != tuple(tensor(y).shape)
                              or tensor(x).dtype != tensor(y).dtype):
            return False
    return True


def cond(pred, true_fn, false_fn):
    """Calls `true_fn()` when `pred` is true, else `false_fn()`.

    Args:
        pred: A boolean scalar (Python bool or tensor).
        true_fn: Callable returning the output for the `pred == True` case.
        false_fn: Callable returning the output for the `pred == False` case.

    Returns:
        The output of the chosen function.

    Example:
    >>> x = keras_like.ops.convert_to_tensor(2.0)
    >>> keras_like.ops.cond(x > 1, lambda: x * 2, lambda: x)  # 4.0
    """
    truth = _truth(pred, "cond")
    if truth is None:
        # Symbolic predicate: both branches must agree, as Keras's output-spec check demands.
        t, f = true_fn(), false_fn()
        if not _same_specs(t, f):
            raise ValueError(
                "`cond`: `true_fn` and `false_fn` should return outputs of the same kind "
                f"(struct, dtype and shape). Got {t!r} and {f!r} instead."
            )
        return t
    return true_fn() if truth else false_fn()


def switch(index, branches, *operands):
    """Applies `branches[index](*operands)`; `index` is clamped to the valid range.

    Args:
        index: An integer scalar choosing the branch.
        branches: A sequence of callables.
        *operands: Inputs passed to the chosen branch.

    Returns:
        The outputs of the chosen branch.

    Example:
    >>> branches = [lambda x, y: x + y, lambda x, y: x - y]
    >>> keras_like.ops.switch(1, branches, 2.0, 0.5)  # 1.5
    """
    branches = list(branches)
    if not branches:
        raise ValueError("`switch`: `branches` must contain at least one callable")
    if type(index) is Tensor and _is_meta(index):
        return branches[0](*operands)  # Keras uses the first branch for the output spec
    i = _as_int(index, "index", "switch")
    return branches[min(max(i, 0), len(branches) - 1)](*operands)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Repeats `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` is true.

    Args:
        cond: Callable returning a boolean scalar. When `loop_vars` is a tuple or list, its
            elements are passed positionally.
        body: Callable returning new loop variables with the same structure.
        loop_vars: A tensor, or a tuple/list (possibly nested) of tensors.
        maximum_iterations: Optional cap on the number of iterations.

    Returns:
        The final loop variables: a tuple when `loop_vars` is a tuple or list, else a tensor.

    Example:
    >>> keras_like.ops.while_loop(lambda x, y: x < 10, lambda x, y: (x + 1, y + 1), (0, 1))
    ... # (10, 11)
    """
    is_tuple = isinstance(loop_vars, (tuple, list))
    state = tuple(loop_vars) if is_tuple else (loop_vars,)
    state = tree.map_structure(_leaf, state)
    n_leaves = len(tree.flatten(state))
    limit = None if maximum_iterations is None else _as_int(
        maximum_iterations, "maximum_iterations", "while_loop")
    step = 0
    while limit is None or step < limit:
        truth = _truth(cond(*state), "while_loop")
        if not truth:  # None (a symbolic predicate) ends the loop: shapes cannot change
            break
        out = body(*state)
        out = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        out = tree.map_structure(_leaf, out)
        if len(out) != len(state) or len(tree.flatten(out)) != n_leaves:
            raise ValueError(
                "`while_loop`: `body` must return the same structure as `loop_vars`. "
                f"Received: loop_vars={loop_vars!r}, body output={out!r}"
            )
        state = out
        step += 1
    return state if is_tuple else state[0]


def fori_loop(lower, upper, body_fun, init_val):
    """Runs `val = body_fun(i, val)` for `i` in `range(lower, upper)`.

    Args:
        lower: The first loop index (int or integer scalar tensor).
        upper: The end of the range (exclusive).
        body_fun: Callable `(i, val) -> val`; `i` is a Python int.
        init_val: The initial loop state (a tensor or nested structure of tensors).

    Returns:
        The final loop state.

    Example:
    >>> keras_like.ops.fori_loop(0, 10, lambda i, s: s + i, 0)  # 45
    """
    lo = _as_int(lower, "lower", "fori_loop")
    hi = _as_int(upper, "upper", "fori_loop")
    val = tree.map_structure(_leaf, init_val)
    for i in range(lo, hi):
        val = body_fun(i, val)
    return val


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loops `carry, y = f(carry, x)` over the leading axis of `xs`, stacking the `y`s.

    Roughly:

    ```python
    carry, ys = init, []
    for x in xs:
        carry, y = f(carry, x)
        ys.append(y)
    return carry, stack(ys)
    ```

    Args:
        f: Callable `(carry, x) -> (carry, y)`.
        init: The initial carry: a tensor, scalar or nested structure.
        xs: Optional tensor or nested structure scanned along its leading axis.
        length: The number of iterations; required when `xs` is `None`.
        reverse: Iterate from the last element to the first (the outputs keep the order of
            `xs`).
        unroll: A positive int or bool, accepted for API compatibility (the loop is eager).

    Returns:
        `(final_carry, stacked_ys)`; `stacked_ys` has the structure `f` returns for `y`.

    Example:
    >>> xs = keras_like.ops.convert_to_tensor([1, 2, 3, 4, 5])
    >>> carry, ys = keras_like.ops.scan(lambda c, x: (c + x, c + x), 0, xs)
    ... # 15, [1, 3, 6, 10, 15]
    """
    if not callable(f):
        raise TypeError(f"`scan`: `f` should be a callable. Received: f={f!r}")
    if not isinstance(unroll, bool) and (not isinstance(unroll, int) or unroll < 1):
        raise ValueError(
            f"`unroll` must be an positive integer or boolean. Received: unroll={unroll}"
        )
    if xs is None and length is None:
        raise ValueError("`scan`: got no `xs` to scan over and `length` not provided.")
    xs_flat = [] if xs is None else [tensor(v) for v in tree.flatten(xs)]
    if xs_flat:
        n = _leading_size(xs_flat, "scan", "xs")
        if length is not None and _as_int(length, "length", "scan") != n:
            raise ValueError(
                f"`scan`: `length` ({length}) does not match the leading size of `xs` ({n})"
            )
    else:
        n = _as_int(length, "length", "scan")
    carry = tree.map_structure(_leaf, init)
    n_carry = len(tree.flatten(carry))

    def step(c, x):
        out = f(c, x)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise ValueError(
                f"`scan`: `f` must return a pair (carry, y). Received: {out!r}"
            )
        new_carry = tree.map_structure(_leaf, out[0])
        if len(tree.flatten(new_carry)) != n_carry:
            raise ValueError(
                "`scan`: the carry returned by `f` must have the structure of `init`. "
                f"Received: init={init!r}, new carry={out[0]!r}"
            )
        return new_carry, out[1]

    def x_at(i):
        return None if xs is None else tree.pack_sequence_as(xs, [_row(v, i) for v in xs_flat])

    if n == 0:
        x0 = None if xs is None else tree.pack_sequence_as(
            xs, [E.full(list(v.shape[1:]), 0, v.dtype, v.device) for v in xs_flat])
        ys = _empty_outputs("scan", lambda c, x: step(c, x)[1], carry, x0)
        return carry, ys
    ys = [None] * n
    for i in (range(n - 1, -1, -1) if reverse else range(n)):
        carry, ys[i] = step(carry, x_at(i))
    if all(y is None for y in ys):
        return carry, None
    return carry, _stack_tree(ys, "scan")


def map(f, xs):  # noqa: A001 - Keras name
    """Applies `f` to each slice of `xs` along its leading axis and stacks the results.

    Args:
        f: Callable applied to one slice (a tensor, or the structure of `xs`).
        xs: A tensor or nested structure of tensors with a common leading size.

    Returns:
        The stacked outputs, in the structure `f` returns.

    Example:
    >>> ys = keras_like.ops.map(lambda x: x ** 2, keras_like.ops.arange(5))  # [0, 1, 4, 9, 16]
    """
    _, ys = scan(lambda carry, x: (carry, f(x)), (), xs)
    return ys


def vectorized_map(function, elements):
    """Applies `function` to each slice of `elements` along axis 0 and stacks the results.

    With a tuple or list of tensors, `function` receives one tuple/list of slices per
    index. keras_like runs this as an eager loop; results match a vectorized map.

    Args:
        function: Callable applied per slice.
        elements: A tensor or nested structure of tensors with a common leading size.

    Returns:
        The stacked outputs, in the structure `function` returns.

    Example:
    >>> x = keras_like.ops.ones((3, 2))
    >>> keras_like.ops.vectorized_map(lambda row: keras_like.ops.sum(row), x)  # [2., 2., 2.]
    """
    leaves = [tensor(v) for v in tree.flatten(elements)]
    if not leaves:
        raise ValueError("`vectorized_map`: `elements` cannot be empty.")
    n = _leading_size(leaves, "vectorized_map", "elements")
    if n == 0:
        x0 = tree.pack_sequence_as(
            elements, [E.full(list(v.shape[1:]), 0, v.dtype, v.device) for v in leaves])
        return _empty_outputs("vectorized_map", function, x0)
    outs = [function(tree.pack_sequence_as(elements, [_row(v, i) for v in leaves]))
            for i in range(n)]
    return _stack_tree(outs, "vectorized_map")


def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan of `elems` along `axis` with an associative binary function `f`.

    Given `elems = [a, b, c, ...]` along `axis`, returns `[a, f(a, b), f(f(a, b), c), ...]`.
    `f` must be associative and act elementwise across the `axis` dimension; it is called
    about log2(n) times on whole blocks (Hillis-Steele), not n times.

    Args:
        f: Callable `(a, b) -> r` on (nested structures of) tensors matching `elems`.
        elems: A tensor or nested structure of tensors with a common size along `axis`.
        reverse: Scan from the end of `axis` to the start.
        axis: The axis to scan over.

    Returns:
        The scanned values, in the structure and shapes of `elems`.

    Example:
    >>> keras_like.ops.associative_scan(lambda a, b: a + b, keras_like.ops.arange(5))
    ... # [0, 1, 3, 6, 10]
    """
    if not callable(f):
        raise TypeError(f"`associative_scan`: `f` should be a callable. Received: f={f!r}")
    leaves = [tensor(v) for v in tree.flatten(elems)]
    if not leaves:
        raise ValueError("`associative_scan`: `elems` cannot be empty.")
    axes = [_normalize_axis(axis, leaf.ndim, "associative_scan") if leaf.ndim else None
            for leaf in leaves]
    if None in axes:
        raise ValueError("`associative_scan`: `elems` must not contain scalars")
    sizes = {leaf.shape[a] for leaf, a in zip(leaves, axes, strict=True)}
    if len(sizes) != 1:
        raise ValueError(
            "Array inputs to associative_scan must have the same first dimension. "
            f"(saw: {[leaf.shape for leaf in leaves]})"
        )
    n = sizes.pop()

    def blocks(start, stop):  # the same range of every leaf along its scan axis
        return [_range(v, start, stop, a) for v, a in zip(leaves, axes, strict=True)]

    if reverse:
        leaves = [_flip(v, a) for v, a in zip(leaves, axes, strict=True)]
    d = 1
    while d < n:
        # Hillis-Steele: out[i] = f(in[i - d], in[i]) for i >= d, and out[i] = in[i] below d.
        left = tree.pack_sequence_as(elems, blocks(0, n - d))
        right = tree.pack_sequence_as(elems, blocks(d, n))
        combined = [tensor(c) for c in tree.flatten(f(left, right))]
        if len(combined) != len(leaves):
            raise ValueError(
                "`associative_scan`: `f` must return the structure of `elems`. Received "
                f"{len(combined)} tensors for {len(leaves)} inputs"
            )
        leaves = [E.concatenate([head, c], a)
                  for head, c, a in zip(blocks(0, d), combined, axes, strict=True)]
        d *= 2
    if reverse:
        leaves = [_flip(v, a) for v, a in zip(leaves, axes, strict=True)]
    return tree.pack_sequence_as(elems, leaves)
