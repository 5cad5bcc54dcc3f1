"""Writes the real-Keras oracle for keras_like's Bidirectional, TimeDistributed and Wrapper.

Runs with real Keras 3.15.1 on JAX (CPU), from the interop venv:

    KERAS_BACKEND=jax /work/venv-interop/bin/python tests/data/make_wrapper_fixtures.py

Each case is a plain-data recipe: the wrapper class, its constructor arguments (a wrapped
layer is a `{"class": ..., "kwargs": ...}` spec, nested for an RNN's cell), the input shape,
an optional mask, initial states and static call arguments. Keras builds the layer, its
weights are replaced by random values and the layer is called. The recipe, Keras's config,
build config, weight paths and output masks go to wrapper_fixtures.json; inputs, masks,
weights (in `layer.weights` order, also after the call for layers that update statistics)
and outputs to wrapper_fixtures.npz. Masks a layer reads from its input's `_keras_mask`
come from a `Masking` layer in a small functional model. `bi_stateful` calls a stateful
Bidirectional on two chunks of one sequence, then again on the first after `reset_state()`.

Model files (the two models of tests/wrapper_models.py): wrapper_text_model.keras /
.weights.h5 and wrapper_video_model.keras / .h5 (Keras 3.15.1 cannot read back a legacy .h5 of
the masked text model, so none is kept; its layout is). Their inputs, Keras's outputs (also
after Keras reloads its own files), the HDF5 layout of each .keras's weights and the
layer_names / weight_names of each legacy .h5 go to the npz and the JSON.
"""

import io
import json
import os
import platform
import sys
import tempfile
import zipfile

import h5py
import jax
import keras
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from wrapper_models import (  # noqa: E402
    TEXT_FEATURES,
    TEXT_STEPS,
    VIDEO_SHAPE,
    text_model,
    video_model,
)

B, T, F = 2, 5, 4
RNG = np.random.default_rng(20260512)
BI, TD, WRAPPER = "Bidirectional", "TimeDistributed", "Wrapper"


def spec(cls, **kwargs):
    return {"class": cls, "kwargs": kwargs}


def case(cls, kwargs, x=(B, T, F), mask=None, initial_state=None, call=None,
         keras_mask=False, int_input=None):
    """`mask`: shape of a boolean mask argument; `keras_mask`: the input carries a Keras
    mask (zero steps, via Masking); `int_input`: integer inputs below this bound."""
    return {"cls": cls, "kwargs": kwargs, "x": x, "mask": mask,
            "initial_state": initial_state or [], "call": call or {},
            "keras_mask": keras_mask, "int_input": int_input}


LSTM3_SEQ = spec("LSTM", units=3, return_sequences=True)

CASES = {
    "bi_lstm_concat": case(BI, {"layer": spec("LSTM", units=3)}),
    "bi_lstm_sequences_sum_mask": case(BI, {"layer": LSTM3_SEQ, "merge_mode": "sum"},
                                       mask=(B, T)),
    "bi_lstm_last_mask": case(BI, {"layer": spec("LSTM", units=3)}, mask=(B, T)),
    "bi_lstm_relu_mask": case(BI, {"layer": spec("LSTM", units=3, activation="relu",
                                                 return_sequences=True)}, mask=(B, T)),
    "bi_gru_ave_state_mask": case(BI, {"layer": spec("GRU", units=3, return_state=True),
                                       "merge_mode": "ave"}, mask=(B, T)),
    "bi_gru_reset_before": case(BI, {"layer": spec("GRU", units=2, reset_after=False,
                                                   return_sequences=True)}, mask=(B, T)),
    "bi_simple_rnn_mul": case(BI, {"layer": spec("SimpleRNN", units=3, return_sequences=True),
                                   "merge_mode": "mul"}),
    "bi_none_state_initial_mask": case(
        BI, {"layer": spec("LSTM", units=3, return_sequences=True, return_state=True),
             "merge_mode": None},
        mask=(B, T), initial_state=[(B, 3)] * 4),
    "bi_gru_initial_state": case(BI, {"layer": spec("GRU", units=2, return_state=True),
                                      "merge_mode": "concat"}, initial_state=[(B, 2)] * 2),
    "bi_backward_gru": case(BI, {"layer": LSTM3_SEQ,
                                 "backward_layer": spec("GRU", units=3, return_sequences=True,
                                                        go_backwards=True)}, mask=(B, T)),
    "bi_rnn_of_cell": case(BI, {"layer": spec("RNN", cell=spec("GRUCell", units=2),
                                              return_sequences=True)}),
    "bi_keras_mask": case(BI, {"layer": spec("LSTM", units=2, return_sequences=True),
                               "merge_mode": None}, keras_mask=True),
    "td_dense": case(TD, {"layer": spec("Dense", units=3, activation="tanh")}, x=(B, T, 5)),
    "td_dense_4d": case(TD, {"layer": spec("Dense", units=3)}, x=(B, 3, 4, 5)),
    "td_dense_keras_mask": case(TD, {"layer": spec("Dense", units=2)}, keras_mask=True),
    "td_conv2d": case(TD, {"layer": spec("Conv2D", filters=2, kernel_size=3,
                                         padding="same")}, x=(B, 3, 6, 6, 2)),
    "td_lstm_mask3d": case(TD, {"layer": spec("LSTM", units=2)}, x=(B, 3, 4, 5),
                           mask=(B, 3, 4)),
    "td_global_average_pooling_mask": case(TD, {"layer": spec("GlobalAveragePooling1D")},
                                           x=(B, 3, 4, 2), mask=(B, 3, 4)),
    "td_batch_normalization_training": case(TD, {"layer": spec("BatchNormalization")},
                                            x=(B, 3, 4), call={"training": True}),
    "td_embedding": case(TD, {"layer": spec("Embedding", input_dim=10, output_dim=3)},
                         x=(B, 3, 4), int_input=10),
}

# name -> (class, constructor kwargs) that Keras refuses at construction.
BAD_ARGS = {
    "bi_layer_not_a_layer": (BI, {"layer": 3}),
    "bi_backward_not_a_layer": (BI, {"layer": spec("LSTM", units=2), "backward_layer": 3}),
    "bi_merge_mode": (BI, {"layer": spec("LSTM", units=2), "merge_mode": "max"}),
    "bi_same_go_backwards": (BI, {"layer": spec("LSTM", units=2),
                                  "backward_layer": spec("LSTM", units=2)}),
    "bi_return_sequences_differ": (BI, {"layer": spec("LSTM", units=2),
                                        "backward_layer": spec("LSTM", units=2,
                                                               go_backwards=True,
                                                               return_sequences=True)}),
    "bi_stateful_differs": (BI, {"layer": spec("GRU", units=2, stateful=True),
                                 "backward_layer": spec("GRU", units=2, go_backwards=True)}),
    "td_not_a_layer": (TD, {"layer": "dense"}),
    "wrapper_not_a_layer": (WRAPPER, {"layer": 3}),
}

# name -> (class, kwargs, input shape, mask shape or None) that Keras refuses when called.
BAD_CALLS = {
    "td_2d_input": (TD, {"layer": spec("Dense", units=2)}, (B, 3), None),
    "td_mask_1d": (TD, {"layer": spec("Dense", units=2)}, (B, T, 3), (B,)),
    "td_mask_time_differs": (TD, {"layer": spec("Dense", units=2)}, (B, T, 3), (B, T + 1)),
    "td_mask_batch_differs": (TD, {"layer": spec("Dense", units=2)}, (B, T, 3), (B + 1, T)),
}


def make(value):
    """A layer from a spec (recursively), anything else as it is."""
    if isinstance(value, dict) and set(value) == {"class", "kwargs"}:
        return getattr(keras.layers, value["class"])(
            **{k: make(v) for k, v in value["kwargs"].items()})
    return value


def build_kwargs(kwargs):
    return {k: make(v) for k, v in kwargs.items()}


def random_mask(shape):
    mask = RNG.random(shape) > 0.3
    mask[0, :2] = False  # leading masked steps: the backward direction ends on them
    mask[-1, -1] = False
    return mask


def padded_input(shape):
    """Inputs whose trailing time steps are zero in one sample (Masking turns them off)."""
    x = RNG.normal(size=shape).astype("float32")
    x[0, -2:] = 0.0
    x[1, :1] = 0.0
    return x


def randomize_weights(layer):
    for w in layer.weights:
        value = RNG.normal(scale=0.5, size=tuple(w.shape)).astype("float32")
        if w.path.endswith("moving_variance"):
            value = np.abs(value) + 0.5
        w.assign(value)


def case_inputs(recipe):
    if recipe["int_input"]:
        return RNG.integers(0, recipe["int_input"], size=recipe["x"]).astype("int32")
    if recipe["keras_mask"]:
        return padded_input(recipe["x"])
    return RNG.normal(size=recipe["x"]).astype("float32")


def call_layer(layer, recipe, x, mask, states):
    kwargs = dict(recipe["call"])
    if mask is not None:
        kwargs["mask"] = mask
    if states:
        kwargs["initial_state"] = states
    return layer(x, **kwargs)


def run_case(name, recipe, arrays):
    layer = getattr(keras.layers, recipe["cls"])(**build_kwargs(recipe["kwargs"]), name=name)
    x = case_inputs(recipe)
    mask = None if recipe["mask"] is None else random_mask(recipe["mask"])
    states = [RNG.normal(size=s).astype("float32") for s in recipe["initial_state"]]
    if recipe["keras_mask"]:
        symbolic = keras.Input(batch_shape=(None, *x.shape[1:]), name="x")
        model = keras.Model(symbolic, layer(keras.layers.Masking(0.0)(symbolic)))
    else:
        call_layer(layer, recipe, x, mask, states)  # builds
    randomize_weights(layer)
    arrays.update({f"{name}/weight{i}": np.array(w) for i, w in enumerate(layer.weights)})
    if recipe["keras_mask"]:
        outputs = model(x)
    else:
        outputs = call_layer(layer, recipe, x, mask, states)
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    arrays[f"{name}/x"] = x
    if mask is not None:
        arrays[f"{name}/mask"] = mask
    for i, s in enumerate(states):
        arrays[f"{name}/initial_state{i}"] = s
    for i, w in enumerate(layer.weights):
        arrays[f"{name}/weight_after{i}"] = np.array(w)
    for i, out in enumerate(outputs):
        arrays[f"{name}/output{i}"] = np.array(out)
    output_masks = [getattr(out, "_keras_mask", None) for out in outputs]
    for i, m in enumerate(output_masks):
        if m is not None:
            arrays[f"{name}/output_mask{i}"] = np.array(m)
    return {
        **recipe,
        "config": layer.get_config(),
        "build_config": layer.get_build_config(),
        "weight_paths": [w.path for w in layer.weights],
        "weight_shapes": [list(w.shape) for w in layer.weights],
        "num_outputs": len(outputs),
        "output_has_mask": [m is not None for m in output_masks],
        "output_shape_of_input_shape": keras_output_shape(layer, recipe),
    }


def keras_output_shape(layer, recipe):
    """`compute_output_shape` for the input shape with a free batch dimension."""
    shape = (None, *recipe["x"][1:])
    result = layer.compute_output_shape(shape)
    return json.loads(json.dumps(result))


def stateful_case(arrays):
    name = "bi_stateful"
    layer = keras.layers.Bidirectional(
        keras.layers.LSTM(2, stateful=True, return_sequences=True), name=name)
    x = RNG.normal(size=(B, 6, 3)).astype("float32")
    layer(x[:, :3])
    randomize_weights(layer)
    layer.reset_state()
    arrays.update({f"{name}/weight{i}": np.array(w) for i, w in enumerate(layer.weights)})
    arrays[f"{name}/x"] = x
    arrays[f"{name}/first"] = np.array(layer(x[:, :3]))
    arrays[f"{name}/second"] = np.array(layer(x[:, 3:]))
    arrays[f"{name}/states"] = np.stack([np.array(s) for s in layer.states])
    layer.reset_state()
    arrays[f"{name}/after_reset"] = np.array(layer(x[:, :3]))
    return {"config": layer.get_config(), "weight_paths": [w.path for w in layer.weights]}


def refusal(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is the oracle
        return {"type": type(e).__name__, "message": str(e)}
    raise AssertionError("Keras accepted a case meant to be refused")


def bad_call(recipe):
    cls, kwargs, shape, mask_shape = recipe
    layer = getattr(keras.layers, cls)(**build_kwargs(kwargs))
    x = RNG.normal(size=shape).astype("float32")
    if mask_shape is None:
        return refusal(lambda: layer(x))
    return refusal(lambda: layer(x, mask=np.ones(mask_shape, bool)))


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
                label = obj.attrs.get("name")
                layout.append([path, None if label is None else str(label)])
        f.visititems(visit)
    return layout


def legacy_layout(h5_path):
    """A legacy .h5's `layer_names` and each layer's `weight_names` with dataset shapes."""
    with h5py.File(h5_path, "r") as f:
        group = f["model_weights"]
        names = [n.decode() if isinstance(n, bytes) else str(n)
                 for n in group.attrs["layer_names"]]
        layers = []
        for n in names:
            weight_names = [w.decode() if isinstance(w, bytes) else str(w)
                            for w in group[n].attrs["weight_names"]]
            layers.append([n, [[w, list(group[n][w].shape)] for w in weight_names]])
    return layers


def write_model(name, model, x, arrays, meta, weights_file=False, keep_h5=True):
    for layer in model.layers:
        randomize_weights(layer)
    arrays[f"{name}/input"] = x
    arrays[f"{name}/expected"] = np.array(model(x))
    keras_path = os.path.join(HERE, f"{name}.keras")
    model.save(keras_path)
    reloaded = keras.saving.load_model(keras_path)
    arrays[f"{name}/keras_reloaded"] = np.array(reloaded(x))
    with tempfile.TemporaryDirectory() as tmp:
        h5_path = os.path.join(HERE if keep_h5 else tmp, f"{name}.h5")
        model.save(h5_path)
        if keep_h5:
            arrays[f"{name}/keras_reloaded_h5"] = np.array(
                keras.saving.load_model(h5_path)(x))
        layout = legacy_layout(h5_path)
    # Paths of a loaded model lack the wrappers' names: Keras builds the wrapped layers
    # from their build_config before the wrapper's name scope exists.
    meta[name] = {"h5_layout": h5_layout(keras_path), "legacy_layout": layout,
                  "weight_paths": [w.path for w in model.weights],
                  "reloaded_weight_paths": [w.path for w in reloaded.weights]}
    if weights_file:
        model.save_weights(os.path.join(HERE, f"{name}.weights.h5"))


def main():
    keras.utils.set_random_seed(0)
    arrays, fixtures, models = {}, {}, {}
    for name, recipe in CASES.items():
        fixtures[name] = run_case(name, recipe, arrays)
    stateful = stateful_case(arrays)
    text_x = padded_input((B, TEXT_STEPS, TEXT_FEATURES))
    # Keras 3.15.1 cannot read back a legacy .h5 of this model itself: its config has the op
    # node (NotEqual) of the Masking layer's symbolic mask, which the legacy loader does not
    # know. Only the file's layout is kept.
    write_model("wrapper_text_model", text_model(keras), text_x, arrays, models,
                weights_file=True, keep_h5=False)
    write_model("wrapper_video_model", video_model(keras),
                RNG.normal(size=(B, *VIDEO_SHAPE)).astype("float32"), arrays, models)
    errors = {name: {"cls": cls, "kwargs": kwargs,
                     **refusal(lambda cls=cls, kwargs=kwargs:
                               getattr(keras.layers, cls)(**build_kwargs(kwargs)))}
              for name, (cls, kwargs) in BAD_ARGS.items()}
    call_errors = {name: {"cls": r[0], "kwargs": r[1], "x": r[2], "mask": r[3],
                          **bad_call(r)} for name, r in BAD_CALLS.items()}
    not_stateful = keras.layers.Bidirectional(keras.layers.LSTM(2))
    call_errors["bi_reset_not_stateful"] = refusal(not_stateful.reset_state)
    provenance = (f"keras {keras.__version__}, backend {keras.backend.backend()}, "
                  f"jax {jax.__version__}, numpy {np.__version__}, "
                  f"python {platform.python_version()}; written by "
                  "tests/data/make_wrapper_fixtures.py")
    with tempfile.NamedTemporaryFile(dir=HERE, suffix=".npz", delete=False) as tmp:
        np.savez(tmp, **arrays)
    os.chmod(tmp.name, 0o644)
    os.replace(tmp.name, os.path.join(HERE, "wrapper_fixtures.npz"))
    with open(os.path.join(HERE, "wrapper_fixtures.json"), "w") as f:
        json.dump({"provenance": provenance, "cases": fixtures, "stateful": stateful,
                   "models": models, "bad_args": errors, "bad_calls": call_errors}, f,
                  indent=1, default=list)
        f.write("\n")
    with open(os.path.join(HERE, "wrapper_fixtures_PROVENANCE.txt"), "w") as f:
        f.write("wrapper_fixtures.json, wrapper_fixtures.npz, wrapper_text_model.keras, "
                "wrapper_text_model.weights.h5, "
                f"wrapper_video_model.keras, wrapper_video_model.h5: {provenance}\n")
    print(provenance)
    print(f"{len(fixtures)} cases, {len(errors) + len(call_errors)} refusals")


if __name__ == "__main__":
    main()
