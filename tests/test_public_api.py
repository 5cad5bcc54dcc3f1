"""Every public path Keras 3 exports for a name we implement reaches the same object."""

import ast
import collections
import importlib
import importlib.util
import os

import numpy as np
import pytest

import keras_like as keras

# (public module under keras_like, exported name, "implementing.module:attr").
ALIASES = [
    # The example: one function, two public homes.
    ("preprocessing.sequence", "pad_sequences", "keras_like.utils.sequence_utils:pad_sequences"),
    ("utils", "pad_sequences", "keras_like.utils.sequence_utils:pad_sequences"),
    # keras.backend
    ("backend", "is_float_dtype", "keras_like.backend.dtypes:is_float_dtype"),
    ("backend", "is_int_dtype", "keras_like.backend.dtypes:is_int_dtype"),
    ("backend", "is_keras_tensor", "keras_like.backend.keras_tensor:is_keras_tensor"),
    ("backend", "standardize_dtype", "keras_like.backend.dtypes:standardize_dtype"),
    ("backend", "result_type", "keras_like.backend.dtypes:result_type"),
    ("backend", "get_uid", "keras_like.backend.uids:get_uid"),
    ("backend", "clear_session", "keras_like.backend.session:clear_session"),
    ("backend", "epsilon", "keras_like.backend.config:epsilon"),
    ("backend", "floatx", "keras_like.backend.config:floatx"),
    ("backend", "image_data_format", "keras_like.backend.config:image_data_format"),
    # keras.config
    ("config", "backend", "keras_like.backend.config:backend"),
    ("config", "epsilon", "keras_like.backend.config:epsilon"),
    ("config", "floatx", "keras_like.backend.config:floatx"),
    ("config", "image_data_format", "keras_like.backend.config:image_data_format"),
    ("config", "set_epsilon", "keras_like.backend.config:set_epsilon"),
    ("config", "set_floatx", "keras_like.backend.config:set_floatx"),
    ("config", "set_image_data_format", "keras_like.backend.config:set_image_data_format"),
    ("config", "set_num_threads", "keras_like.backend.config:set_num_threads"),
    ("config", "get_num_threads", "keras_like.backend.config:get_num_threads"),
    ("config", "dtype_policy", "keras_like.dtype_policies:dtype_policy"),
    ("config", "set_dtype_policy", "keras_like.dtype_policies:set_dtype_policy"),
    ("config", "enable_interactive_logging",
     "keras_like.utils.io_utils:enable_interactive_logging"),
    ("config", "disable_interactive_logging",
     "keras_like.utils.io_utils:disable_interactive_logging"),
    ("config", "is_interactive_logging_enabled",
     "keras_like.utils.io_utils:is_interactive_logging_enabled"),
    ("config", "enable_traceback_filtering",
     "keras_like.utils.traceback_utils:enable_traceback_filtering"),
    ("config", "disable_traceback_filtering",
     "keras_like.utils.traceback_utils:disable_traceback_filtering"),
    ("config", "is_traceback_filtering_enabled",
     "keras_like.utils.traceback_utils:is_traceback_filtering_enabled"),
    # keras.mixed_precision
    ("mixed_precision", "DTypePolicy", "keras_like.dtype_policies:DTypePolicy"),
    ("mixed_precision", "Policy", "keras_like.dtype_policies:DTypePolicy"),
    ("mixed_precision", "dtype_policy", "keras_like.dtype_policies:dtype_policy"),
    ("mixed_precision", "global_policy", "keras_like.dtype_policies:dtype_policy"),
    ("mixed_precision", "set_dtype_policy", "keras_like.dtype_policies:set_dtype_policy"),
    ("mixed_precision", "set_global_policy", "keras_like.dtype_policies:set_dtype_policy"),
    # keras.utils
    ("utils", "clear_session", "keras_like.backend.session:clear_session"),
    ("utils", "is_keras_tensor", "keras_like.backend.keras_tensor:is_keras_tensor"),
    ("utils", "standardize_dtype", "keras_like.backend.dtypes:standardize_dtype"),
    ("utils", "CustomObjectScope", "keras_like.saving.object_registration:CustomObjectScope"),
    ("utils", "custom_object_scope", "keras_like.saving.object_registration:CustomObjectScope"),
    ("utils", "get_custom_objects", "keras_like.saving.object_registration:get_custom_objects"),
    ("utils", "get_registered_name",
     "keras_like.saving.object_registration:get_registered_name"),
    ("utils", "get_registered_object",
     "keras_like.saving.object_registration:get_registered_object"),
    ("utils", "register_keras_serializable",
     "keras_like.saving.object_registration:register_keras_serializable"),
    ("utils", "serialize_keras_object",
     "keras_like.saving.serialization_lib:serialize_keras_object"),
    ("utils", "deserialize_keras_object",
     "keras_like.saving.serialization_lib:deserialize_keras_object"),
    ("utils", "unpack_x_y_sample_weight",
     "keras_like.trainers.data_adapters:unpack_x_y_sample_weight"),
    ("utils", "enable_interactive_logging",
     "keras_like.utils.io_utils:enable_interactive_logging"),
    ("utils", "disable_interactive_logging",
     "keras_like.utils.io_utils:disable_interactive_logging"),
    ("utils", "is_interactive_logging_enabled",
     "keras_like.utils.io_utils:is_interactive_logging_enabled"),
    # keras.ops
    ("ops", "slogdet", "keras_like.ops.linalg:slogdet"),
    ("ops.numpy", "slogdet", "keras_like.ops.linalg:slogdet"),
    ("ops.numpy", "size", "keras_like.ops.core:size"),
    # keras.layers
    ("layers", "serialize", "keras_like.layers.serialization:serialize"),
    ("layers", "deserialize", "keras_like.layers.serialization:deserialize"),
    # keras.optimizers.legacy: Keras 3 keeps only a class that explains their absence.
    *[("optimizers.legacy", name, "keras_like.optimizers.legacy:LegacyOptimizerWarning")
      for name in ("Adagrad", "Adam", "Ftrl", "Optimizer", "RMSprop", "SGD")],
    # keras.tree
    *[("tree", name, f"keras_like.tree.tree_api:{name}") for name in (
        "MAP_TO_NONE", "assert_same_paths", "assert_same_structure", "flatten",
        "flatten_with_path", "is_nested", "lists_to_tuples", "map_shape_structure",
        "map_structure", "map_structure_up_to", "pack_sequence_as", "traverse")],
]


def _public(path, name):
    """`keras.<path>.<name>` by attribute access only, as user code reaches it."""
    obj = keras
    for part in path.split("."):
        obj = getattr(obj, part)
    return getattr(obj, name)


def _implementation(spec):
    module, attr = spec.split(":")
    return getattr(importlib.import_module(module), attr)


@pytest.mark.parametrize("path,name,impl", ALIASES, ids=[f"{p}.{n}" for p, n, _ in ALIASES])
def test_alias_is_the_implementation(path, name, impl):
    assert _public(path, name) is _implementation(impl)


@pytest.mark.parametrize("name", ["config", "tree", "mixed_precision"])
def test_top_level_submodules(name):
    assert getattr(keras, name) is importlib.import_module(f"keras_like.{name}")
    assert name in keras.__all__


def test_from_import_of_lazy_utils_names():
    from keras_like.utils import register_keras_serializable, unpack_x_y_sample_weight

    assert register_keras_serializable is keras.saving.register_keras_serializable
    assert unpack_x_y_sample_weight(([1], [2])) == ([1], [2], None)
    assert "serialize_keras_object" in dir(keras.utils)
    with pytest.raises(AttributeError, match="has no attribute 'not_a_keras_name'"):
        keras.utils.not_a_keras_name  # noqa: B018


# ------------------------------------------------------------------------ behaviour checks


def test_config_settings_still_work_through_the_package():
    old = keras.config.floatx()
    try:
        keras.config.set_floatx("float64")
        assert keras.backend.floatx() == "float64"
        assert keras.ops.zeros((2,)).dtype == "float64"
    finally:
        keras.config.set_floatx(old)


def test_config_switches_toggle_and_restore():
    pairs = [
        (keras.config.disable_interactive_logging, keras.config.enable_interactive_logging,
         keras.config.is_interactive_logging_enabled),
        (keras.config.disable_traceback_filtering, keras.config.enable_traceback_filtering,
         keras.config.is_traceback_filtering_enabled),
    ]
    for disable, enable, is_enabled in pairs:
        assert is_enabled() is True
        disable()
        try:
            assert is_enabled() is False
        finally:
            enable()
        assert is_enabled() is True
    assert keras.config.is_flash_attention_enabled() is None  # Keras's default
    keras.config.disable_flash_attention()
    try:
        assert keras.config.is_flash_attention_enabled() is False
    finally:
        keras.config.enable_flash_attention()
    assert keras.config.is_flash_attention_enabled() is None
    assert keras.config.is_nnx_enabled() is False


def test_config_dtype_policy_and_mixed_precision_global_policy(monkeypatch):
    # The global policy is module state; monkeypatch puts it back for the other tests.
    monkeypatch.setattr(keras.dtype_policies, "_GLOBAL_POLICY", None)
    assert keras.config.dtype_policy().name == keras.config.floatx()
    keras.mixed_precision.set_global_policy("mixed_float16")
    policy = keras.config.dtype_policy()
    assert (policy.compute_dtype, policy.variable_dtype) == ("float16", "float32")
    assert keras.mixed_precision.global_policy() == keras.mixed_precision.Policy("mixed_float16")


def test_get_uid_shares_the_layer_name_counter():
    keras.backend.clear_session()
    assert keras.backend.get_uid("uid_test") == 1
    assert keras.backend.get_uid("uid_test") == 2
    keras.layers.Dense(1, name=None)  # takes the name "dense" and counts it
    assert keras.backend.get_uid("dense") == 2
    assert keras.layers.Dense(1).name == "dense_2"
    keras.backend.clear_session()
    assert keras.backend.get_uid("uid_test") == 1
    keras.backend.clear_session()


def test_backend_dtype_predicates():
    assert keras.backend.is_float_dtype("bfloat16") and keras.backend.is_float_dtype(np.float64)
    assert not keras.backend.is_float_dtype("int32")
    assert keras.backend.is_int_dtype("uint8") and keras.backend.is_int_dtype(int)
    assert not keras.backend.is_int_dtype("bool")
    assert keras.backend.is_keras_tensor(keras.Input((3,)))
    assert not keras.backend.is_keras_tensor(keras.ops.ones((3,)))


def test_legacy_optimizers_raise_like_keras_3():
    with pytest.raises(ImportError, match=r"`keras.optimizers.legacy` is not supported in Keras 3"):
        keras.optimizers.legacy.Adam(learning_rate=0.1)
    # The legacy module must not leak into name-based optimizer lookup.
    assert type(keras.optimizers.get("adam")) is keras.optimizers.Adam


def test_layers_serialize_round_trip_and_non_layer_error():
    config = keras.layers.serialize(keras.layers.Dense(3, activation="relu", name="d"))
    assert config["class_name"] == "Dense" and config["module"] == "keras.layers"
    layer = keras.layers.deserialize(config)
    assert isinstance(layer, keras.layers.Dense)
    assert layer.get_config() == config["config"]
    with pytest.raises(ValueError, match="not a `keras.layers.Layer`"):
        keras.layers.deserialize(keras.losses.serialize(keras.losses.MeanSquaredError()))


def test_slogdet_from_ops_numpy_matches_numpy():
    x = np.array([[[2.0, 1.0], [1.0, 3.0]], [[0.0, 1.0], [1.0, 0.0]]], dtype="float32")
    sign, logabsdet = keras.ops.numpy.slogdet(x)
    want_sign, want_log = np.linalg.slogdet(x)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(sign), want_sign)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(logabsdet), want_log, rtol=1e-6)
    assert keras.ops.numpy.size(x) == x.size


# ---------------------------------------------------- the guard against missing aliases

_KERAS_SPEC = importlib.util.find_spec("keras")


def _keras_public_exports():
    """(public module, name, source) for every `from keras.src... import` in Keras's API files.

    The generated `__init__.py` files are parsed, not imported, so no Keras backend loads.
    """
    root = os.path.dirname(_KERAS_SPEC.origin)
    rows = []
    for dirpath, dirs, files in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if rel.split(os.sep)[0] in ("src", "_tf_keras"):  # internals; the tf.keras mirror
            dirs[:] = []
            continue
        if "__init__.py" not in files:
            continue
        module = "" if rel == "." else rel.replace(os.sep, ".")
        with open(os.path.join(dirpath, "__init__.py")) as f:
            tree = ast.parse(f.read())
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module.startswith("keras.src"):
                for alias in node.names:
                    rows.append((module, alias.asname or alias.name, (node.module, alias.name)))
    return rows


_MISSING = object()


def _lookup(module, name):
    obj = keras
    for part in filter(None, module.split(".")):
        obj = getattr(obj, part, _MISSING)
        if obj is _MISSING:
            return _MISSING
    return getattr(obj, name, _MISSING)


@pytest.mark.skipif(_KERAS_SPEC is None, reason="Keras is not installed to compare against")
def test_every_keras_path_of_an_implemented_name_works():
    """Where keras_like has a Keras name at one of its public paths, it has it at all of them.

    Keras exports some objects under several paths (`keras.utils.pad_sequences` and
    `keras.preprocessing.sequence.pad_sequences`); they must all reach one object here.
    """
    by_source = collections.defaultdict(list)
    for module, name, source in _keras_public_exports():
        by_source[source].append((module, name))
    assert len(by_source) > 500  # the parse found Keras's API, not an empty tree
    problems = []
    for paths in by_source.values():
        found = {path: _lookup(*path) for path in paths}
        present = {path: obj for path, obj in found.items() if obj is not _MISSING}
        if not present:
            continue
        missing = [path for path, obj in found.items() if obj is _MISSING]
        if missing or len({id(obj) for obj in present.values()}) > 1:
            shown = ", ".join(".".join(filter(None, ["keras", *p])) for p in paths)
            problems.append(f"{shown}: missing {missing}")
    assert not problems, "\n".join(problems)
