"""Tutorial 06: text classification with TextVectorization, a bidirectional LSTM and a
Transformer encoder.

The text is the one of tutorial 05, the help pages that ship with every Python
(`pydoc_data.topics`), cut into sentences. The task is one where the *order* of the words is
the whole signal: half of the examples are real sentences, the other half are the same
sentences with their words shuffled, and a model must tell which is which. Both classes hold
exactly the same words, so a bag-of-words model (which sees which words occur, not where) can
do no better than a coin toss; a model that reads the sequence can.

The steps:
1. cut the text into sentences, shuffle the words of each to make the negative examples, and
   split the *sentences* into training and test sets (a test sentence was never seen in either
   order);
2. a `TextVectorization` layer, `adapt`ed on the training text, turns strings into word
   indices (or, for the baseline, into multi-hot vectors);
3. three models trained with `fit`: the bag-of-words baseline, `Embedding(mask_zero=True)` +
   `Bidirectional(LSTM)`, and a small Transformer encoder (token and position embeddings,
   `MultiHeadAttention`, a feed-forward block, residual connections and `LayerNormalization`);
4. their test accuracies compared, and the best model wrapped with its vectorizer into one
   model that takes raw strings, saved to a `.keras` file and reloaded.
Runs offline in well under a minute:  python tutorials/06_text_classification.py
"""

import os
import re
import tempfile
from pydoc_data.topics import topics

import numpy as np

import keras_like as keras
from keras_like import layers

SEED = 6
keras.utils.set_random_seed(SEED)  # weight initialisation, dropout and fit's shuffling
rng = np.random.default_rng(SEED)  # the word shuffles and the train/test split

# --- 1. Sentences, real and shuffled ---------------------------------------------------------
# A sentence is a run of text ending in ".", "?" or "!" and a space (code samples and tables
# give some odd ones, which is fine: both classes get the same). Keep sentences of 6 to 24
# words: shorter ones have too few orders to tell apart, longer ones are mostly code listings.
WORD = re.compile(r"[a-z_][a-z0-9_]*")
MAX_WORDS = 24
sentences = set()
for name in sorted(topics):
    for piece in re.split(r"[.?!]\s+", topics[name].lower()):
        words = WORD.findall(piece)
        if 6 <= len(words) <= MAX_WORDS:
            sentences.add(" ".join(words))
sentences = sorted(sentences)  # one copy of each, in a fixed order: the split is reproducible


def shuffled(sentence):
    """The sentence's words in a random order that differs from the original."""
    words = sentence.split()
    while True:
        order = rng.permutation(len(words))
        candidate = " ".join(words[i] for i in order)
        if candidate != sentence:
            return candidate


# Split by sentence, then give every sentence both versions: label 1 for the real order, 0 for
# the shuffled one. The test sentences never appear in training in either order.
order = rng.permutation(len(sentences))
n_test = len(sentences) // 5
splits = {"train": [sentences[i] for i in order[n_test:]],
          "test": [sentences[i] for i in order[:n_test]]}
data = {}
for split, real in splits.items():
    texts = np.array(real + [shuffled(s) for s in real])
    labels = np.array([1.0] * len(real) + [0.0] * len(real), dtype="float32")
    mix = rng.permutation(len(texts))
    data[split] = texts[mix], labels[mix]
train_texts, train_labels = data["train"]
test_texts, test_labels = data["test"]
print(f"{len(sentences)} sentences: {len(train_texts)} training and {len(test_texts)} test "
      "examples, half of them shuffled")
print(f"  real:     {splits['test'][0]!r}")
print(f"  shuffled: {shuffled(splits['test'][0])!r}")

# --- 2. Strings to numbers: TextVectorization ------------------------------------------------
# `adapt` reads the training text once and keeps the MAX_TOKENS most frequent words; every
# other word becomes the out-of-vocabulary index 1 and 0 is padding. The texts here are already
# lowercase words, and the layer's default standardization (lowercase, strip punctuation) and
# whitespace split leave them as they are.
MAX_TOKENS, SEQUENCE_LENGTH = 4000, MAX_WORDS
vectorize = layers.TextVectorization(max_tokens=MAX_TOKENS,
                                     output_sequence_length=SEQUENCE_LENGTH)
vectorize.adapt(train_texts)
vocabulary = vectorize.get_vocabulary()
print(f"vocabulary: {len(vocabulary)} entries, starting {vocabulary[:6]}")
train_ids, test_ids = vectorize(train_texts), vectorize(test_texts)
print(f"'{test_texts[0]}'\n  -> {np.asarray(test_ids[0]).tolist()}")

EPOCHS, BATCH = 6, 64


def train(model, x, x_test, name):
    """Compiles and fits `model`; returns its test accuracy."""
    model.compile(optimizer=keras.optimizers.Adam(2e-3), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, train_labels, batch_size=BATCH, epochs=EPOCHS, verbose=0)
    _, accuracy = model.evaluate(x_test, test_labels, batch_size=256, verbose=0)
    print(f"{name}: test accuracy {accuracy:.3f}")
    return accuracy


# --- 3a. The baseline: a bag of words --------------------------------------------------------
# multi_hot marks which vocabulary words occur (one column per vocabulary entry: this text has
# fewer distinct words than MAX_TOKENS, so the vocabulary is smaller than the cap). A sentence
# and its shuffle give the *same* vector, so this model cannot do better than chance, however
# long it trains.
bag = layers.TextVectorization(max_tokens=MAX_TOKENS, output_mode="multi_hot")
bag.adapt(train_texts)
bag_model = keras.Sequential([keras.Input(shape=(bag.vocabulary_size(),)),
                              layers.Dense(32, activation="relu"),
                              layers.Dense(1, activation="sigmoid")], name="bag_of_words")
results = {"bag of words": train(bag_model, bag(train_texts), bag(test_texts), "bag of words")}

# --- 3b. Embedding + bidirectional LSTM ------------------------------------------------------
# mask_zero=True makes the embedding emit a mask that marks the padding; the LSTM skips the
# masked steps. Bidirectional runs one LSTM from the first word and a copy from the last and
# concatenates their final outputs, so both ends of the sentence are read closely.
EMBED = 32
ids = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64")
x = layers.Embedding(MAX_TOKENS, EMBED, mask_zero=True)(ids)
x = layers.Bidirectional(layers.LSTM(32))(x)
x = layers.Dense(1, activation="sigmoid")(x)
lstm_model = keras.Model(ids, x, name="bidirectional_lstm")
results["bidirectional LSTM"] = train(lstm_model, train_ids, test_ids, "bidirectional LSTM")


# --- 3c. A Transformer encoder ---------------------------------------------------------------
# Attention compares every word with every other word and has no notion of order of its own,
# so each position gets a learned position embedding added to its word embedding. One encoder
# block: self-attention and a feed-forward network, each with a residual connection and layer
# normalization (the "post-norm" block of Vaswani et al., 2017).
class TokenAndPositionEmbedding(layers.Layer):
    """Word embedding plus a learned embedding of the position, with the padding mask."""

    def __init__(self, sequence_length, vocabulary_size, dim, **kwargs):
        super().__init__(**kwargs)
        self.tokens = layers.Embedding(vocabulary_size, dim, mask_zero=True)
        self.positions = layers.Embedding(sequence_length, dim)
        self.sequence_length, self.vocabulary_size, self.dim = sequence_length, vocabulary_size, dim

    def call(self, ids):
        positions = keras.ops.arange(self.sequence_length)
        return self.tokens(ids) + self.positions(positions)

    def compute_mask(self, ids, mask=None):
        return self.tokens.compute_mask(ids)

    def get_config(self):
        return {**super().get_config(), "sequence_length": self.sequence_length,
                "vocabulary_size": self.vocabulary_size, "dim": self.dim}


def encoder_block(x, heads, dim, hidden):
    # MultiHeadAttention reads the embedding's padding mask, so no word attends to padding.
    attended = layers.MultiHeadAttention(num_heads=heads, key_dim=dim // heads)(x, x)
    x = layers.LayerNormalization(epsilon=1e-6)(x + layers.Dropout(0.1)(attended))
    hidden_out = layers.Dense(hidden, activation="relu")(x)
    hidden_out = layers.Dense(dim)(hidden_out)
    return layers.LayerNormalization(epsilon=1e-6)(x + layers.Dropout(0.1)(hidden_out))


ids = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64")
x = TokenAndPositionEmbedding(SEQUENCE_LENGTH, MAX_TOKENS, EMBED)(ids)
x = encoder_block(x, heads=2, dim=EMBED, hidden=64)
x = layers.GlobalAveragePooling1D()(x)  # the mask keeps padding out of the average
x = layers.Dense(1, activation="sigmoid")(x)
transformer = keras.Model(ids, x, name="transformer_encoder")
results["Transformer encoder"] = train(transformer, train_ids, test_ids, "Transformer encoder")

# --- 4. Compare, then ship the best model with its vectorizer --------------------------------
print("\ntest accuracy (chance is 0.5):")
for name, accuracy in results.items():
    print(f"  {name:<20} {accuracy:.3f}")
best = max(["bidirectional LSTM", "Transformer encoder"], key=results.get)
print(f"best sequence model: {best}")

# The deployed model takes raw strings: the vectorizer is its first layer, so whoever loads the
# file needs no preprocessing code (the vocabulary travels inside the .keras file).
trained = lstm_model if best == "bidirectional LSTM" else transformer
text_in = keras.Input(shape=(1,), dtype="string")
end_to_end = keras.Model(text_in, trained(vectorize(text_in)), name="end_to_end")
probe = np.array([[splits["test"][1]], [shuffled(splits["test"][1])]])
path = os.path.join(tempfile.mkdtemp(), "order_classifier.keras")
end_to_end.save(path)
reloaded = keras.saving.load_model(path, custom_objects={
    "TokenAndPositionEmbedding": TokenAndPositionEmbedding})
before, after = np.asarray(end_to_end.predict(probe, verbose=0)), \
    np.asarray(reloaded.predict(probe, verbose=0))
for text, p in zip(probe[:, 0], after[:, 0]):
    print(f"  P(real order) = {p:.3f}  {str(text)!r}")
print(f"reloaded model gives the same predictions: {bool(np.allclose(before, after, atol=1e-6))}")
