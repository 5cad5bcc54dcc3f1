"""Trainer: compile / fit / evaluate / predict and the overridable *_step methods."""

import numpy as np

from keras_like.backend.engine import Tensor
from keras_like.trainers.compile_utils import CompileLoss, CompileMetrics
from keras_like.trainers.data_adapters import (
    get_data_adapter,
    pack_x_y_sample_weight,
    train_validation_split,
    unpack_x_y_sample_weight,
)
from keras_like.utils import tree


def _to_tensors(structure):
    from keras_like.backend.convert import convert_to_tensor

    def convert(v):
        if v is None or type(v) is Tensor:
            return v
        return convert_to_tensor(v) if hasattr(v, "shape") or isinstance(v, (list, float, int)) \
            else v

    if type(structure) is np.ndarray:
        return convert(structure)
    return tree.map_structure(convert, structure)


class Trainer:
    """Mixed into Model: everything about training loops."""

    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self.stop_training = False
        self.history = None
        self._compile_loss = None
        self._compile_metrics = None
        self._loss_tracker = None
        self._batch_logs_needed = True
        self._run_eagerly = False

    # ---- compile -----------------------------------------------------------------------------

    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):
        """Configures the model for training."""
        from keras_like import metrics as metrics_module
        from keras_like import optimizers

        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        self._compile_loss = CompileLoss(loss, loss_weights) if loss is not None else None
        self._compile_metrics = (CompileMetrics(metrics, weighted_metrics)
                                 if metrics is not None or weighted_metrics is not None else None)
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._run_eagerly = run_eagerly
        self.steps_per_execution = steps_per_execution
        self.jit_compile = False
        self.compiled = True
        self._compile_config = {"optimizer": optimizer, "loss": loss, "loss_weights": loss_weights,
                                "metrics": metrics, "weighted_metrics": weighted_metrics}

    @property
    def run_eagerly(self):
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value):
        self._run_eagerly = value

    def _assert_compiled(self, method):
        if not self.compiled:
            raise ValueError(f"You must call `compile()` before calling `{method}()`.")

    @property
    def metrics(self):
        """All metrics tracked by the model: compiled metrics, per-output losses, then loss."""
        result = []
        if self._compile_metrics is not None:
            result.extend(self._compile_metrics.metrics)
        if self._compile_loss is not None:
            result.extend(self._compile_loss.metrics)
        if self._loss_tracker is not None:
            result.append(self._loss_tracker)
        from keras_like.metrics import Metric

        for layer in self._flatten_layers(include_self=True):
            for value in layer.__dict__.values():
                if isinstance(value, Metric) and value not in result:
                    result.append(value)
        return result

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self):
        return {m.name: m.result() for m in self.metrics}

    # ---- steps -------------------------------------------------------------------------------

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Compiled losses plus the model's own losses (regularization, add_loss)."""
        losses = []
        if self._compile_loss is not None:
            if not self._compile_loss.built:
                self._compile_loss.build(self, y, y_pred)
            value = self._compile_loss(y, y_pred, sample_weight)
            if value is not None:
                losses.append(value)
        for extra in self.losses:
            losses.append(extra)
        if not losses:
            if self._compile_loss is None and not self.losses:
                raise ValueError(
                    "No loss to compute. Provide a `loss` argument in `compile()`."
                )
        total = losses[0]
        for value in losses[1:]:
            total = total + value
        return total

    def _update_loss_tracker(self, loss, x):
        if self._loss_tracker is not None:
            batch = tree.flatten(x)[0].shape[0] if x is not None else None
            self._loss_tracker.update_state(loss, sample_weight=batch)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Updates compiled metrics; returns the current results (when logs are needed)."""
        if self._compile_metrics is not None and y is not None:
            if not self._compile_metrics.built:
                fns = self._compile_loss.losses if self._compile_loss is not None and \
                    self._compile_loss.built else []
                self._compile_metrics.build(self, y, y_pred, fns)
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        if not self._batch_logs_needed:
            return {}
        return self.get_metrics_result()

    def train_step(self, data):
        from keras_like.backend.gradient_tape import GradientTape

        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                     training=True)
        self._update_loss_tracker(loss, x)
        variables = self.trainable_weights
        grads = tape.gradient(loss, variables)
        self.optimizer.apply(grads, variables)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                 training=False)
        self._update_loss_tracker(loss, x)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # ---- loops -------------------------------------------------------------------------------

    def _callbacks(self, callbacks, verbose, epochs, steps, add_history=False):
        from keras_like.callbacks.callback_list import CallbackList

        if isinstance(callbacks, CallbackList):
            return callbacks
        return CallbackList(callbacks, add_history=add_history, add_progbar=verbose != 0,
                            model=self, verbose=verbose, epochs=epochs, steps=steps)

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Trains the model for a fixed number of epochs; returns a History."""
        self._assert_compiled("fit")
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = train_validation_split(
                (x, y, sample_weight), validation_split)
        val = None
        if validation_data is not None:
            val = unpack_x_y_sample_weight(validation_data)
        adapter = get_data_adapter(x, y, sample_weight, batch_size=batch_size,
                                   steps=steps_per_epoch, shuffle=shuffle,
                                   class_weight=class_weight)
        cbs = self._callbacks(callbacks, verbose, epochs, adapter.steps, add_history=True)
        self._batch_logs_needed = cbs.wants_batch_logs("train")
        self.stop_training = False
        cbs.on_train_begin()
        training_logs = None
        val_adapter = None
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            step = -1
            for step, batch in enumerate(adapter.batches()):
                cbs.on_train_batch_begin(step)
                logs = self.train_step(_to_tensors(batch))
                cbs.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            if step < 0:
                raise ValueError("The training data yielded no batches: check `x`, "
                                 "`steps_per_epoch` and `batch_size`.")
            if hasattr(adapter, "on_epoch_end"):
                adapter.on_epoch_end()
            epoch_logs = {k: float(v) for k, v in self.get_metrics_result().items()}
            if val is not None and _should_validate(epoch, validation_freq):
                if val_adapter is None or not hasattr(val_adapter, "_x"):
                    val_adapter = get_data_adapter(
                        val[0], val[1], val[2], batch_size=validation_batch_size or batch_size,
                        steps=validation_steps)
                val_logs = self._evaluate_adapter(val_adapter, cbs, verbose=0)
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training:
                break
        cbs.on_train_end(logs=training_logs)
        self._batch_logs_needed = True
        return self.history

    def _evaluate_adapter(self, adapter, cbs, verbose):
        self.reset_metrics()
        was = self._batch_logs_needed
        self._batch_logs_needed = cbs.wants_batch_logs("test")
        cbs.on_test_begin()
        step = -1
        for step, batch in enumerate(adapter.batches()):
            cbs.on_test_batch_begin(step)
            logs = self.test_step(_to_tensors(batch))
            cbs.on_test_batch_end(step, logs)
        self._batch_logs_needed = was
        logs = {k: float(v) for k, v in self.get_metrics_result().items()}
        cbs.on_test_end(logs)
        return logs

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """Loss and metric values on the given data."""
        self._assert_compiled("evaluate")
        adapter = get_data_adapter(x, y, sample_weight, batch_size=batch_size, steps=steps)
        cbs = self._callbacks(callbacks, verbose, 1, adapter.steps)
        for cb in cbs.callbacks:
            if hasattr(cb, "set_evaluate_mode"):
                cb.set_evaluate_mode()
        logs = self._evaluate_adapter(adapter, cbs, verbose)
        if return_dict:
            return logs
        ordered = [logs["loss"]] + [v for k, v in logs.items() if k != "loss"] \
            if "loss" in logs else list(logs.values())
        return ordered[0] if len(ordered) == 1 else ordered

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Model outputs for the inputs, as NumPy arrays (concatenated over batches)."""
        adapter = get_data_adapter(x, None, None, batch_size=batch_size, steps=steps)
        cbs = self._callbacks(callbacks, verbose, 1, adapter.steps)
        cbs.on_predict_begin()
        outputs = []
        for step, batch in enumerate(adapter.batches()):
            cbs.on_predict_batch_begin(step)
            data = _to_tensors(batch)
            from keras_like.backend.engine import _engine

            token = _engine.enter_no_grad()
            try:
                y_pred = self.predict_step(data)
            finally:
                _engine.exit_no_grad(token)
            batch_out = tree.map_structure(
                lambda t: t.numpy() if type(t) is Tensor else np.asarray(t), y_pred)
            outputs.append(batch_out)
            cbs.on_predict_batch_end(step, {"outputs": batch_out})
        cbs.on_predict_end()
        if not outputs:
            raise ValueError("Unexpected result of `predict_function` (Empty batch_outputs). "
                             "Please use `Model.compile(..., run_eagerly=True)`, or "
                             "`tf.config.run_functions_eagerly(True)` for more information "
                             "of where went wrong, or file a issue/bug to `tf.keras`.")
        return tree.map_structure(lambda *parts: np.concatenate(parts, axis=0), *outputs) \
            if len(outputs) > 1 else outputs[0]

    # ---- single batches ----------------------------------------------------------------------

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        self._assert_compiled("train_on_batch")
        if class_weight is not None:
            from keras_like.trainers.data_adapters import class_weight_to_sample_weights

            cw = class_weight_to_sample_weights(tree.flatten(y)[0] if not hasattr(y, "shape")
                                                else np.asarray(y), class_weight)
            sample_weight = cw if sample_weight is None else np.asarray(sample_weight) * cw
        self._batch_logs_needed = True
        logs = self.train_step(_to_tensors(pack_x_y_sample_weight(x, y, sample_weight)))
        return self._single_batch_result(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._assert_compiled("test_on_batch")
        self.reset_metrics()
        self._batch_logs_needed = True
        logs = self.test_step(_to_tensors(pack_x_y_sample_weight(x, y, sample_weight)))
        return self._single_batch_result(logs, return_dict)

    def predict_on_batch(self, x):
        from keras_like.backend.engine import _engine

        token = _engine.enter_no_grad()
        try:
            out = self.predict_step(_to_tensors((x,)))
        finally:
            _engine.exit_no_grad(token)
        return tree.map_structure(lambda t: t.numpy() if type(t) is Tensor else t, out)

    @staticmethod
    def _single_batch_result(logs, return_dict):
        logs = {k: float(v) for k, v in logs.items()}
        if return_dict:
            return logs
        ordered = [logs["loss"]] + [v for k, v in logs.items() if k != "loss"] \
            if "loss" in logs else list(logs.values())
        return ordered[0] if len(ordered) == 1 else ordered


def _should_validate(epoch, validation_freq):
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return (epoch + 1) in validation_freq
