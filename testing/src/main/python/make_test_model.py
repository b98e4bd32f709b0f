#!/usr/bin/env python3
"""Generate the committed tiny DistilBERT test model and its PyTorch reference logits.

Outputs (under testing/src/main/resources/tiny-distilbert/):
  model.onnx      random-weight tiny DistilBertForSequenceClassification, exported with the
                  optimum contract: inputs input_ids / attention_mask (int64 [batch_size,
                  sequence_length]), output logits (float [batch_size, 2])
  config.json     model.config.to_json_string()
  tokenizer.json  byte-for-byte copy of bert-base-uncased tokenizer.json (same WordPiece
                  vocabulary as distilbert-base-uncased)
  reference.json  per-text input_ids and PyTorch logits (each text alone, no padding,
                  truncation to 128 tokens)
  SOURCE.md       provenance + sha256 of model.onnx

The model is NOT a sentiment model: its weights are random (fixed seed), scaled so that the
logits differ visibly between texts. It only exists to test tokenization, batching, padding,
truncation and the ONNX Runtime plumbing against numbers computed by Hugging Face itself.

Usage (see README.md next to this file):
  python testing/src/main/python/make_test_model.py [--data /work/shared/data]
"""
import argparse
import hashlib
import json
import os
import random
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
import transformers
from transformers import (DistilBertConfig, DistilBertForSequenceClassification,
                          PreTrainedTokenizerFast)

SEED = 20260101
MAX_LENGTH = 128
N_SST2 = 100
OPSET = 14
TOL = 1e-5
# Linear layers are re-scaled (deterministically, by a constant factor) from the default
# N(0, 0.02) init to std = GAIN / sqrt(fan_in); with the default init the [CLS] output barely
# depends on the text and all logits are ~ -0.01.
GAIN = 1.5
CLASSIFIER_GAIN = 1.0
# constant classifier bias [NEGATIVE, POSITIVE]: shifts the median margin (~+1.3 without it) so
# that both labels win for a fair share of the reference texts
CLASSIFIER_BIAS = (0.6, -0.6)

REPO = Path(__file__).resolve().parents[4]
OUT = REPO / "testing" / "src" / "main" / "resources" / "tiny-distilbert"


def build_model():
    torch.manual_seed(SEED)
    config = DistilBertConfig(
        vocab_size=30522, max_position_embeddings=512, dim=32, n_layers=2, n_heads=2,
        hidden_dim=64, dropout=0.0, attention_dropout=0.0, seq_classif_dropout=0.0,
        id2label={0: "NEGATIVE", 1: "POSITIVE"}, label2id={"NEGATIVE": 0, "POSITIVE": 1},
        pad_token_id=0)
    # eager attention: plain MatMul/Softmax graph, like the classic optimum export
    config._attn_implementation = "eager"
    model = DistilBertForSequenceClassification(config)
    with torch.no_grad():
        for name, mod in model.named_modules():
            if isinstance(mod, torch.nn.Linear):
                fan_in = mod.weight.shape[1]
                gain = CLASSIFIER_GAIN if name == "classifier" else GAIN
                mod.weight.mul_(gain / (config.initializer_range * fan_in ** 0.5))
        model.classifier.bias.copy_(torch.tensor(CLASSIFIER_BIAS))
    return model.eval()


def load_tokenizer(path):
    return PreTrainedTokenizerFast(tokenizer_file=str(path), unk_token="[UNK]",
                                   sep_token="[SEP]", pad_token="[PAD]", cls_token="[CLS]",
                                   mask_token="[MASK]")


def read_published_ids(path):
    """'text  [ids]  (source)' lines of reference_logits.txt -> [(text, ids)]."""
    out = []
    pat = re.compile(r"^(.*?)  \[([0-9, ]+)\]  \(")
    in_section = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# Published token ids"):
                in_section = True
                continue
            if line.startswith("#"):
                in_section = False
                continue
            m = pat.match(line)
            if in_section and m:
                out.append((m.group(1), [int(x) for x in m.group(2).split(",")]))
    return out


def read_tsv_column(path, ncols):
    """Plain tab split, no quote processing; returns first column, text kept exactly."""
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    for line in lines[1:]:
        if not line:
            continue
        parts = line.split("\t")
        assert len(parts) == ncols, (path, line)
        rows.append(parts[0])
    return rows


def build_texts(data, published):
    texts = []

    def add(t):
        if t not in texts:
            texts.append(t)

    # 1. published texts (reference_outputs.tsv sentences + reference_logits.txt texts)
    for s in read_tsv_column(data / "distilbert-sst2" / "reference_outputs.tsv", 5):
        add(s)
    for t, _ in published:
        add(t)
    # 2. SST-2 train sample, fixed seed, text exactly as in the file (trailing space kept)
    sst2 = read_tsv_column(data / "sst2" / "train.tsv", 2)
    rng = random.Random(SEED)
    sample = [sst2[i] for i in rng.sample(range(len(sst2)), N_SST2)]
    for s in sample:
        add(s)
    # 3. long texts (> 128 tokens -> truncated)
    add(" ".join(s.strip() for s in sample[:12]))
    long_rng = random.Random(SEED + 1)
    long = []
    for s in long_rng.sample(sst2, 200):
        long.append(s.strip())
        if len(" ".join(long).split()) > 260:
            break
    add(" ".join(long))
    # boundary: exactly 128 tokens (not truncated) and 129 tokens (truncated)
    add("good " * 126)
    add("good " * 127)
    # 4. odd inputs
    for t in [
        "Café crème brûlée était délicieux",
        "naïve résumé",
        "I love it 😍🔥",
        "🤗",
        "这部电影太棒了",
        "映画はとても良かった",
        "이 영화 정말 좋았어요",
        "هذا الفيلم رائع جدا",
        "ThIs MoViE wAs AbSoLuTeLy TERRIBLE",
        "THIS MOVIE WAS GREAT",
        "!!!",
        "...",
        "a",
        "   ",
        "\t\n",
        "",
        'He said "it\'s fine"\tbut it wasn\'t',
        "don't stop\tbelieving",
        "Ünïcödé ÀÉÎÕÜ ﬁne ligature and ＦＵＬＬＷＩＤＴＨ",
        "e-mail me at test@example.com, costs $5.99 (50% off)!",
    ]:
        add(t)
    return texts


def encode(tok, text):
    full = tok(text, add_special_tokens=True, truncation=False)["input_ids"]
    ids = tok(text, add_special_tokens=True, truncation=True, max_length=MAX_LENGTH)["input_ids"]
    return ids, len(full) > MAX_LENGTH


def export_onnx(model, path):
    dummy_ids = torch.tensor([[101, 1045, 5223, 2023, 102], [101, 2061, 102, 0, 0]],
                             dtype=torch.int64)
    dummy_mask = (dummy_ids != 0).to(torch.int64)
    torch.onnx.export(
        model, (dummy_ids, dummy_mask), str(path),
        input_names=["input_ids", "attention_mask"], output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch_size", 1: "sequence_length"},
                      "attention_mask": {0: "batch_size", 1: "sequence_length"},
                      "logits": {0: "batch_size"}},
        opset_version=OPSET, do_constant_folding=True, dynamo=False)
    m = onnx.load(str(path))
    onnx.checker.check_model(m)
    i64, f32 = onnx.TensorProto.INT64, onnx.TensorProto.FLOAT

    def sig(vi):
        dims = [d.dim_param or d.dim_value for d in vi.type.tensor_type.shape.dim]
        return vi.name, vi.type.tensor_type.elem_type, dims
    got_in = [sig(v) for v in m.graph.input]
    got_out = [sig(v) for v in m.graph.output]
    assert got_in == [("input_ids", i64, ["batch_size", "sequence_length"]),
                      ("attention_mask", i64, ["batch_size", "sequence_length"])], got_in
    assert got_out == [("logits", f32, ["batch_size", 2])], got_out
    opset = max(o.version for o in m.opset_import if o.domain in ("", "ai.onnx"))
    assert opset >= 14, opset
    return opset


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("SHARED_DATA", "/work/shared/data"))
    args = ap.parse_args()
    data = Path(args.data)
    OUT.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))

    # tokenizer: exact copy of bert-base-uncased tokenizer.json
    tok_path = OUT / "tokenizer.json"
    shutil.copyfile(data / "bert-base-uncased" / "tokenizer.json", tok_path)
    tok = load_tokenizer(tok_path)

    published = read_published_ids(data / "distilbert-sst2" / "reference_logits.txt")
    assert len(published) >= 7, published
    for text, ids in published:
        got = tok(text, add_special_tokens=True)["input_ids"]
        assert got == ids, (text, got, ids)
    print(f"published token ids reproduced: {len(published)} texts")

    model = build_model()
    model.config.architectures = ["DistilBertForSequenceClassification"]
    (OUT / "config.json").write_text(model.config.to_json_string(), encoding="utf-8")
    cfg = json.loads((OUT / "config.json").read_text(encoding="utf-8"))
    assert cfg["id2label"] == {"0": "NEGATIVE", "1": "POSITIVE"}, cfg["id2label"]
    assert cfg["max_position_embeddings"] == 512 and cfg["model_type"] == "distilbert"

    texts = build_texts(data, published)
    cases = []
    with torch.no_grad():
        for text in texts:
            ids, truncated = encode(tok, text)
            logits = model(input_ids=torch.tensor([ids]),
                           attention_mask=torch.ones(1, len(ids), dtype=torch.int64)).logits[0]
            cases.append({"text": text, "input_ids": ids, "tokens": len(ids),
                          "truncated": truncated,
                          "logits": [float(x) for x in logits.tolist()]})
    assert sum(c["truncated"] for c in cases) >= 2

    model_path = OUT / "model.onnx"
    opset = export_onnx(model, model_path)

    # ONNX Runtime vs PyTorch: each text alone, then padded batches
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(model_path), so, providers=["CPUExecutionProvider"])
    dev_alone = 0.0
    for c in cases:
        ids = np.array([c["input_ids"]], dtype=np.int64)
        out = sess.run(["logits"], {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0]
        dev_alone = max(dev_alone, float(np.abs(out[0] - np.array(c["logits"])).max()))
    dev_padded = 0.0
    dev_pt_padded = 0.0
    order = list(range(len(cases)))
    random.Random(SEED + 2).shuffle(order)
    for bs in (2, 7, 16, len(cases)):
        for start in range(0, len(order), bs):
            batch = [cases[i] for i in order[start:start + bs]]
            width = max(c["tokens"] for c in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for r, c in enumerate(batch):
                ids[r, :c["tokens"]] = c["input_ids"]
                mask[r, :c["tokens"]] = 1
            out = sess.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0]
            ref = np.array([c["logits"] for c in batch])
            dev_padded = max(dev_padded, float(np.abs(out - ref).max()))
            if bs != len(cases):
                with torch.no_grad():
                    pt = model(input_ids=torch.from_numpy(ids),
                               attention_mask=torch.from_numpy(mask)).logits.numpy()
                dev_pt_padded = max(dev_pt_padded, float(np.abs(pt - ref).max()))
    print(f"max |onnx - torch| each text alone : {dev_alone:.3e}")
    print(f"max |onnx - torch| padded batches  : {dev_padded:.3e}")
    print(f"max |torch padded - torch alone|   : {dev_pt_padded:.3e}")
    assert dev_alone <= TOL and dev_padded <= TOL, (dev_alone, dev_padded)

    generator = (f"testing/src/main/python/make_test_model.py (seed {SEED}, gain {GAIN}, "
                 f"torch {torch.__version__}, transformers {transformers.__version__}, "
                 f"onnx {onnx.__version__}, onnxruntime {ort.__version__}, opset {opset})")
    # one case per line (readable diffs); ensure_ascii=False keeps emoji/CJK literal UTF-8
    with open(OUT / "reference.json", "w", encoding="utf-8", newline="\n") as f:
        f.write("{" + f'"generator": {json.dumps(generator)}, "max_length": {MAX_LENGTH}, '
                '"cases": [\n')
        f.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in cases))
        f.write("\n]}\n")
    assert json.loads((OUT / "reference.json").read_text(encoding="utf-8"))["cases"] == cases

    sha = hashlib.sha256(model_path.read_bytes()).hexdigest()
    tok_sha = hashlib.sha256(tok_path.read_bytes()).hexdigest()
    (OUT / "SOURCE.md").write_text(f"""# tiny-distilbert test model

- `model.onnx`: **random-weight** tiny DistilBertForSequenceClassification (dim 32, 2 layers,
  2 heads, hidden 64, vocab 30522, 512 positions), generated by
  `testing/src/main/python/make_test_model.py` (seed {SEED}; Linear weights rescaled to
  std {GAIN}/sqrt(fan_in) and classifier bias set to {list(CLASSIFIER_BIAS)} so that logits
  vary between texts). **It is NOT a sentiment model**: its NEGATIVE/POSITIVE labels mean
  nothing. It exists only to test tokenization, truncation,
  padding/batching and ONNX Runtime plumbing.
  Exported with torch.onnx (legacy exporter, opset {opset}) in the optimum contract: inputs
  `input_ids`, `attention_mask` (int64 [batch_size, sequence_length]), output `logits`
  (float [batch_size, 2]).
  sha256 `{sha}`
- `config.json`: `model.config` of that model (transformers {transformers.__version__}).
- `tokenizer.json`: unchanged copy of bert-base-uncased `tokenizer.json` (the same uncased
  WordPiece vocabulary as distilbert-base-uncased). sha256 `{tok_sha}`
- `reference.json`: for each text, the Hugging Face fast tokenizer's `input_ids`
  (add_special_tokens, truncation to {MAX_LENGTH}, no padding) and the PyTorch logits of the
  text alone. Texts: {N_SST2} SST-2 train sentences (fixed seed, kept exactly as in the file
  including the trailing space), the published distilbert-sst2 example sentences, and edge
  cases (long/truncated, accents, emoji, CJK, Korean, Arabic, whitespace-only, empty, ...).
  ONNX Runtime reproduces these logits within {TOL:g} alone and in padded batches
  (max deviation {max(dev_alone, dev_padded):.1e}).

{generator}
""", encoding="utf-8")

    all_logits = np.array([c["logits"] for c in cases])
    print(f"cases: {len(cases)}, truncated: {sum(c['truncated'] for c in cases)}, "
          f"max tokens: {max(c['tokens'] for c in cases)}")
    print(f"logit[0] range {all_logits[:, 0].min():.3f}..{all_logits[:, 0].max():.3f}, "
          f"logit[1] range {all_logits[:, 1].min():.3f}..{all_logits[:, 1].max():.3f}, "
          f"argmax POSITIVE {int((all_logits.argmax(1) == 1).sum())}/{len(cases)}")
    for p in sorted(OUT.iterdir()):
        print(f"{p.stat().st_size:>10}  {p.relative_to(REPO)}")
    print(f"model.onnx sha256 {sha}")


if __name__ == "__main__":
    sys.exit(main())
