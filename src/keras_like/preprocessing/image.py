"""`keras_like.preprocessing.image`: Keras 3's older path to the image file helpers."""

from keras_like.utils.image_utils import (  # noqa: F401
    array_to_img,
    img_to_array,
    load_img,
    save_img,
)
