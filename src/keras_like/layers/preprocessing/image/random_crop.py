"""RandomCrop: a random `height x width` window while training, a centred resize otherwise."""

from keras_like import ops, random
from keras_like.layers.preprocessing.image.base import BaseImagePreprocessingLayer
from keras_like.layers.preprocessing.image.center_crop import smart_resize


class RandomCrop(BaseImagePreprocessingLayer):
    """Crops a random window of `(height, width)` during training.

    One window position is drawn per call and shared by the whole batch (as Keras). At
    inference, or when an image is smaller than the window, the largest centred window with
    the target aspect ratio is resized to `(height, width)` instead.

    Args:
        height: Integer, the output height.
        width: Integer, the output width.
        seed: Integer seed of the layer's `SeedGenerator`.
        data_format: `"channels_last"` or `"channels_first"`.

    Example:
    >>> RandomCrop(2, 3, seed=0)(np.ones((5, 6, 3)), training=True).shape
    (2, 3, 3)
    """

    def __init__(self, height, width, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width
        self.seed = seed
        self.generator = random.SeedGenerator(seed)

    def _start(self, excess):
        # floor(uniform[0, excess + 1)): each of the excess + 1 offsets equally likely.
        draw = random.uniform((), 0.0, float(excess + 1), dtype="float32", seed=self.generator)
        return ops.minimum(ops.cast(ops.floor(draw), "int32"), excess)

    def call(self, inputs, training=True):
        images = self._images(inputs)
        in_height, in_width = self._height_width(images)
        if not training or in_height < self.height or in_width < self.width:
            return smart_resize(images, self.height, self.width, self.data_format)
        h_axis, w_axis = self._spatial_axes(images.ndim)
        # Gathers at start + arange keep the window position a tensor (no host read).
        rows = self._start(in_height - self.height) + ops.arange(self.height, dtype="int32")
        cols = self._start(in_width - self.width) + ops.arange(self.width, dtype="int32")
        return ops.take(ops.take(images, rows, axis=h_axis), cols, axis=w_axis)

    def compute_output_shape(self, input_shape):
        return self._sized_shape(input_shape, self.height, self.width)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "seed": self.seed}
