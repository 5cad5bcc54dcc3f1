"""The two wrapper models of the Keras fixtures and the interop tests, built from one
description by either library (`keras` or `keras_like`), with fixed layer names so that the
weights-file groups and legacy `.h5` layer names of both libraries can be compared."""

TEXT_STEPS, TEXT_FEATURES = 6, 4
VIDEO_SHAPE = (3, 6, 6, 2)


def text_model(lib):
    """Masking -> Bidirectional LSTM -> TimeDistributed Dense -> Bidirectional GRU (ave)."""
    layers = lib.layers
    tokens = lib.Input(shape=(TEXT_STEPS, TEXT_FEATURES), name="tokens")
    x = layers.Masking(0.0, name="pad")(tokens)
    x = layers.Bidirectional(layers.LSTM(3, return_sequences=True, name="enc"),
                             name="bi_enc")(x)
    x = layers.TimeDistributed(layers.Dense(4, activation="relu", name="proj"),
                               name="td_proj")(x)
    x = layers.Bidirectional(layers.GRU(2, name="summary"), merge_mode="ave",
                             name="bi_summary")(x)
    return lib.Model(tokens, layers.Dense(1, name="head")(x), name="text_model")


def video_model(lib):
    """TimeDistributed Conv2D and Flatten -> Bidirectional SimpleRNN with its own backward
    layer (sum) -> TimeDistributed Dense."""
    layers = lib.layers
    frames = lib.Input(shape=VIDEO_SHAPE, name="frames")
    x = layers.TimeDistributed(layers.Conv2D(3, 3, name="conv"), name="td_conv")(frames)
    x = layers.TimeDistributed(layers.Flatten(name="flat"), name="td_flat")(x)
    x = layers.Bidirectional(
        layers.SimpleRNN(2, return_sequences=True, name="rnn"), merge_mode="sum",
        backward_layer=layers.SimpleRNN(2, return_sequences=True, go_backwards=True,
                                        activation="relu", name="rnn_back"),
        name="bi_rnn")(x)
    out = layers.TimeDistributed(layers.Dense(2, name="out"), name="td_out")(x)
    return lib.Model(frames, out, name="video_model")
