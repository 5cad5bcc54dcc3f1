"""Tutorial 05: word embeddings with skip-gram and negative sampling (word2vec).

word2vec learns a vector for every word of a vocabulary from nothing but running text: a
word's vector is trained to predict the words seen near it (its *context*), so words used in
similar contexts end up with similar vectors. This is the TensorFlow "word2vec" tutorial
written with the Keras API, trained on an English text that ships with every Python: the help
pages of the interactive `help()` system, `pydoc_data.topics` (about 65 000 words about
lists, classes, exceptions, strings, ...).

The steps: tokenise the text and build a vocabulary (plain Python and NumPy), drop some
occurrences of very frequent words (word2vec's subsampling), turn every (word, nearby word)
pair into one positive example plus a few *negative* examples (random words drawn from the
unigram distribution raised to 3/4), train a model of two `Embedding` tables and a `Dot`
product with `fit`, then look at the nearest neighbours of a few words and write the vectors
in the format of the TensorBoard Embedding Projector (https://projector.tensorflow.org).
Runs offline in about ten seconds:  python tutorials/05_word_embeddings.py [output_dir]
(the two files go to output_dir, a new temporary folder when it is not given).
"""

import collections
import os
import re
import sys
import tempfile
from pydoc_data.topics import topics

import numpy as np

import keras_like as keras
from keras_like import layers, ops

SEED = 5
keras.utils.set_random_seed(SEED)
rng = np.random.default_rng(SEED)  # every NumPy draw below (subsampling, negatives) uses it

# --- 1. Corpus and vocabulary ----------------------------------------------------------------
# One document per help topic, in a fixed order. Lowercase, then keep runs of letters, digits
# and underscores that start with a letter or an underscore: "__init__" and "utf8" stay one
# word, "len(x)" gives "len" and "x", and punctuation and plain numbers are dropped.
TOKEN = re.compile(r"[a-z_][a-z0-9_]*")
documents = [TOKEN.findall(topics[name].lower()) for name in sorted(topics)]
counts = collections.Counter(word for doc in documents for word in doc)
total_words = sum(counts.values())

# The vocabulary is the most frequent words, each seen at least MIN_COUNT times (a vector
# learned from a handful of occurrences is mostly noise), at most MAX_VOCAB of them; this text
# is small, so the count, not the cap, decides. Ties are broken alphabetically, so the order
# (and therefore every index) is the same on every run.
MIN_COUNT, MAX_VOCAB = 5, 8000
ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
vocab = [word for word, n in ranked[:MAX_VOCAB] if n >= MIN_COUNT]
index = {word: i for i, word in enumerate(vocab)}
frequency = np.array([counts[word] for word in vocab], dtype="float64")
vocab_size = len(vocab)
print(f"{len(documents)} help topics, {total_words} words, {len(counts)} distinct; "
      f"vocabulary: the {vocab_size} words seen at least {MIN_COUNT} times")

# Hold the last few topics out of training: the semantic check at the end asks whether the
# embeddings know which words go together in text they have never seen.
HELD_OUT = 8
train_docs, held_out_docs = documents[:-HELD_OUT], documents[-HELD_OUT:]


def encode(doc):
    """Word indices of a document; words outside the vocabulary are dropped (as word2vec does)."""
    return np.array([index[word] for word in doc if word in index], dtype="int64")


# --- 2. Skip-gram pairs with subsampling and negative samples --------------------------------
# Subsampling: an occurrence of a word whose share of the text is f is kept with probability
# sqrt(t / f) (at most 1), the rule of word2vec's sampling table. "the", "a" and "is" lose
# most of their occurrences, which say little about a word's meaning, while rare words are
# always kept; dropping them *before* pairing also lets a window reach words further apart.
SAMPLE_T = 1e-3
keep_probability = np.minimum(1.0, np.sqrt(SAMPLE_T / (frequency / frequency.sum())))


def skipgram_pairs(docs, window):
    """(target, context) pairs: every kept word with each kept word at most `window` away."""
    targets, contexts = [], []
    for doc in docs:
        ids = encode(doc)
        ids = ids[rng.random(len(ids)) < keep_probability[ids]]
        for offset in range(1, window + 1):
            # Both directions: (w[i], w[i + offset]) and (w[i + offset], w[i]).
            targets += [ids[:-offset], ids[offset:]]
            contexts += [ids[offset:], ids[:-offset]]
    return np.concatenate(targets), np.concatenate(contexts)


# Negative samples: NUM_NS random words per positive pair, drawn from the unigram distribution
# raised to the power 3/4 (the word2vec paper's choice: frequent words are drawn often, but
# less often than their raw frequency, so rare words get some negatives too). The model sees
# `[positive, negative_1, ..., negative_NUM_NS]` as the candidate contexts of a target word,
# with the labels `[1, 0, ..., 0]`.
WINDOW, NUM_NS, BATCH_SIZE = 5, 5, 1024
noise = frequency ** 0.75
noise /= noise.sum()


class SkipGramDataset(keras.utils.PyDataset):
    """Batches of ((target, candidate contexts), labels), drawn afresh for every epoch.

    word2vec itself subsamples the text and draws new negatives on every pass, so the model
    never sees the same negatives twice. A `PyDataset` does that with `on_epoch_end`. An epoch
    is a fixed number of batches (the size of the first draw); later draws differ in size by a
    fraction of a percent, so the batch indices simply wrap around the current draw.
    """

    def __init__(self, docs, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.docs, self.batch_size = docs, batch_size
        self.draw()
        self.batches = len(self.targets) // batch_size

    def draw(self):
        targets, positives = skipgram_pairs(self.docs, WINDOW)
        order = rng.permutation(len(targets))  # shuffled once per draw, so fit(shuffle=False)
        self.targets = targets[order]
        negatives = rng.choice(vocab_size, size=(len(targets), NUM_NS), p=noise)
        self.contexts = np.concatenate([positives[order, None], negatives], axis=1)

    def __len__(self):
        return self.batches

    def __getitem__(self, i):
        rows = np.arange(i * self.batch_size, (i + 1) * self.batch_size) % len(self.targets)
        labels = np.zeros((len(rows), 1 + NUM_NS), dtype="float32")
        labels[:, 0] = 1.0
        return (self.targets[rows], self.contexts[rows]), labels

    def on_epoch_end(self):
        self.draw()


dataset = SkipGramDataset(train_docs, BATCH_SIZE)
print(f"{len(dataset.targets)} skip-gram pairs per epoch (window {WINDOW}), each with "
      f"{NUM_NS} negative samples")


# --- 3. The model -----------------------------------------------------------------------------
# Two embedding tables: one for a word as the target, one for a word as a context. The score
# of a (target, context) pair is the dot product of the two vectors: a logit, high when the
# context word is likely to appear near the target. `Dot(axes=2)` multiplies a (batch, 1, dim)
# target vector with (batch, 1 + NUM_NS, dim) context vectors into (batch, 1, 1 + NUM_NS).
class Word2Vec(keras.Model):
    def __init__(self, vocab_size, embedding_dim, **kwargs):
        super().__init__(**kwargs)
        self.target_embedding = layers.Embedding(vocab_size, embedding_dim,
                                                 name="w2v_embedding")
        self.context_embedding = layers.Embedding(vocab_size, embedding_dim, name="context")
        self.dot = layers.Dot(axes=2)
        self.flatten = layers.Flatten()

    def call(self, inputs):
        target, context = inputs
        word = self.target_embedding(ops.expand_dims(target, 1))  # (batch, 1, dim)
        context = self.context_embedding(context)                  # (batch, 1 + NUM_NS, dim)
        return self.flatten(self.dot([word, context]))             # (batch, 1 + NUM_NS)


EMBEDDING_DIM, EPOCHS = 64, 10
model = Word2Vec(vocab_size, EMBEDDING_DIM)
# Each logit is its own yes/no question ("is this word really a neighbour?"), which is the
# negative-sampling loss of the word2vec paper: binary cross-entropy on the raw logits.
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.002),
              loss=keras.losses.BinaryCrossentropy(from_logits=True))


# --- 4. A held-out check, before and after training -------------------------------------------
# Take (word, context) pairs from the held-out topics, and the same pairs with the contexts
# shuffled among them: both sets contain exactly the same words equally often, so word
# frequency alone cannot tell them apart. The fraction of (real, shuffled) couples in which
# the model scores the real pair higher (the area under the ROC curve) is 0.5 for a model that
# knows nothing and grows as the embeddings learn which words go together.
held_targets, held_contexts = skipgram_pairs(held_out_docs, WINDOW)
shuffled_contexts = rng.permutation(held_contexts)


def pair_scores(target_ids, context_ids):
    target_vectors = ops.convert_to_numpy(model.target_embedding.embeddings)[target_ids]
    context_vectors = ops.convert_to_numpy(model.context_embedding.embeddings)[context_ids]
    return np.sum(target_vectors * context_vectors, axis=1)


def held_out_auc():
    real = pair_scores(held_targets, held_contexts)
    fake = pair_scores(held_targets, shuffled_contexts)
    # AUC = P(real > fake) for a random couple, computed from the ranks of all the scores.
    ranks = np.argsort(np.argsort(np.concatenate([real, fake]))) + 1
    return (ranks[:len(real)].sum() - len(real) * (len(real) + 1) / 2) / (len(real) * len(fake))


model(dataset[0][0])  # a first call builds the embedding tables
auc_before = held_out_auc()

# --- 5. Training ------------------------------------------------------------------------------
history = model.fit(dataset, epochs=EPOCHS, shuffle=False, verbose=2)
losses = history.history["loss"]
auc_after = held_out_auc()
print("loss per epoch:", " ".join(f"{loss:.4f}" for loss in losses))
print(f"held-out pair AUC: {auc_before:.3f} before training, {auc_after:.3f} after "
      f"({len(held_targets)} pairs from {HELD_OUT} unseen topics)")

# --- 6. Nearest neighbours --------------------------------------------------------------------
# The learned word vectors are the rows of the target table. Cosine similarity compares their
# directions: normalise every row to unit length, then one matrix product scores a word
# against the whole vocabulary.
vectors = ops.convert_to_numpy(model.target_embedding.embeddings)
unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def nearest(word, k=6):
    similarity = unit @ unit[index[word]]
    best = [i for i in np.argsort(-similarity) if i != index[word]][:k]
    return [(vocab[i], similarity[i]) for i in best]


# With 65 000 words of training text the neighbours are the words a word keeps company with
# in Python's documentation: methods of a type, words of the same construct, close relatives.
for word in ["list", "dictionary", "exception", "string", "float", "bytes", "iterator", "true",
             "module"]:
    if word in index:
        neighbours = ", ".join(f"{w} {s:.2f}" for w, s in nearest(word))
        print(f"{word:>10}: {neighbours}")

# --- 7. Export for the Embedding Projector ----------------------------------------------------
# vectors.tsv: one tab-separated vector per line; metadata.tsv: the word of each line (a
# single column, so no header). Load both at https://projector.tensorflow.org to explore the
# space in 3-D.
output_dir = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp()
os.makedirs(output_dir, exist_ok=True)
with open(os.path.join(output_dir, "vectors.tsv"), "w", encoding="utf-8") as out:
    for vector in vectors:
        out.write("\t".join(f"{x:.6f}" for x in vector) + "\n")
with open(os.path.join(output_dir, "metadata.tsv"), "w", encoding="utf-8") as out:
    out.write("".join(word + "\n" for word in vocab))
print(f"wrote vectors.tsv and metadata.tsv ({vocab_size} x {EMBEDDING_DIM}) to {output_dir}")

# Training must have worked: the loss fell well below its first epoch's value, and the model
# ranks real held-out pairs above shuffled ones clearly more often than chance (measured: about
# 0.5 before training and 0.61-0.62 after, for every seed tried).
assert losses[-1] < 0.8 * losses[0], f"the loss did not fall: {losses}"
assert auc_before < 0.53 and auc_after > 0.57, (auc_before, auc_after)
