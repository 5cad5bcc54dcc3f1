"""`keras_like.datasets`: Keras's small datasets, read from Keras's download cache.

`mnist`, `fashion_mnist`, `cifar10`, `cifar100`, `imdb`, `reuters` and `boston_housing`
read the files Keras keeps under `~/.keras/datasets/` (or `$KERAS_HOME/datasets/`), with
Keras's file names and formats; keras_like never downloads them. `digits` is bundled.
"""

from keras_like.datasets import (  # noqa: F401
    boston_housing,
    cifar10,
    cifar100,
    digits,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

__all__ = [
    "boston_housing", "cifar10", "cifar100", "digits", "fashion_mnist", "imdb", "mnist",
    "reuters",
]
