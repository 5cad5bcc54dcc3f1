"""`BaseImagePreprocessingLayer`: what the image layers share (data format, rank, axes)."""

from keras_like import ops
from keras_like.layers._data_format import standardize_data_format
from keras_like.layers.layer import Layer
from keras_like.ops.image_common import spatial_axes


class BaseImagePreprocessingLayer(Layer):
    """Base of the image layers: a single image (rank 3) or a batch (rank 4) in `data_format`.

    Args:
        data_format: `"channels_last"` or `"channels_first"`; defaults to
            `keras.config.image_data_format()`.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)

    def _images(self, inputs, cast=True):
        """`inputs` checked for rank; with `cast`, in the compute dtype (augmentations give
        floats whatever the input dtype, as in Keras)."""
        images = ops.convert_to_tensor(inputs)
        if images.ndim not in (3, 4):
            raise ValueError("Expected image tensor to have rank 3 (single image) or 4 (batch "
                             f"of images). Received: data.shape={tuple(images.shape)}")
        if cast and images.dtype != self.compute_dtype:
            images = ops.cast(images, self.compute_dtype)
        return images

    def _spatial_axes(self, ndim):
        return spatial_axes(ndim, self.data_format)

    def _height_width(self, images):
        h_axis, w_axis = self._spatial_axes(images.ndim)
        return images.shape[h_axis], images.shape[w_axis]

    @staticmethod
    def _batch_size(images):
        # A single image draws one set of random parameters, like a batch of one.
        return 1 if images.ndim == 3 else images.shape[0]

    def _sized_shape(self, input_shape, height, width):
        shape = list(input_shape)
        h_axis, w_axis = self._spatial_axes(len(shape))
        shape[h_axis], shape[w_axis] = height, width
        return tuple(shape)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
