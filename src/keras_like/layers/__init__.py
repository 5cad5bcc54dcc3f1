"""`keras_like.layers`."""

from keras_like.layers.core.dense import Dense
from keras_like.layers.core.input_layer import Input, InputLayer
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.layer import Layer

__all__ = ["Dense", "Input", "InputLayer", "InputSpec", "Layer"]

from keras_like.layers.normalization.batch_normalization import (  # noqa: E402
    BatchNormalization,
)
from keras_like.layers.normalization.group_normalization import (  # noqa: E402
    GroupNormalization,
)
from keras_like.layers.normalization.layer_normalization import (  # noqa: E402
    LayerNormalization,
)
from keras_like.layers.normalization.rms_normalization import RMSNormalization  # noqa: E402

__all__ += ["BatchNormalization", "GroupNormalization", "LayerNormalization", "RMSNormalization"]

from keras_like.layers.merging.add import Add, add  # noqa: E402
from keras_like.layers.merging.average import Average, average  # noqa: E402
from keras_like.layers.merging.concatenate import Concatenate, concatenate  # noqa: E402
from keras_like.layers.merging.dot import Dot, dot  # noqa: E402
from keras_like.layers.merging.maximum import Maximum, maximum  # noqa: E402
from keras_like.layers.merging.minimum import Minimum, minimum  # noqa: E402
from keras_like.layers.merging.multiply import Multiply, multiply  # noqa: E402
from keras_like.layers.merging.subtract import Subtract, subtract  # noqa: E402

__all__ += ["Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract",
            "add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract"]

from keras_like.layers.activations.activation import Activation  # noqa: E402
from keras_like.layers.activations.elu import ELU  # noqa: E402
from keras_like.layers.activations.leaky_relu import LeakyReLU  # noqa: E402
from keras_like.layers.activations.prelu import PReLU  # noqa: E402
from keras_like.layers.activations.relu import ReLU  # noqa: E402
from keras_like.layers.activations.softmax import Softmax  # noqa: E402
from keras_like.layers.core.einsum_dense import EinsumDense  # noqa: E402
from keras_like.layers.core.embedding import Embedding  # noqa: E402
from keras_like.layers.core.identity import Identity  # noqa: E402
from keras_like.layers.core.lambda_layer import Lambda  # noqa: E402
from keras_like.layers.core.masking import Masking  # noqa: E402
from keras_like.layers.normalization.unit_normalization import UnitNormalization  # noqa: E402
from keras_like.layers.preprocessing.category_encoding import CategoryEncoding  # noqa: E402
from keras_like.layers.preprocessing.discretization import Discretization  # noqa: E402
from keras_like.layers.preprocessing.integer_lookup import IntegerLookup  # noqa: E402
from keras_like.layers.preprocessing.normalization import Normalization  # noqa: E402
from keras_like.layers.preprocessing.rescaling import Rescaling  # noqa: E402
from keras_like.layers.preprocessing.string_lookup import StringLookup  # noqa: E402
from keras_like.layers.regularization.activity_regularization import (  # noqa: E402
    ActivityRegularization,
)
from keras_like.layers.regularization.alpha_dropout import AlphaDropout  # noqa: E402
from keras_like.layers.regularization.dropout import Dropout  # noqa: E402
from keras_like.layers.regularization.gaussian_dropout import GaussianDropout  # noqa: E402
from keras_like.layers.regularization.gaussian_noise import GaussianNoise  # noqa: E402
from keras_like.layers.regularization.spatial_dropout1d import SpatialDropout1D  # noqa: E402
from keras_like.layers.regularization.spatial_dropout2d import SpatialDropout2D  # noqa: E402
from keras_like.layers.regularization.spatial_dropout3d import SpatialDropout3D  # noqa: E402
from keras_like.layers.reshaping.flatten import Flatten  # noqa: E402
from keras_like.layers.reshaping.permute import Permute  # noqa: E402
from keras_like.layers.reshaping.repeat_vector import RepeatVector  # noqa: E402
from keras_like.layers.reshaping.reshape import Reshape  # noqa: E402

__all__ += ["Activation", "ActivityRegularization", "AlphaDropout", "CategoryEncoding",
            "Discretization", "Dropout", "ELU", "EinsumDense", "Embedding", "Flatten",
            "GaussianDropout", "GaussianNoise", "Identity", "IntegerLookup", "Lambda",
            "LeakyReLU", "Masking", "Normalization", "PReLU", "Permute", "ReLU", "RepeatVector",
            "Rescaling", "Reshape", "Softmax", "SpatialDropout1D", "SpatialDropout2D",
            "SpatialDropout3D", "StringLookup", "UnitNormalization"]

from keras_like.layers.pooling.global_average_pooling import (  # noqa: E402
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalAvgPool3D,
)
from keras_like.layers.pooling.global_max_pooling import (  # noqa: E402
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalMaxPool3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
)
from keras_like.layers.reshaping.cropping import Cropping1D, Cropping2D, Cropping3D  # noqa: E402
from keras_like.layers.reshaping.up_sampling import (  # noqa: E402
    UpSampling1D,
    UpSampling2D,
    UpSampling3D,
)
from keras_like.layers.reshaping.zero_padding import (  # noqa: E402
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
)

__all__ += ["Cropping1D", "Cropping2D", "Cropping3D", "GlobalAveragePooling1D",
            "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalAvgPool1D",
            "GlobalAvgPool2D", "GlobalAvgPool3D", "GlobalMaxPool1D", "GlobalMaxPool2D",
            "GlobalMaxPool3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
            "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D",
            "ZeroPadding3D"]

from keras_like.layers.convolutional.conv1d import Conv1D  # noqa: E402
from keras_like.layers.convolutional.conv2d import Conv2D  # noqa: E402
from keras_like.layers.convolutional.conv3d import Conv3D  # noqa: E402
from keras_like.layers.pooling.average_pooling1d import AveragePooling1D  # noqa: E402
from keras_like.layers.pooling.average_pooling2d import AveragePooling2D  # noqa: E402
from keras_like.layers.pooling.average_pooling3d import AveragePooling3D  # noqa: E402
from keras_like.layers.pooling.max_pooling1d import MaxPooling1D  # noqa: E402
from keras_like.layers.pooling.max_pooling2d import MaxPooling2D  # noqa: E402
from keras_like.layers.pooling.max_pooling3d import MaxPooling3D  # noqa: E402

__all__ += ["AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "Conv1D", "Conv2D",
            "Conv3D", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D"]

from keras_like.layers.convolutional.conv1d_transpose import Conv1DTranspose  # noqa: E402
from keras_like.layers.convolutional.conv2d_transpose import Conv2DTranspose  # noqa: E402
from keras_like.layers.convolutional.conv3d_transpose import Conv3DTranspose  # noqa: E402
from keras_like.layers.convolutional.depthwise_conv1d import DepthwiseConv1D  # noqa: E402
from keras_like.layers.convolutional.depthwise_conv2d import DepthwiseConv2D  # noqa: E402
from keras_like.layers.convolutional.separable_conv1d import SeparableConv1D  # noqa: E402
from keras_like.layers.convolutional.separable_conv2d import SeparableConv2D  # noqa: E402

__all__ += ["Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "DepthwiseConv1D",
            "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D"]

# Keras's other names for the same classes.
Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
Convolution1DTranspose, Convolution2DTranspose = Conv1DTranspose, Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D

__all__ += ["AvgPool1D", "AvgPool2D", "AvgPool3D", "Convolution1D", "Convolution1DTranspose",
            "Convolution2D", "Convolution2DTranspose", "Convolution3D", "Convolution3DTranspose",
            "MaxPool1D", "MaxPool2D", "MaxPool3D", "SeparableConvolution1D",
            "SeparableConvolution2D"]

from keras_like.layers.preprocessing.image.center_crop import CenterCrop  # noqa: E402
from keras_like.layers.preprocessing.image.random_brightness import (  # noqa: E402
    RandomBrightness,
)
from keras_like.layers.preprocessing.image.random_contrast import RandomContrast  # noqa: E402
from keras_like.layers.preprocessing.image.random_crop import RandomCrop  # noqa: E402
from keras_like.layers.preprocessing.image.random_flip import RandomFlip  # noqa: E402
from keras_like.layers.preprocessing.image.random_rotation import RandomRotation  # noqa: E402
from keras_like.layers.preprocessing.image.random_translation import (  # noqa: E402
    RandomTranslation,
)
from keras_like.layers.preprocessing.image.random_zoom import RandomZoom  # noqa: E402
from keras_like.layers.preprocessing.image.resizing import Resizing  # noqa: E402

__all__ += ["CenterCrop", "RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip",
            "RandomRotation", "RandomTranslation", "RandomZoom", "Resizing"]

from keras_like.layers.preprocessing.hashed_crossing import HashedCrossing  # noqa: E402
from keras_like.layers.preprocessing.hashing import Hashing  # noqa: E402
from keras_like.layers.preprocessing.text_vectorization import TextVectorization  # noqa: E402

__all__ += ["HashedCrossing", "Hashing", "TextVectorization"]

from keras_like.layers.serialization import deserialize, serialize  # noqa: E402

__all__ += ["deserialize", "serialize"]

from keras_like.layers.rnn.conv_lstm1d import ConvLSTM1D  # noqa: E402
from keras_like.layers.rnn.conv_lstm2d import ConvLSTM2D  # noqa: E402
from keras_like.layers.rnn.conv_lstm3d import ConvLSTM3D  # noqa: E402
from keras_like.layers.rnn.gru import GRU, GRUCell  # noqa: E402
from keras_like.layers.rnn.lstm import LSTM, LSTMCell  # noqa: E402
from keras_like.layers.rnn.rnn import RNN  # noqa: E402
from keras_like.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell  # noqa: E402
from keras_like.layers.rnn.stacked_rnn_cells import StackedRNNCells  # noqa: E402

__all__ += ["ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"]
__all__ += ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "SimpleRNN", "SimpleRNNCell",
            "StackedRNNCells"]

from keras_like.layers.attention.additive_attention import AdditiveAttention  # noqa: E402
from keras_like.layers.attention.attention import Attention  # noqa: E402
from keras_like.layers.attention.grouped_query_attention import (  # noqa: E402
    GroupedQueryAttention,
    GroupQueryAttention,
)
from keras_like.layers.attention.multi_head_attention import MultiHeadAttention  # noqa: E402

__all__ += ["AdditiveAttention", "Attention", "GroupQueryAttention", "GroupedQueryAttention",
            "MultiHeadAttention"]

from keras_like.layers.core.wrapper import Wrapper  # noqa: E402
from keras_like.layers.rnn.bidirectional import Bidirectional  # noqa: E402
from keras_like.layers.rnn.time_distributed import TimeDistributed  # noqa: E402

__all__ += ["Bidirectional", "TimeDistributed", "Wrapper"]
