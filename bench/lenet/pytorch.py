"""PyTorch LeNet-5 for bench/lenet: reads commands "train|infer <batch> <threads> <budget>" on stdin and
answers each with one JSON line {"seconds": median seconds per call}, so the Node runner can interleave it
with the other implementations in one run. The first line names the BLAS the process runs on."""
import json
import sys

import torch
from torch import nn

from torch_peer import blas_info, time_calls


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def bench(mode, batch, threads, budget):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = lenet()
    x = torch.rand(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))
    if mode == "infer":
        model.eval()

        def run():
            with torch.no_grad():
                model(x)
        return time_calls(run, budget)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()
    return time_calls(step, budget)


print(json.dumps({"ready": True, "blas": blas_info()}), flush=True)
for line in sys.stdin:
    mode, batch, threads, budget = line.split()
    seconds = bench(mode, int(batch), int(threads), float(budget))
    print(json.dumps({"seconds": seconds}), flush=True)
