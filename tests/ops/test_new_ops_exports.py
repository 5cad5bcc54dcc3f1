"""The ops added for issue 7 are exported where Keras exports them and accept KerasTensors."""

import pytest

import keras_like as keras
from keras_like import ops

NUMPY = [
    "allclose", "angle", "argpartition", "array", "bartlett", "blackman", "cbrt", "conj",
    "conjugate", "copy", "corrcoef", "diff", "dsplit", "fabs", "fmax", "fmin", "fmod", "gcd",
    "hamming", "hanning", "heaviside", "histogram", "hsplit", "i0", "imag", "isin", "isneginf",
    "isposinf", "isreal", "kaiser", "lcm", "ldexp", "logaddexp2", "nanargmax", "nanargmin",
    "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin", "nanpercentile",
    "nanprod", "nanquantile", "nanstd", "nansum", "nanvar", "nextafter", "percentile", "ptp",
    "real", "sinc", "trapezoid", "unique", "unravel_index", "vander", "vectorize", "view",
    "vsplit",
]
MATH = ["erfc", "fft", "fft2", "ifft2", "irfft", "istft", "logdet", "rfft", "segment_prod",
        "stft", "view_as_complex", "view_as_real"]
LINALG = ["jvp", "matrix_rank", "pinv"]
NN = ["ctc_decode", "ctc_loss", "polar"]


@pytest.mark.parametrize("namespace,names", [("numpy", NUMPY), ("math", MATH),
                                             ("linalg", LINALG), ("nn", NN)])
def test_exported_from_namespace_and_ops(namespace, names):
    module = getattr(ops, namespace)
    for name in names:
        assert getattr(module, name) is getattr(ops, name), name
        assert getattr(ops, name).__doc__, f"{name} has no docstring"


def test_symbolic_calls_record_nodes():
    x = keras.Input(shape=(4,))
    assert tuple(ops.cbrt(x).shape) == (None, 4)
    assert tuple(ops.nanmean(x, axis=-1).shape) == (None,)
    re, im = ops.rfft(x)
    assert tuple(re.shape) == tuple(im.shape) == (None, 3)
    model = keras.Model(x, ops.fmax(ops.sinc(x), 0.0))
    assert tuple(model.output.shape) == (None, 4)
