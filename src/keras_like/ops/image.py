"""The `keras.ops.image` namespace (not re-exported into `keras.ops`, as in Keras)."""

from keras_like.ops.image_color import hsv_to_rgb, rgb_to_grayscale, rgb_to_hsv
from keras_like.ops.image_crop_pad import crop_images, pad_images
from keras_like.ops.image_filters import elastic_transform, gaussian_blur
from keras_like.ops.image_patches import extract_patches, extract_patches_3d
from keras_like.ops.image_perspective import perspective_transform
from keras_like.ops.image_resize import resize
from keras_like.ops.image_sampling import affine_transform, map_coordinates
from keras_like.ops.image_scale import scale_and_translate

__all__ = [
    "affine_transform", "crop_images", "elastic_transform", "extract_patches",
    "extract_patches_3d", "gaussian_blur", "hsv_to_rgb", "map_coordinates", "pad_images",
    "perspective_transform", "resize", "rgb_to_grayscale", "rgb_to_hsv",
    "scale_and_translate",
]
