"""What `fit` / `evaluate` / `predict` print at verbose 0, 1 and 2 (Keras's text layout)."""

import re

import numpy as np

import keras_like as keras

TIME = r"\d+(?:us|ms|s)/step"
VALUE = r"-?\d+\.\d{4}(?:e[+-]\d+)?"


def data(n=20, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 4), dtype="float32")
    return x, (x.sum(axis=1) > 2).astype("float32")


def classifier():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    return model


def final_lines(out):
    """The text left on screen: for each line, what follows its last carriage return."""
    return [line.split("\r")[-1].rstrip() for line in out.split("\n") if line.strip()]


def fmt(v):
    return f"{v:.4f}" if abs(v) > 1e-3 else f"{v:.4e}"


def test_verbose_2_prints_one_line_per_epoch(capsys):
    x, y = data()
    history = classifier().fit(x, y, batch_size=8, epochs=2, validation_split=0.2, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    h = history.history
    for epoch, line in zip((0, 1), (lines[1], lines[3])):
        values = " - ".join(f"{k}: {fmt(h[k][epoch])}" for k in
                            ("accuracy", "loss", "val_accuracy", "val_loss"))
        assert re.fullmatch(rf"2/2 - \d+s - {TIME} - " + re.escape(values), line), line


def test_verbose_1_draws_a_bar_that_ends_with_the_epoch_logs(capsys):
    x, y = data()
    history = classifier().fit(x, y, batch_size=8, epochs=2, validation_data=(x, y),
                               verbose=1)
    lines = final_lines(capsys.readouterr().out)
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    h = history.history
    values = " - ".join(f"{k}: {fmt(h[k][1])}" for k in
                        ("accuracy", "loss", "val_accuracy", "val_loss"))
    assert re.fullmatch(rf"3/3 ━{{20}} \d+s {TIME} - " + re.escape(values), lines[3]), lines[3]


def test_verbose_auto_is_1_and_one_epoch_prints_no_epoch_header(capsys):
    x, y = data()
    classifier().fit(x, y, batch_size=8, epochs=1)
    lines = final_lines(capsys.readouterr().out)
    assert len(lines) == 1
    assert re.fullmatch(rf"3/3 ━{{20}} \d+s {TIME} - accuracy: {VALUE} - loss: {VALUE}",
                        lines[0])


def test_verbose_0_prints_nothing(capsys):
    x, y = data()
    model = classifier()
    model.fit(x, y, epochs=2, validation_split=0.2, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    assert capsys.readouterr().out == ""


def test_evaluate_and_predict_output(capsys):
    x, y = data()
    model = classifier()
    logs = model.evaluate(x, y, batch_size=8, verbose=2, return_dict=True)
    model.predict(x, batch_size=8, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (f"3/3 - {lines[0].split(' - ')[1]} - {lines[0].split(' - ')[2]} - "
                        f"accuracy: {fmt(logs['accuracy'])} - loss: {fmt(logs['loss'])}")
    assert re.fullmatch(rf"3/3 - \d+s - {TIME}", lines[1])
    model.evaluate(x, y, batch_size=8, verbose=1)
    model.predict(x, batch_size=8, verbose=1)
    lines = final_lines(capsys.readouterr().out)
    assert re.fullmatch(rf"3/3 ━{{20}} \d+s {TIME} - accuracy: {VALUE} - loss: {VALUE}",
                        lines[0])
    assert re.fullmatch(rf"3/3 ━{{20}} \d+s {TIME}", lines[1])


def test_unknown_number_of_steps(capsys):
    x, y = data(n=12)

    def batches():
        for i in range(3):
            yield x[4 * i:4 * i + 4], y[4 * i:4 * i + 4]

    classifier().fit(batches(), epochs=1, shuffle=False, verbose=1)
    out = capsys.readouterr().out
    # Captured stdout is not a terminal: like Keras, only the final line is printed (no
    # intermediate "1/Unknown" redraws).
    assert "Unknown" not in out
    assert re.fullmatch(rf"3/3 ━{{20}} \d+s {TIME} - accuracy: {VALUE} - loss: {VALUE}",
                        final_lines(out)[-1])


def test_validation_inside_fit_draws_no_extra_bar(capsys):
    x, y = data()
    classifier().fit(x, y, batch_size=4, epochs=1, validation_data=(x, y),
                     validation_batch_size=2, verbose=1)
    out = capsys.readouterr().out
    assert "/10 " not in out  # the 10 validation steps have no bar of their own
    assert len(final_lines(out)) == 1
