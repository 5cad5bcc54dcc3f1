"""What a backup holds besides the weights, so that a resumed `fit` continues bit for bit.

The weights file already carries the layers, the optimizer (iterations and slots) and the
layers' seed generators. A resumed run also needs:

- the step within the epoch (the backup may come from the middle of one);
- the host random states (NumPy's global generator, Python's `random`) and the global
  `SeedGenerator` that `seed=None` draws from;
- the data order: arrays are shuffled with NumPy and a `PyDataset` with Python's `random`
  when a pass over the data starts, so the `EpochIterator` keeps the host random state of
  that moment and the number of batches read since; a resumed run replays the pass from
  that state, reads past the batches already trained on, then puts back the state of the
  moment of the backup, so every later draw is the one the interrupted run would have made;
- the metrics' running state, so that the resumed epoch logs what an uninterrupted one would.

`capture` returns all of it as JSON-ready data; `ResumePoint` applies it to a `fit`.

Not covered: the state of other callbacks, the internal state of a Python generator or
`PyDataset` (they are replayed from their start, so they must give the same batches again),
and random numbers drawn by callbacks that run after the backup in the same hook.
"""

import base64
import random
import warnings

import numpy as np


def host_rng_state():
    """NumPy's global random state and Python's `random` state (cheap: no device access)."""
    return np.random.get_state(), random.getstate()


def set_host_rng_state(state):
    np.random.set_state(state[0])
    random.setstate(state[1])


def _encode_array(array):
    array = np.asarray(array)
    return {"dtype": array.dtype.str, "shape": list(array.shape),
            "data": base64.b64encode(array.tobytes()).decode("ascii")}


def _decode_array(data):
    flat = np.frombuffer(base64.b64decode(data["data"]), dtype=np.dtype(data["dtype"]))
    return flat.reshape(data["shape"]).copy()


def _encode_host_rng(state):
    (name, keys, position, has_gauss, cached_gauss), (version, internal, gauss_next) = state
    return {"numpy": [name, _encode_array(keys), int(position), int(has_gauss),
                      float(cached_gauss)],
            "python": [version, list(internal), gauss_next]}


def _decode_host_rng(data):
    name, keys, position, has_gauss, cached_gauss = data["numpy"]
    version, internal, gauss_next = data["python"]
    return ((name, _decode_array(keys), position, has_gauss, cached_gauss),
            (version, tuple(internal), gauss_next))


def _global_generator():
    from keras_like.random import seed_generator

    # Not `global_seed_generator()`: creating the generator would draw its seed from
    # Python's `random` and so change the state being recorded.
    return seed_generator._global_generator


def capture(model, step):
    """The resume record of `model`'s running `fit`, `step` steps into the epoch it resumes.

    `step=0` describes the start of an epoch (the metrics then start afresh).
    """
    generator = _global_generator()
    record = {
        "step": int(step),
        "host_rng": _encode_host_rng(host_rng_state()),
        "global_seed_generator": None if generator is None
        else [int(v) for v in generator.state.numpy()],
        "data": None,
        "metrics": None,
    }
    epoch_iterator = getattr(model, "_fit_epoch_iterator", None)
    position = None if epoch_iterator is None else epoch_iterator.pass_position()
    if position is not None:
        batches, pass_rng = position
        record["data"] = {"batches": int(batches), "host_rng": _encode_host_rng(pass_rng)}
    if step:
        record["metrics"] = [[v.path, _encode_array(v.numpy())]
                             for v in model.metrics_variables]
    return record


class ResumePoint:
    """Applies a `capture` record to the first epoch of a `fit`.

    `fit` calls `start_epoch` once, after resetting the metrics and before `on_epoch_begin`.
    At an epoch start the random states are restored there and then (the epoch's callbacks
    then draw what they drew in the interrupted run). In the middle of an epoch they are
    restored once the data has been read up to the backup's step, just before the next batch.
    """

    def __init__(self, record):
        self.step = int(record.get("step", 0))
        self._host_rng = _decode_host_rng(record["host_rng"])
        self._global_seed = record.get("global_seed_generator")
        data = record.get("data")
        self._batches = int(data["batches"]) if data else 0
        self._pass_rng = _decode_host_rng(data["host_rng"]) if data else None
        self._metrics = record.get("metrics")

    def start_epoch(self, model, epoch_iterator):
        if self.step == 0:
            self._restore_random_state()
            after_replay = None
        else:
            def after_replay(last_batch):
                self._restore_metrics(model, last_batch)
                self._restore_random_state()

        if self._batches or self.step:
            epoch_iterator.resume_at(self.step, self._batches, self._pass_rng, after_replay)

    def _restore_random_state(self):
        if self._global_seed is not None:
            from keras_like.random.seed_generator import global_seed_generator

            global_seed_generator().state.assign(np.array(self._global_seed, dtype=np.int64))
        # Last: creating the global generator above may have drawn from Python's `random`.
        set_host_rng_state(self._host_rng)

    def _restore_metrics(self, model, batch):
        if not self._metrics:
            return
        _build_compiled_metrics(model, batch)
        variables = model.metrics_variables
        if [v.path for v in variables] != [path for path, _ in self._metrics]:
            warnings.warn(
                "BackupAndRestore could not restore the metrics of the resumed epoch (the "
                "model's metrics differ from the backup's): the epoch's logs cover only the "
                "steps after the backup.", stacklevel=2)
            return
        for variable, (_, value) in zip(variables, self._metrics):
            variable.assign(_decode_array(value))


def _build_compiled_metrics(model, batch):
    """Builds the compiled loss and metrics (they build on the first step) from the model's
    symbolic outputs, so their state can be filled before the resumed epoch's first step."""
    from keras_like.trainers.data_adapters import unpack_x_y_sample_weight

    pending = [c for c in (model._compile_loss, model._compile_metrics)
               if c is not None and not c.built]
    _, y, _ = unpack_x_y_sample_weight(batch)
    if not pending or y is None:
        return
    try:
        y_pred = model.output
    except Exception:  # a subclassed model has no symbolic outputs
        return
    if y_pred is None:
        return
    for compiled in pending:
        compiled.build(y, y_pred)
