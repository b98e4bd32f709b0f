#!/usr/bin/env python3
"""Static int8 quantisation (QDQ, calibrated) of the compact SST-2 model, so that a text's logits do not
depend on the texts batched with it: every activation scale is a constant of the graph, where dynamic
quantisation computes it per batch tensor.

Stages (python models/quantize_static.py STAGE; intermediate files under .cache/compact-model/qdq/):

  dequantize  rebuild an fp32 graph from the shipped dynamic int8 model: every
              DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul(scale) chain becomes a float MatMul
              with the weight int8 x per-channel scale, every quantised embedding Gather -> DequantizeLinear
              a float Gather; then checks its logits against the dynamic model
  search      quantize_static variants (calibration method x node selection) scored on the hold-out
              split (never on SST-2 dev); writes qdq/search.json
  batch       max |logits alone - logits in padded batches| for the fp32 reference and the given models
  bench       static vs dynamic int8 speed, interleaved rounds in one process
  install     copy the chosen static model into models/sst2-minilm-l6 and write model.onnx.sha256

train_compact.py's export stage calls quantize_qdq() and calibration_texts() from here, so a full rebuild
produces the same kind of artifact.
"""
import argparse
import collections
import contextlib
import hashlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import train_compact as tc

QDQ_DIR = tc.CACHE / "qdq"
SHIPPED = tc.OUT_DIR / "model.onnx"
DEQUANTIZED = QDQ_DIR / "model-fp32-dequantized.onnx"

CALIB_SEED = 20240515
CALIB_SIZE = 600

# Attention scores (Q x K^T) and context (P x V) multiply two activations; the dynamic model leaves them in
# float too. Named by the exporter: /m/bert/encoder/layer.N/attention/self/MatMul(_1).
ATTENTION_MATMUL = "/attention/self/MatMul"
CLASSIFIER = "/m/classifier/"
POOLER = "/m/bert/pooler/"


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


# --------------------------------------------------------------------------- dequantize
def dequantize(src, out):
    """The float graph behind a quantize_dynamic model: weights = (int8 - zero point) x scale, per channel."""
    import onnx
    from onnx import helper, numpy_helper

    m = onnx.load(str(src))
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    producer = {o: n for n in g.node for o in n.output}
    consumers = collections.defaultdict(list)
    for n in g.node:
        for i in n.input:
            consumers[i].append(n)

    def const(name):
        if name in inits:
            return numpy_helper.to_array(inits[name])
        n = producer[name]
        if n.op_type == "Constant":
            return numpy_helper.to_array(n.attribute[0].t)
        raise ValueError(f"{name} is not a constant ({n.op_type})")

    def only_consumer(name, op):
        cs = consumers[name]
        assert len(cs) == 1 and cs[0].op_type == op, (name, [c.op_type for c in cs])
        return cs[0]

    drop, new_nodes, new_inits = set(), {}, []
    for n in g.node:
        if n.op_type == "MatMulInteger":
            xq, wq, _, wzp = n.input
            dql = producer[xq]
            assert dql.op_type == "DynamicQuantizeLinear", dql.op_type
            cast = only_consumer(n.output[0], "Cast")
            mul = only_consumer(cast.output[0], "Mul")
            scales = [i for i in mul.input if i != cast.output[0]][0]
            smul = producer[scales]  # Mul(x_scale, w_scale)
            assert smul.op_type == "Mul", smul.op_type
            w_scale = [i for i in smul.input if i != dql.output[1]]
            assert len(w_scale) == 1, smul.input
            w = (const(wq).astype(np.float32) - const(wzp).astype(np.float32)) * const(w_scale[0]).astype(np.float32)
            wname = wq[: -len("_quantized")] if wq.endswith("_quantized") else wq + "_fp32"
            new_inits.append(numpy_helper.from_array(w.astype(np.float32), wname))
            new_nodes[id(n)] = helper.make_node("MatMul", [dql.input[0], wname], [mul.output[0]],
                                                name=n.name[: -len("_quant")] if n.name.endswith("_quant") else n.name)
            drop.update({id(cast), id(mul)})
        elif n.op_type == "DequantizeLinear" and producer.get(n.input[0]) is not None \
                and producer[n.input[0]].op_type == "Gather":
            gather = producer[n.input[0]]
            table, idx = gather.input
            assert table in inits, table
            zp = const(n.input[2]).astype(np.float32) if len(n.input) > 2 else 0.0
            w = (const(table).astype(np.float32) - zp) * const(n.input[1]).astype(np.float32)
            wname = table[: -len("_quantized")] if table.endswith("_quantized") else table + "_fp32"
            new_inits.append(numpy_helper.from_array(w.astype(np.float32), wname))
            new_nodes[id(n)] = helper.make_node("Gather", [wname, idx], [n.output[0]], name=gather.name,
                                                axis=next((a.i for a in gather.attribute if a.name == "axis"), 0))
            drop.add(id(gather))
    nodes = [new_nodes.get(id(n), n) for n in g.node if id(n) not in drop]

    # dead-code elimination: the DynamicQuantizeLinear nodes and scale products nothing reads any more
    needed = {o.name for o in g.output}
    keep = []
    for n in reversed(nodes):
        if any(o in needed for o in n.output):
            keep.append(n)
            needed.update(i for i in n.input if i)
    keep.reverse()
    del g.node[:]
    g.node.extend(keep)
    all_inits = {t.name: t for t in list(g.initializer) + new_inits}
    del g.initializer[:]
    g.initializer.extend(t for name, t in all_inits.items() if name in needed)
    del g.value_info[:]
    left = collections.Counter(n.op_type for n in g.node)
    assert not {"MatMulInteger", "DynamicQuantizeLinear", "DequantizeLinear"} & set(left), left
    onnx.checker.check_model(m)
    out.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(m, str(out))
    return left


# --------------------------------------------------------------------------- data
def tokenizer():
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(tc.OUT_DIR / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(tc.MAX_LEN)
    return tok


def calibration_texts(n=CALIB_SIZE, seed=CALIB_SEED):
    """n phrases drawn (numpy RandomState(seed), without replacement) from the training part of SST-2 train,
    never from the hold-out; returned with their line numbers in train.tsv (header = line 1)."""
    texts, _ = tc.read_tsv(tc.SST2_DIR / "train.tsv")
    (tr_x, _), (va_x, _) = tc.split_train()
    hold = set(va_x)
    line_of = {}
    for i, t in enumerate(texts):
        line_of.setdefault(t, i + 2)
    pool = [t for t in tr_x if t not in hold]
    pick = np.random.RandomState(seed).choice(len(pool), n, replace=False)
    chosen = [pool[i] for i in sorted(pick)]
    return chosen, [line_of[t] for t in chosen]


class Reader:
    """Calibration batches of one text each: no padding positions enter the activation ranges."""

    def __init__(self, tok, texts):
        self.items = [tc.batch_arrays(tok, [t]) for t in texts]
        self.i = 0

    def get_next(self):
        if self.i >= len(self.items):
            return None
        ids, mask = self.items[self.i]
        self.i += 1
        return {"input_ids": ids, "attention_mask": mask}

    def rewind(self):
        self.i = 0


def _histograms_of_varying_shapes():
    """onnxruntime's HistogramCollector (Percentile, Entropy) stacks the calibration batches with np.asarray,
    which fails when texts have different lengths; it only needs the values, so hand it them flattened."""
    from onnxruntime.quantization import calibrate
    collect = calibrate.HistogramCollector.collect
    if getattr(collect, "flattens", False):
        return

    def flat(self, name_to_arr):
        return collect(self, {k: np.concatenate([np.asarray(a).ravel() for a in v]) if isinstance(v, list) else v
                              for k, v in name_to_arr.items()})

    flat.flattens = True
    calibrate.HistogramCollector.collect = flat


def weight_matmuls(model_path, exclude_classifier=False):
    """MatMul nodes whose second input is an initializer (projections, FFN, pooler, classifier)."""
    import onnx
    g = onnx.load(str(model_path)).graph
    inits = {t.name for t in g.initializer}
    names = [n.name for n in g.node if n.op_type in ("MatMul", "Gemm") and n.input[1] in inits]
    excluded = [n.name for n in g.node if n.op_type in ("MatMul", "Gemm") and n.name not in names]
    if exclude_classifier:
        excluded += [x for x in names if x.startswith(CLASSIFIER)]
        names = [x for x in names if not x.startswith(CLASSIFIER)]
    return names, excluded


def quantize_qdq(fp32, out, tok, texts, method="MinMax", attention=False, classifier=True, reduce_range=True,
                 percentile=99.999, matmul_output=False, embeddings_full_range=True, head=True,
                 float_residuals=False, fuse_bias=False):
    """quantize_static in QDQ format: per-channel int8 (QInt8) weights, uint8 activations with constant scales
    from calibration, word/position embedding Gathers int8. reduce_range keeps weights to 7 bits, which avoids
    the u8 x s8 saturation of AVX2 kernels without VNNI (what the dynamic model used too)."""
    import onnx
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    out.parent.mkdir(parents=True, exist_ok=True)
    pre = out.with_suffix(".pre.onnx")
    with tempfile.TemporaryDirectory() as scratch, contextlib.chdir(scratch):
        quant_pre_process(str(Path(fp32).resolve()), str(pre.resolve()), skip_symbolic_shape=True)
    g = onnx.load(str(pre)).graph
    inits = {t.name for t in g.initializer}
    matmuls, _ = weight_matmuls(pre, exclude_classifier=not classifier)
    nodes = [x for x in matmuls if head or not x.startswith((POOLER, CLASSIFIER))]
    if attention:
        nodes += [n.name for n in g.node if n.op_type == "MatMul" and ATTENTION_MATMUL in n.name]
    gathers = [n.name for n in g.node if n.op_type == "Gather" and n.input[0] in inits
               and "embeddings" in n.input[0]]
    nodes += gathers
    extra = {"CalibMovingAverage": False}
    if not matmul_output:
        # DQ -> MatMul -> float: ORT runs it as MatMulIntegerToFloat and adds the bias in float, as the
        # dynamic model does, instead of rounding each projection's output to 8 bits
        extra["OpTypesToExcludeOutputQuantization"] = ["MatMul", "Gemm"]
    if embeddings_full_range:
        # a Gather has no u8 x s8 saturation to avoid: the embedding tables keep all 8 bits
        extra["TensorQuantOverrides"] = {
            g_.input[0]: [{"reduce_range": False}] for g_ in g.node if g_.name in gathers}
    if method == "Percentile":
        extra["CalibPercentile"] = percentile
    if method != "MinMax":
        _histograms_of_varying_shapes()
    # the calibrator (and the pre-processing above) write an external-data file and shape-inference scratch
    # files into the working directory: keep them out of the checkout
    with tempfile.TemporaryDirectory() as scratch, contextlib.chdir(scratch):
        quantize_static(
            str(pre.resolve()), str(out.resolve()), Reader(tok, texts),
            quant_format=QuantFormat.QDQ, op_types_to_quantize=["MatMul", "Gemm", "Gather"],
            nodes_to_quantize=nodes, per_channel=True, reduce_range=reduce_range,
            activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
            calibrate_method=getattr(CalibrationMethod, method), extra_options=extra,
        )
    pre.unlink(missing_ok=True)
    for f in out.parent.glob("augmented_model*.onnx"):
        f.unlink()
    if float_residuals:
        keep_residuals_float(out)
    if fuse_bias:
        matmul_integer_to_float(out)
    return out


def matmul_integer_to_float(path):
    """Writes each Q -> DQ -> MatMul(x, DQ(W)) -> Add(bias) as ORT's MatMulIntegerToFloat(x_q, W_q, scales,
    zero points, bias), the kernel ORT itself would pick, with the same constants and so the same arithmetic.
    ORT 1.28-1.30 fuse the QDQ form into MatMulIntegerToFloat but leave the bias Add out of it, and that
    separate Add pass over every projection's output made the QDQ model ~10% slower than the dynamic one
    (whose DynamicQuantizeMatMul takes the bias)."""
    import onnx
    from onnx import helper, numpy_helper
    m = onnx.load(str(path))
    g = m.graph
    inits = {t.name for t in g.initializer}
    producer = {o: n for n in g.node for o in n.output}
    consumers = collections.defaultdict(list)
    for n in g.node:
        for i in n.input:
            consumers[i].append(n)
    replace, drop = {}, set()
    for mm in [n for n in g.node if n.op_type == "MatMul"]:
        a_dq, w_dq = producer.get(mm.input[0]), producer.get(mm.input[1])
        if not (a_dq and w_dq and a_dq.op_type == w_dq.op_type == "DequantizeLinear"):
            continue
        if w_dq.input[0] not in inits or a_dq.input[0] not in producer:
            continue
        adds = consumers[mm.output[0]]
        if len(adds) != 1 or adds[0].op_type != "Add":
            continue
        add = adds[0]
        bias = [i for i in add.input if i != mm.output[0]][0]
        if bias not in inits:
            continue
        fused = helper.make_node(
            "MatMulIntegerToFloat",
            [a_dq.input[0], w_dq.input[0], a_dq.input[1], w_dq.input[1], a_dq.input[2], w_dq.input[2], bias],
            [add.output[0]], name=mm.name + "_integer", domain="com.microsoft")
        replace[id(mm)] = fused
        drop.add(id(add))
    nodes = [replace.get(id(n), n) for n in g.node if id(n) not in drop]
    used = {i for n in nodes for i in n.input} | {o.name for o in g.output}
    nodes = [n for n in nodes if n.op_type != "DequantizeLinear" or any(o in used for o in n.output)]
    del g.node[:]
    g.node.extend(nodes)
    if not any(o.domain == "com.microsoft" for o in m.opset_import):
        m.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.save(m, str(path))
    log(f"  {len(replace)} MatMul + bias Add written as MatMulIntegerToFloat")


def keep_residuals_float(path):
    """quantize_static hands every consumer of a quantised LayerNorm output the dequantised copy, the residual
    Add included; give the consumers other than MatMul the float tensor back, as the dynamic model has it: the
    residual stream then carries no rounding, and ORT runs fewer DequantizeLinear nodes."""
    import onnx
    m = onnx.load(str(path))
    g = m.graph
    producer = {o: n for n in g.node for o in n.output}
    rewired = 0
    for dq in [n for n in g.node if n.op_type == "DequantizeLinear"]:
        q = producer.get(dq.input[0])
        if q is None or q.op_type != "QuantizeLinear":
            continue
        src = producer.get(q.input[0])
        if src is None or src.op_type != "LayerNormalization":
            continue
        for c in g.node:
            if c.op_type in ("MatMul", "Gemm"):
                continue
            for k, i in enumerate(c.input):
                if i == dq.output[0]:
                    c.input[k] = q.input[0]
                    rewired += 1
    used = {i for n in g.node for i in n.input} | {o.name for o in g.output}
    dead = [n for n in g.node if n.op_type == "DequantizeLinear" and not any(o in used for o in n.output)]
    for n in dead:
        g.node.remove(n)
    onnx.checker.check_model(m)
    onnx.save(m, str(path))
    log(f"  {rewired} LayerNorm consumers other than MatMul read the float tensor; {len(dead)} DequantizeLinear removed")


# --------------------------------------------------------------------------- evaluation helpers
def logits_sorted(sess, tok, texts, batch_size=64):
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), 2), np.float32)
    for s in range(0, len(order), batch_size):
        b = order[s: s + batch_size]
        ids, mask = tc.batch_arrays(tok, [texts[i] for i in b])
        out[b] = sess.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0]
    return out


def accuracy(logits, labels):
    return float((logits.argmax(-1) == np.asarray(labels)).mean())


def data():
    (_, _), (va_x, va_y) = tc.split_train()
    dv_x, dv_y = tc.read_tsv(tc.SST2_DIR / "dev.tsv")
    return (va_x, va_y), (dv_x, dv_y)


# --------------------------------------------------------------------------- stages
def cmd_dequantize(a):
    left = dequantize(Path(a.src), DEQUANTIZED)
    log("wrote", DEQUANTIZED, f"{DEQUANTIZED.stat().st_size / 1e6:.1f} MB;", dict(left))
    tok = tokenizer()
    (va_x, va_y), (dv_x, dv_y) = data()
    fp, dyn = tc.session(DEQUANTIZED), tc.session(Path(a.src))

    # Exactness: quantising the rebuilt fp32 graph again the way train_compact.py did must give back the
    # shipped model's int8 weights, and so its logits.
    from onnxruntime.quantization import QuantType, quantize_dynamic
    again = QDQ_DIR / "model-dynamic-again.onnx"
    quantize_dynamic(str(DEQUANTIZED), str(again), weight_type=QuantType.QInt8, per_channel=True, reduce_range=True)
    rq = tc.session(again)
    worst = max(float(np.abs(rq.run(["logits"], f)[0] - dyn.run(["logits"], f)[0]).max())
                for f in (dict(zip(("input_ids", "attention_mask"), tc.batch_arrays(tok, [t])))
                          for t in dv_x[:200]))
    log(f"re-quantised dequantized model vs shipped dynamic model: max |logit diff| over 200 dev texts = {worst:.3e}")
    res = {"requantized_vs_shipped_max_abs_logit_diff": worst}
    for name, (x, y) in {"holdout": (va_x, va_y), "dev": (dv_x, dv_y)}.items():
        # batch 1, so that dynamic quantisation sees each text alone
        lf = np.concatenate([fp.run(["logits"], dict(zip(("input_ids", "attention_mask"),
                                                          tc.batch_arrays(tok, [t]))))[0] for t in x])
        ld = np.concatenate([dyn.run(["logits"], dict(zip(("input_ids", "attention_mask"),
                                                           tc.batch_arrays(tok, [t]))))[0] for t in x])
        d = np.abs(lf - ld)
        res[name] = {"acc_fp32_dequantized": accuracy(lf, y), "acc_dynamic_batch1": accuracy(ld, y),
                     "max_abs_logit_diff": float(d.max()), "mean_abs_logit_diff": float(d.mean()),
                     "argmax_agreement": float((lf.argmax(-1) == ld.argmax(-1)).mean()), "n": len(x)}
        log(name, res[name])
    (QDQ_DIR / "dequantize.json").write_text(json.dumps(res, indent=2) + "\n")


VARIANTS = {
    # name: quantize_qdq keyword arguments
    "minmax-matmul-output": {"method": "MinMax", "matmul_output": True, "embeddings_full_range": False},
    "minmax-embeddings-7bit": {"method": "MinMax", "embeddings_full_range": False},
    "minmax": {"method": "MinMax"},
    "percentile": {"method": "Percentile"},
    "entropy": {"method": "Entropy"},
    "minmax-noclassifier": {"method": "MinMax", "classifier": False},
    "minmax-residual": {"method": "MinMax", "float_residuals": True},
    "percentile-residual": {"method": "Percentile", "float_residuals": True},
    "minmax-residual-head": {"method": "MinMax", "float_residuals": True, "head": False},
    "percentile-residual-head": {"method": "Percentile", "float_residuals": True, "head": False},
    "percentile-residual-fused": {"method": "Percentile", "float_residuals": True, "fuse_bias": True},
    "minmax-residual-fused": {"method": "MinMax", "float_residuals": True, "fuse_bias": True},
}
# what train_compact.py's export tries, picked on the hold-out (on a tie, the first)
EXPORT_VARIANTS = ("percentile-residual-fused", "minmax-residual-fused")


def cmd_search(a):
    tok = tokenizer()
    texts, lines = calibration_texts()
    (va_x, va_y), _ = data()
    res_path = QDQ_DIR / "search.json"
    res = json.loads(res_path.read_text()) if res_path.exists() else {}
    res["_calibration"] = {"file": str(tc.SST2_DIR / "train.tsv"), "n": len(texts), "seed": CALIB_SEED,
                           "lines": lines}
    fp = tc.session(DEQUANTIZED)
    res["_fp32_dequantized_holdout"] = accuracy(logits_sorted(fp, tok, va_x), va_y)
    for name in a.variants or VARIANTS:
        t = time.time()
        path = QDQ_DIR / f"model-qdq-{name}.onnx"
        quantize_qdq(DEQUANTIZED, path, tok, texts, **VARIANTS[name])
        acc = accuracy(logits_sorted(tc.session(path), tok, va_x), va_y)
        res[name] = {"holdout": acc, "size": path.stat().st_size, "kwargs": VARIANTS[name],
                     "seconds": round(time.time() - t, 1)}
        log(f"{name}: hold-out {acc:.4f}  ({res['_fp32_dequantized_holdout']:.4f} fp32)  "
            f"{path.stat().st_size / 1e6:.1f} MB  {time.time() - t:.0f} s")
        res_path.write_text(json.dumps(res, indent=2) + "\n")


def alone_vs_batched(sess, tok, texts, rng):
    """Max |logits of a text alone - its logits in batches of mixed lengths and neighbours|."""
    alone = np.concatenate([sess.run(["logits"], dict(zip(("input_ids", "attention_mask"),
                                                           tc.batch_arrays(tok, [t]))))[0] for t in texts])
    worst = 0.0
    for size in (2, 8, 32):
        for _ in range(3):
            order = rng.permutation(len(texts))
            for s in range(0, len(order), size):
                b = order[s: s + size]
                ids, mask = tc.batch_arrays(tok, [texts[i] for i in b])
                got = sess.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0]
                worst = max(worst, float(np.abs(got - alone[b]).max()))
    return worst


def cmd_batch(a):
    tok = tokenizer()
    _, (dv_x, _) = data()
    texts = dv_x[: a.n]
    for p in [DEQUANTIZED] + [Path(x) for x in a.models]:
        for threads in (1, 2):
            w = alone_vs_batched(tc.session(p, threads), tok, texts, np.random.RandomState(1))
            log(f"{p}: {threads} thread(s), {len(texts)} dev texts, max |alone - batched| = {w:.3e}")


def cmd_bench(a):
    """Static vs dynamic, interleaved rounds in one process: SST-2 dev sentences sorted by length, cut into
    batches of b; each measurement cycles through the batches for at least a.seconds; the order of the models
    alternates from round to round."""
    tok = tokenizer()
    _, (dv_x, _) = data()
    texts = sorted(dv_x, key=lambda t: len(tok.encode(t).ids))
    models = {"dynamic": Path(a.dynamic), "static": Path(a.static)}
    out = {"models": {k: str(p) for k, p in models.items()}, "rounds": a.rounds, "seconds": a.seconds}
    for threads in a.threads:
        sess = {k: tc.session(p, threads) for k, p in models.items()}
        for bs in a.batches:
            batches = [tc.batch_arrays(tok, texts[s: s + bs]) for s in range(0, len(texts), bs)]
            for s in sess.values():  # warm-up
                for ids, mask in batches[:: max(1, len(batches) // 10)]:
                    s.run(["logits"], {"input_ids": ids, "attention_mask": mask})
            rates = {k: [] for k in sess}
            for r in range(a.rounds):
                for k in (list(sess) if r % 2 == 0 else list(sess)[::-1]):
                    n, i, t0 = 0, 0, time.perf_counter()
                    while time.perf_counter() - t0 < a.seconds:
                        ids, mask = batches[i % len(batches)]
                        sess[k].run(["logits"], {"input_ids": ids, "attention_mask": mask})
                        n += len(ids)
                        i += 1
                    rates[k].append(n / (time.perf_counter() - t0))
            ratio = [s / d for s, d in zip(rates["static"], rates["dynamic"])]
            row = {k: {"median": float(np.median(v)), "min": float(min(v)), "max": float(max(v))}
                   for k, v in rates.items()}
            row["ratio_static_over_dynamic"] = {"median": float(np.median(ratio)), "min": float(min(ratio)),
                                                "max": float(max(ratio))}
            out[f"threads{threads}-batch{bs}"] = row
            log(f"threads {threads} batch {bs}: dynamic {row['dynamic']['median']:.1f} texts/s, static "
                f"{row['static']['median']:.1f} texts/s, ratio {row['ratio_static_over_dynamic']['median']:.3f} "
                f"(min {min(ratio):.3f}, max {max(ratio):.3f}, {a.rounds} rounds)")
            (QDQ_DIR / a.out).write_text(json.dumps(out, indent=2) + "\n")


def cmd_install(a):
    src = Path(a.model)
    size = src.stat().st_size
    if size > 25 * 1024 * 1024 * 1.05:
        sys.exit(f"{src}: {size} bytes, too large to commit")
    shutil.copyfile(src, tc.OUT_DIR / "model.onnx")
    digest = hashlib.sha256((tc.OUT_DIR / "model.onnx").read_bytes()).hexdigest()
    (tc.OUT_DIR / "model.onnx.sha256").write_text(f"{digest}  model.onnx\n")
    log("installed", src, "sha256", digest, f"{size / 1e6:.1f} MB")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dequantize")
    d.add_argument("--src", default=str(SHIPPED))
    s = sub.add_parser("search")
    s.add_argument("variants", nargs="*", help=", ".join(VARIANTS))
    b = sub.add_parser("batch")
    b.add_argument("models", nargs="*")
    b.add_argument("--n", type=int, default=200)
    be = sub.add_parser("bench")
    be.add_argument("static")
    be.add_argument("--dynamic", default=str(SHIPPED))
    be.add_argument("--out", default="bench.json")
    be.add_argument("--threads", type=int, nargs="+", default=[2, 1])
    be.add_argument("--batches", type=int, nargs="+", default=[1, 8, 32])
    be.add_argument("--rounds", type=int, default=5)
    be.add_argument("--seconds", type=float, default=5.0)
    i = sub.add_parser("install")
    i.add_argument("model")
    a = ap.parse_args()
    globals()["cmd_" + a.cmd](a)


if __name__ == "__main__":
    main()
