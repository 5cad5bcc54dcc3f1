"""`keras_like.callbacks.TensorBoard`: Keras 3's callback, writing TensorBoard's event files
itself (through the `tensorboard` package; no TensorFlow).

Runs and tags follow Keras: `<log_dir>/train` and `<log_dir>/validation`; `epoch_<metric>`
(plus `epoch_learning_rate`, `epoch_steps_per_second`), `batch_<metric>` with `update_freq`
"batch" or N, `evaluation_<metric>_vs_iterations` after each evaluation, weight histograms
`<weight path>/histogram` (and `/image` with `write_images`), the model's config under the tag
"keras" for the Graphs dashboard's conceptual graph, and the captured train step's op graph
(graph mode) after the first batch. Embedding layers get a projector config whose tensors are
TSV files, which the projector reads without TensorFlow; `profile_batch` records an engine
profile (`keras_like.profiler`) into the train run's `plugins/profile/` directory.
"""

import os
import time

import numpy as np

from keras_like import ops
from keras_like.callbacks.callback import Callback


def _parse_profile_batch(profile_batch):
    message = ("profile_batch must be a non-negative integer or 2-tuple of positive integers. "
               "A pair of positive integers signifies a range of batches to profile. "
               f"Found: {profile_batch}")
    value = profile_batch
    if isinstance(value, str):
        try:
            value = [int(v) for v in value.split(",")]
        except ValueError:
            raise ValueError(message) from None
        value = value[0] if len(value) == 1 else value
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        start = stop = int(value)
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        start, stop = (int(v) for v in value)
    else:
        raise ValueError(message)
    if start < 0 or stop < start:
        raise ValueError(message)
    return start, stop


class TensorBoard(Callback):
    """Logs metrics, weight histograms, images, the model graph, embeddings and engine
    profiles for TensorBoard (`tensorboard --logdir <log_dir>`).

    Args:
        log_dir: Where to write the logs (`train/` and `validation/` runs inside).
        histogram_freq: Every how many epochs to write weight histograms (0: never).
        write_graph: Whether to write the model graph (and, in graph mode, the op graph).
        write_images: Whether to write weights as images alongside the histograms.
        write_steps_per_second: Whether to log training steps per second.
        update_freq: "epoch", "batch" (= 1) or N: also write `batch_*` scalars every N batches.
        profile_batch: A batch, or a (start, stop) range of batches, to profile (0: off).
        embeddings_freq: Every how many epochs to write Embedding layers for the projector.
        embeddings_metadata: A metadata file name for every Embedding layer, or a dict from
            layer name to file name.

    Example:
    >>> model.fit(x, y, epochs=3, callbacks=[keras.callbacks.TensorBoard("logs")])
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None):
        super().__init__()
        from keras_like import summary
        from keras_like.summary._tensorboard import load

        load("summary.writer.event_file_writer")  # a missing extra is an error here, not later
        self._summary = summary
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and (not isinstance(update_freq, int) or update_freq <= 0):
            raise ValueError('update_freq must be "epoch", "batch" or a positive integer. '
                             f"Received: update_freq={update_freq}")
        self.update_freq = update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._start_batch, self._stop_batch = _parse_profile_batch(profile_batch)
        self._should_trace = not (self._start_batch == 0 and self._stop_batch == 0)
        self._profile = None
        self._writers = {}
        self._global_train_batch = 0
        self._global_test_batch = 0

    # --- writers ---------------------------------------------------------------------------

    def set_model(self, model):
        super().set_model(model)
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._close_writers()
        self._should_write_train_graph = False
        if self.write_graph:
            self._write_keras_model_summary()
            self._should_write_train_graph = True
        if self.embeddings_freq:
            self._configure_embeddings()

    def _writer(self, run):
        if run not in self._writers:
            path = self._train_dir if run == "train" else self._val_dir
            self._writers[run] = self._summary.create_file_writer(path)
        return self._writers[run]

    def _close_writers(self):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def _scalars(self, run, logs, prefix, step):
        with self._writer(run).as_default(step):
            for name, value in logs.items():
                value = np.asarray(value)
                if value.size == 1 and np.issubdtype(value.dtype, np.number):
                    self._summary.scalar(prefix + name, float(value.reshape(())))

    # --- graphs and embeddings ---------------------------------------------------------------

    def _write_keras_model_summary(self):
        if type(self.model).__name__ in ("Functional", "Sequential"):
            with self._writer("train").as_default(0):
                self._summary.keras_model("keras", self.model)

    def _write_train_op_graph(self):
        step = getattr(self.model, "_compiled_steps", {}).get("train")
        functions = step.function.concrete_functions if step is not None else []
        if not functions:
            return False
        with self._writer("train").as_default(0):
            self._summary.graph(functions[-1].graph)
        return True

    def _embedding_layers(self):
        from keras_like.layers import Embedding

        return [layer for layer in self.model._flatten_layers(include_self=False)
                if isinstance(layer, Embedding)]

    def _configure_embeddings(self):
        from google.protobuf import text_format

        from keras_like.summary._tensorboard import load

        projector = load("plugins.projector.projector_config_pb2")
        metadata = self.embeddings_metadata
        remaining = dict(metadata) if isinstance(metadata, dict) else None
        config = projector.ProjectorConfig()
        for layer in self._embedding_layers():
            embedding = config.embeddings.add()
            embedding.tensor_name = layer.name
            embedding.tensor_path = os.path.join("train", f"{layer.name}_vectors.tsv")
            if isinstance(metadata, str):
                embedding.metadata_path = metadata
            elif remaining is not None and layer.name in remaining:
                embedding.metadata_path = remaining.pop(layer.name)
        if remaining:
            raise ValueError(
                "Unrecognized `Embedding` layer names passed to `keras.callbacks.TensorBoard` "
                f"`embeddings_metadata` argument: {remaining.keys()}")
        os.makedirs(self.log_dir, exist_ok=True)
        with open(os.path.join(self.log_dir, "projector_config.pbtxt"), "w") as f:
            f.write(text_format.MessageToString(config))

    def _log_embeddings(self):
        os.makedirs(self._train_dir, exist_ok=True)
        for layer in self._embedding_layers():
            vectors = ops.convert_to_numpy(layer.embeddings)
            path = os.path.join(self._train_dir, f"{layer.name}_vectors.tsv")
            np.savetxt(path + ".tmp", vectors, delimiter="\t", fmt="%.7g")
            os.replace(path + ".tmp", path)  # the projector never sees a half-written file

    # --- weights ----------------------------------------------------------------------------

    def _log_weights(self, epoch):
        with self._writer("train").as_default(epoch):
            for layer in self.model.layers:
                for weight in layer.weights:
                    name = weight.path.replace(":", "_")
                    value = ops.convert_to_numpy(weight)
                    self._summary.histogram(f"{name}/histogram", value)
                    if self.write_images:
                        self._log_weight_as_image(value, f"{name}/image")

    def _log_weight_as_image(self, value, name):
        image = np.squeeze(value)
        if image.ndim == 1:  # a bias: one row
            image = image.reshape(1, image.shape[0], 1, 1)
        elif image.ndim == 2:  # a dense kernel, wider than tall
            if image.shape[0] > image.shape[1]:
                image = image.T
            image = image.reshape(1, image.shape[0], image.shape[1], 1)
        elif image.ndim == 3:  # a 1-D convolution kernel: one image per output channel
            image = np.transpose(image, (2, 0, 1))[..., None]
        else:
            return
        low, high = image.min(), image.max()
        scaled = (image - low) / (high - low) if high > low else np.zeros_like(image)
        self._summary.image(name, scaled.astype(np.float32), max_outputs=image.shape[0])

    # --- hooks ------------------------------------------------------------------------------

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._previous_epoch_iterations = 0

    def on_train_end(self, logs=None):
        if self._profile is not None:
            self._stop_profile()
        self._close_writers()

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if logs and optimizer is not None and hasattr(optimizer, "iterations"):
            step = int(ops.convert_to_numpy(optimizer.iterations))
            logs = {f"evaluation_{name}_vs_iterations": v for name, v in logs.items()}
            self._scalars("validation", logs, "", step)

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start_time = time.time()
        if self._should_trace and self._global_train_batch == self._start_batch:
            self._start_profile()

    def on_train_batch_end(self, batch, logs=None):
        if self._should_write_train_graph:
            # The first traces build the optimizer's Variables and are not kept, so this waits
            # for the first captured step (never, for a step that runs eagerly).
            self._should_write_train_graph = not self._write_train_op_graph()
        step = self._global_train_batch
        if self.update_freq != "epoch" and step % self.update_freq == 0:
            values = dict(logs) if isinstance(logs, dict) else {}
            if self.write_steps_per_second:
                values["steps_per_second"] = 1.0 / max(time.time() - self._batch_start_time,
                                                       1e-9)
            self._scalars("train", values, "batch_", step)
        if self._profile is not None and step >= self._stop_batch:
            self._stop_profile()

    def on_test_batch_begin(self, batch, logs=None):
        self._global_test_batch += 1

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._previous_epoch_iterations = self._iterations()
            self._epoch_start_time = time.time()

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "learning_rate"):
            train_logs["learning_rate"] = float(ops.convert_to_numpy(optimizer.learning_rate))
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start_time, 1e-9)
            train_logs["steps_per_second"] = (
                self._iterations() - self._previous_epoch_iterations) / elapsed
        if train_logs:
            self._scalars("train", train_logs, "epoch_", epoch)
        if val_logs:
            self._scalars("validation", val_logs, "epoch_", epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self._log_embeddings()
        for writer in self._writers.values():
            writer.flush()

    def _iterations(self):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "iterations"):
            return self._global_train_batch
        return int(ops.convert_to_numpy(optimizer.iterations))

    # --- profiling --------------------------------------------------------------------------

    def _start_profile(self):
        from keras_like import profiler

        self._profile = profiler.trace(self._train_dir, print_top=0)
        self._profile.__enter__()

    def _stop_profile(self):
        profile, self._profile = self._profile, None
        profile.__exit__(None, None, None)
