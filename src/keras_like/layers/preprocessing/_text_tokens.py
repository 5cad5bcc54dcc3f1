"""TextVectorization's standardize / split / ngrams steps on UTF-8 bytes (not exported).

Keras runs these steps with TensorFlow string ops, which work on bytes: `tf.strings.lower`
lowercases ASCII letters only, the punctuation regex only matches ASCII characters and
`tf.strings.split` splits on ASCII whitespace only. Python's `bytes` methods have exactly these
semantics (`bytes.lower`, `bytes.translate`, `bytes.split`) and run in C, so every document is
handled as its encoded bytes and tokens stay bytes until the vocabulary is read out.
"""

import itertools
import re

import numpy as np

# TF's default punctuation pattern (Keras's TextVectorization, verbatim).
PUNCTUATION_REGEX = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
# The characters the pattern matches: all ASCII, so a UTF-8 continuation byte (>= 0x80) is
# never one of them and deleting these bytes equals TF's regex_replace on the text.
PUNCTUATION_BYTES = bytes(c for c in range(128) if PUNCTUATION_REGEX.fullmatch(chr(c)))


class TokenRows:
    """Tokenized text: `rows` (lists of bytes tokens) laid out as `lead_shape + (tokens,)`.

    `ragged` rows may differ in length (whitespace / character / callable splits of a batch);
    dense rows all have the same length (no split, or the split of a single string).
    `scalar` marks an unsplit rank-0 input, whose one row holds its one token.
    """

    def __init__(self, rows, lead_shape, ragged, scalar=False):
        self.rows = rows
        self.lead_shape = tuple(lead_shape)
        self.ragged = ragged
        self.scalar = scalar

    def documents(self):
        """The token lists Keras's adapt counts as documents (for the tf-idf statistics).

        A batch of rows is one document per row, except that rows from a rank-0 or rank-1
        text input, which Keras's lookup sees as one vector, are a single document.
        """
        if not self.lead_shape:
            return [list(itertools.chain.from_iterable(self.rows))]
        if self.ragged or len(self.lead_shape) == 1:
            return self.rows
        per_document = len(self.rows) // self.lead_shape[0] if self.lead_shape[0] else 0
        return [list(itertools.chain.from_iterable(self.rows[i:i + per_document]))
                for i in range(0, len(self.rows), max(per_document, 1))]


def text_array(inputs, encoding):
    """`inputs` (strings, bytes, nested lists, NumPy arrays) as an object array of bytes."""
    if isinstance(inputs, np.ndarray) and inputs.dtype.kind == "U":
        # The common case, without a per-element type check.
        out = np.empty(inputs.size, dtype=object)
        out[:] = [s.encode(encoding) for s in inputs.reshape(-1).tolist()]
        return out.reshape(inputs.shape)
    values = np.asarray(inputs, dtype=object)
    flat = values.reshape(-1).tolist()
    out = np.empty(len(flat), dtype=object)
    for i, v in enumerate(flat):
        if isinstance(v, str):
            out[i] = v.encode(encoding)
        elif isinstance(v, bytes):
            out[i] = v
        elif isinstance(v, np.bytes_):
            out[i] = bytes(v)
        else:
            raise ValueError("TextVectorization expects string inputs. Received a value of "
                             f"type {type(v).__name__}: {v!r}")
    return out.reshape(values.shape)


def standardize(texts, mode, encoding):
    """Applies `mode` to an object array of bytes; returns a new object array of bytes."""
    if mode is None:
        return texts
    if callable(mode):
        # As Keras on its non-TensorFlow backends: the callable gets a NumPy unicode array.
        decoded = np.array([t.decode(encoding) for t in texts.reshape(-1).tolist()],
                           dtype=np.str_).reshape(texts.shape)
        return text_array(mode(decoded), encoding)
    lower = mode in ("lower", "lower_and_strip_punctuation")
    strip = mode in ("strip_punctuation", "lower_and_strip_punctuation")
    flat = texts.reshape(-1).tolist()
    if lower:
        flat = [t.lower() for t in flat]
    if strip:
        flat = [t.translate(None, PUNCTUATION_BYTES) for t in flat]
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(texts.shape)


def split(texts, mode, encoding):
    """Splits an object array of bytes into TokenRows (`mode` None keeps it dense)."""
    if mode is None:
        if texts.ndim == 0:
            return TokenRows([[texts.item()]], (), ragged=False, scalar=True)
        row_count = int(np.prod(texts.shape[:-1]))
        rows = texts.reshape(row_count, texts.shape[-1]).tolist()
        return TokenRows(rows, texts.shape[:-1], ragged=False)
    if texts.ndim > 1:
        if texts.shape[-1] != 1:
            raise ValueError("When using `TextVectorization` to tokenize strings, the input "
                             "rank must be 1 or the last shape dimension must be 1. Received: "
                             f"inputs.shape={texts.shape} with rank={texts.ndim}")
        texts = texts[..., 0]
    flat = texts.reshape(-1).tolist()
    if mode == "whitespace":
        rows = [t.split() for t in flat]
    elif mode == "character":
        # tf.strings.unicode_split(..., "UTF-8") replaces invalid bytes with U+FFFD.
        rows = [[c.encode("utf-8") for c in t.decode("utf-8", "replace")] for t in flat]
    else:
        decoded = np.array([t.decode(encoding) for t in flat], dtype=np.str_)
        rows = [[_token_bytes(tok, encoding) for tok in row]
                for row in mode(decoded.reshape(texts.shape))]
    if texts.ndim == 0:
        return TokenRows(rows, (), ragged=False)
    return TokenRows(rows, texts.shape, ragged=True)


def _token_bytes(token, encoding):
    if isinstance(token, (bytes, np.bytes_)):
        return bytes(token)
    return str(token).encode(encoding)


def ngrams(tokens, widths):
    """tf.strings.ngrams(..., ngram_width=widths, separator=" ") on every row.

    Each row becomes its ngrams of the first width (in order), then of the next, and so on;
    a row shorter than a width has no ngrams of that width.
    """
    if tokens.scalar:
        raise ValueError("Data must have rank>0")
    rows = []
    for row in tokens.rows:
        grams = []
        for width in widths:
            if width == 1:
                grams.extend(row)
            else:
                grams.extend(b" ".join(row[i:i + width]) for i in range(len(row) - width + 1))
        rows.append(grams)
    return TokenRows(rows, tokens.lead_shape, tokens.ragged)
