"""Programs from the keras.io guides run unchanged with `import keras_like as keras`."""

import numpy as np

import keras_like as keras
from keras_like import ops


def test_customizing_fit_with_a_functional_subclass():
    # "Customizing what happens in fit()": a Model subclass built from (inputs, outputs).
    class CustomModel(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

        def train_step(self, data):
            x, y = data
            with keras.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = keras.losses.mean_squared_error(y, y_pred)
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)
            self.optimizer.apply_gradients(zip(gradients, trainable_vars))
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)
    assert isinstance(model, CustomModel) and isinstance(model, keras.models.Functional)
    model.compile(optimizer="adam")
    rng = np.random.default_rng(0)
    history = model.fit(rng.random((512, 32)), rng.random((512, 1)), epochs=3, verbose=0)
    assert set(history.history) == {"loss", "mae"}
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_multi_input_multi_output_functional_model():
    # The functional API guide's ticket classifier (three inputs, two named outputs).
    num_tags, num_words, num_departments = 12, 1000, 4
    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    tags_input = keras.Input(shape=(num_tags,), name="tags")
    title_features = ops.mean(keras.layers.Embedding(num_words, 16)(title_input), axis=1)
    body_features = ops.mean(keras.layers.Embedding(num_words, 16)(body_input), axis=1)
    x = keras.layers.concatenate([title_features, body_features, tags_input])
    priority_pred = keras.layers.Dense(1, name="priority")(x)
    department_pred = keras.layers.Dense(num_departments, name="department")(x)
    model = keras.Model(inputs=[title_input, body_input, tags_input],
                        outputs={"priority": priority_pred, "department": department_pred})
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={"priority": keras.losses.BinaryCrossentropy(from_logits=True),
              "department": keras.losses.CategoricalCrossentropy(from_logits=True)},
        loss_weights={"priority": 1.0, "department": 0.2},
    )
    rng = np.random.default_rng(1)
    data = {"title": rng.integers(num_words, size=(256, 10)),
            "body": rng.integers(num_words, size=(256, 30)),
            "tags": rng.integers(2, size=(256, num_tags)).astype("float32")}
    targets = {"priority": rng.random((256, 1)),
               "department": rng.integers(2, size=(256, num_departments))}
    history = model.fit(data, targets, epochs=2, batch_size=32, verbose=0)
    assert {"loss", "priority_loss", "department_loss"} <= set(history.history)
    predictions = model.predict(data, verbose=0)
    assert predictions["priority"].shape == (256, 1)
    assert predictions["department"].shape == (256, num_departments)
