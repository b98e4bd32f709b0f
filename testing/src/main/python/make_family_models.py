#!/usr/bin/env python3
"""Generate the committed tiny test models of other families than DistilBERT, with their references.

One directory per model under testing/src/main/resources/ (see MODELS below), and under
contract/ two tiny graphs that break the input contract, for the refusal tests:
  model.onnx      random-weight tiny *ForSequenceClassification exported with the input and
                  output names optimum uses (input_ids, attention_mask[, token_type_ids] ->
                  logits); tiny-multilabel's inputs are converted to int32
  config.json     model.config.to_json_string()
  tokenizer.json  a tokenizer of the family's structure (model, normalizer, pre-tokenizer,
                  special tokens and their ids, post-processor), trained with the `tokenizers`
                  library on SST-2 train sentences: the hub is out of reach, and the vocabularies
                  of real models would make the directory far larger than 2 MB
  reference.json  for each text, transformers' input_ids (AutoTokenizer loaded from the saved
                  tokenizer, add_special_tokens, truncation to 128) and the PyTorch logits and
                  probabilities (softmax, or sigmoid for the multi-label head) of the text alone
  SOURCE.md       provenance, sha256, the deviations measured below

The models are NOT sentiment models: their weights are random (fixed seed). They exist to test
that each family's tokenizer, inputs, padding and head are handled like transformers does.
The script fails (assertion) unless ONNX Runtime reproduces the PyTorch logits within 1e-5 for
each text alone and in padded batches of several compositions, and each directory is < 2 MB.

Usage (see README.md next to this file):
  python testing/src/main/python/make_family_models.py [--data /work/shared/data]
"""
import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import tokenizers
import torch
import transformers
from tokenizers import (Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers,
                        processors, trainers)
from transformers import (AutoTokenizer, BertConfig, BertForSequenceClassification,
                          DistilBertConfig, DistilBertForSequenceClassification,
                          PreTrainedTokenizerFast, RobertaConfig,
                          RobertaForSequenceClassification, XLMRobertaConfig,
                          XLMRobertaForSequenceClassification)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_test_model import (MAX_LENGTH, OPSET, SEED, TOL, build_texts,  # noqa: E402
                             read_published_ids, read_tsv_column)

REPO = Path(__file__).resolve().parents[4]
RESOURCES = REPO / "testing" / "src" / "main" / "resources"
VOCAB = 1500
MAX_BYTES = 2 * 1024 * 1024
GAIN = 1.5
TINY = dict(hidden=32, layers=2, heads=2, intermediate=64)


# --- tokenizers: the structure of each family's tokenizer.json -------------------------------

def wordpiece(corpus):
    """BERT uncased: BertNormalizer, BertPreTokenizer, WordPiece ##, [CLS] $A [SEP] template."""
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                                strip_accents=None, lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.train_from_iterator(corpus, trainers.WordPieceTrainer(
        vocab_size=VOCAB, special_tokens=specials, continuing_subword_prefix="##"))
    # the trainer numbers tokens in hash-map order: specials first, then sorted, for a reproducible file
    rest = sorted(t for t in tok.get_vocab() if t not in specials)
    tok.model = models.WordPiece({t: i for i, t in enumerate(specials + rest)}, unk_token="[UNK]",
                                 max_input_chars_per_word=100)
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0", pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    tok.decoder = decoders.WordPiece(prefix="##")
    assert [tok.token_to_id(s) for s in specials] == [0, 1, 2, 3, 4]
    return tok, dict(unk_token="[UNK]", sep_token="[SEP]", pad_token="[PAD]",
                     cls_token="[CLS]", mask_token="[MASK]")


def byte_level_bpe(corpus):
    """RoBERTa: ByteLevel pre-tokenizer and decoder, BPE, RobertaProcessing, <s>=0 <pad>=1 </s>=2."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=VOCAB, special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.add_special_tokens([tokenizers.AddedToken("<mask>", lstrip=True, special=True)])
    tok.post_processor = processors.RobertaProcessing(
        ("</s>", 2), ("<s>", 0), trim_offsets=True, add_prefix_space=False)
    assert [tok.token_to_id(s) for s in ["<s>", "<pad>", "</s>", "<unk>"]] == [0, 1, 2, 3]
    return tok, dict(bos_token="<s>", eos_token="</s>", unk_token="<unk>", sep_token="</s>",
                     pad_token="<pad>", cls_token="<s>", mask_token="<mask>")


def unigram(corpus):
    """XLM-R: NFKC (for sentencepiece's precompiled map), Metaspace, Unigram, <s> $A </s>."""
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(),
                                           normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    tok.train_from_iterator(corpus, trainers.UnigramTrainer(
        vocab_size=VOCAB, special_tokens=specials, unk_token="<unk>"))
    # the trainer's order and last digits vary from run to run: rounded scores, sorted, reproducibly
    pieces = json.loads(tok.to_str())["model"]["vocab"]
    rest = sorted(((p, round(score, 3)) for p, score in pieces if p not in specials),
                  key=lambda ps: (-ps[1], ps[0]))
    tok.model = models.Unigram([(p, 0.0) for p in specials] + rest, unk_id=3, byte_fallback=False)
    tok.add_special_tokens([tokenizers.AddedToken("<mask>", lstrip=True, special=True)])
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", 0), ("</s>", 2)])
    assert [tok.token_to_id(s) for s in ["<s>", "<pad>", "</s>", "<unk>"]] == [0, 1, 2, 3]
    return tok, dict(bos_token="<s>", eos_token="</s>", unk_token="<unk>", sep_token="</s>",
                     pad_token="<pad>", cls_token="<s>", mask_token="<mask>")


# --- models -----------------------------------------------------------------------------------

def bert(vocab, labels, problem_type):
    return BertForSequenceClassification(BertConfig(
        vocab_size=vocab, hidden_size=TINY["hidden"], num_hidden_layers=TINY["layers"],
        num_attention_heads=TINY["heads"], intermediate_size=TINY["intermediate"],
        max_position_embeddings=512, type_vocab_size=2, pad_token_id=0,
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, **labels, **problem_type))


def roberta(vocab, labels, problem_type):
    return RobertaForSequenceClassification(RobertaConfig(
        vocab_size=vocab, hidden_size=TINY["hidden"], num_hidden_layers=TINY["layers"],
        num_attention_heads=TINY["heads"], intermediate_size=TINY["intermediate"],
        max_position_embeddings=512 + 2, type_vocab_size=1, pad_token_id=1, bos_token_id=0,
        eos_token_id=2, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
        **labels, **problem_type))


def xlm_roberta(vocab, labels, problem_type):
    return XLMRobertaForSequenceClassification(XLMRobertaConfig(
        vocab_size=vocab, hidden_size=TINY["hidden"], num_hidden_layers=TINY["layers"],
        num_attention_heads=TINY["heads"], intermediate_size=TINY["intermediate"],
        max_position_embeddings=512 + 2, type_vocab_size=1, pad_token_id=1, bos_token_id=0,
        eos_token_id=2, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
        **labels, **problem_type))


def distilbert(vocab, labels, problem_type):
    return DistilBertForSequenceClassification(DistilBertConfig(
        vocab_size=vocab, max_position_embeddings=512, dim=TINY["hidden"],
        n_layers=TINY["layers"], n_heads=TINY["heads"], hidden_dim=TINY["intermediate"],
        dropout=0.0, attention_dropout=0.0, seq_classif_dropout=0.0, pad_token_id=0,
        **labels, **problem_type))


# name -> (architecture, tokenizer, labels, multi-label, token_type_ids input, int32 inputs,
#          the real models it stands for)
MODELS = {
    "tiny-bert": (bert, wordpiece, ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"],
                  False, True, False,
                  "nlptown/bert-base-multilingual-uncased-sentiment (BERT, WordPiece, token types)"),
    "tiny-roberta": (roberta, byte_level_bpe, ["negative", "neutral", "positive"],
                     False, False, False,
                     "cardiffnlp/twitter-roberta-base-sentiment-latest (RoBERTa, byte-level BPE)"),
    "tiny-xlm-roberta": (xlm_roberta, unigram,
                         ["sadness", "joy", "love", "anger", "fear", "surprise"],
                         False, False, False,
                         "XLM-R sentiment and emotion models (SentencePiece Unigram)"),
    "tiny-multilabel": (distilbert, wordpiece,
                        ["admiration", "amusement", "anger", "annoyance", "approval", "caring",
                         "confusion", "curiosity"],
                        True, False, True,
                        "multi-label emotion models such as SamLowe/roberta-base-go_emotions"
                        " (problem_type multi_label_classification, sigmoid)"),
}


def rescale(model, config):
    """Linear weights to std GAIN/sqrt(fan_in): with the default N(0, 0.02) init the first
    token's output barely depends on the text and every text gets the same logits."""
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, torch.nn.Linear):
                mod.weight.mul_(GAIN / (config.initializer_range * mod.weight.shape[1] ** 0.5))
    return model


def head(model):
    """The Linear layer that makes the logits: its bias sets where the logits of the texts centre."""
    n = model.config.num_labels
    layers = [m for m in model.modules() if isinstance(m, torch.nn.Linear) and m.out_features == n]
    assert len(layers) == 1, layers
    return layers[0]


def feeds(batch, pad_id, token_types, dtype=np.int64):
    width = max(c["tokens"] for c in batch)
    ids = np.full((len(batch), width), pad_id, dtype=dtype)
    mask = np.zeros((len(batch), width), dtype=dtype)
    for r, c in enumerate(batch):
        ids[r, :c["tokens"]] = c["input_ids"]
        mask[r, :c["tokens"]] = 1
    out = {"input_ids": ids, "attention_mask": mask}
    if token_types:
        out["token_type_ids"] = np.zeros_like(ids)
    return out


class Logits(torch.nn.Module):
    """The model as optimum exports it: named inputs in optimum's order, logits only."""

    def __init__(self, model, token_types):
        super().__init__()
        self.model = model
        self.token_types = token_types

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        if self.token_types:
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).logits
        return self.model(input_ids=input_ids, attention_mask=attention_mask).logits


def export_onnx(model, path, pad_id, token_types, labels):
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if token_types else [])
    dummy = feeds([{"tokens": 5, "input_ids": [0, 5, 6, 7, 2]},
                   {"tokens": 3, "input_ids": [0, 8, 2]}], pad_id, token_types)
    axes = {n: {0: "batch_size", 1: "sequence_length"} for n in names}
    axes["logits"] = {0: "batch_size"}
    torch.onnx.export(Logits(model, token_types), tuple(torch.from_numpy(dummy[n]) for n in names),
                      str(path), input_names=names, output_names=["logits"], dynamic_axes=axes,
                      opset_version=OPSET, do_constant_folding=True, dynamo=False)
    m = onnx.load(str(path))
    onnx.checker.check_model(m)
    sig = [(v.name, v.type.tensor_type.elem_type,
            [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]) for v in m.graph.input]
    assert sig == [(n, onnx.TensorProto.INT64, ["batch_size", "sequence_length"]) for n in names], sig
    out = m.graph.output[0]
    assert out.name == "logits" and [d.dim_param or d.dim_value for d in
                                     out.type.tensor_type.shape.dim] == ["batch_size", labels]


def to_int32_inputs(path):
    """Graph inputs as int32, cast to int64 where the graph reads them (as some exports have)."""
    m = onnx.load(str(path))
    casts = []
    for graph_input in m.graph.input:
        name = graph_input.name
        for node in m.graph.node:
            node.input[:] = [name + "_int64" if i == name else i for i in node.input]
        graph_input.type.tensor_type.elem_type = onnx.TensorProto.INT32
        casts.append(onnx.helper.make_node("Cast", [name], [name + "_int64"],
                                           to=onnx.TensorProto.INT64, name="Cast_" + name))
    nodes = casts + list(m.graph.node)
    del m.graph.node[:]
    m.graph.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, str(path))


def probabilities(logits, multi_label):
    return torch.sigmoid(logits) if multi_label else torch.softmax(logits, dim=-1)


def make(name, data, texts, corpus):
    arch, make_tokenizer, label_names, multi_label, token_types, int32, stands_for = MODELS[name]
    out = RESOURCES / name
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(SEED)

    tok, specials = make_tokenizer(corpus)
    tok_path = out / "tokenizer.json"
    tok.save(str(tok_path))
    # transformers' ids: the fast tokenizer loaded the way a model repository is loaded
    with tempfile.TemporaryDirectory() as tmp:
        PreTrainedTokenizerFast(tokenizer_file=str(tok_path), **specials).save_pretrained(tmp)
        hf_tok = AutoTokenizer.from_pretrained(tmp)

    labels = dict(id2label=dict(enumerate(label_names)),
                  label2id={l: i for i, l in enumerate(label_names)})
    problem = dict(problem_type="multi_label_classification") if multi_label else {}
    model = arch(tok.get_vocab_size(), labels, problem)
    model.config._attn_implementation = "eager"  # plain MatMul/Softmax graph, like optimum's
    model.config.architectures = [type(model).__name__]
    rescale(model, model.config).eval()
    pad_id = model.config.pad_token_id
    assert pad_id == hf_tok.pad_token_id, (pad_id, hf_tok.pad_token_id)

    cases = []
    for text in texts:
        full = hf_tok(text, add_special_tokens=True, truncation=False)["input_ids"]
        ids = hf_tok(text, add_special_tokens=True, truncation=True, max_length=MAX_LENGTH)["input_ids"]
        assert full == tok.encode(text).ids, text
        assert len(full) > MAX_LENGTH or ids == full, text
        cases.append({"text": text, "input_ids": ids, "tokens": len(ids),
                      "truncated": len(full) > MAX_LENGTH})

    def forward(batch):
        f = {k: torch.from_numpy(v) for k, v in feeds(batch, pad_id, token_types).items()}
        with torch.no_grad():
            return model(**f).logits

    # centre the logits of the texts: each label wins (or is above 0.5) for a share of them
    with torch.no_grad():
        head(model).bias.sub_(torch.cat([forward([c]) for c in cases]).median(dim=0).values)
        if multi_label:
            head(model).bias.add_(torch.linspace(-1.5, -0.1, len(label_names)))
    for c in cases:
        logits = forward([c])[0]
        c["logits"] = [float(x) for x in logits]
        c["probabilities"] = [float(x) for x in probabilities(logits, multi_label)]

    (out / "config.json").write_text(model.config.to_json_string(), encoding="utf-8")
    cfg = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert cfg["pad_token_id"] == pad_id and len(cfg["id2label"]) == len(label_names)
    assert cfg.get("problem_type") == ("multi_label_classification" if multi_label else None)

    model_path = out / "model.onnx"
    export_onnx(model, model_path, pad_id, token_types, len(label_names))
    if int32:
        to_int32_inputs(model_path)
    dtype = np.int32 if int32 else np.int64

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(model_path), so, providers=["CPUExecutionProvider"])
    dev = {"alone": 0.0, "padded": 0.0, "padded with id 0": 0.0, "torch padded": 0.0}
    for c in cases:
        got = sess.run(["logits"], feeds([c], pad_id, token_types, dtype))[0][0]
        dev["alone"] = max(dev["alone"], float(np.abs(got - c["logits"]).max()))
    order = list(range(len(cases)))
    random.Random(SEED + 2).shuffle(order)
    for bs in (2, 7, 16, len(cases)):
        for start in range(0, len(order), bs):
            batch = [cases[i] for i in order[start:start + bs]]
            ref = np.array([c["logits"] for c in batch])
            got = sess.run(["logits"], feeds(batch, pad_id, token_types, dtype))[0]
            dev["padded"] = max(dev["padded"], float(np.abs(got - ref).max()))
            # what padding with 0 whatever pad_token_id says would give
            zero = sess.run(["logits"], feeds(batch, 0, token_types, dtype))[0]
            dev["padded with id 0"] = max(dev["padded with id 0"], float(np.abs(zero - ref).max()))
            if bs != len(cases):
                dev["torch padded"] = max(dev["torch padded"],
                                          float(np.abs(forward(batch).numpy() - ref).max()))
    for k, v in dev.items():
        print(f"  {name}: max |logits - torch alone|, {k:<17}: {v:.3e}")
    assert dev["alone"] <= TOL and dev["padded"] <= TOL, dev

    all_logits = np.array([c["logits"] for c in cases])
    if multi_label:
        probs = np.array([c["probabilities"] for c in cases])
        # no text on the fence: tests compare the labels above 0.5 within the 1e-4 tolerance
        assert np.abs(probs - 0.5).min() > 1e-4, np.abs(probs - 0.5).min()
        above = probs > 0.5
        per_text = above.sum(1)
        assert (per_text == 0).any() and (per_text == 1).any() and (per_text >= 2).any(), per_text
        assert above.any(0).all() and (~above).any(0).all(), above.sum(0)
        print(f"  {name}: labels above 0.5 per text: {np.bincount(per_text).tolist()}")
    else:
        wins = np.bincount(all_logits.argmax(1), minlength=len(label_names))
        assert (wins > 0).all(), wins
        print(f"  {name}: texts won per label: {wins.tolist()}")
    assert sum(c["truncated"] for c in cases) >= 2

    generator = (f"testing/src/main/python/make_family_models.py (seed {SEED}, gain {GAIN}, "
                 f"torch {torch.__version__}, transformers {transformers.__version__}, "
                 f"tokenizers {tokenizers.__version__}, onnx {onnx.__version__}, "
                 f"onnxruntime {ort.__version__}, opset {OPSET})")
    with open(out / "reference.json", "w", encoding="utf-8", newline="\n") as f:
        f.write("{" + f'"generator": {json.dumps(generator)}, "max_length": {MAX_LENGTH}, '
                f'"labels": {json.dumps(label_names)}, "multi_label": {json.dumps(multi_label)}, '
                f'"pad_token_id": {pad_id}, "cases": [\n')
        f.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in cases))
        f.write("\n]}\n")
    assert json.loads((out / "reference.json").read_text(encoding="utf-8"))["cases"] == cases

    sha = hashlib.sha256(model_path.read_bytes()).hexdigest()
    inputs = ["input_ids", "attention_mask"] + (["token_type_ids"] if token_types else [])
    (out / "SOURCE.md").write_text(f"""# {name} test model

Stands for: {stands_for}.

- `model.onnx`: **random-weight** tiny {type(model).__name__} (hidden {TINY['hidden']},
  {TINY['layers']} layers, {TINY['heads']} heads, intermediate {TINY['intermediate']}, vocab
  {tok.get_vocab_size()}, max_position_embeddings {model.config.max_position_embeddings},
  pad_token_id {pad_id}), {len(label_names)} labels,
  {'multi-label (sigmoid)' if multi_label else 'single-label (softmax)'}. Linear weights rescaled
  to std {GAIN}/sqrt(fan_in); the last layer's bias centres the logits of the reference texts.
  **It is NOT a sentiment model**: its labels mean nothing.
  Exported with torch.onnx (legacy exporter, opset {OPSET}) with optimum's names: inputs
  {', '.join(f'`{i}`' for i in inputs)} ({'int32, cast to int64 inside the graph' if int32 else 'int64'}
  [batch_size, sequence_length]), output `logits` (float [batch_size, {len(label_names)}]).
  sha256 `{sha}`
- `config.json`: `model.config` of that model.
- `tokenizer.json`: trained by the script with the `tokenizers` library on the SST-2 train
  sentences ({VOCAB} tokens), with the family's structure: {make_tokenizer.__doc__}
- `reference.json`: for each text, transformers' `input_ids` (AutoTokenizer of this tokenizer,
  add_special_tokens, truncation to {MAX_LENGTH}, no padding) and the PyTorch logits and
  {'sigmoid' if multi_label else 'softmax'} probabilities of the text alone. The texts are those of
  tiny-distilbert's reference.
  ONNX Runtime reproduces these logits within {TOL:g} alone and in padded batches (max deviation
  {max(dev['alone'], dev['padded']):.1e}); padded with id 0 instead of pad_token_id {pad_id}, the
  deviation is {dev['padded with id 0']:.1e}.

{generator}
""", encoding="utf-8")

    size = sum(p.stat().st_size for p in out.iterdir())
    for p in sorted(out.iterdir()):
        print(f"{p.stat().st_size:>10}  {p.relative_to(REPO)}")
    assert size < MAX_BYTES, size
    print(f"  {name}: {len(cases)} cases, model.onnx sha256 {sha}")


def contract_models():
    """Tiny graphs whose inputs break the model contract in one way each, for the refusal tests:
    an input beyond the three optimum names, and a float attention mask. Their logits are a
    function of input_ids only; they are never run, only loaded and checked."""
    out = RESOURCES / "contract"
    out.mkdir(parents=True, exist_ok=True)
    h, T = onnx.helper, onnx.TensorProto
    for name, inputs in {
        "extra-input.onnx": [("input_ids", T.INT64), ("attention_mask", T.INT64),
                             ("position_ids", T.INT64)],
        "float-mask.onnx": [("input_ids", T.INT64), ("attention_mask", T.FLOAT)],
    }.items():
        nodes = [h.make_node("ReduceSum", ["input_ids"], ["sum"], keepdims=1),
                 h.make_node("Cast", ["sum"], ["sum_float"], to=T.FLOAT),
                 h.make_node("Concat", ["sum_float", "sum_float"], ["logits"], axis=1)]
        graph = h.make_graph(
            nodes, name.removesuffix(".onnx"),
            [h.make_tensor_value_info(n, t, ["batch_size", "sequence_length"]) for n, t in inputs],
            [h.make_tensor_value_info("logits", T.FLOAT, ["batch_size", 2])])
        m = h.make_model(graph, opset_imports=[h.make_opsetid("", OPSET)],
                         producer_name="make_family_models.py", ir_version=8)
        onnx.checker.check_model(m)
        onnx.save(m, str(out / name))
        ort.InferenceSession(str(out / name), providers=["CPUExecutionProvider"])
        print(f"{(out / name).stat().st_size:>10}  {(out / name).relative_to(REPO)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("SHARED_DATA", "/work/shared/data"))
    ap.add_argument("models", nargs="*", default=list(MODELS) + ["contract"])
    args = ap.parse_args()
    data = Path(args.data)
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    published = read_published_ids(data / "distilbert-sst2" / "reference_logits.txt")
    texts = build_texts(data, published)
    corpus = [s.strip() for s in read_tsv_column(data / "sst2" / "train.tsv", 2)]
    for name in args.models:
        if name == "contract":
            contract_models()
        else:
            make(name, data, texts, corpus)


if __name__ == "__main__":
    sys.exit(main())
