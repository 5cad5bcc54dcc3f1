import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
# Subprocess tests (tutorials, examples) run elsewhere: make a relative PYTHONPATH (the
# developer's `PYTHONPATH=src`) absolute so they import the same package.
if os.environ.get("PYTHONPATH"):
    os.environ["PYTHONPATH"] = os.pathsep.join(
        os.path.abspath(p) for p in os.environ["PYTHONPATH"].split(os.pathsep) if p)


def pytest_collection_modifyitems(config, items):
    from keras_like import _engine

    has_cuda = hasattr(_engine, "cuda_device_count") and _engine.cuda_device_count() > 0
    skip = pytest.mark.skip(reason="needs a CUDA device")
    for item in items:
        if "cuda" in item.keywords and not has_cuda:
            item.add_marker(skip)
