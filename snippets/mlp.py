"""The classic 784-256-128-10 MLP with actref activations and the initialisation each one recommends."""

import torch

import actref


def fashion_mnist_mlp(activation: str = "relu") -> torch.nn.Sequential:
    spec = actref.get(activation)
    model = torch.nn.Sequential(
        torch.nn.Flatten(),
        torch.nn.Linear(784, 256),
        spec.module(),
        torch.nn.Linear(256, 128),
        spec.module(),
        torch.nn.Linear(128, 10),  # logits; the loss (cross-entropy) applies log-softmax itself
    )
    for layer in model:
        if isinstance(layer, torch.nn.Linear):
            spec.init.apply_(layer.weight)  # Kaiming (He) normal, gain √2, for ReLU
            torch.nn.init.zeros_(layer.bias)
    return model


torch.manual_seed(0)
model = fashion_mnist_mlp("relu")
images = torch.randn(32, 1, 28, 28)
logits = model(images)
assert logits.shape == (32, 10)

# Kaiming init keeps the activations' scale roughly constant through the ReLU layers.
first_layer = model[1].weight
assert abs(first_layer.std().item() - (2 / 784) ** 0.5) < 0.005
