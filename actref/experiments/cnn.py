"""The stacked CNN: many small CNNs trained as one, as grouped convolutions in channels_last layout (see
actref.experiments.stacked; benchmarks/cnn_cpu_cost.py compares the forms).

Its own module, so that a change to the CNN stales only CNN runs (results.code_hash is per architecture).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from actref import catalog
from actref.experiments.configs import Member
from actref.experiments.stacked import StackedModel, member_init, member_seed


class StackedCNN(StackedModel):
    """M CNNs: conv3×3(c1) → act → pool2 → conv3×3(c2) → act → pool2 → linear(c2·7·7 → 10), as grouped convs.

    Activations live in the layout [B, M·C, H, W]; model m owns channels [m·C, (m+1)·C).
    """

    def __init__(self, members: list[Member], hidden: tuple[int, int] = (32, 64), n_out: int = 10):
        super().__init__()
        self.members = list(members)
        if any(not catalog.get(m.activation).elementwise for m in self.members):
            raise ValueError("The stacked CNN supports elementwise activations only.")
        M = len(self.members)
        c1, c2 = hidden
        self.channels = (1, c1, c2)
        self.conv_w = torch.nn.ParameterList(
            [
                torch.nn.Parameter(torch.empty(M * c1, 1, 3, 3)),
                torch.nn.Parameter(torch.empty(M * c2, c1, 3, 3)),
            ]
        )
        self.conv_b = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(M * c)) for c in (c1, c2)])
        self.fc_w = torch.nn.Parameter(torch.empty(M, c2 * 49, n_out))
        self.fc_b = torch.nn.Parameter(torch.zeros(M, 1, n_out))
        with torch.no_grad():
            for m, member in enumerate(self.members):
                g = torch.Generator().manual_seed(member_seed(member, "init"))
                init = member_init(member)
                for w, (cin, cout) in zip(self.conv_w, ((1, c1), (c1, c2)), strict=True):
                    fan_in, fan_out = cin * 9, cout * 9
                    w[m * cout : (m + 1) * cout] = torch.randn(cout, cin, 3, 3, generator=g) * init.std(
                        fan_in, fan_out
                    )
                fan_in = c2 * 49
                self.fc_w[m] = (torch.randn(n_out, fan_in, generator=g) * init.std(fan_in, n_out)).t()
        self._make_activations(2)

    def widest_layer(self) -> int:
        return self.channels[1] * 28 * 28

    def forward(self, x: torch.Tensor, record: dict | None = None) -> torch.Tensor:
        M = len(self.members)
        if x.dim() == 2:  # one batch shared by every model
            h = x.view(-1, 1, 28, 28).expand(-1, M, 28, 28)
        else:  # [M, B, 784]: each model its own batch
            h = x.view(M, -1, 28, 28).transpose(0, 1)
        for layer in range(2):
            # channels_last: on the CPU oneDNN's grouped convolution is ~40× faster in NHWC than in NCHW for
            # this stack (benchmarks/cnn_cpu_cost.py: 0.26 s against 10.3 s forward + backward, 11 models).
            h = h.contiguous(memory_format=torch.channels_last)
            h = F.conv2d(h, self.conv_w[layer], self.conv_b[layer], padding=1, groups=M)
            h = self.activate(layer, h, model_dim=1, per_model=self.channels[layer + 1])
            h = F.max_pool2d(h, 2)
        h = h.reshape(h.shape[0], M, -1).transpose(0, 1)  # [M, B, c2·49]
        return torch.baddbmm(self.fc_b, h, self.fc_w)
