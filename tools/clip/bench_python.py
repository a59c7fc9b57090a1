#!/usr/bin/python3
"""Python side of the CLIP speed comparison: the same TorchScript fixture, the same thread count, the same
preprocessed input shape as the JMH benchmark ClipBenchmarks. Prints embeddings per second.
    /usr/bin/python3 tools/clip/bench_python.py [threads] [seconds]
"""
import sys
import time

import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10
torch.set_num_threads(threads)
torch.set_num_interop_threads(1)
model = torch.jit.load("src/test/resources/clip/tiny-clip-vit.pt").eval()
x = torch.zeros(1, 3, 224, 224)
with torch.no_grad():
    for _ in range(50):
        model(x)
    results = []
    for _ in range(5):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / 5:
            out = model(x)
            out = out / out.norm(dim=-1, keepdim=True)
            n += 1
        results.append(n / (time.perf_counter() - start))
print(f"torch {torch.__version__}, {threads} thread(s): {sorted(results)[2]:.1f} embeddings/s (median of 5: "
      + ", ".join(f"{r:.1f}" for r in results) + ")")
