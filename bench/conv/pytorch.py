"""PyTorch side of bench:conv: answers "<shape> <pass> <budget>" on stdin with one JSON line
{"seconds": median per call, "cpuSeconds": mean CPU per call}; the first line names the BLAS. Threads come from the first argument
(torch.set_num_threads; the parent sets OMP_WAIT_POLICY and OPENBLAS_NUM_THREADS to match)."""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lenet"))
from torch_peer import blas_info, measure_calls  # noqa: E402

SHAPES = {s["name"]: s for s in json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "shapes.json")))}


def prepare(s, pass_):
    torch.manual_seed(1)
    transposed = s.get("transposed", False)
    x = torch.rand(s["n"], s["c"], s["h"], s["w"]) - 0.5
    w = torch.rand(*((s["c"], s["f"]) if transposed else (s["f"], s["c"])), s["k"], s["k"]) - 0.5
    b = torch.rand(s["f"]) - 0.5
    stride, pad = [s["stride"]] * 2, [s["pad"]] * 2
    conv = torch.nn.functional.conv_transpose2d if transposed else torch.nn.functional.conv2d
    if pass_ == "forward":
        return lambda: conv(x, w, b, stride, pad)
    g = torch.rand_like(conv(x, w, b, stride, pad)) - 0.5
    mask = [True, False, False] if pass_ == "input" else [False, True, True]
    return lambda: torch.ops.aten.convolution_backward(
        g, x, w, [s["f"]], stride, pad, [1, 1], transposed, [0, 0], 1, mask)


torch.set_num_threads(int(sys.argv[1]))
torch.set_grad_enabled(False)
print(json.dumps({"ready": True, "blas": blas_info()}), flush=True)
prepared = {}
for line in sys.stdin:
    name, pass_, budget = line.split()
    key = (name, pass_)
    if key not in prepared:
        prepared[key] = prepare(SHAPES[name], pass_)
    seconds, cpu_seconds = measure_calls(prepared[key], float(budget))
    print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds}), flush=True)
