"""`keras_like.preprocessing`: the Keras 3 paths kept for older code (`preprocessing.sequence`,
`preprocessing.image`, the dataset helpers)."""

from keras_like.preprocessing import image, sequence  # noqa: F401
from keras_like.utils.image_dataset_utils import image_dataset_from_directory  # noqa: F401
from keras_like.utils.text_dataset_utils import text_dataset_from_directory  # noqa: F401
from keras_like.utils.timeseries_dataset import timeseries_dataset_from_array  # noqa: F401
