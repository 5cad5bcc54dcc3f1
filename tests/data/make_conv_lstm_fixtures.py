"""Writes the real-Keras oracle for keras_like's ConvLSTM1D / ConvLSTM2D / ConvLSTM3D.

Runs with real Keras 3.15.1 on JAX (CPU), from the interop venv:

    KERAS_BACKEND=jax /work/venv-interop/bin/python tests/data/make_conv_lstm_fixtures.py

Each case is a plain-data recipe: a layer class, constructor arguments, the input shape and
whether the call also gets an `initial_state`. Keras builds the
layer, its weights are replaced by random values (so biases matter), and the layer is called.
The recipe, Keras's config, build config and weight paths go to conv_lstm_fixtures.json;
inputs, initial states, weights (in `layer.weights` order) and outputs to
conv_lstm_fixtures.npz. `bad_args` holds the error Keras raises for each refused constructor
call.

conv_lstm_model.keras is a functional model: ConvLSTM2D (same padding, sequences) ->
ConvLSTM2D (strides 2, go_backwards) -> Flatten -> Dense. Its input and Keras's output (also
after Keras reloads its own file) go to the npz, and the HDF5 layout of its model.weights.h5
to the JSON.
"""

import io
import json
import os
import platform
import tempfile
import zipfile

import h5py
import jax
import keras
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20260512)


def case(cls, kwargs, input_shape, initial_state=False):
    return {"cls": cls, "kwargs": kwargs, "input_shape": list(input_shape),
            "initial_state": initial_state}


CASES = {
    "1d_same_sequences": case("ConvLSTM1D", {"filters": 3, "kernel_size": 3, "padding": "same",
                                             "return_sequences": True}, (2, 4, 6, 2)),
    "1d_channels_first_strides_backwards": case(
        "ConvLSTM1D", {"filters": 2, "kernel_size": 2, "strides": 2,
                       "data_format": "channels_first", "go_backwards": True}, (2, 3, 3, 7)),
    "2d_valid_return_state": case("ConvLSTM2D", {"filters": 3, "kernel_size": (3, 2),
                                                 "return_state": True}, (2, 3, 5, 4, 2)),
    # No case has a mask: Keras 3.15's JAX loop cannot broadcast a (batch, 1) step mask
    # against spatial states ("Incompatible shapes for broadcasting"); the NumPy reference
    # tests cover masks.
    "2d_dilated_initial_state": case(
        "ConvLSTM2D", {"filters": 2, "kernel_size": 2, "padding": "same", "dilation_rate": 2,
                       "return_sequences": True, "return_state": True},
        (2, 4, 5, 5, 3), initial_state=True),
    "2d_channels_first_no_bias_activations": case(
        "ConvLSTM2D", {"filters": 2, "kernel_size": 3, "padding": "same",
                       "data_format": "channels_first", "use_bias": False,
                       "activation": "relu", "recurrent_activation": "hard_sigmoid"},
        (2, 3, 2, 4, 4)),
    "3d_same_sequences_backwards": case(
        "ConvLSTM3D", {"filters": 2, "kernel_size": 2, "padding": "same",
                       "return_sequences": True, "go_backwards": True}, (1, 2, 3, 3, 3, 2)),
    "3d_channels_first_strides": case(
        "ConvLSTM3D", {"filters": 2, "kernel_size": (2, 1, 2), "strides": (1, 2, 1),
                       "data_format": "channels_first", "unit_forget_bias": False},
        (2, 2, 3, 2, 4, 3)),
}

# name -> (class, constructor kwargs) that Keras refuses at construction.
BAD_ARGS = {
    "strides_and_dilation": ("ConvLSTM2D", {"filters": 1, "kernel_size": 1, "strides": 2,
                                            "padding": "same", "dilation_rate": 3}),
    "causal_padding": ("ConvLSTM1D", {"filters": 1, "kernel_size": 2, "padding": "causal"}),
    "kernel_size_length": ("ConvLSTM2D", {"filters": 1, "kernel_size": (1, 2, 3)}),
    "kernel_size_negative": ("ConvLSTM2D", {"filters": 1, "kernel_size": -1}),
    "dilation_rate_zero": ("ConvLSTM3D", {"filters": 1, "kernel_size": 2, "dilation_rate": 0}),
    "data_format": ("ConvLSTM2D", {"filters": 1, "kernel_size": 2,
                                   "data_format": "channels_middle"}),
}


def randomize_weights(layer):
    for w in layer.weights:
        w.assign(RNG.normal(scale=0.5, size=tuple(w.shape)).astype("float32"))


def step_shape(layer, input_shape):
    """The shape of one state (h or c): one output step of the input convolution."""
    return tuple(layer.cell.compute_output_shape((input_shape[0], *input_shape[2:]))[0])


def call_arguments(layer, recipe):
    shape = tuple(recipe["input_shape"])
    arrays = {"inputs": RNG.normal(size=shape).astype("float32")}
    if recipe["initial_state"]:
        arrays["h0"] = RNG.normal(scale=0.5, size=step_shape(layer, shape)).astype("float32")
        arrays["c0"] = RNG.normal(scale=0.5, size=step_shape(layer, shape)).astype("float32")
    return arrays


def call(layer, arrays):
    kwargs = {}
    if "h0" in arrays:
        kwargs["initial_state"] = [arrays["h0"], arrays["c0"]]
    return layer(arrays["inputs"], **kwargs)


def run_case(name, recipe, arrays):
    layer = getattr(keras.layers, recipe["cls"])(**recipe["kwargs"], name=name)
    args = call_arguments(layer, recipe)
    call(layer, args)  # builds
    randomize_weights(layer)
    outputs = call(layer, args)
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    for key, value in args.items():
        arrays[f"{name}/{key}"] = value
    for i, w in enumerate(layer.weights):
        arrays[f"{name}/weight{i}"] = np.array(w)
    for i, out in enumerate(outputs):
        arrays[f"{name}/output{i}"] = np.array(out)
    return {
        **recipe,
        "config": layer.get_config(),
        "build_config": layer.get_build_config(),
        "weight_paths": [w.path for w in layer.weights],
        "weight_shapes": [list(w.shape) for w in layer.weights],
        "num_outputs": len(outputs),
    }


def refusal(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is the oracle
        return {"type": type(e).__name__, "message": str(e)}
    raise AssertionError("Keras accepted arguments the fixture expects it to refuse")


def h5_layout(keras_path):
    """Every group (with its @name) and dataset (with its shape) of a .keras's weights."""
    with zipfile.ZipFile(keras_path) as archive:
        data = archive.read("model.weights.h5")
    layout = []
    with h5py.File(io.BytesIO(data), "r") as f:
        def visit(path, obj):
            if isinstance(obj, h5py.Dataset):
                layout.append([path, list(obj.shape)])
            else:
                name = obj.attrs.get("name")
                layout.append([path, None if name is None else str(name)])
        f.visititems(visit)
    return layout


def conv_lstm_model():
    frames = keras.Input(shape=(4, 6, 6, 2), name="frames")
    x = keras.layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True,
                                name="encoder")(frames)
    x = keras.layers.ConvLSTM2D(3, 2, strides=2, go_backwards=True, name="decoder")(x)
    out = keras.layers.Dense(2, name="head")(keras.layers.Flatten(name="flatten")(x))
    return keras.Model(frames, out, name="conv_lstm_model")


def write_model(name, model, inputs, arrays, meta):
    for layer in model.layers:
        randomize_weights(layer)
    expected = np.array(model(inputs))
    path = os.path.join(HERE, f"{name}.keras")
    model.save(path)
    reloaded = keras.saving.load_model(path)
    arrays[f"{name}/input0"] = inputs
    arrays[f"{name}/expected"] = expected
    arrays[f"{name}/keras_reloaded"] = np.array(reloaded(inputs))
    meta[name] = {"h5_layout": h5_layout(path), "weight_paths": [w.path for w in model.weights]}


def main():
    keras.utils.set_random_seed(0)
    arrays, fixtures, models = {}, {}, {}
    for name, recipe in CASES.items():
        fixtures[name] = run_case(name, recipe, arrays)
    write_model("conv_lstm_model", conv_lstm_model(),
                RNG.normal(size=(2, 4, 6, 6, 2)).astype("float32"), arrays, models)
    errors = {name: {"cls": cls, "kwargs": kwargs,
                     **refusal(lambda cls=cls, kwargs=kwargs: getattr(keras.layers, cls)(**kwargs))}
              for name, (cls, kwargs) in BAD_ARGS.items()}
    provenance = (f"keras {keras.__version__}, backend {keras.backend.backend()}, "
                  f"jax {jax.__version__}, numpy {np.__version__}, "
                  f"python {platform.python_version()}; written by "
                  "tests/data/make_conv_lstm_fixtures.py")
    with tempfile.NamedTemporaryFile(dir=HERE, suffix=".npz", delete=False) as tmp:
        np.savez(tmp, **arrays)
    os.chmod(tmp.name, 0o644)
    os.replace(tmp.name, os.path.join(HERE, "conv_lstm_fixtures.npz"))
    with open(os.path.join(HERE, "conv_lstm_fixtures.json"), "w") as f:
        json.dump({"provenance": provenance, "cases": fixtures, "models": models,
                   "bad_args": errors}, f, indent=1, default=list)
        f.write("\n")
    with open(os.path.join(HERE, "conv_lstm_fixtures_PROVENANCE.txt"), "w") as f:
        f.write("conv_lstm_fixtures.json, conv_lstm_fixtures.npz, conv_lstm_model.keras: "
                f"{provenance}\n")
    print(provenance)
    print(f"{len(fixtures)} cases, {len(errors)} refusals")


if __name__ == "__main__":
    main()
