"""The one serializer: Keras's entry format, module paths of every Keras version, and the
rule that a config never imports a module or runs code it names."""

import numpy as np
import pytest

import keras_like as keras
from keras_like import layers
from keras_like.saving import serialization_lib
from keras_like.saving.serialization_lib import deserialize_keras_object, serialize_keras_object


def dense_entry(module):
    return {"module": module, "class_name": "Dense",
            "config": {"name": "d", "units": 3, "activation": "tanh"},
            "registered_name": None}


@pytest.mark.parametrize("module", [
    "keras.layers", "keras.src.layers.core.dense", "keras.src.layers", "tf_keras.layers",
    "tf_keras.src.layers.core.dense", "keras.layers.core", "tensorflow.keras.layers",
    "keras_like.layers", None])
def test_module_paths_of_every_keras_version_resolve(module):
    layer = deserialize_keras_object(dense_entry(module))
    assert type(layer) is layers.Dense and layer.units == 3
    assert layer.activation is keras.activations.tanh


@pytest.mark.parametrize("module,class_name", [
    ("keras.src.models.functional", "Functional"), ("keras.engine.functional", "Functional"),
    ("keras.src.engine.functional", "Functional"), ("keras", "Sequential"),
    ("keras.engine.sequential", "Sequential"), ("keras.models", "Sequential"),
    ("keras.src.engine.training", "Model")])
def test_model_classes_resolve_from_keras_2_and_3_paths(module, class_name):
    from keras_like.saving import keras_names

    found = keras_names.find_symbol(module, class_name)
    assert found is getattr(keras.models, class_name)


def test_namespace_named_by_the_file_wins():
    loss = {"module": "keras.losses", "class_name": "MeanSquaredError",
            "config": {"name": "mse", "reduction": "sum_over_batch_size"},
            "registered_name": None}
    metric = dict(loss, module="keras.metrics", config={"name": "mse", "dtype": "float32"})
    assert isinstance(deserialize_keras_object(loss), keras.losses.Loss)
    assert isinstance(deserialize_keras_object(metric), keras.metrics.Metric)


def test_keras_class_we_do_not_have_yet_is_named():
    entry = {"module": "keras.layers", "class_name": "NoSuchLayerYet", "config": {},
             "registered_name": None}
    with pytest.raises(ValueError, match="keras_like cannot load layer class 'NoSuchLayerYet'"
                                         ": not implemented yet"):
        deserialize_keras_object(entry)
    with serialization_lib.LoadingFileScope("/somewhere/model.keras"), \
            pytest.raises(ValueError, match="from /somewhere/model.keras: not implemented"):
        deserialize_keras_object(entry)


@pytest.mark.parametrize("module,name", [("os", "system"), ("builtins", "eval"),
                                         ("builtins", "exec"), ("subprocess", "call"),
                                         ("posix", "system"), (None, "__import__")])
def test_functions_from_foreign_modules_are_refused(module, name):
    entry = {"module": module, "class_name": "function", "config": name,
             "registered_name": name}
    with pytest.raises(TypeError, match=f"Could not locate function '{name}'"):
        deserialize_keras_object(entry)
    with pytest.raises(ValueError, match="Could not locate function"):
        deserialize_keras_object(entry, safe_mode=True)


def test_classes_from_foreign_modules_are_refused():
    entry = {"module": "subprocess", "class_name": "Popen", "config": {"args": ["true"]},
             "registered_name": None}
    with pytest.raises(TypeError, match="Could not locate class 'Popen'"):
        deserialize_keras_object(entry)


def test_lambda_needs_safe_mode_false():
    layer = layers.Lambda(lambda x: x * 3.0)
    entry = serialize_keras_object(layer)
    with pytest.raises(ValueError, match="arbitrary code execution"):
        deserialize_keras_object(entry)
    rebuilt = deserialize_keras_object(entry, safe_mode=False)
    np.testing.assert_allclose(rebuilt(np.ones((1, 2), "float32")).numpy(), [[3.0, 3.0]])
    generic = {"class_name": "__lambda__", "config": {"value": ["AAAA", None, None]}}
    with pytest.raises(ValueError, match="arbitrary code execution"):
        deserialize_keras_object(generic)


@pytest.mark.parametrize("value", [
    np.arange(6, dtype="int16").reshape(2, 3), np.float32(2.5), b"bytes", slice(1, None, 2),
    Ellipsis, (1, [2, {"a": None}]), np.array([1.5, -0.25], dtype="float64")])
def test_special_values_round_trip(value):
    entry = serialize_keras_object(value)
    back = deserialize_keras_object(entry)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype
        np.testing.assert_array_equal(back, value)
    elif isinstance(value, tuple):
        assert back == [1, [2, {"a": None}]]  # tuples become lists, as in Keras's JSON
    else:
        assert back == value


def test_tensor_round_trips_with_dtype():
    tensor = keras.ops.convert_to_tensor(np.array([[1, 2]], dtype="int32"))
    entry = serialize_keras_object(tensor)
    assert entry["class_name"] == "__tensor__" and entry["config"]["dtype"] == "int32"
    back = deserialize_keras_object(entry)
    assert str(back.dtype) == "int32"
    np.testing.assert_array_equal(back.numpy(), [[1, 2]])


def test_shared_object_id_gives_one_instance_within_a_load():
    entry = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
             "registered_name": None, "shared_object_id": 123}
    with serialization_lib.ObjectSharingScope():
        a, b = deserialize_keras_object([entry, entry])
    assert a is b
    c, d = deserialize_keras_object([entry, entry])
    assert c is not d


def test_registered_and_scoped_custom_objects():
    @keras.saving.register_keras_serializable(package="serialization_test")
    def doubled(x):
        return x * 2.0

    class Triple(layers.Layer):
        def call(self, x):
            return x * 3.0

    entry = serialize_keras_object(doubled)
    assert entry == {"module": "builtins", "class_name": "function", "config": "doubled",
                     "registered_name": "function"}
    assert deserialize_keras_object(entry) is doubled
    layer_entry = serialize_keras_object(Triple(name="t"))
    assert layer_entry["registered_name"] == "Triple"
    with pytest.raises(TypeError, match="Could not locate class 'Triple'"):
        deserialize_keras_object(layer_entry)
    with keras.saving.custom_object_scope({"Triple": Triple}):
        assert type(deserialize_keras_object(layer_entry)) is Triple
    assert type(deserialize_keras_object(layer_entry,
                                         custom_objects={"Triple": Triple})) is Triple
    assert keras.saving.get_registered_object("serialization_test>doubled") is doubled


def test_malformed_entries_give_value_errors():
    with pytest.raises(ValueError, match="'class_name' must be a string"):
        deserialize_keras_object({"class_name": 3, "config": {}})
    with pytest.raises(ValueError, match="config of 'Dense'.* must be a dict"):
        deserialize_keras_object({"module": "keras.layers", "class_name": "Dense",
                                  "config": [1, 2]})
    with pytest.raises(ValueError, match="'__numpy__' entry needs the keys"):
        deserialize_keras_object({"class_name": "__numpy__", "config": {"value": [1]}})
