"""Fashion-MNIST: find the files, verify their content, and load them once as tensors on a device.

Search order for the four IDX files (gzipped or not):
1. the directory in the `ACTREF_DATA` environment variable (flat, or torchvision's `FashionMNIST/raw/` under it);
2. torchvision's layout under `root` (`<root>/FashionMNIST/raw/`);
3. Debian's `/usr/share/datasets/fashion-mnist/` (package `dataset-fashion-mnist`);
4. torchvision's download into `root`, when a network is reachable.

The content check hashes the decoded arrays, not the .gz files: Debian recompresses the archives, so their
checksums differ from torchvision's list while the images and labels are byte for byte the same.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
DEFAULT_ROOT = Path.home() / ".cache" / "actref" / "data"
HOW_TO_GET = (
    "Install it with `sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu; `make setup` does this), "
    "or point ACTREF_DATA at a directory holding the four files from "
    "https://github.com/zalandoresearch/fashion-mnist (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
    "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz)."
)

# File stem → (shape, sha256 of the decoded uint8 array). The digests are those of the published dataset
# (zalandoresearch/fashion-mnist), computed from Debian's copy.
EXPECTED = {
    "train-images-idx3-ubyte": (
        (60000, 28, 28),
        "2e487a6c89124f78f2d7521542223cafe96f7123c3ca13d447772ac6ecbb3012",
    ),
    "train-labels-idx1-ubyte": ((60000,), "657fbd221bfc9f4198cc14b5619cc33ec57c58dd0e47af4d99d6650759e869a7"),
    "t10k-images-idx3-ubyte": (
        (10000, 28, 28),
        "c867c93ff95360594e8ec3287995350b824dd110b11595c0e13d5423f621867a",
    ),
    "t10k-labels-idx1-ubyte": ((10000,), "3d0e6c6ea990b53b6f8f500a41cac93881d981b315f84578b7d915342ade01e9"),
}
VALIDATION_SIZE = 10_000  # the last 10k training images; fixed, so every run validates on the same images
CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


class DataError(RuntimeError):
    """Fashion-MNIST is missing or its content is not the published dataset's."""


def _find_file(directory: Path, stem: str) -> Path | None:
    for name in (stem + ".gz", stem):
        path = directory / name
        if path.is_file():
            return path
    return None


def _complete(directory: Path) -> bool:
    return all(_find_file(directory, stem) is not None for stem in EXPECTED)


def _candidates(directory: Path) -> list[Path]:
    return [directory, directory / "FashionMNIST" / "raw"]


def locate(root: str | os.PathLike | None = None, download: bool = True) -> Path:
    """The directory holding the four Fashion-MNIST IDX files; raises DataError saying where it looked."""
    looked: list[str] = []
    env = os.environ.get("ACTREF_DATA")
    if env:
        for directory in _candidates(Path(env)):
            if _complete(directory):
                return directory
        raise DataError(
            f"ACTREF_DATA={env!r} does not hold the four Fashion-MNIST files (looked in {env} and "
            f"{Path(env) / 'FashionMNIST' / 'raw'}); expected {', '.join(s + '.gz' for s in EXPECTED)}. "
            f"Unset ACTREF_DATA to use the default locations. {HOW_TO_GET}"
        )
    root = Path(root) if root is not None else DEFAULT_ROOT
    for directory in (root / "FashionMNIST" / "raw", DEBIAN_DIR):
        if _complete(directory):
            return directory
        looked.append(str(directory))
    if download:
        try:
            from torchvision.datasets import FashionMNIST

            FashionMNIST(str(root), train=True, download=True)
            FashionMNIST(str(root), train=False, download=True)
        except Exception as exc:  # no network, no torchvision: report below with the cause
            looked.append(f"torchvision download into {root} failed: {type(exc).__name__}: {exc}")
        else:
            if _complete(root / "FashionMNIST" / "raw"):
                return root / "FashionMNIST" / "raw"
    raise DataError(f"Fashion-MNIST not found. Looked in: {'; '.join(looked)}. {HOW_TO_GET}")


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Decode one IDX file (gzipped or raw) into a uint8 numpy array of its declared shape."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as exc:
        raise DataError(f"Cannot read {path}: {exc}. The file is truncated or corrupt. {HOW_TO_GET}") from exc
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise DataError(
            f"{path} is not an IDX file of unsigned bytes (bad magic {raw[:4].hex()}). {HOW_TO_GET}"
        )
    ndim = raw[3]
    header = 4 + 4 * ndim
    dims = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected_bytes = int(np.prod(dims))
    if len(raw) - header != expected_bytes:
        raise DataError(
            f"{path}: header declares shape {dims} ({expected_bytes} bytes) but the file holds "
            f"{len(raw) - header} bytes of data; it is truncated or corrupt. {HOW_TO_GET}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def verify(stem: str, array: np.ndarray, path: Path | None = None) -> None:
    """Raise DataError unless `array` is exactly the published content of the file `stem`."""
    shape, digest = EXPECTED[stem]
    where = f" ({path})" if path is not None else ""
    if array.shape != shape:
        raise DataError(f"{stem}{where} has shape {array.shape}, expected {shape}. {HOW_TO_GET}")
    got = hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()
    if got != digest:
        raise DataError(
            f"{stem}{where}: the decoded content has sha256 {got}, expected {digest}; the file is corrupt or "
            f"is not Fashion-MNIST (plain MNIST has the same shapes). {HOW_TO_GET}"
        )


@functools.lru_cache(maxsize=4)
def _load_arrays(directory: str) -> dict[str, np.ndarray]:
    arrays = {}
    for stem in EXPECTED:
        path = _find_file(Path(directory), stem)
        if path is None:
            raise DataError(f"{directory} has no {stem}(.gz). {HOW_TO_GET}")
        arrays[stem] = read_idx(path)
        verify(stem, arrays[stem], path)
    return arrays


def load_arrays(root: str | os.PathLike | None = None) -> dict[str, np.ndarray]:
    """The four verified uint8 arrays, keyed by file stem (decoded once per directory per process)."""
    return _load_arrays(str(locate(root)))


@dataclass
class FashionMNIST:
    """The dataset as device tensors: images flattened to [N, 784] float32, standardised; labels int64.

    `val` is the last 10k training images (fixed); `train` is the rest. `test` is reported, never selected on.
    """

    train_x: torch.Tensor
    train_y: torch.Tensor
    val_x: torch.Tensor
    val_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor
    mean: float
    std: float
    source: str

    @property
    def sizes(self) -> dict[str, int]:
        return {"train": len(self.train_y), "val": len(self.val_y), "test": len(self.test_y)}


def load(
    device: str | torch.device = "cpu",
    subset: tuple[int, int, int] | None = None,
    root: str | os.PathLike | None = None,
) -> FashionMNIST:
    """Load, verify and standardise Fashion-MNIST onto `device`.

    `subset=(n_train, n_val, n_test)` keeps the first n of each split (for smoke runs and tests). Images are
    scaled to [0, 1] and standardised with the mean and std of the training split.
    """
    directory = locate(root)
    arrays = _load_arrays(str(directory))
    images = arrays["train-images-idx3-ubyte"].reshape(60000, 784)
    labels = arrays["train-labels-idx1-ubyte"]
    n_train = 60000 - VALIDATION_SIZE
    splits = {
        "train": (images[:n_train], labels[:n_train]),
        "val": (images[n_train:], labels[n_train:]),
        "test": (arrays["t10k-images-idx3-ubyte"].reshape(10000, 784), arrays["t10k-labels-idx1-ubyte"]),
    }
    if subset is not None:
        for (key, (x, y)), n in zip(list(splits.items()), subset, strict=True):
            if not 0 < n <= len(y):
                raise ValueError(f"subset size for {key} must be in 1..{len(y)}, got {n}.")
            splits[key] = (x[:n], y[:n])
    # Each split is converted once; the statistics come from the converted training split.
    scaled = {key: x.astype(np.float32) / 255.0 for key, (x, _) in splits.items()}
    mean, std = float(scaled["train"].mean()), float(scaled["train"].std())
    xs = {key: ((torch.from_numpy(x) - mean) / std).to(device) for key, x in scaled.items()}
    ys = {key: torch.from_numpy(y.astype(np.int64)).to(device) for key, (_, y) in splits.items()}
    return FashionMNIST(
        train_x=xs["train"],
        train_y=ys["train"],
        val_x=xs["val"],
        val_y=ys["val"],
        test_x=xs["test"],
        test_y=ys["test"],
        mean=mean,
        std=std,
        source=str(directory),
    )
