"""Resizing: resizes images to a fixed height and width (at training and inference)."""

from keras_like import ops
from keras_like.layers.preprocessing.image.base import BaseImagePreprocessingLayer


class Resizing(BaseImagePreprocessingLayer):
    """Resizes images to `(height, width)` with `keras.ops.image.resize`.

    The output keeps the input dtype (integers are rounded and saturated).

    Args:
        height: Integer, the output height.
        width: Integer, the output width.
        interpolation: `"bilinear"`, `"nearest"`, `"bicubic"`, `"lanczos3"` or `"lanczos5"`.
        crop_to_aspect_ratio: Crop the largest centred window with the target aspect ratio
            first, so the image is not distorted.
        pad_to_aspect_ratio: Instead, pad the short side evenly with `fill_value` first.
        fill_mode: Only `"constant"` (the padding of `pad_to_aspect_ratio`).
        fill_value: Float, the padding value.
        antialias: Low-pass filter when downsampling.
        data_format: `"channels_last"` or `"channels_first"`.

    Example:
    >>> Resizing(2, 3)(np.ones((4, 4, 4, 3))).shape
    (4, 2, 3, 3)
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0,
                 antialias=False, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = antialias

    def call(self, inputs):
        images = self._images(inputs, cast=False)
        return ops.image.resize(images, (self.height, self.width),
                                interpolation=self.interpolation, antialias=self.antialias,
                                crop_to_aspect_ratio=self.crop_to_aspect_ratio,
                                pad_to_aspect_ratio=self.pad_to_aspect_ratio,
                                fill_mode=self.fill_mode, fill_value=self.fill_value,
                                data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        return self._sized_shape(input_shape, self.height, self.width)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "antialias": self.antialias}
