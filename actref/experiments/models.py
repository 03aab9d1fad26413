"""The stacked model for a variant's architecture."""

from __future__ import annotations

from actref.experiments.cnn import StackedCNN
from actref.experiments.configs import Member
from actref.experiments.stacked import StackedMLP, StackedModel


def build_model(members: list[Member], arch: str, hidden: tuple[int, ...]) -> StackedModel:
    if arch == "mlp":
        return StackedMLP(members, hidden)
    if arch == "cnn":
        return StackedCNN(members, tuple(hidden))
    raise ValueError(f"Unknown architecture {arch!r}; valid: 'mlp', 'cnn'.")
