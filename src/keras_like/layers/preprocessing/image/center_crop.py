"""CenterCrop: the central `height x width` window of each image (at training and inference)."""

from keras_like import ops
from keras_like.layers.preprocessing.image.base import BaseImagePreprocessingLayer


def smart_resize(images, height, width, data_format):
    """The largest centred window with the target aspect ratio, resized bilinearly (Keras's
    answer when an image is smaller than the crop)."""
    return ops.image.resize(images, (height, width), crop_to_aspect_ratio=True,
                            data_format=data_format)


class CenterCrop(BaseImagePreprocessingLayer):
    """Crops the centre of each image to `(height, width)`.

    An image smaller than the target on either axis is instead cropped to the target aspect
    ratio and resized. Outputs are in the compute dtype.

    Args:
        height: Integer, the output height.
        width: Integer, the output width.
        data_format: `"channels_last"` or `"channels_first"`.

    Example:
    >>> CenterCrop(2, 2)(np.arange(16.0).reshape(4, 4, 1))[..., 0].numpy()
    array([[ 5.,  6.],
           [ 9., 10.]], dtype=float32)
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width

    def call(self, inputs):
        images = self._images(inputs)
        in_height, in_width = self._height_width(images)
        if in_height < self.height or in_width < self.width:
            return smart_resize(images, self.height, self.width, self.data_format)
        # int(diff / 2): an odd excess leaves the extra row or column at the bottom/right.
        top, left = int((in_height - self.height) / 2), int((in_width - self.width) / 2)
        return ops.image.crop_images(images, top, left, target_height=self.height,
                                     target_width=self.width, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        return self._sized_shape(input_shape, self.height, self.width)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
