"""`load_img`, `img_to_array`, `array_to_img`, `save_img`: images as PIL objects and arrays.

Decoding and encoding PNG/JPEG is Pillow's job (it wraps the reference codecs); Pillow is an
optional dependency (`pip install keras_like[image]`), imported only when a function here
runs.
"""

import os

import numpy as np

# Keras's names for PIL's resampling filters.
_PIL_INTERPOLATION = {"nearest": "NEAREST", "bilinear": "BILINEAR", "bicubic": "BICUBIC",
                      "hamming": "HAMMING", "box": "BOX", "lanczos": "LANCZOS"}
_COLOR_MODES = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}


def pil_image():
    """The `PIL.Image` module, or an ImportError naming the package and the extra."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(
            "Loading and saving images requires the Pillow package, which keras_like does not "
            "install by default. Install it with `pip install pillow` (or "
            "`pip install keras_like[image]`).") from None
    return Image


def _data_format(data_format):
    from keras_like.backend.config import standardize_data_format

    return standardize_data_format(data_format)


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest",
             keep_aspect_ratio=False):
    """Loads an image file into a PIL Image.

    Args:
        path: Path of the image file (or a file object).
        color_mode: "grayscale", "rgb" or "rgba".
        target_size: None (the file's size) or `(height, width)`.
        interpolation: The resampling filter when resizing: "nearest", "bilinear",
            "bicubic", "hamming", "box" or "lanczos".
        keep_aspect_ratio: Crop the center to the target's aspect ratio before resizing.

    Example:
    >>> img = keras_like.utils.load_img("digit.png", color_mode="grayscale")
    """
    image_module = pil_image()
    if color_mode not in _COLOR_MODES:
        raise ValueError(f"color_mode must be 'grayscale', 'rgb', or 'rgba'. Received: "
                         f"color_mode={color_mode}")
    if isinstance(path, (str, os.PathLike)):
        path = os.fspath(path)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"No such image file: '{path}'.")
        with open(path, "rb") as f:
            img = _open(image_module, f, path)
    else:
        img = _open(image_module, path, "the given file object")
    mode = _COLOR_MODES[color_mode]
    if img.mode != mode:
        img = img.convert(mode)
    if target_size is not None:
        img = resize_img(img, target_size, interpolation, keep_aspect_ratio)
    return img


def resize_img(img, target_size, interpolation="nearest", keep_aspect_ratio=False):
    """`img` resized to `(height, width)` with Pillow's filter of that Keras name;
    `keep_aspect_ratio` crops the center to the target's aspect ratio first."""
    height, width = target_size
    if (img.size[0], img.size[1]) == (width, height):
        return img
    if interpolation not in _PIL_INTERPOLATION:
        raise ValueError(
            f"Invalid interpolation method {interpolation} specified. Supported "
            f"methods are {', '.join(_PIL_INTERPOLATION)}")
    if keep_aspect_ratio:
        img = img.crop(_center_box(img.size[0], img.size[1], width, height))
    resample = getattr(pil_image().Resampling, _PIL_INTERPOLATION[interpolation])
    return img.resize((width, height), resample)


def pad_to_aspect_ratio(img, aspect):
    """`img` centered on a black canvas of aspect ratio `aspect` (width / height)."""
    width, height = img.size
    if abs(width / height - aspect) < 1e-9:
        return img
    target_width = max(width, int(round(height * aspect)))
    target_height = max(height, int(round(width / aspect)))
    canvas = pil_image().new(img.mode, (target_width, target_height))
    canvas.paste(img, ((target_width - width) // 2, (target_height - height) // 2))
    return canvas


def _open(image_module, f, where):
    try:
        img = image_module.open(f)
        img.load()  # decode now, while the file is open, so a damaged file fails here
    except Exception as e:  # noqa: BLE001 - Pillow raises many types for bad files
        raise ValueError(f"Cannot decode the image {where}: {e}") from None
    return img


def _center_box(width, height, target_width, target_height):
    crop_height = min(height, int(round(width * target_height / target_width)))
    crop_width = min(width, int(round(height * target_width / target_height)))
    left = (width - crop_width) // 2
    top = (height - crop_height) // 2
    return left, top, left + crop_width, top + crop_height


def img_to_array(img, data_format=None, dtype=None):
    """A PIL Image as a 3-D NumPy array (float32 unless `dtype` says otherwise)."""
    data_format = _data_format(data_format)
    from keras_like import config

    x = np.asarray(img, dtype=dtype or config.floatx())
    if x.ndim == 2:
        x = x[..., None]
    if x.ndim != 3:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return np.transpose(x, (2, 0, 1)) if data_format == "channels_first" else x


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A 3-D array as a PIL Image (1, 3 or 4 channels); `scale` maps its range to 0..255."""
    image_module = pil_image()
    data_format = _data_format(data_format)
    x = np.asarray(x, dtype=dtype or "float32")
    if x.ndim != 3:
        raise ValueError(f"Expected image array to have rank 3 (single image). Got array "
                         f"with shape: {x.shape}")
    if data_format == "channels_first":
        x = np.transpose(x, (1, 2, 0))
    if scale:
        x = x - np.min(x)
        peak = np.max(x)
        if peak != 0:
            x = x / peak
        x = x * 255
    channels = x.shape[2]
    if channels not in (1, 3, 4):
        raise ValueError(f"Unsupported channel number: {channels}")
    pixels = np.clip(np.round(x), 0, 255).astype("uint8")
    if channels == 1:
        return image_module.fromarray(pixels[:, :, 0], "L")
    return image_module.fromarray(pixels, "RGB" if channels == 3 else "RGBA")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Writes a 3-D array as an image file (the format from `file_format` or the suffix)."""
    from keras_like.saving.atomic_file import atomic_path

    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and (file_format == "jpeg" or
                               str(path).lower().endswith((".jpg", ".jpeg"))):
        img = img.convert("RGB")
    file_format = file_format or os.path.splitext(os.fspath(path))[1].lstrip(".") or None
    with atomic_path(path) as temp:
        img.save(temp, format=_pil_format(file_format), **kwargs)


def _pil_format(name):
    if name is None:
        return None
    name = name.lower()
    return {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "bmp": "BMP", "gif": "GIF",
            "tif": "TIFF", "tiff": "TIFF", "webp": "WEBP"}.get(name, name.upper())
