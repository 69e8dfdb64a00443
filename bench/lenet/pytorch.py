"""PyTorch LeNet-5 for bench/lenet: reads commands "train|infer <batch> <threads> <budget>" on stdin and
answers each with one JSON line {"seconds": median seconds per call}, so the Node runner can interleave it
with the other implementations in one run."""
import json
import sys
import time

import torch
from torch import nn


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def time_calls(run, budget):
    warm = time.perf_counter()
    i = 0
    while i < 3 or (i < 200 and time.perf_counter() - warm < budget / 3):
        run()
        i += 1
    samples = []
    start = time.perf_counter()
    while len(samples) < 5 or (len(samples) < 5000 and time.perf_counter() - start < budget):
        t0 = time.perf_counter()
        run()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    mid = len(samples) // 2
    return samples[mid] if len(samples) % 2 else (samples[mid - 1] + samples[mid]) / 2


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


print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    mode, batch, threads, budget = line.split()
    seconds = bench(mode, int(batch), int(threads), float(budget))
    print(json.dumps({"seconds": seconds}), flush=True)
