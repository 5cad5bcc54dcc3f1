"""Writes the real-Keras oracle for keras_like's attention layers.

Runs with real Keras 3.15.1 on TensorFlow (CPU), from the TF venv:

    KERAS_BACKEND=tensorflow /work/venv-tf/bin/python tests/data/make_attention_fixtures.py

Each case is a plain-data recipe: a layer class, constructor arguments, input shapes, masks
and static call arguments. Keras builds the layer, its weights are replaced by random values
(so biases and scale weights matter), and the layer is called. The recipe, Keras's config,
build config and weight paths go to attention_fixtures.json; inputs, masks, weights (in
`layer.weights` order) and outputs to attention_fixtures.npz. Masks that a layer reads from
its inputs' `_keras_mask` come from a `Masking` layer in a small functional model.

Model files: attention_mha_model.keras is a functional model with Masking -> self-attention
MHA -> residual Add -> LayerNormalization -> masked average pooling -> Dense (Keras records
the symbolic mask computations as op nodes in its config); attention_mixed_model.keras holds
Attention, AdditiveAttention and GroupedQueryAttention; attention_legacy_model.keras and .h5
(the legacy format) hold MHA -> Dense without masks (Keras 3.15.1 cannot read back a legacy
.h5 whose config has such op nodes). Their inputs and Keras's outputs (also after Keras
reloads its own file) go to the npz, and the HDF5 layout of each model.weights.h5 to the
JSON.
"""

import io
import json
import os
import platform
import tempfile
import zipfile

import h5py
import keras
import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
B, TQ, TV, D = 2, 4, 5, 6
RNG = np.random.default_rng(20260511)

MHA, GQA, ATT, ADD = ("MultiHeadAttention", "GroupQueryAttention", "Attention",
                      "AdditiveAttention")


def case(cls, kwargs, inputs, masks=None, call=None, style="kwargs", keras_masks=None):
    """`inputs`: name -> shape; `masks`: name -> shape of a boolean call argument;
    `keras_masks`: names of inputs that carry a Keras mask (zero rows, via Masking)."""
    return {"cls": cls, "kwargs": kwargs, "inputs": inputs, "masks": masks or {},
            "call": call or {}, "style": style, "keras_masks": keras_masks or []}


QV = {"query": (B, TQ, D), "value": (B, TV, D)}
QVK = {"query": (B, TQ, D), "value": (B, TV, D), "key": (B, TV, 7)}
SELF = {"query": (B, TV, D), "value": (B, TV, D)}
LIST_QV = {"q": (B, TQ, D), "v": (B, TV, D)}
LIST_QVK = {"q": (B, TQ, D), "v": (B, TV, D), "k": (B, TV, D)}
GQ = {"query": (B, TQ, 8), "value": (B, TV, 8)}

CASES = {
    # MultiHeadAttention
    "mha_cross": case(MHA, {"num_heads": 2, "key_dim": 3}, QV),
    "mha_key_value_dim_output_shape": case(
        MHA, {"num_heads": 3, "key_dim": 2, "value_dim": 4, "output_shape": 5}, QVK),
    "mha_output_shape_2d": case(MHA, {"num_heads": 2, "key_dim": 3, "output_shape": (2, 3)},
                                QV),
    "mha_value_and_attention_mask": case(
        MHA, {"num_heads": 2, "key_dim": 3}, QV,
        masks={"value_mask": (B, TV), "attention_mask": (B, TQ, TV)}),
    "mha_key_mask": case(MHA, {"num_heads": 2, "key_dim": 3}, QVK,
                         masks={"key_mask": (B, TV), "value_mask": (B, TV)}),
    "mha_explicit_query_mask": case(MHA, {"num_heads": 2, "key_dim": 3}, QV,
                                    masks={"query_mask": (B, TQ), "value_mask": (B, TV)}),
    "mha_scores": case(MHA, {"num_heads": 2, "key_dim": 3}, QV,
                       call={"return_attention_scores": True}),
    "mha_scores_masked": case(MHA, {"num_heads": 2, "key_dim": 3}, QV,
                              masks={"attention_mask": (B, TQ, TV)},
                              call={"return_attention_scores": True}),
    "mha_causal": case(MHA, {"num_heads": 2, "key_dim": 3}, SELF,
                       call={"use_causal_mask": True}),
    "mha_causal_rectangular": case(MHA, {"num_heads": 2, "key_dim": 3}, QV,
                                   call={"use_causal_mask": True}),
    "mha_causal_scores": case(MHA, {"num_heads": 2, "key_dim": 3}, SELF,
                              call={"use_causal_mask": True, "return_attention_scores": True}),
    "mha_causal_and_mask": case(MHA, {"num_heads": 2, "key_dim": 3}, SELF,
                                masks={"value_mask": (B, TV)}, call={"use_causal_mask": True}),
    "mha_sliding_window": case(MHA, {"num_heads": 2, "key_dim": 3, "sliding_window": 2}, SELF),
    "mha_sliding_window_causal": case(MHA, {"num_heads": 2, "key_dim": 3, "sliding_window": 3},
                                      SELF, call={"use_causal_mask": True}),
    "mha_gate_no_bias": case(MHA, {"num_heads": 2, "key_dim": 3, "use_gate": True,
                                   "use_bias": False}, QV),
    "mha_gate_scores": case(MHA, {"num_heads": 2, "key_dim": 3, "use_gate": True}, QV,
                            call={"return_attention_scores": True}),
    "mha_4d_axes_1_2": case(MHA, {"num_heads": 2, "key_dim": 3, "attention_axes": (1, 2)},
                            {"query": (B, 2, 3, D), "value": (B, 2, 4, D)}),
    "mha_4d_axes_1_2_scores": case(
        MHA, {"num_heads": 2, "key_dim": 3, "attention_axes": (1, 2)},
        {"query": (B, 2, 3, D), "value": (B, 2, 4, D)},
        masks={"attention_mask": (B, 2, 3, 2, 4)}, call={"return_attention_scores": True}),
    "mha_4d_axis_2": case(MHA, {"num_heads": 2, "key_dim": 3, "attention_axes": 2},
                          {"query": (B, 3, 4, D), "value": (B, 3, 5, D)}),
    "mha_4d_default_axes": case(MHA, {"num_heads": 2, "key_dim": 3},
                                {"query": (B, 2, 3, D), "value": (B, 2, 4, D)},
                                masks={"attention_mask": (B, 2, 3, 2, 4)}),
    "mha_4d_negative_axis": case(MHA, {"num_heads": 2, "key_dim": 3, "attention_axes": (-2,)},
                                 {"query": (B, 3, 4, D), "value": (B, 3, 5, D)}),
    "mha_keras_masks": case(MHA, {"num_heads": 2, "key_dim": 3}, QV,
                            keras_masks=["query", "value"]),
    "mha_keras_masks_scores": case(MHA, {"num_heads": 2, "key_dim": 3}, QV,
                                   call={"return_attention_scores": True},
                                   keras_masks=["query", "value"]),
    "mha_keras_value_mask_causal": case(MHA, {"num_heads": 2, "key_dim": 3}, SELF,
                                        call={"use_causal_mask": True},
                                        keras_masks=["value"]),
    # GroupedQueryAttention
    "gqa": case(GQA, {"head_dim": 3, "num_query_heads": 4, "num_key_value_heads": 2}, GQ),
    "gqa_key_masks_scores": case(
        GQA, {"head_dim": 3, "num_query_heads": 4, "num_key_value_heads": 2},
        {"query": (B, TQ, 8), "value": (B, TV, 8), "key": (B, TV, 5)},
        masks={"value_mask": (B, TV), "query_mask": (B, TQ)},
        call={"return_attention_scores": True}),
    "gqa_mqa_no_bias": case(GQA, {"head_dim": 2, "num_query_heads": 3,
                                  "num_key_value_heads": 1, "use_bias": False}, GQ),
    "gqa_causal_gate_window": case(
        GQA, {"head_dim": 3, "num_query_heads": 2, "num_key_value_heads": 2, "use_gate": True,
              "sliding_window": 2}, {"query": (B, TV, 8), "value": (B, TV, 8)},
        call={"use_causal_mask": True}),
    "gqa_causal_only": case(GQA, {"head_dim": 3, "num_query_heads": 4,
                                  "num_key_value_heads": 2},
                            {"query": (B, TV, 8), "value": (B, TV, 8)},
                            call={"use_causal_mask": True}),
    "gqa_keras_masks": case(GQA, {"head_dim": 3, "num_query_heads": 4,
                                  "num_key_value_heads": 2}, GQ,
                            keras_masks=["query", "value"]),
    # Attention / AdditiveAttention (a list of inputs; masks as a list)
    "att_dot": case(ATT, {}, LIST_QV, style="list"),
    "att_scale_key": case(ATT, {"use_scale": True}, LIST_QVK, style="list"),
    "att_concat": case(ATT, {"score_mode": "concat"}, LIST_QV, style="list"),
    "att_concat_scale": case(ATT, {"score_mode": "concat", "use_scale": True}, LIST_QVK,
                             style="list"),
    "att_masks_scores": case(ATT, {"use_scale": True}, LIST_QV,
                             masks={"q_mask": (B, TQ), "v_mask": (B, TV)},
                             call={"return_attention_scores": True}, style="list"),
    "att_causal_masks": case(ATT, {}, {"q": (B, TV, D), "v": (B, TV, D)},
                             masks={"q_mask": (B, TV), "v_mask": (B, TV)},
                             call={"use_causal_mask": True}, style="list"),
    "att_causal_scores": case(ATT, {}, LIST_QV,
                              call={"use_causal_mask": True, "return_attention_scores": True},
                              style="list"),
    "att_keras_masks": case(ATT, {}, LIST_QV, style="list", keras_masks=["q", "v"]),
    "additive": case(ADD, {}, LIST_QV, style="list"),
    "additive_no_scale_key": case(ADD, {"use_scale": False}, LIST_QVK, style="list"),
    "additive_masks_scores": case(ADD, {}, LIST_QV,
                                  masks={"q_mask": (B, TQ), "v_mask": (B, TV)},
                                  call={"return_attention_scores": True}, style="list"),
    "additive_causal": case(ADD, {}, {"q": (B, TV, D), "v": (B, TV, D)},
                            call={"use_causal_mask": True}, style="list"),
}

# name -> (class, constructor kwargs) that Keras refuses at construction.
BAD_ARGS = {
    "mha_num_heads_0": (MHA, {"num_heads": 0, "key_dim": 2}),
    "mha_num_heads_float": (MHA, {"num_heads": 2.0, "key_dim": 2}),
    "mha_key_dim_0": (MHA, {"num_heads": 2, "key_dim": 0}),
    "mha_key_dim_negative": (MHA, {"num_heads": 2, "key_dim": -3}),
    "mha_value_dim_0": (MHA, {"num_heads": 2, "key_dim": 2, "value_dim": -1}),
    "mha_attention_axes_str": (MHA, {"num_heads": 2, "key_dim": 2, "attention_axes": "1"}),
    "mha_sliding_window_0": (MHA, {"num_heads": 2, "key_dim": 2, "sliding_window": 0}),
    "gqa_heads_not_divisible": (GQA, {"head_dim": 2, "num_query_heads": 3,
                                      "num_key_value_heads": 2}),
    "gqa_sliding_window_float": (GQA, {"head_dim": 2, "num_query_heads": 2,
                                       "num_key_value_heads": 1, "sliding_window": 1.5}),
    "att_score_mode": (ATT, {"score_mode": "add"}),
}

# name -> (class, constructor kwargs, input shapes, style) that Keras refuses when called
# ("symbolic": on keras.Input tensors; GroupedQueryAttention checks its shapes only there).
BAD_CALLS = {
    "mha_value_key_mismatch": (MHA, {"num_heads": 2, "key_dim": 2},
                               {"query": (B, TQ, D), "value": (B, TV, D), "key": (B, 3, D)},
                               "kwargs"),
    "gqa_query_value_dims": (GQA, {"head_dim": 2, "num_query_heads": 2,
                                   "num_key_value_heads": 1},
                             {"query": (B, TQ, D), "value": (B, TV, 4)}, "symbolic"),
    "att_single_input": (ATT, {}, {"q": (B, TQ, D)}, "list"),
    "att_four_inputs": (ATT, {}, {"q": (B, TQ, D), "v": (B, TV, D), "k": (B, TV, D),
                                  "x": (B, TV, D)}, "list"),
}


def layer_class(name):
    return getattr(keras.layers, name)


def random_mask(shape):
    mask = RNG.random(shape) > 0.35
    mask[..., 0] = True  # every row keeps one position ...
    if len(shape) >= 2:
        mask[0, -1] = False  # ... except one: Keras's two softmax paths differ there
    return mask


def padded_input(shape):
    """Inputs whose trailing time steps are zero in one sample (Masking turns them off)."""
    x = RNG.normal(size=shape).astype("float32")
    x[0, -2:] = 0.0
    x[1, -1:] = 0.0
    return x


def randomize_weights(layer):
    for w in layer.weights:
        w.assign(RNG.normal(scale=0.5, size=tuple(w.shape)).astype("float32"))


def call_layer(layer, recipe, tensors, masks):
    if recipe["style"] == "list":
        mask_list = [masks.get(f"{name}_mask") for name in recipe["inputs"]]
        kwargs = dict(recipe["call"])
        if any(m is not None for m in mask_list):
            kwargs["mask"] = mask_list
        return layer([tensors[name] for name in recipe["inputs"]], **kwargs)
    return layer(**tensors, **masks, **recipe["call"])


def run_case(name, recipe, arrays):
    cls = layer_class(recipe["cls"])
    inputs = {}
    for input_name, shape in recipe["inputs"].items():
        masked = input_name in recipe["keras_masks"]
        inputs[input_name] = (padded_input(shape) if masked
                              else RNG.normal(size=shape).astype("float32"))
    masks = {mask_name: random_mask(shape) for mask_name, shape in recipe["masks"].items()}
    layer = cls(**recipe["kwargs"], name=name)
    if recipe["keras_masks"]:
        # The layer sees masks through its inputs: Masking layers in a functional model.
        symbolic = {n: keras.Input(batch_shape=(None, *a.shape[1:]), name=n)
                    for n, a in inputs.items()}
        fed = {n: keras.layers.Masking(0.0)(t) if n in recipe["keras_masks"] else t
               for n, t in symbolic.items()}
        model = keras.Model(symbolic, call_layer(layer, recipe, fed, {}))
        randomize_weights(layer)
        outputs = model(inputs)
    else:
        call_layer(layer, recipe, inputs, masks)  # builds
        randomize_weights(layer)
        outputs = call_layer(layer, recipe, inputs, masks)
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    for input_name, value in {**inputs, **masks}.items():
        arrays[f"{name}/{input_name}"] = value
    for i, w in enumerate(layer.weights):
        arrays[f"{name}/weight{i}"] = np.array(w)
    for i, out in enumerate(outputs):
        arrays[f"{name}/output{i}"] = np.array(out)
    output_masks = [getattr(out, "_keras_mask", None) for out in outputs]
    for i, mask in enumerate(output_masks):
        if mask is not None:
            arrays[f"{name}/output_mask{i}"] = np.array(mask)
    return {
        **recipe,
        "config": layer.get_config(),
        "build_config": layer.get_build_config(),
        "weight_paths": [w.path for w in layer.weights],
        "weight_shapes": [list(w.shape) for w in layer.weights],
        "num_outputs": len(outputs),
        "output_has_mask": [m is not None for m in output_masks],
    }


def refusal(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is the oracle
        return {"type": type(e).__name__, "message": str(e)}
    return None


def bad_call(recipe):
    cls, kwargs, shapes, style = recipe
    tensors = {n: RNG.normal(size=s).astype("float32") for n, s in shapes.items()}
    layer = layer_class(cls)(**kwargs)
    if style == "list":
        return refusal(lambda: layer(list(tensors.values())))
    if style == "symbolic":
        tensors = {n: keras.Input(batch_shape=(None, *s[1:])) for n, s in shapes.items()}
    return refusal(lambda: layer(**tensors))


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


def mha_model():
    tokens = keras.Input(shape=(TV, 8), name="tokens")
    x = keras.layers.Masking(0.0, name="pad")(tokens)
    y = keras.layers.MultiHeadAttention(2, 4, name="mha")(x, x)
    h = keras.layers.Add(name="residual")([x, y])
    h = keras.layers.LayerNormalization(name="norm")(h)
    pooled = keras.layers.GlobalAveragePooling1D(name="pool")(h)
    return keras.Model(tokens, keras.layers.Dense(3, name="head")(pooled), name="mha_model")


def mixed_model():
    q = keras.Input(shape=(TQ, 8), name="q")
    v = keras.Input(shape=(TV, 8), name="v")
    a = keras.layers.Attention(use_scale=True, name="dot")([q, v])
    b = keras.layers.AdditiveAttention(name="additive")([q, v])
    g = keras.layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2,
                                         name="gqa")(q, v, use_causal_mask=True)
    out = keras.layers.Concatenate(name="join")([a, b, g])
    return keras.Model([q, v], out, name="mixed_model")


def legacy_model():
    tokens = keras.Input(shape=(TV, 8), name="tokens")
    y = keras.layers.MultiHeadAttention(2, 4, value_dim=3, name="mha")(tokens, tokens)
    return keras.Model(tokens, keras.layers.Dense(3, name="head")(y), name="legacy_model")


def write_model(name, model, inputs, arrays, meta, legacy_h5=False):
    for layer in model.layers:
        randomize_weights(layer)
    expected = np.array(model(inputs))
    path = os.path.join(HERE, f"{name}.keras")
    model.save(path)
    reloaded = keras.saving.load_model(path)
    for i, x in enumerate(inputs if isinstance(inputs, list) else [inputs]):
        arrays[f"{name}/input{i}"] = x
    arrays[f"{name}/expected"] = expected
    arrays[f"{name}/keras_reloaded"] = np.array(reloaded(inputs))
    meta[name] = {"h5_layout": h5_layout(path),
                  "weight_paths": [w.path for w in model.weights]}
    if legacy_h5:
        h5_path = os.path.join(HERE, f"{name}.h5")
        model.save(h5_path)
        arrays[f"{name}/keras_reloaded_h5"] = np.array(keras.saving.load_model(h5_path)(inputs))


def main():
    keras.utils.set_random_seed(0)
    arrays, fixtures = {}, {}
    for name, recipe in CASES.items():
        fixtures[name] = run_case(name, recipe, arrays)
    models = {}
    write_model("attention_mha_model", mha_model(), padded_input((B, TV, 8)), arrays, models)
    write_model("attention_legacy_model", legacy_model(), RNG.normal(size=(B, TV, 8)).astype(
        "float32"), arrays, models, legacy_h5=True)
    write_model("attention_mixed_model", mixed_model(),
                [RNG.normal(size=(B, TQ, 8)).astype("float32"),
                 RNG.normal(size=(B, TV, 8)).astype("float32")], arrays, models)
    errors = {name: {"cls": cls, "kwargs": kwargs,
                     **refusal(lambda cls=cls, kwargs=kwargs: layer_class(cls)(**kwargs))}
              for name, (cls, kwargs) in BAD_ARGS.items()}
    call_errors = {name: {"cls": r[0], "kwargs": r[1], "inputs": r[2], "style": r[3],
                          **bad_call(r)} for name, r in BAD_CALLS.items()}
    provenance = (f"keras {keras.__version__}, backend {keras.backend.backend()}, "
                  f"tensorflow {tf.__version__}, numpy {np.__version__}, "
                  f"python {platform.python_version()}; written by "
                  "tests/data/make_attention_fixtures.py")
    with tempfile.NamedTemporaryFile(dir=HERE, suffix=".npz", delete=False) as tmp:
        np.savez(tmp, **arrays)
    os.chmod(tmp.name, 0o644)
    os.replace(tmp.name, os.path.join(HERE, "attention_fixtures.npz"))
    with open(os.path.join(HERE, "attention_fixtures.json"), "w") as f:
        json.dump({"provenance": provenance, "cases": fixtures, "models": models,
                   "bad_args": errors, "bad_calls": call_errors}, f, indent=1, default=list)
        f.write("\n")
    with open(os.path.join(HERE, "attention_fixtures_PROVENANCE.txt"), "w") as f:
        f.write("attention_fixtures.json, attention_fixtures.npz, attention_mha_model.keras, "
                "attention_mixed_model.keras, attention_legacy_model.keras, "
                f"attention_legacy_model.h5: {provenance}\n")
    print(provenance)
    print(f"{len(fixtures)} cases, {len(errors) + len(call_errors)} refusals")


if __name__ == "__main__":
    main()
