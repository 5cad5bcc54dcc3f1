"""The engine's fused optimizer updates, for `keras_like.optimizers`."""

from keras_like.backend.engine import _engine


def optimizer_update(kind, variable, gradient, slots, scalars):
    """Updates `variable` (a Variable) and its slot Variables in place in one engine call.

    `kind` is one of sgd, adam, rmsprop, adagrad, adamax, lion, nadam, adadelta; `scalars`
    are documented in engine/src/ops/optim.cpp.
    """
    grad = gradient if type(gradient) is _engine.Tensor else gradient.value
    _engine.optimizer_update(kind, variable.value, grad, [s.value for s in slots],
                             [float(s) for s in scalars])
