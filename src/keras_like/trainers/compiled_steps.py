"""`compile(jit_compile=...)`: the train, test and predict steps run as captured graphs.

Each step is a `keras_like.function` over the batch (converted to tensors) plus the Python
values the step's code branches on: whether callbacks want batch logs, and the tracking
version (a changed `trainable` flag or a new weight changes what the step computes, so it is
traced again). An overridden `train_step` with its own `GradientTape` is captured the same way.
"""

import warnings

from keras_like.backend import tracking
from keras_like.graph.function import Function
from keras_like.trainers.data_adapters import to_tensors


def resolve_jit_compile(jit_compile, run_eagerly):
    """Keras 3's meaning: "auto" compiles when the model can be captured; `run_eagerly`
    wins over both."""
    if jit_compile not in ("auto", True, False, None):
        raise ValueError(
            "Invalid value for argument `jit_compile`. Expected 'auto', True or False. "
            f"Received: jit_compile={jit_compile}")
    if run_eagerly:
        return False
    return "auto" if jit_compile in ("auto", None) else bool(jit_compile)


class CompiledStep:
    def __init__(self, model, kind):
        self._model = model
        self._kind = kind
        self._announced = set()
        step = getattr(model, f"{kind}_step")
        # The keys' extra arguments are the Python state the step's code depends on: the
        # tracking version, and the optimizer object (`model.optimizer = ...` needs a new trace).
        if kind == "predict":
            def traced(data, tracking_version):
                return step(data)
        else:
            def traced(data, logs_needed, tracking_version, optimizer):
                model._batch_logs_needed = logs_needed
                return step(data), model._batch_logs_skipped
        # Evaluating or predicting with several batch sizes traces once per size; that is
        # expected here, not a sign of misuse, so no retracing warning.
        self.function = Function(traced, name=f"{kind}_step", reduce_retracing=True,
                                 on_fallback=self._fallback)

    def _fallback(self, reason):
        if reason in self._announced:
            return
        self._announced.add(reason)
        message = f"The {self._kind} step runs eagerly (jit_compile could not capture it): " \
                  f"{reason}."
        if self._model._jit_compile is True:
            warnings.warn(message, stacklevel=8)  # the caller of fit / evaluate / predict
        elif self._model._jit_verbose:
            print(message)

    def _arguments(self, data):
        data = to_tensors(data)
        if self._kind == "predict":
            return data, tracking.version()
        return data, self._model._batch_logs_needed, tracking.version(), self._model.optimizer

    def __call__(self, data):
        if self._kind == "predict":
            return self.function(*self._arguments(data))
        logs, skipped = self.function(*self._arguments(data))
        self._model._batch_logs_skipped = skipped
        return logs

    def get_concrete_function(self, data):
        """The captured step for a batch like `data` (its graph: `.graph`); traces it by
        running the step if needed."""
        return self.function.get_concrete_function(*self._arguments(data))
