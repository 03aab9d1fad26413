"""Fashion-MNIST loading: location order, content verification, clear errors, the fixed splits."""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest
import torch

from actref import data


def _copy_dataset(target):
    source = data.locate()
    target.mkdir(parents=True, exist_ok=True)
    for stem in data.EXPECTED:
        src = data._find_file(source, stem)
        shutil.copy(src, target / src.name)
    return target


def test_published_content_and_splits():
    d = data.load("cpu")
    assert d.sizes == {"train": 50000, "val": 10000, "test": 10000}
    assert d.train_x.shape == (50000, 784) and d.train_x.dtype == torch.float32
    assert d.train_y.dtype == torch.int64 and set(d.train_y.unique().tolist()) == set(range(10))
    # Standardised with the training split's statistics.
    assert abs(d.train_x.mean().item()) < 1e-3 and abs(d.train_x.std().item() - 1) < 1e-3
    # The validation split is the last 10k training images, fixed.
    raw = data.load_arrays()["train-images-idx3-ubyte"]
    expected = (raw[-1].reshape(784).astype(np.float32) / 255 - d.mean) / d.std
    np.testing.assert_allclose(d.val_x[-1].numpy(), expected, rtol=1e-5, atol=1e-5)


def test_subset_keeps_the_first_images():
    d = data.load("cpu", subset=(100, 50, 20))
    assert d.sizes == {"train": 100, "val": 50, "test": 20}
    with pytest.raises(ValueError, match="subset size for val"):
        data.load("cpu", subset=(100, 0, 20))


def test_actref_data_override(tmp_path, monkeypatch):
    copy = _copy_dataset(tmp_path / "FashionMNIST" / "raw")
    monkeypatch.setenv("ACTREF_DATA", str(tmp_path))
    assert data.locate() == copy  # torchvision's layout under ACTREF_DATA
    monkeypatch.setenv("ACTREF_DATA", str(copy))
    assert data.locate() == copy  # or the files directly in it


def test_actref_data_pointing_nowhere_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTREF_DATA", str(tmp_path))
    with pytest.raises(
        data.DataError, match=r"ACTREF_DATA=.*does not hold.*apt-get install dataset-fashion-mnist"
    ):
        data.locate()


def test_corrupted_copy_is_rejected(tmp_path, monkeypatch):
    copy = _copy_dataset(tmp_path)
    labels = data.read_idx(copy / "t10k-labels-idx1-ubyte.gz").copy()
    labels[0] = (labels[0] + 1) % 10  # one wrong label
    header = bytes([0, 0, 8, 1]) + len(labels).to_bytes(4, "big")
    with gzip.open(copy / "t10k-labels-idx1-ubyte.gz", "wb") as f:
        f.write(header + labels.tobytes())
    monkeypatch.setenv("ACTREF_DATA", str(copy))
    with pytest.raises(data.DataError, match=r"t10k-labels-idx1-ubyte.*sha256.*corrupt"):
        data.load("cpu")


def test_truncated_file_is_rejected(tmp_path):
    path = tmp_path / "train-labels-idx1-ubyte"
    path.write_bytes(bytes([0, 0, 8, 1]) + (60000).to_bytes(4, "big") + bytes(100))
    with pytest.raises(data.DataError, match="truncated or corrupt"):
        data.read_idx(path)
    path.write_bytes(b"PK\x03\x04 not an idx file")
    with pytest.raises(data.DataError, match="bad magic"):
        data.read_idx(path)


def test_mnist_shaped_impostor_is_rejected():
    wrong = np.zeros((10000,), dtype=np.uint8)
    with pytest.raises(data.DataError, match="plain MNIST has the same shapes"):
        data.verify("t10k-labels-idx1-ubyte", wrong)
    with pytest.raises(data.DataError, match="shape"):
        data.verify("t10k-labels-idx1-ubyte", np.zeros((5,), dtype=np.uint8))


def test_missing_everywhere_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.delenv("ACTREF_DATA", raising=False)
    monkeypatch.setattr(data, "DEBIAN_DIR", tmp_path / "debian")
    with pytest.raises(data.DataError, match=r"not found\. Looked in:.*dataset-fashion-mnist"):
        data.locate(tmp_path / "root", download=False)
