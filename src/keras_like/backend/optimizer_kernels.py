"""The engine's fused optimizer updates, for `keras_like.optimizers`."""

import numpy as np

from keras_like.backend.engine import _engine

_NUMBERS = (int, float, bool)


def step_scalars(values):
    """Packs a step's hyperparameters into the float64 tensor the fused kernels read.

    Python numbers become constants; tensors (the learning rate, bias corrections computed
    from the iteration counter) stay on the device, so packing never reads them back.
    """
    parts, constants = [], []
    for v in values:
        if isinstance(v, _NUMBERS):
            constants.append(float(v))
            continue
        if constants:
            parts.append(_engine.from_numpy(np.array(constants, np.float64)))
            constants = []
        t = v if type(v) is _engine.Tensor else v.value
        parts.append(_engine.reshape(_engine.cast(t, "float64"), [1]))
    if constants:
        parts.append(_engine.from_numpy(np.array(constants, np.float64)))
    return parts[0] if len(parts) == 1 else _engine.concatenate(parts, 0)


def optimizer_update(kind, variable, gradient, slots, scalars):
    """Updates `variable` (a Variable) and its slot Variables in place in one engine call.

    `kind` is one of sgd, adam, rmsprop, adagrad, adamax, lion, nadam, adadelta; `scalars`
    (a list of numbers and 0-d tensors, or a tensor from `step_scalars`) are documented in
    engine/src/ops/optim.cpp.
    """
    grad = gradient if type(gradient) is _engine.Tensor else gradient.value
    if type(scalars) is not _engine.Tensor:
        scalars = step_scalars(scalars)
    _engine.optimizer_update(kind, variable.value, grad, [s.value for s in slots], scalars)
