#!/usr/bin/env python3
"""Dynamic int8 quantization (ONNX Runtime quantize_dynamic) of a model directory, for the int8-vs-fp32 rows of
the pipeline benchmark.

  .venv/bin/python bench/make_int8.py SRC_DIR DST_DIR [--force]

Writes DST_DIR/{model.onnx, config.json, tokenizer.json}: MatMul weights quantized to int8 (QInt8, per tensor,
ONNX Runtime's defaults), activations quantized at run time; config.json and tokenizer.json copied. Does nothing
when DST_DIR/model.onnx exists (use --force). Meant for .cache/ (git-ignored): never commit the output.
"""
import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import onnx
from onnxruntime.quantization import QuantType, quantize_dynamic
from onnxruntime.quantization.shape_inference import quant_pre_process


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    src, dst = Path(args.src), Path(args.dst)
    if (dst / "model.onnx").exists() and not args.force:
        print(f"{dst}/model.onnx exists; nothing to do (--force to rebuild)")
        return 0
    dst.mkdir(parents=True, exist_ok=True)
    src, dst = src.resolve(), dst.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # the quantization tools may leave scratch files in the working directory
        pre = Path(tmp) / "pre.onnx"
        # shape inference + graph cleanup first, as ONNX Runtime's quantization guide recommends
        quant_pre_process(str(src / "model.onnx"), str(pre), skip_symbolic_shape=True)
        out = Path(tmp) / "model.onnx"
        quantize_dynamic(str(pre), str(out), weight_type=QuantType.QInt8)
        onnx.checker.check_model(str(out))
        shutil.move(str(out), dst / "model.onnx")
    for name in ("config.json", "tokenizer.json"):
        shutil.copy(src / name, dst / name)
    print(f"wrote {dst}/model.onnx ({(dst / 'model.onnx').stat().st_size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
