"""Model files shared with real Keras: what one library writes, the other loads.

keras_like → Keras and Keras → keras_like, for `.keras` (model.save), legacy `.h5`
(model.save("x.h5")) and `.weights.h5` (save_weights). The reader must reproduce the writer's
weights and predictions; for `.keras` and `.weights.h5` also the optimizer's iteration count
and slots, and then one more training step must land on the writer's own next step.
Keras → Keras runs the same checks as a control: it shows that each expectation here is one
that Keras itself meets, so a failure in the other directions points at keras_like.

Needs real Keras (see tests/interop/README.md); without it the module is skipped.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

# Keras picks its backend at import; JAX is the one the interop venv has.
os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

import interop_models as im  # noqa: E402

import keras_like  # noqa: E402

pytestmark = pytest.mark.interop

LIBS = {"keras": keras, "keras_like": keras_like}
DIRECTIONS = (("keras_like", "keras"), ("keras", "keras_like"), ("keras", "keras"))
FILES = {"keras": "model.keras", "h5": "model.h5", "weights": "model.weights.h5"}

# Loaded weights and optimizer slots are the stored float32 values, so they must match
# exactly. Predictions and a training step are computed by two different engines, which may
# order their sums differently.
PREDICTION_ATOL = 1e-5
STEP_ATOL = 1e-6
STEP_RTOL = 1e-6


def _cases(formats_with_step=False):
    cases = []
    for writer, reader in DIRECTIONS:
        for name in im.BUILDERS:
            if formats_with_step and name in im.STOCHASTIC:
                continue
            for kind in im.OPTIMIZERS:
                cases.append(pytest.param(writer, reader, name, kind,
                                          id=f"{writer}->{reader}-{name}-{kind}"))
    return cases


@dataclass
class Written:
    folder: Path
    save_errors: dict
    layer_classes: list
    model_class: str
    predictions: np.ndarray
    weights: list
    iterations: int
    optimizer_values: list
    optimizer_class: str
    next_weights: list
    next_iterations: int
    next_optimizer_values: list


def _arrays(variables):
    return [np.array(v) for v in variables]


def _iterations(model):
    return int(np.asarray(model.optimizer.iterations))


def _write(lib, name, kind, folder):
    model = im.train(im.build_compiled(lib, name, kind), name)
    # One format that the writer cannot save must fail only that format's tests.
    save_errors = {}
    for fmt, save in (("keras", model.save), ("h5", model.save), ("weights", model.save_weights)):
        try:
            save(str(folder / FILES[fmt]))
        except Exception as error:
            save_errors[fmt] = error
    x, _ = im.data(name)
    record = dict(
        folder=folder,
        save_errors=save_errors,
        layer_classes=[type(layer).__name__ for layer in model.layers],
        model_class=type(model).__name__,
        predictions=np.asarray(model.predict(x, verbose=0)),
        weights=_arrays(model.get_weights()),
        iterations=_iterations(model),
        optimizer_values=_arrays(model.optimizer.variables),
        optimizer_class=type(model.optimizer).__name__,
    )
    # The writer's own next step, taken after saving, is what a reader's first step after
    # loading must reproduce.
    model.train_on_batch(*im.first_batch(*im.data(name)))
    return Written(**record, next_weights=_arrays(model.get_weights()),
                   next_iterations=_iterations(model),
                   next_optimizer_values=_arrays(model.optimizer.variables))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    cache = {}

    def get(writer, name, kind):
        key = (writer, name, kind)
        if key not in cache:
            folder = tmp_path_factory.mktemp(f"{writer}-{name}-{kind}")
            cache[key] = _write(LIBS[writer], name, kind, folder)
        return cache[key]

    return get


def _read(reader, fmt, w, name, kind):
    if fmt in w.save_errors:
        raise AssertionError(f"the writer could not save {FILES[fmt]}") from w.save_errors[fmt]
    lib = LIBS[reader]
    path = str(w.folder / FILES[fmt])
    if fmt == "weights":
        model = im.build_compiled(lib, name, kind)
        # Slots exist only once the optimizer is built; an unbuilt one has nothing to load
        # its saved state into (Keras then skips it with a warning).
        model.optimizer.build(model.trainable_variables)
        model.load_weights(path)
        return model
    return lib.models.load_model(path)


def _assert_same_arrays(got, expected, what, atol=0.0, rtol=0.0):
    assert len(got) == len(expected), f"{what}: {len(got)} arrays, expected {len(expected)}"
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g.shape == e.shape, f"{what}[{i}]: shape {g.shape}, expected {e.shape}"
        np.testing.assert_allclose(g.astype("float64"), e.astype("float64"), atol=atol,
                                   rtol=rtol, err_msg=f"{what}[{i}]")


def _check_model(model, w, name):
    assert type(model).__name__ == w.model_class
    assert [type(layer).__name__ for layer in model.layers] == w.layer_classes
    _assert_same_arrays(_arrays(model.get_weights()), w.weights, "weights")
    x, _ = im.data(name)
    np.testing.assert_allclose(np.asarray(model.predict(x, verbose=0)), w.predictions,
                               atol=PREDICTION_ATOL, rtol=0, err_msg="predictions")


def _check_optimizer(model, w):
    assert type(model.optimizer).__name__ == w.optimizer_class
    assert _iterations(model) == w.iterations
    _assert_same_arrays(_arrays(model.optimizer.variables), w.optimizer_values,
                        "optimizer.variables")


def _check_next_step(model, w, name):
    model.train_on_batch(*im.first_batch(*im.data(name)))
    assert _iterations(model) == w.next_iterations
    _assert_same_arrays(_arrays(model.get_weights()), w.next_weights, "weights after a step",
                        atol=STEP_ATOL, rtol=STEP_RTOL)
    _assert_same_arrays(_arrays(model.optimizer.variables), w.next_optimizer_values,
                        "optimizer.variables after a step", atol=STEP_ATOL, rtol=STEP_RTOL)


@pytest.mark.parametrize("writer, reader, name, kind", _cases())
def test_keras_file(written, writer, reader, name, kind):
    w = written(writer, name, kind)
    model = _read(reader, "keras", w, name, kind)
    _check_model(model, w, name)
    _check_optimizer(model, w)


@pytest.mark.parametrize("writer, reader, name, kind", _cases())
def test_weights_file(written, writer, reader, name, kind):
    w = written(writer, name, kind)
    model = _read(reader, "weights", w, name, kind)
    _check_model(model, w, name)
    _check_optimizer(model, w)


@pytest.mark.parametrize("writer, reader, name, kind", _cases())
def test_legacy_h5_file(written, writer, reader, name, kind):
    # Keras 3.15 writes the optimizer into `.h5` but cannot read it back (it builds the
    # optimizer over no variables), so only the model itself is compared here.
    w = written(writer, name, kind)
    model = _read(reader, "h5", w, name, kind)
    _check_model(model, w, name)


@pytest.mark.parametrize("fmt", ["keras", "weights"])
@pytest.mark.parametrize("writer, reader, name, kind", _cases(formats_with_step=True))
def test_training_continues_after_loading(written, writer, reader, name, kind, fmt):
    w = written(writer, name, kind)
    model = _read(reader, fmt, w, name, kind)
    _check_next_step(model, w, name)
