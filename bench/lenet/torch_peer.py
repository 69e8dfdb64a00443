"""What every PyTorch peer process of the benches needs: timing, and which BLAS it runs on. Debian's
python3-torch calls the generic libblas.so.3, which is the reference BLAS unless an optimised one
(libopenblas0-pthread) is installed as its alternative: the library mapped into the process decides."""
import ctypes
import os
import time

import torch

OPTIMISED = ("openblas", "blis", "mkl", "atlas")


def blas_info():
    a = torch.ones(8, 8)
    a @ a
    mapped = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            if len(fields) >= 6 and "blas" in os.path.basename(fields[5]):
                mapped.add(os.path.realpath(fields[5]))
    library = next((p for p in sorted(mapped) if "libblas.so" in p), None) or next(iter(sorted(mapped)), None)
    kind = "unknown"
    if library:
        kind = next((k for k in OPTIMISED if k in library), "reference" if "/blas/" in library else "unknown")
    info = {"library": library, "kind": kind, "optimised": kind in OPTIMISED,
            "mkldnn": torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled}
    if kind == "openblas":
        lib = ctypes.CDLL(library)
        lib.openblas_get_corename.restype = ctypes.c_char_p
        info["core"] = lib.openblas_get_corename().decode()
        info["blas_threads"] = lib.openblas_get_num_threads()
    return info


def measure_calls(run, budget):
    """Median wall seconds of run() after a warm-up, over at least 5 calls or `budget` seconds, and the
    mean CPU seconds per call of the process (all its threads) over the same calls."""
    warm = time.perf_counter()
    i = 0
    while i < 3 or (i < 200 and time.perf_counter() - warm < budget / 3):
        run()
        i += 1
    samples = []
    cpu0 = time.process_time()
    start = time.perf_counter()
    while len(samples) < 5 or (len(samples) < 5000 and time.perf_counter() - start < budget):
        t0 = time.perf_counter()
        run()
        samples.append(time.perf_counter() - t0)
    cpu = (time.process_time() - cpu0) / len(samples)
    samples.sort()
    mid = len(samples) // 2
    return (samples[mid] if len(samples) % 2 else (samples[mid - 1] + samples[mid]) / 2), cpu


def time_calls(run, budget):
    """Median seconds of run() (see measure_calls)."""
    return measure_calls(run, budget)[0]
