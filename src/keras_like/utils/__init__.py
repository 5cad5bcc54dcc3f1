"""`keras_like.utils`."""

from keras_like.utils.rng_utils import set_random_seed  # noqa: E402,F401
