"""Trainer: compile / fit / evaluate / predict and the overridable *_step methods.

Mirrors Keras 3's eager (torch-backend) trainer: `fit` runs `train_step` per batch between the
callbacks' hooks, validates through `evaluate` with the same callbacks, and returns the
`History`. To keep the per-step cost low, the step computes its metric results (the batch
logs) only when some callback reads them at that step: `compute_metrics` returns `{}`
otherwise, and the epoch logs are read from the metrics at the end of the epoch.
"""

import inspect
import warnings

import numpy as np

from keras_like import tree
from keras_like.backend import Tensor
from keras_like.callbacks.callback_list import pythonify_logs as _pythonify_logs
from keras_like.trainers import input_checks
from keras_like.trainers.compile_utils import CompileLoss, CompileMetrics
from keras_like.trainers.compiled_steps import CompiledStep, resolve_jit_compile
from keras_like.trainers.data_adapters import (
    EpochIterator,
    _interrupted_warning,
    class_weight_to_sample_weights,
    to_tensors,
    train_validation_split,
    unpack_x_y_sample_weight,
)


def _verbosity(verbose):
    return 1 if verbose == "auto" else int(verbose)


def _to_numpy(x):
    return x.numpy() if type(x) is Tensor else np.asarray(x)


class Trainer:
    """Mixed into Model: everything about training loops."""

    def __init__(self):
        self._run_eagerly = False
        # "auto" until compile says otherwise: predict on an uncompiled model is captured too.
        self._jit_compile = "auto"
        self._compiled_steps = {}  # "train" / "test" / "predict" -> CompiledStep
        self._jit_verbose = 0  # the running loop's verbosity, for capture fallback messages
        self.compiled = False
        self.loss = None
        self.optimizer = None
        self.steps_per_execution = 1
        self.stop_training = False
        self.history = None
        self._initial_epoch = None
        # Set by BackupAndRestore: where the next `fit` resumes (a `resume_state.ResumePoint`).
        self._resume_point = None
        self._fit_epoch_iterator = None
        self._compile_loss = None
        self._compile_metrics = None
        self._loss_tracker = None
        self._compile_config = None
        # Read by `compute_metrics`: whether this step's callbacks read the batch logs.
        self._batch_logs_needed = True
        self._batch_logs_skipped = False
        self._compute_loss_has_training_arg = \
            "training" in inspect.signature(self.compute_loss).parameters

    # ---- compile -----------------------------------------------------------------------------

    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):
        """Configures the model for training.

        Args:
            optimizer: String id or optimizer instance.
            loss: Loss (string id, function or `Loss`), or a list/dict with one per output.
            loss_weights: Float (one output), or a list/dict of per-output weights.
            metrics: List of metrics (or a list/dict of lists, one per output), evaluated
                without sample weights. "accuracy" picks binary/categorical/sparse by shapes.
            weighted_metrics: Metrics weighted by `sample_weight` / `class_weight`.
            run_eagerly: Run the Python step functions on every batch (for debugging) instead
                of replaying captured graphs.
            steps_per_execution: Accepted for compatibility (one step per call).
            jit_compile: "auto" (default) or True: the train, test and predict steps are
                captured into engine graphs on their first calls and replayed afterwards
                (bit-identical to eager); "auto" falls back to eager where a step cannot be
                captured and says why at verbose >= 1, True warns. False runs eagerly.
            auto_scale_loss: Accepted for compatibility.

        Example:
        >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
        ...               metrics=["accuracy"])
        """
        from keras_like import metrics as metrics_module
        from keras_like import optimizers

        self.optimizer = optimizers.get(optimizer)
        output_names = getattr(self, "output_names", None)
        if loss is not None:
            self._compile_loss = CompileLoss(loss, loss_weights, output_names=output_names)
            self.loss = loss
        self._compile_metrics = None
        if metrics is not None or weighted_metrics is not None:
            self._compile_metrics = CompileMetrics(metrics, weighted_metrics,
                                                   output_names=output_names)
        if jit_compile is True and run_eagerly:
            warnings.warn("If `run_eagerly` is True, then `jit_compile` cannot also be True. "
                          "Disabling `jit_compile`.", stacklevel=2)
        self._jit_compile = resolve_jit_compile(jit_compile, run_eagerly)
        self.run_eagerly = run_eagerly
        self.stop_training = False
        self.compiled = True
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.steps_per_execution = steps_per_execution
        self._compile_config = {
            "optimizer": optimizer, "loss": loss, "loss_weights": loss_weights,
            "metrics": metrics, "weighted_metrics": weighted_metrics,
            "run_eagerly": run_eagerly, "steps_per_execution": steps_per_execution,
            "jit_compile": bool(self._jit_compile),  # resolved, as Keras writes it
        }

    @property
    def run_eagerly(self):
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value):
        self._run_eagerly = value
        self._compiled_steps = {}

    @property
    def jit_compile(self):
        return bool(self._jit_compile) and not self._run_eagerly

    @jit_compile.setter
    def jit_compile(self, value):
        self._jit_compile = resolve_jit_compile(value, False)
        self._compiled_steps = {}

    def _step_function(self, kind):
        """`<kind>_step`, or its captured form when jit_compile is on."""
        if not self._jit_compile or self._run_eagerly:
            return getattr(self, f"{kind}_step")
        step = self._compiled_steps.get(kind)
        if step is None:
            step = self._compiled_steps[kind] = CompiledStep(self, kind)
        return step

    def get_compile_config(self):
        """The `compile()` arguments, serialized (None when the model was not compiled)."""
        if not self.compiled or self._compile_config is None:
            return None
        from keras_like.saving.serialization_lib import serialize_keras_object

        return {k: serialize_keras_object(v) for k, v in self._compile_config.items()}

    def compile_from_config(self, config):
        """Compiles the model from `get_compile_config()`'s output."""
        from keras_like.saving.serialization_lib import deserialize_keras_object

        if not config:
            return
        config = {k: deserialize_keras_object(v) for k, v in config.items()}
        self.compile(**config)
        if self.optimizer is not None and self.built:
            self.optimizer.build(self.trainable_variables)

    def _assert_compile_called(self, method_name=None):
        if not self.compiled:
            raise ValueError("You must call `compile()` before using the model.")

    # ---- metrics -----------------------------------------------------------------------------

    @property
    def metrics(self):
        """The loss tracker, the compiled metrics, per-output loss trackers, then any metric
        held as an attribute by the model or its layers (nested models excluded)."""
        from keras_like.metrics import Metric

        metrics = []
        if self.compiled:
            if self._loss_tracker is not None:
                metrics.append(self._loss_tracker)
            if self._compile_metrics is not None:
                metrics.append(self._compile_metrics)
            if self._compile_loss is not None:
                metrics.extend(self._compile_loss.metrics)
        own = (self._loss_tracker, self._compile_metrics)
        seen = {id(m) for m in metrics}
        for layer in self._flatten_layers(include_self=True):
            if layer is not self and isinstance(layer, Trainer):
                continue
            for value in layer.__dict__.values():
                candidates = value if isinstance(value, (list, tuple)) else (value,)
                for m in candidates:
                    if isinstance(m, Metric) and id(m) not in seen and m not in own:
                        seen.add(id(m))
                        metrics.append(m)
        return metrics

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    @property
    def metrics_variables(self):
        return [v for m in self.metrics for v in m.variables]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self):
        """The current value of every metric in `self.metrics`, as a flat dict."""
        results = {}
        for metric in self.metrics:
            if isinstance(metric, CompileMetrics) and not metric.built:
                continue
            result = metric.result()
            if isinstance(result, dict):
                results.update(result)
            else:
                results[metric.name] = result
        return results

    def _get_metrics_result_or_logs(self, logs):
        """The metrics' results when `logs` came from the default step, else `logs`."""
        metric_logs = self.get_metrics_result()
        if self._batch_logs_skipped and isinstance(logs, dict):
            # The step skipped its results; whatever it returned comes on top.
            return {**metric_logs, **logs}
        if isinstance(logs, dict) and set(logs) == set(metric_logs):
            return metric_logs
        return logs

    def _flatten_metrics_in_order(self, logs):
        """`logs` as a list in `metrics_names` order (then the other keys, sorted)."""
        names = []
        for metric in self.metrics:
            if isinstance(metric, CompileMetrics):
                names += [m.name for m in metric.metrics]
            else:
                names.append(metric.name)
        results = [logs[name] for name in names if name in logs]
        results += [logs[k] for k in sorted(logs) if k not in names]
        return results[0] if len(results) == 1 else results

    # ---- steps -------------------------------------------------------------------------------

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss plus the model's own losses (regularization, `add_loss`)."""
        from keras_like import ops

        del x, training
        losses = []
        if self._compile_loss is not None:
            value = self._compile_loss(y, y_pred, sample_weight)
            if value is not None:
                losses.append(value)
        for extra in self.losses:
            losses.append(self._aggregate_additional_loss(extra))
        if not losses:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        total = losses[0]
        for value in losses[1:]:
            total = ops.add(total, value)
        return total

    def _aggregate_additional_loss(self, loss):
        from keras_like import ops
        from keras_like.backend.config import floatx

        if not loss.dtype.startswith(("float", "bfloat")):
            loss = ops.cast(loss, floatx())
        return ops.sum(loss) if len(loss.shape) else loss

    def _compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        # `compute_loss` overrides written before Keras 3.3 have no `training` argument.
        if self._compute_loss_has_training_arg:
            return self.compute_loss(x, y, y_pred, sample_weight, training=training)
        return self.compute_loss(x, y, y_pred, sample_weight)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Updates the compiled metrics and returns the results of `self.metrics`.

        Returns `{}` at steps where no callback reads the batch logs (`fit` then takes the
        epoch logs from the metrics themselves).
        """
        del x
        if self._compile_metrics is not None and y is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        if not self._batch_logs_needed:
            self._batch_logs_skipped = True
            return {}
        self._batch_logs_skipped = False
        return self.get_metrics_result()

    def train_step(self, data):
        """One optimization step on a batch; returns the batch logs."""
        from keras_like.backend.gradient_tape import GradientTape

        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True) if self._call_has_training_arg else self(x)
            loss = self._compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                      training=True)
        self._loss_tracker.update_state(loss, sample_weight=tree.flatten(x)[0].shape[0])
        trainable_weights = self.trainable_weights
        if trainable_weights:
            grads = tape.gradient(loss, trainable_weights)
            self.optimizer.apply(grads, trainable_weights)
        else:
            warnings.warn("The model does not have any trainable weights.", stacklevel=2)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data):
        """Loss and metrics on a batch, without training; returns the batch logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False) if self._call_has_training_arg else self(x)
        loss = self._compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                  training=False)
        self._loss_tracker.update_state(loss, sample_weight=tree.flatten(x)[0].shape[0])
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data):
        """The model's outputs on a batch."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False) if self._call_has_training_arg else self(x)

    # ---- loops -------------------------------------------------------------------------------

    def _callback_list(self, callbacks, verbose, epochs, steps, add_history=False):
        from keras_like.callbacks.callback_list import CallbackList

        if isinstance(callbacks, CallbackList):
            return callbacks
        return CallbackList(callbacks, add_history=add_history, add_progbar=verbose != 0,
                            verbose=verbose, epochs=epochs, steps=steps, model=self)

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Trains the model for a fixed number of epochs; returns the `History`.

        Example:
        >>> history = model.fit(x, y, batch_size=32, epochs=2, validation_split=0.2)
        >>> sorted(history.history)
        ['loss', 'val_loss']
        """
        self._assert_compile_called("fit")
        input_checks.check_batch_size(batch_size)
        input_checks.check_batch_size(validation_batch_size, "validation_batch_size")
        input_checks.check_validation_split(validation_split)
        self._eval_epoch_iterator = None
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = train_validation_split(
                (x, y, sample_weight), validation_split=validation_split)
        if validation_data is not None:
            val_x, val_y, val_sample_weight = unpack_x_y_sample_weight(validation_data)
        epoch_iterator = EpochIterator(
            x, y=y, sample_weight=sample_weight, batch_size=batch_size,
            steps_per_epoch=steps_per_epoch, shuffle=shuffle, class_weight=class_weight)
        input_checks.check_has_samples(epoch_iterator, "fit")
        callbacks = self._callback_list(callbacks, verbose, epochs, epoch_iterator.num_batches,
                                        add_history=True)
        self.stop_training = False
        training_logs = {}
        self._fit_epoch_iterator = epoch_iterator  # where BackupAndRestore reads the data state
        callbacks.on_train_begin()
        initial_epoch = self._initial_epoch or initial_epoch
        resume, self._resume_point = self._resume_point, None
        logs_needed = callbacks.train_batch_logs_needed
        batch_begin, batch_end = callbacks.on_train_batch_begin, callbacks.on_train_batch_end
        self._jit_verbose = _verbosity(verbose)
        train_step = self._step_function("train")
        try:
            for epoch in range(initial_epoch, epochs):
                if epoch_iterator.exhausted:
                    _interrupted_warning()
                    break
                self.reset_metrics()
                self._batch_logs_skipped = False
                if resume is not None:
                    resume.start_epoch(self, epoch_iterator)
                    resume = None
                callbacks.on_epoch_begin(epoch)
                logs = {}
                batches = iter(epoch_iterator)
                for step, data in batches:
                    batch_begin(step)
                    self._batch_logs_needed = logs_needed()
                    logs = train_step(data)
                    batch_end(step, logs)
                    if self.stop_training:
                        break
                batches.close()
                epoch_logs = dict(self._get_metrics_result_or_logs(logs))
                if validation_data is not None and self._should_eval(epoch, validation_freq):
                    if self._eval_epoch_iterator is None:
                        self._eval_epoch_iterator = EpochIterator(
                            val_x, y=val_y, sample_weight=val_sample_weight,
                            batch_size=validation_batch_size or batch_size,
                            steps_per_epoch=validation_steps, shuffle=False)
                    val_logs = self.evaluate(
                        x=val_x, y=val_y, sample_weight=val_sample_weight,
                        batch_size=validation_batch_size or batch_size, steps=validation_steps,
                        callbacks=callbacks, return_dict=True, _use_cached_eval_dataset=True)
                    epoch_logs.update({f"val_{name}": val for name, val in val_logs.items()})
                callbacks.on_epoch_end(epoch, epoch_logs)
                training_logs = epoch_logs
                if self.stop_training:
                    break
        finally:
            self._batch_logs_needed = True
            self._batch_logs_skipped = False
            self._fit_epoch_iterator = None
        if getattr(self.optimizer, "built", False) and epochs > 0:
            self.optimizer.finalize_variable_values(self.trainable_weights)
        self._eval_epoch_iterator = None
        callbacks.on_train_end(logs=training_logs)
        return self.history

    @staticmethod
    def _should_eval(epoch, validation_freq):
        epoch = epoch + 1  # one-indexed, as users count epochs
        if isinstance(validation_freq, int):
            return epoch % validation_freq == 0
        if isinstance(validation_freq, list):
            return epoch in validation_freq
        raise ValueError(
            "Expected `validation_freq` to be a list or int. Received: "
            f"validation_freq={validation_freq} of the type {type(validation_freq)}."
        )

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """Loss and metric values on the given data.

        Returns the loss (a float) when the model has no other metric, else a list ordered
        like `metrics_names`, or a dict with `return_dict=True`.
        """
        self._assert_compile_called("evaluate")
        use_cached = kwargs.pop("_use_cached_eval_dataset", False)
        if kwargs:
            raise ValueError(f"Arguments not recognized: {kwargs}")
        if use_cached:
            epoch_iterator = self._eval_epoch_iterator
        else:
            input_checks.check_batch_size(batch_size)
            epoch_iterator = EpochIterator(x, y=y, sample_weight=sample_weight,
                                           batch_size=batch_size, steps_per_epoch=steps,
                                           shuffle=False)
            input_checks.check_has_samples(epoch_iterator, "evaluate")
        callbacks = self._callback_list(callbacks, verbose, 1, epoch_iterator.num_batches)
        self.stop_evaluating = False
        callbacks.on_test_begin()
        logs = {}
        self.reset_metrics()
        logs_needed = callbacks.test_batch_logs_needed
        was_needed, was_skipped = self._batch_logs_needed, self._batch_logs_skipped
        self._batch_logs_skipped = False
        was_verbose, self._jit_verbose = self._jit_verbose, _verbosity(verbose)
        test_step = self._step_function("test")
        try:
            batches = iter(epoch_iterator)
            for step, data in batches:
                callbacks.on_test_batch_begin(step)
                self._batch_logs_needed = logs_needed()
                logs = test_step(data)
                callbacks.on_test_batch_end(step, logs)
                if self.stop_evaluating:
                    break
            batches.close()
            logs = _pythonify_logs(self._get_metrics_result_or_logs(logs))
        finally:
            self._batch_logs_needed, self._batch_logs_skipped = was_needed, was_skipped
            self._jit_verbose = was_verbose
        callbacks.on_test_end(logs)
        if return_dict:
            return logs
        return self._flatten_metrics_in_order(logs)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Model outputs for the inputs, as NumPy arrays (concatenated over batches)."""
        input_checks.check_batch_size(batch_size)
        epoch_iterator = EpochIterator(x, batch_size=batch_size, steps_per_epoch=steps,
                                       shuffle=False)
        input_checks.check_has_samples(epoch_iterator, "predict")
        callbacks = self._callback_list(callbacks, verbose, 1, epoch_iterator.num_batches)
        self.stop_predicting = False
        callbacks.on_predict_begin()
        outputs = None
        batch_outputs = None
        self._jit_verbose = _verbosity(verbose)
        predict_step = self._step_function("predict")
        batches = iter(epoch_iterator)
        for step, data in batches:
            callbacks.on_predict_batch_begin(step)
            batch_outputs = tree.map_structure(_to_numpy, predict_step(data))
            if outputs is None:
                outputs = [batch_outputs]
            else:
                outputs.append(batch_outputs)
            callbacks.on_predict_batch_end(step, {"outputs": batch_outputs})
            if self.stop_predicting:
                break
        batches.close()
        callbacks.on_predict_end()
        if outputs is None:
            raise input_checks.no_batches_error("predict")
        if len(outputs) == 1:
            return outputs[0]
        return tree.map_structure(lambda *parts: np.concatenate(parts, axis=0), *outputs)

    # ---- single batches ----------------------------------------------------------------------

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """Runs one optimization step on one batch; returns its loss and metrics."""
        self._assert_compile_called("train_on_batch")
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError(
                    "Arguments `sample_weight` and `class_weight` cannot be specified at the "
                    f"same time. Received: sample_weight={sample_weight}, "
                    f"class_weight={class_weight}"
                )
            sample_weight = class_weight_to_sample_weights(y, class_weight)
        self.reset_metrics()
        self._batch_logs_needed = True
        logs = self._step_function("train")(to_tensors((x, y, sample_weight)))
        logs = _pythonify_logs(logs)
        if return_dict:
            return logs
        return self._flatten_metrics_in_order(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Loss and metrics on one batch, without training."""
        self._assert_compile_called("test_on_batch")
        self.reset_metrics()
        self._batch_logs_needed = True
        logs = _pythonify_logs(self._step_function("test")(to_tensors((x, y, sample_weight))))
        if return_dict:
            return logs
        return self._flatten_metrics_in_order(logs)

    def predict_on_batch(self, x):
        """The model's outputs on one batch, as NumPy arrays."""
        return tree.map_structure(_to_numpy, self._step_function("predict")(to_tensors((x,))))
