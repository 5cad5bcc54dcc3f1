"""The vocabulary asset of lookup layers in `.keras` files, as Keras 3.15 writes it.

An adapted (or file-read) StringLookup / IntegerLookup / TextVectorization keeps no
vocabulary in its config: `save_assets(dir)` writes `vocabulary.txt` into the layer's own
asset folder (`assets/<layer path>/` in the archive): every entry of
`get_vocabulary(include_special_tokens=True)` as `str(entry)`, joined by "\\n", with no final
newline. TextVectorization's "int" mode starts with the mask token "", so its file starts
with an empty line. Reading drops trailing empty lines, as Keras does.

Keras reads the file with `str.splitlines()`, which also splits at "\r", "\x1c"-"\x1e",
"\x85", "\u2028", ...: a token holding one of those (a character split can make them) comes
back as two, shifting every index after it. Here only "\n" separates terms (and "\r\n",
when every line ends so: a file written in text mode on Windows), so such vocabularies
survive; Keras itself still misreads them. A term holding "\n" (possible with split=None)
cannot be represented in this format by either library.
"""

import os

FILENAME = "vocabulary.txt"


def write_vocabulary(dir_path, vocabulary):
    # newline="": exactly "\n" between terms on every platform.
    with open(os.path.join(dir_path, FILENAME), "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(str(term) for term in vocabulary))


def read_vocabulary(dir_path, layer):
    """The lines of `dir_path/vocabulary.txt`, trailing empty lines dropped."""
    path = None if dir_path is None else os.path.join(dir_path, FILENAME)
    if path is None or not os.path.isfile(path):
        raise ValueError(
            f"Layer '{layer.name}' ({type(layer).__name__}) has no vocabulary in its config, "
            f"so the file must hold it as an asset, but {FILENAME} is missing from its asset "
            f"folder ({dir_path or 'the archive has no assets/'}).")
    try:
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
    except UnicodeDecodeError as e:
        raise ValueError(f"Layer '{layer.name}': {FILENAME} is not UTF-8 text ({e}).") from None
    lines = text.split("\n")
    if len(lines) > 1 and all(line.endswith("\r") for line in lines[:-1]):
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    while lines and lines[-1] == "":
        lines.pop()
    return lines
