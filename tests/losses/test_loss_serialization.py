"""`losses.get`, `serialize`, `deserialize` and `get_config` in Keras 3.15's format."""

import json

import numpy as np
import pytest

from keras_like import losses

# The config keys Keras 3.15's classes write (Huber adds `delta` and CosineSimilarity `axis`
# here, which Keras drops; Keras reads them back fine).
BASE = ["name", "reduction"]
CONFIG_KEYS = {
    "MeanSquaredError": BASE, "MeanAbsoluteError": BASE, "MeanAbsolutePercentageError": BASE,
    "MeanSquaredLogarithmicError": BASE, "LogCosh": BASE, "Hinge": BASE, "SquaredHinge": BASE,
    "CategoricalHinge": BASE, "KLDivergence": BASE, "Poisson": BASE, "CTC": BASE,
    "CosineSimilarity": BASE + ["axis"], "Huber": BASE + ["delta"],
    "BinaryCrossentropy": BASE + ["from_logits", "label_smoothing", "axis"],
    "BinaryFocalCrossentropy": BASE + ["from_logits", "label_smoothing", "axis",
                                       "apply_class_balancing", "alpha", "gamma"],
    "CategoricalCrossentropy": BASE + ["from_logits", "label_smoothing", "axis"],
    "CategoricalFocalCrossentropy": BASE + ["from_logits", "label_smoothing", "axis", "alpha",
                                            "gamma"],
    "SparseCategoricalCrossentropy": BASE + ["from_logits", "ignore_class"],
    "CategoricalGeneralizedCrossEntropy": BASE + ["q"],
    "Dice": BASE + ["axis"], "Tversky": BASE + ["alpha", "beta", "axis"],
    "Circle": BASE + ["gamma", "margin", "remove_diagonal"],
}
NON_DEFAULT = {
    "CosineSimilarity": {"axis": 0}, "Huber": {"delta": 2.5},
    "BinaryCrossentropy": {"from_logits": True, "label_smoothing": 0.1, "axis": 0},
    "BinaryFocalCrossentropy": {"apply_class_balancing": True, "alpha": 0.4, "gamma": 3.0},
    "CategoricalCrossentropy": {"from_logits": True, "label_smoothing": 0.2},
    "CategoricalFocalCrossentropy": {"alpha": [0.1, 0.9], "gamma": 1.0},
    "SparseCategoricalCrossentropy": {"from_logits": True, "ignore_class": -1},
    "CategoricalGeneralizedCrossEntropy": {"q": 0.2},
    "Dice": {"axis": [1, 2]}, "Tversky": {"alpha": 0.3, "beta": 0.7},
    "Circle": {"gamma": 10.0, "margin": 0.1, "remove_diagonal": False},
}


@pytest.mark.parametrize("name", sorted(CONFIG_KEYS))
def test_config_keys_and_round_trip(name):
    cls = getattr(losses, name)
    config = cls().get_config()
    assert list(config) == CONFIG_KEYS[name]
    assert config["reduction"] == "sum_over_batch_size"
    obj = cls(**NON_DEFAULT.get(name, {}), reduction="sum", name="custom")
    config = obj.get_config()
    for key, value in NON_DEFAULT.get(name, {}).items():
        assert config[key] == value
    clone = cls.from_config(json.loads(json.dumps(config)))
    assert clone.get_config() == json.loads(json.dumps(config))
    restored = losses.deserialize(json.loads(json.dumps(losses.serialize(obj))))
    assert type(restored) is cls and restored.get_config() == clone.get_config()


def test_serialized_format():
    assert losses.serialize(losses.MeanSquaredError()) == {
        "module": "keras.losses", "class_name": "MeanSquaredError",
        "config": {"name": "mean_squared_error", "reduction": "sum_over_batch_size"},
        "registered_name": None,
    }
    assert losses.serialize(losses.mean_squared_error) == {
        "module": "builtins", "class_name": "function", "config": "mean_squared_error",
        "registered_name": "function",
    }
    assert losses.deserialize(losses.serialize(losses.huber)) is losses.huber


def test_config_written_by_keras_loads():
    # The compile config of a model saved by Keras 3.15.1 (fixtures dump f2.keras).
    written = {"module": "keras.losses", "class_name": "SparseCategoricalCrossentropy",
               "config": {"name": "sparse_categorical_crossentropy",
                          "reduction": "sum_over_batch_size", "from_logits": True,
                          "ignore_class": None},
               "registered_name": None}
    loss = losses.get(written)
    assert isinstance(loss, losses.SparseCategoricalCrossentropy) and loss.from_logits
    assert losses.serialize(loss) == written
    # Keras 2 style, without module, and Keras's own Huber config without `delta`.
    assert losses.get({"class_name": "Huber", "config": {"name": "huber_loss"}}).delta == 1.0


def test_loss_function_wrapper_round_trip():
    loss = losses.LossFunctionWrapper(losses.huber, name="w", reduction="sum", delta=3.0)
    config = loss.get_config()
    assert config == {"name": "w", "reduction": "sum",
                      "fn": {"module": "builtins", "class_name": "function", "config": "huber",
                             "registered_name": "function"},
                      "delta": 3.0}
    clone = losses.LossFunctionWrapper.from_config(config)
    assert clone.fn is losses.huber and clone._fn_kwargs == {"delta": 3.0}
    restored = losses.deserialize(losses.serialize(loss))
    t, p = np.zeros((2, 1)), np.full((2, 1), 5.0)
    np.testing.assert_allclose(restored(t, p).numpy(), loss(t, p).numpy())


@pytest.mark.parametrize("identifier,expected", [
    ("mse", "mean_squared_error"), ("MSE", "mean_squared_error"),
    ("mae", "mean_absolute_error"), ("MAE", "mean_absolute_error"),
    ("mape", "mean_absolute_percentage_error"), ("msle", "mean_squared_logarithmic_error"),
    ("kld", "kl_divergence"), ("KLD", "kl_divergence"), ("bce", "binary_crossentropy"),
    ("binary_crossentropy", "binary_crossentropy"),
    ("categorical_crossentropy", "categorical_crossentropy"),
    ("sparse_categorical_crossentropy", "sparse_categorical_crossentropy"),
    ("binary_focal_crossentropy", "binary_focal_crossentropy"),
    ("categorical_focal_crossentropy", "categorical_focal_crossentropy"),
    ("mean_squared_error", "mean_squared_error"), ("huber", "huber"), ("log_cosh", "log_cosh"),
    ("hinge", "hinge"), ("squared_hinge", "squared_hinge"),
    ("categorical_hinge", "categorical_hinge"), ("poisson", "poisson"),
    ("cosine_similarity", "cosine_similarity"), ("dice", "dice"), ("tversky", "tversky"),
    ("circle", "circle"), ("ctc", "ctc"),
])
def test_get_function_names(identifier, expected):
    fn = losses.get(identifier)
    assert fn is getattr(losses, expected)


def test_get_classes_instances_and_callables():
    assert isinstance(losses.get("MeanSquaredError"), losses.MeanSquaredError)
    assert isinstance(losses.get("SparseCategoricalCrossentropy"),
                      losses.SparseCategoricalCrossentropy)
    cce = losses.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert isinstance(cce, losses.CategoricalCrossentropy) and cce.from_logits
    instance = losses.Huber()
    assert losses.get(instance) is instance

    def my_loss(y_true, y_pred):
        return y_pred - y_true

    assert losses.get(my_loss) is my_loss
    assert losses.get(None) is None
    assert losses.get(losses.Dice).__class__ is losses.Dice  # a class gives an instance
    assert losses.deserialize("my_loss", custom_objects={"my_loss": my_loss}) is my_loss


@pytest.mark.parametrize("identifier", ["foo", 3, {"class_name": "Foo", "config": {}}])
def test_get_unknown_identifier(identifier):
    with pytest.raises(ValueError, match="Could not interpret loss identifier: "):
        losses.get(identifier)


def test_aliases_and_public_names():
    assert losses.mse is losses.MSE is losses.mean_squared_error
    assert losses.kullback_leibler_divergence is losses.kl_divergence
    assert losses.logcosh is losses.log_cosh
    for name in ("Loss", "LossFunctionWrapper", "Reduction", "get", "serialize", "deserialize"):
        assert hasattr(losses, name)
