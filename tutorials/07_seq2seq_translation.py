"""Tutorial 07: sequence-to-sequence translation with an attention LSTM (English to digits).

A sequence-to-sequence model reads one sequence and writes another of a different length: a
sentence in English and its French translation, a question and its answer. Here the two
"languages" are English number words and digits, "three hundred twelve" -> "312", so the data
can be generated in a few lines and every translation can be checked exactly; the model does
not know that, it sees only characters.

The model is the classic encoder-decoder of neural machine translation (Luong et al., 2015):
- an *encoder* LSTM reads the English characters and returns its output at every step (the
  "memory" that attention looks at) and its final states;
- a *decoder* LSTM starts from those states and writes the digits one character at a time;
- before each character is chosen, an `Attention` layer compares the decoder's output with
  every encoder output and returns a weighted average of them (the *context*), so the decoder
  can look at "three" while writing the 3 and at "twelve" while writing the 1 and the 2.

It is trained with *teacher forcing*: the decoder is given the true previous digit at every
step, so one `fit` call trains all positions at once. To translate a new number there is no
true previous digit, so the same layers are rewired into an encoder model and a one-step
decoder model, and the translation is written greedily, one character at a time, each choice
fed back as the next input. The check is on numbers held out of training: the model must
translate numbers it has never seen, character for character.
Runs offline in a few seconds:  python tutorials/07_seq2seq_translation.py
"""

import numpy as np

import keras_like as keras
from keras_like import layers

SEED = 7
keras.utils.set_random_seed(SEED)  # weight initialisation and fit's shuffling
rng = np.random.default_rng(SEED)  # the train/held-out split

# --- 1. The data: every number from 0 to 999, in words and in digits --------------------------
ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_to_words(n):
    """English words of 0 <= n <= 999: 312 -> "three hundred twelve", 40 -> "forty"."""
    hundreds, rest = divmod(n, 100)
    words = [ONES[hundreds], "hundred"] if hundreds else []
    if rest >= 20:
        words.append(TENS[rest // 10])
        if rest % 10:
            words.append(ONES[rest % 10])
    elif rest or not hundreds:  # "zero" only on its own: 300 is "three hundred"
        words.append(ONES[rest])
    return " ".join(words)


# Split by *number*, not by example: the 200 held-out numbers never appear in training, so a
# right answer on them means the model learned how the words map to digits, not a lookup.
numbers = rng.permutation(1000)
train_numbers, test_numbers = numbers[:800], numbers[800:]

# Both sides are sequences of characters. Index 0 is padding in both vocabularies: batches
# hold sequences of different lengths, padded with zeros to the longest, and the embeddings
# below (`mask_zero=True`) turn the zeros into a mask that the LSTMs, the attention and the
# loss respect. The digits also get a start token "^" (the decoder's first input, before any
# digit is written) and an end token "$" (how the decoder says it is done).
SOURCE_CHARS = [""] + sorted(set("".join(number_to_words(n) for n in range(1000))))
TARGET_CHARS = ["", "^", "$", *"0123456789"]
source_index = {c: i for i, c in enumerate(SOURCE_CHARS)}
target_index = {c: i for i, c in enumerate(TARGET_CHARS)}
START, END = target_index["^"], target_index["$"]
MAX_SOURCE = max(len(number_to_words(n)) for n in range(1000))  # 27: "seven hundred seventy seven"
MAX_TARGET = 4  # three digits and the end token


def encode_source(ns):
    """(len(ns), MAX_SOURCE) character ids of the English words, zero-padded."""
    ids = np.zeros((len(ns), MAX_SOURCE), dtype="int32")
    for row, n in enumerate(ns):
        text = number_to_words(n)
        ids[row, :len(text)] = [source_index[c] for c in text]
    return ids


def encode_target(ns):
    """Teacher forcing: the decoder reads "^312" and must predict "312$", one step ahead."""
    decoder_inputs = np.zeros((len(ns), MAX_TARGET), dtype="int32")
    decoder_targets = np.zeros((len(ns), MAX_TARGET), dtype="int32")
    for row, n in enumerate(ns):
        digits = [target_index[c] for c in str(n)]
        decoder_inputs[row, :len(digits) + 1] = [START, *digits]
        decoder_targets[row, :len(digits) + 1] = [*digits, END]
    return decoder_inputs, decoder_targets


train_source = encode_source(train_numbers)
train_decoder_inputs, train_targets = encode_target(train_numbers)
print(f"{len(train_numbers)} training numbers, {len(test_numbers)} held out; "
      f"{len(SOURCE_CHARS) - 1} English characters, {len(TARGET_CHARS) - 1} digit-side tokens")
print(f"example pair: {number_to_words(train_numbers[0])!r} -> {str(train_numbers[0])!r}")

# --- 2. The model -----------------------------------------------------------------------------
# The layers are created once and kept in variables: the training model and the two inference
# models below are different wirings of the *same* layers, so they share every weight.
UNITS = 64
source_embedding = layers.Embedding(len(SOURCE_CHARS), 32, mask_zero=True, name="source_embed")
encoder_lstm = layers.LSTM(UNITS, return_sequences=True, return_state=True, name="encoder")
target_embedding = layers.Embedding(len(TARGET_CHARS), 16, mask_zero=True, name="target_embed")
decoder_lstm = layers.LSTM(UNITS, return_sequences=True, return_state=True, name="decoder")
attention = layers.Attention(name="attention")  # Luong's dot-product attention
join = layers.Concatenate(name="output_and_context")
to_logits = layers.Dense(len(TARGET_CHARS), name="logits")

# The encoder: with return_sequences and return_state an LSTM returns three tensors, its
# output at every step (batch, time, UNITS) and its final hidden and cell states (batch, UNITS).
source = keras.Input(shape=(None,), dtype="int32", name="english")
memory, state_h, state_c = encoder_lstm(source_embedding(source))

# The decoder starts from the encoder's final states: they summarise the whole input.
digits_so_far = keras.Input(shape=(None,), dtype="int32", name="digits_so_far")
decoder_outputs, _, _ = decoder_lstm(target_embedding(digits_so_far),
                                     initial_state=[state_h, state_c])
# Attention([query, value]): each decoder step (the query) scores every encoder step (the
# values) by a dot product, softmaxes the scores over the encoder steps and averages the
# encoder outputs with those weights. The padding mask of the English input travels with
# `memory`, so padded characters get no weight.
context = attention([decoder_outputs, memory])
logits = to_logits(join([decoder_outputs, context]))  # (batch, target time, vocabulary)
model = keras.Model([source, digits_so_far], logits, name="translator")
model.summary()

# The targets are padded with 0 after the end token; `ignore_class=0` leaves those positions
# out of the loss, so short numbers are not trained to predict padding.
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True,
                                                              ignore_class=0))

# --- 3. Training with teacher forcing ---------------------------------------------------------
EPOCHS = 25
history = model.fit([train_source, train_decoder_inputs], train_targets, batch_size=32,
                    epochs=EPOCHS, verbose=2)
losses = history.history["loss"]
print(f"training loss: {losses[0]:.4f} after the first epoch, {losses[-1]:.4f} after the last")

# --- 4. Inference models: an encoder and a one-step decoder -----------------------------------
# The encoder model returns the memory and the states for a batch of English inputs.
encoder_model = keras.Model(source, [memory, state_h, state_c], name="encoder_model")

# The step model runs the decoder for one character: it takes the previous character, the
# decoder's states so far and the encoder's memory, and returns the next character's logits,
# the new states and the attention weights (to look at below). The memory now comes from an
# `Input`, which carries no mask, so the padding mask is an input of its own and is handed to
# the attention layer explicitly: `mask=[query_mask, value_mask]`.
previous_char = keras.Input(shape=(1,), dtype="int32", name="previous_char")
memory_input = keras.Input(shape=(None, UNITS), name="memory")
memory_mask = keras.Input(shape=(None,), dtype="bool", name="memory_mask")
h_input = keras.Input(shape=(UNITS,), name="h")
c_input = keras.Input(shape=(UNITS,), name="c")
step_output, new_h, new_c = decoder_lstm(target_embedding(previous_char),
                                         initial_state=[h_input, c_input])
step_context, step_weights = attention([step_output, memory_input],
                                       mask=[None, memory_mask], return_attention_scores=True)
step_logits = to_logits(join([step_output, step_context]))
step_model = keras.Model([previous_char, memory_input, memory_mask, h_input, c_input],
                         [step_logits, new_h, new_c, step_weights], name="decoder_step")


def translate(ns):
    """Greedy decoding of a batch: the digit strings and the (batch, step, char) attention."""
    source_ids = encode_source(ns)
    memory_values, h, c = encoder_model.predict(source_ids, verbose=0)
    mask = source_ids != 0
    previous = np.full((len(ns), 1), START, dtype="int32")
    texts, finished, weights = [""] * len(ns), np.zeros(len(ns), dtype=bool), []
    for _ in range(MAX_TARGET):
        step_logit_values, h, c, step_weight_values = step_model.predict(
            [previous, memory_values, mask, h, c], verbose=0)
        # Greedy: take the most likely character and feed it back as the next input.
        choice = np.argmax(step_logit_values[:, 0], axis=-1)
        for row, token in enumerate(choice):
            if finished[row]:
                continue
            if token == END:
                finished[row] = True
            else:
                texts[row] += TARGET_CHARS[token]
        weights.append(step_weight_values[:, 0])
        previous = choice[:, None].astype("int32")
        if finished.all():
            break
    return texts, np.stack(weights, axis=1)


# --- 5. Held-out accuracy ---------------------------------------------------------------------
# The strict measure: the whole digit string must be exactly right ("312", not "31" or "3120").
predictions, attention_weights = translate(test_numbers)
correct = np.array([text == str(n) for text, n in zip(predictions, test_numbers)])
accuracy = correct.mean()
print(f"held-out sequence accuracy: {accuracy:.3f} ({correct.sum()} of {len(test_numbers)} "
      f"numbers never seen in training)")
for n, text in list(zip(test_numbers, predictions))[:6]:
    print(f"  {number_to_words(n):>30} -> {text:<4} {'ok' if text == str(n) else 'WRONG'}")
for n, text in [(n, t) for n, t, ok in zip(test_numbers, predictions, correct) if not ok][:3]:
    print(f"  mistake: {number_to_words(n)!r} -> {text!r} (expected {str(n)!r})")

# --- 6. Where the decoder looks ---------------------------------------------------------------
# For a few held-out numbers, mark the English character that got the largest attention
# weight while each output character was written. Nobody told the model which word goes with
# which digit; the alignment is learned. The encoder reads left to right, so its output at a
# character summarises everything up to it, and the decoder looks where enough of a word has
# been read to know its digit: for the hundreds digit at or just after "hundred" (which has
# read "five hundred"), for the tens digit at the "y" of "sixty", for the ones digit near the
# end of the last word ("fi[v]e": "fiv" can only be five). The examples have three different
# digits, so each digit has exactly one word to look at; the end token, with nothing left to
# read, may look anywhere.
examples = [i for i, n in enumerate(test_numbers)
            if n % 100 > 20 and n % 10 and len(set(str(n))) == 3]
for row in examples[:2]:
    text = number_to_words(test_numbers[row])
    print(f"attention while translating {text!r} -> {predictions[row]!r}:")
    for written, weights in zip(predictions[row] + "$", attention_weights[row]):
        weights = weights[:len(text)]  # the padding after the text has weight 0
        top = int(np.argmax(weights))
        marked = f"{text[:top]}[{text[top]}]{text[top + 1:]}"
        print(f"  writing {written!r}: {marked:<32} (weight {weights[top]:.2f})")

# Training must have worked: the loss fell by well over an order of magnitude, and the model
# translates at least 90% of the unseen numbers exactly (measured: 0.98 to 1.0 for the seeds
# 1 to 7; the mistakes are mostly one-word numbers, of which training sees only a few).
assert losses[-1] < 0.05 * losses[0], losses
assert accuracy >= 0.9, accuracy
