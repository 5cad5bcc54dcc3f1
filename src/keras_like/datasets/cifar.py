"""Utilities shared by the CIFAR-10 and CIFAR-100 loaders."""

from keras_like.datasets import _cache


def load_batch(fpath, label_key="labels"):
    """Parses one CIFAR batch file (a pickled dict) into `(data, labels)`.

    The file is read with a restricted unpickler that rebuilds NumPy arrays only, so a
    tampered file cannot run code.

    Args:
        fpath: Path of the file to parse.
        label_key: Key of the label list in the dict (`"labels"`, `"fine_labels"`, ...).

    Returns:
        A tuple `(data, labels)`: uint8 images shaped `(n, 3, 32, 32)` and the label list.
    """
    d = _cache.load_pickle(fpath, encoding="bytes")
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    data = d["data"]
    labels = d[label_key]
    data = data.reshape(data.shape[0], 3, 32, 32)
    return data, labels
