#!/usr/bin/env python3
"""Side check (Python ONNX Runtime, not the Java path): intra-op threads 1 vs 2, and 2 with spinning off.

On a 2-core machine shared with other CPU-bound work, ONNX Runtime's default busy-waiting worker threads can
make 2 intra-op threads slower than 1. This times the same padded batches under three session settings,
alternating A B C A B C, and prints records/s per setting and round.

Usage: .venv/bin/python bench/ort_threads_check.py [--rounds 5] [--batch 16] [--length 24]
"""
import argparse
import statistics
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort

MODEL = Path(__file__).resolve().parents[1] / ".cache" / "distilbert-base-shape" / "model.onnx"


def session(threads, spin):
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    return ort.InferenceSession(str(MODEL), so, providers=["CPUExecutionProvider"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--length", type=int, default=24)
    ap.add_argument("--calls", type=int, default=4, help="ONNX Runtime calls per measurement")
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    ids = rng.integers(1000, 30000, size=(args.batch, args.length), dtype=np.int64)
    ids[:, 0] = 101
    feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    settings = {"1 thread": session(1, True), "2 threads (spinning, ORT default)": session(2, True),
                "2 threads, allow_spinning=0": session(2, False)}
    for s in settings.values():
        s.run(None, feed)
    results = {k: [] for k in settings}
    for r in range(args.rounds):
        for name, s in settings.items():
            t = time.perf_counter()
            for _ in range(args.calls):
                s.run(None, feed)
            results[name].append(args.calls * args.batch / (time.perf_counter() - t))
    base = results["1 thread"]
    print(f"batch {args.batch} x {args.length} tokens, {args.calls} calls per measurement, "
          f"onnxruntime {ort.__version__}")
    for name, rates in results.items():
        ratios = [a / b for a, b in zip(rates, base)]
        print(f"{name:36s} records/s {', '.join(f'{x:.1f}' for x in rates)}  median {statistics.median(rates):.1f}"
              f"  x '1 thread' (median per-round) {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
