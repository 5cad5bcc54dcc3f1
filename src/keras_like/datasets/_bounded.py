"""Reading compressed dataset files with a bound on what they may decompress to.

A cache file is untrusted input: a 1 MB zip member of zeros can declare (and inflate to)
gigabytes. Each reader knows the largest genuine version of its dataset, so every member is
checked against that bound before any of it is decompressed, and read in bounded chunks.
"""

import io
import math
import zipfile

import numpy as np

# `.npy` headers are padded to a multiple of 64 bytes and are about 128 bytes long for these
# arrays; 4 KiB leaves room for any header NumPy writes.
NPY_HEADER_BYTES = 4096
_CHUNK_BYTES = 1 << 20


def npy_bytes(shape, dtype):
    """Size of a `.npy` file holding an array of `shape` and `dtype` (header included)."""
    return math.prod(shape) * np.dtype(dtype).itemsize + NPY_HEADER_BYTES


def too_large_error(path, member, declared, limit, what):
    return ValueError(
        f"Refusing to read {path}: member '{member}' declares {declared} uncompressed bytes, "
        f"more than the {limit} bytes {what} can take. The file may be corrupted or malicious; "
        "delete it and fetch it again."
    )


def read_zip_member(archive, path, member, limit):
    """The bytes of zip `member`, refused if its declared size is above `limit`.

    zipfile stops at the declared size, and chunked reads keep a member that inflates past
    it from being expanded whole in memory.
    """
    info = archive.getinfo(member)
    if info.file_size > limit:
        raise too_large_error(path, member, info.file_size, limit, "this dataset's array")
    buffer = io.BytesIO()
    try:
        with archive.open(info) as raw:
            while chunk := raw.read(_CHUNK_BYTES):
                buffer.write(chunk)
    except zipfile.BadZipFile as e:  # e.g. a stream that inflates past its declared size
        raise ValueError(f"Refusing to read {path}: member '{member}' is corrupt ({e}).") from e
    buffer.seek(0)
    return buffer


def read_gzip(path, limit, what):
    """The decompressed bytes of the gzip file `path`, refused beyond `limit` bytes."""
    import gzip

    with gzip.open(path, "rb") as f:
        data = f.read(limit + 1)  # gzip has no trustworthy size field: read one byte past
    if len(data) > limit:
        raise ValueError(
            f"Refusing to read {path}: it decompresses to more than the {limit} bytes {what} "
            "can take. The file may be corrupted or malicious; delete it and fetch it again."
        )
    return data


def check_npy_header(buffer, path, member):
    """Checks that a `.npy` header's shape fits in the bytes that follow it (numeric arrays).

    NumPy allocates the array from the header before reading the data, so a header claiming
    a huge shape would reserve that much memory for a file that cannot fill it.
    """
    version = np.lib.format.read_magic(buffer)
    if version[0] == 1:
        shape, _, dtype = np.lib.format.read_array_header_1_0(buffer)
    else:
        shape, _, dtype = np.lib.format.read_array_header_2_0(buffer)
    available = len(buffer.getbuffer()) - buffer.tell()
    buffer.seek(0)
    if dtype.hasobject:
        return  # a pickle stream: its size already bounds what it builds
    needed = math.prod(shape) * dtype.itemsize
    if needed > available:
        raise ValueError(
            f"Refusing to read {path}: member '{member}' declares an array of shape {shape} "
            f"and dtype {dtype} ({needed} bytes) but holds only {available} bytes of data."
        )


def checked_tar_members(tar, archive, member_limit, total_limit):
    """The members of an open tarfile, each checked against the limits as it is reached.

    Checking one header at a time refuses an oversized member before its data (which a
    compressed archive would have to inflate just to skip) is read.
    """
    members, total = [], 0
    for member in tar:
        total += member.size
        if member.size > member_limit:
            raise too_large_error(archive, member.name, member.size, member_limit,
                                  "a file of this dataset")
        if total > total_limit:
            raise ValueError(
                f"Refusing to extract {archive}: its members declare more than {total_limit} "
                f"uncompressed bytes together (at least {total} by member '{member.name}'). "
                "The file may be corrupted or malicious; delete it and fetch it again."
            )
        members.append(member)
    return members
