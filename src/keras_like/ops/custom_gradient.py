"""`ops.custom_gradient`: attach a hand-written gradient to a function."""

import functools

from keras_like.backend.engine import Tensor
from keras_like.backend.engine import _engine as E
from keras_like.ops._base import tensor
from keras_like.tree import flatten, pack_sequence_as


def custom_gradient(f):
    """Decorator: `f(*args)` returns `(outputs, grad_fn)`; `grad_fn(*upstream)` returns the
    gradient for each tensor argument (a single tensor when there is one argument).

    Example:
    >>> @custom_gradient
    ... def log1pexp(x):
    ...     e = ops.exp(x)
    ...     def grad(upstream):
    ...         return ops.multiply(upstream, 1.0 - 1.0 / ops.add(1, e))
    ...     return ops.log(1 + e), grad
    """

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        primals = [a if type(a) is Tensor else tensor(a) for a in args]
        token = E.enter_no_grad()
        try:
            outputs, grad_fn = f(*primals, **kwargs)
        finally:
            E.exit_no_grad(token)
        flat = [tensor(o) for o in flatten(outputs)]

        def vjp(cotangents):
            grads = grad_fn(*cotangents)
            if not isinstance(grads, (list, tuple)):
                grads = [grads]
            if len(grads) != len(primals):
                raise ValueError(
                    f"custom_gradient: the gradient function of `{f.__name__}` returned "
                    f"{len(grads)} gradients for {len(primals)} inputs"
                )
            return [None if g is None else tensor(g) for g in grads]

        results = E.custom_vjp(primals, flat, vjp)
        return pack_sequence_as(outputs, results)

    return wrapper
