"""`keras_like.utils`."""

from keras_like.utils.dataset_utils import split_dataset  # noqa: E402,F401
from keras_like.utils.numerical_utils import normalize, to_categorical  # noqa: E402,F401
from keras_like.utils.py_dataset import PyDataset, Sequence  # noqa: E402,F401
from keras_like.utils.rng_utils import set_random_seed  # noqa: E402,F401
from keras_like.utils.sequence_utils import pad_sequences  # noqa: E402,F401
