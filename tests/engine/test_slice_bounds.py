"""The engine's slice takes resolved indices; a view that would reach outside the axis is an
error, never a read of foreign memory (found while building the conv ops)."""

import numpy as np
import pytest
from child_process import run_cases

from keras_like import ops
from keras_like.backend.engine import _engine as E

_E = "__import__('keras_like.backend.engine', fromlist=['_engine'])._engine"
_X = "ops.convert_to_tensor(np.arange(10.0))"

OUTSIDE = [(5, -2, -1), (9, -11, -1), (3, -5, -1), (9, -20, -2), (20, 25, 1), (-1, 3, 1),
           (0, 11, 1), (10, 12, 1), (0, 2**62, 1), (2**62, 0, -(2**62))]


@pytest.mark.parametrize("start,stop,step", OUTSIDE)
def test_slices_reaching_outside_the_axis_are_refused(start, stop, step):
    (outcome,) = run_cases([f"{_E}.slice({_X}, [{start}], [{stop}], [{step}])"])
    assert outcome.raised("ValueError"), outcome.describe()
    assert "[slice]" in outcome.message and "reaches outside axis 0" in outcome.message


@pytest.mark.parametrize("start,stop,step", [(9, -1, -1), (9, -1, -3), (0, 10, 1), (2, 9, 4),
                                             (4, 4, 1), (4, 5, -1), (0, 10, 100)])
def test_slices_inside_the_axis_match_python(start, stop, step):
    x = ops.convert_to_tensor(np.arange(10.0))
    expected = list(range(10))[start:None if stop == -1 and step < 0 else stop:step]
    np.testing.assert_array_equal(E.slice(x, [start], [stop], [step]).numpy(), expected)
