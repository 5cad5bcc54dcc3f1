"""`MonitorCallback`: base of the callbacks that watch one logged quantity for improvement."""

import warnings

import numpy as np

from keras_like import ops
from keras_like.callbacks.callback import Callback


class MonitorCallback(Callback):
    """Picks the comparison for `monitor` (from `mode`) and judges improvements.

    In "auto" mode a name ending in "loss" is minimized; a compiled metric of that name is
    maximized when it says so (`metric._direction == "up"`, e.g. accuracy, AUC) and minimized
    otherwise. `min_delta` is the smallest change that counts as an improvement.

    Args:
        monitor: Name of the logged quantity, e.g. "val_loss". Defaults to "val_loss".
        mode: One of "auto", "min", "max".
        baseline: Initial best value (None: the first monitored value).
        min_delta: Minimum change that counts as an improvement.

    Raises:
        ValueError: In "auto" mode, when the direction of `monitor` cannot be inferred.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ["auto", "min", "max"]:
            warnings.warn(
                f"{self.__class__.__name__} mode '{mode}' is unknown, fallback to auto mode.",
                stacklevel=2,
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = ops.less
        elif self.mode == "max":
            self.monitor_op = ops.greater
        else:
            metric_name = self.monitor.removeprefix("val_")
            if metric_name == "loss":
                self.monitor_op = ops.less
            for m in _compiled_metrics(self.model):
                if m.name == metric_name and hasattr(m, "_direction"):
                    self.monitor_op = ops.greater if m._direction == "up" else ops.less
            if self.monitor_op is None:
                raise ValueError(
                    f"{self.__class__.__name__} callback received monitor={self.monitor}, but "
                    "Keras isn't able to automatically determine whether that metric should be "
                    "maximized or minimized. Pass `mode='max'` in order to monitor based on the "
                    "highest metric value, or pass `mode='min'` in order to use the lowest "
                    "value."
                )
        if self.monitor_op is ops.less:
            self.min_delta *= -1
        if self.best is None:
            self.best = np.inf if self.monitor_op is ops.less else -np.inf

    def _is_improvement(self, monitor_value, reference_value):
        if reference_value is None:
            return True
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))


def _compiled_metrics(model):
    """The metrics compiled into `model` (those of its "compile_metrics" container)."""
    from keras_like.trainers.compile_utils import CompileMetrics

    found = []
    for m in getattr(model, "metrics", None) or []:
        if isinstance(m, CompileMetrics):
            found.extend(m.metrics)
    return found
