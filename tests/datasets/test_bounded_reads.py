"""Crafted cache files (zip, gzip and tar bombs) are refused before they are decompressed."""

import gzip
import io
import os
import struct
import subprocess
import sys
import tarfile
import textwrap
import zipfile

import numpy as np
import pytest

from keras_like.datasets import _bounded, cifar10, fashion_mnist, mnist

MIB = 1 << 20


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    datasets = tmp_path / "datasets"
    datasets.mkdir()
    return datasets


def npy_header(shape, dtype="uint8"):
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": np.dtype(dtype).str, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def write_zeros_member(path, member, header, zero_bytes):
    """A zip whose `member` is `header` then `zero_bytes` zeros: about 1 MB per 256 MB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open(member, "w") as out:
            out.write(header)
            for _ in range(zero_bytes // MIB):
                out.write(bytes(MIB))


def understate_size(path, member, declared):
    """Rewrites `member`'s uncompressed size in both zip headers: the stream then inflates
    far past what the archive declares."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
        central = archive.start_dir
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, info.header_offset + 22, declared)  # local file header
    entry = data.index(b"PK\x01\x02", central)  # the only central-directory entry
    struct.pack_into("<I", data, entry + 24, declared)
    path.write_bytes(bytes(data))


def test_mnist_member_declaring_more_than_the_dataset_holds_is_refused(cache):
    images = 256 * MIB // 784
    path = cache / "mnist.npz"
    write_zeros_member(path, "x_train.npy", npy_header((images, 28, 28)), images * 784)
    assert path.stat().st_size < 2 * MIB
    declared = zipfile.ZipFile(path).getinfo("x_train.npy").file_size
    limit = _bounded.npy_bytes((60000, 28, 28), "uint8")
    with pytest.raises(ValueError) as excinfo:
        mnist.load_data()
    message = str(excinfo.value)
    for part in (str(path), "'x_train.npy'", f"declares {declared} ", f"the {limit} bytes"):
        assert part in message


def test_member_inflating_past_its_declared_size_stays_in_bounded_memory(cache):
    # zipfile stops at the declared size, but a single unbounded read would first inflate
    # the whole stream (256 MB here): the child process measures its own peak.
    path = cache / "mnist.npz"
    write_zeros_member(path, "x_train.npy", npy_header((1000, 28, 28)), 256 * MIB)
    understate_size(path, "x_train.npy", len(npy_header((1000, 28, 28))) + 1000 * 784)
    child = textwrap.dedent("""
        import resource
        from keras_like.datasets import mnist
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            mnist.load_data()
        except Exception as e:
            print(type(e).__name__, e)
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print("grown_kib", grown)
    """)
    env = {**os.environ, "KERAS_HOME": str(cache.parent),
           "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert int(lines[1].split()[1]) < 64 * 1024, result.stdout
    assert lines[0].startswith("ValueError") and "'x_train.npy' is corrupt" in lines[0]


def test_npy_header_claiming_more_data_than_the_member_holds_is_refused(cache):
    path = cache / "mnist.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("y_train.npy", npy_header((2**40,)) + bytes(100))
    with pytest.raises(ValueError, match=r"'y_train.npy' declares an array of shape "
                                         r"\(1099511627776,\).*holds only 100 bytes"):
        mnist.load_data()


def write_idx(path, array):
    header = struct.pack(">I", 0x0800 | array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.tobytes())


def test_fashion_mnist_gzip_inflating_past_the_dataset_size_is_refused(cache):
    folder = cache / "fashion-mnist"
    folder.mkdir()
    write_idx(folder / "train-labels-idx1-ubyte.gz", np.zeros(4, np.uint8))
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.zeros(2, np.uint8))
    write_idx(folder / "t10k-images-idx3-ubyte.gz", np.zeros((2, 28, 28), np.uint8))
    bomb = folder / "train-images-idx3-ubyte.gz"
    with gzip.open(bomb, "wb", compresslevel=1) as f:
        for _ in range(64):
            f.write(bytes(MIB))
    with pytest.raises(ValueError, match=f"{bomb}: it decompresses to more than the "
                                         f"{60000 * 784 + 16} bytes"):
        fashion_mnist.load_data()


def test_cifar_archive_member_declaring_a_huge_size_is_refused_before_reading(cache):
    # A header that declares 10 GB and no data behind it: skipping to the next member would
    # inflate (or fail on) 10 GB, so the size is checked as soon as the header is read.
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("cifar-10-batches-py/data_batch_1")
        info.size = 10**10
        tar.addfile(info)
    (cache / "cifar-10-python.tar.gz").write_bytes(gzip.compress(buffer.getvalue()[:4096]))
    with pytest.raises(ValueError, match=r"member 'cifar-10-batches-py/data_batch_1' declares "
                                         r"10000000000 uncompressed bytes"):
        cifar10.load_data()


def test_tar_members_are_refused_once_their_total_passes_the_limit(tmp_path):
    path = tmp_path / "three.tar"
    with tarfile.open(path, "w") as tar:
        for name in ("a", "b", "c"):
            info = tarfile.TarInfo(name)
            info.size = 400
            tar.addfile(info, io.BytesIO(bytes(400)))
    with tarfile.open(path) as tar:
        assert len(_bounded.checked_tar_members(tar, path, 400, 1200)) == 3
    with tarfile.open(path) as tar:
        with pytest.raises(ValueError, match="more than 1000 uncompressed bytes together "
                                             r"\(at least 1200 by member 'c'\)"):
            _bounded.checked_tar_members(tar, path, 400, 1000)
