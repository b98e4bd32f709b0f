"""Long-text strategies for the sst2-minilm-l6 ONNX model: accuracy and cost on reviews longer than the
model's training length (128 tokens), e.g. the IMDB split written by models/imdb_split.py.

What it measures: for each strategy (how a review's WordPiece tokens are turned into one or more model
windows, and how the windows' logits are combined into one label), with HTML cleanup on and/or off:
  accuracy (%), number of reviews, mean windows (model calls) per review, total tokens computed
  (sum over windows of the unpadded window length, [CLS]/[SEP] included), padded tokens, and CPU seconds
  (time.process_time: window building + ONNX Runtime, 1 intra-op / 1 inter-op thread) per 1,000 reviews.
Windows of similar length are batched together (sorted by length; a batch holds at most --max-batch
windows and at most --token-budget padded tokens, padded to its longest window, attention_mask 0 on padding),
as the Java pipeline does, so the CPU numbers are realistic. Tokenization of the full text is common to
every strategy and is reported separately (one line per cleanup setting).

Strategies (L = max sequence length incl. the 2 special tokens, C = L - 2 content tokens; content = the
review's tokens without [CLS]/[SEP]; a text with <= C content tokens is always the single truncate window):
  truncate-L                      [CLS] + first C content tokens + [SEP]             (L = 128 or 512)
  tail-L                          last C content tokens (= head-tail-L-0)
  head-tail-L-H                   first H and last C-H content tokens in one window  (e.g. head-tail-512-128)
  windows-L-overlap-O-greedy      windows of <= C content tokens, consecutive windows share O tokens
                                  (stride C-O), all full except the last
  windows-L-overlap-O-balanced    same number of windows k (the minimum needed), near-equal lengths, overlap O
Combining rules for windows-* (same model calls, so the same cost; one table row each):
  wmean   token-weighted mean of logits (weights = content tokens per window)
  mean    plain mean of logits
  prob    mean of softmax probabilities
  maxconf the single window with the highest softmax confidence
  endlin  mean of logits with weights 1, 2, ..., k (growing toward the end of the review)
  last    last window only
HTML cleanup (--cleanup on): <br />, <br/>, <br> (any case/spaces) -> space; other tags matching
<[A-Za-z/!][^>]*> removed; html.unescape; whitespace runs -> one space; strip. A bare '<' is kept.

Input: JSONL with fields text, label (0/1) (e.g. dev.jsonl from imdb_split.py) or a GLUE TSV with header
sentence<TAB>label (e.g. SST-2 dev.tsv).

Run (from the repository root):
  python models/long_text_eval.py --data OUT/dev.jsonl --cleanup both \\
      --strategies truncate-128 windows-128-overlap-0-greedy windows-128-overlap-32-balanced \\
      --combine wmean mean prob maxconf endlin --lengths --raw-out OUTDIR
Needs onnxruntime, tokenizers, numpy (models/requirements.txt). Prints Markdown tables to stdout.
"""
import argparse
import html
import json
import math
import os
import re
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MODEL_DIR = os.path.join(HERE, "sst2-minilm-l6")
CLS, SEP, PAD = 101, 102, 0
COMBINES = ("wmean", "mean", "prob", "maxconf", "endlin", "last")

_BR = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[A-Za-z/!][^>]*>")
_WS = re.compile(r"\s+")


def cleanup(text):
    text = _BR.sub(" ", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    return _WS.sub(" ", text).strip()


def load(path):
    texts, labels = [], []
    if path.endswith(".tsv"):
        with open(path, encoding="utf-8") as f:
            header = f.readline().rstrip("\n").split("\t")
            si, li = header.index("sentence"), header.index("label")
            for line in f:
                if not line.strip():
                    continue
                parts = line.rstrip("\n").split("\t")
                texts.append(parts[si])
                labels.append(int(parts[li]))
    else:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    texts.append(r["text"])
                    labels.append(int(r["label"]))
    return texts, np.array(labels, dtype=np.int64)


# ---------------------------------------------------------------- windows (lists of content-token slices)

def parse_strategy(name):
    p = name.split("-")
    if p[0] == "truncate" and len(p) == 2:
        return {"kind": "headtail", "L": int(p[1]), "H": None}
    if p[0] == "tail" and len(p) == 2:
        return {"kind": "headtail", "L": int(p[1]), "H": 0}
    if p[:2] == ["head", "tail"] and len(p) == 4:
        return {"kind": "headtail", "L": int(p[2]), "H": int(p[3])}
    if p[0] == "windows" and len(p) == 5 and p[2] == "overlap" and p[4] in ("greedy", "balanced"):
        return {"kind": "windows", "L": int(p[1]), "O": int(p[3]), "scheme": p[4]}
    raise SystemExit(f"unknown strategy {name!r}")


def window_spans(n, spec):
    """Content-token spans [(start, end), ...] (head-tail: one window made of two spans)."""
    C = spec["L"] - 2
    if n <= C:
        return [[(0, n)]]
    if spec["kind"] == "headtail":
        H = spec["H"]
        if H is None:
            return [[(0, C)]]
        return [[(0, H), (n - (C - H), n)]] if H > 0 else [[(n - C, n)]]
    O = spec["O"]
    S = C - O
    k = math.ceil((n - O) / S)
    if spec["scheme"] == "greedy":
        return [[(i * S, min(i * S + C, n))] for i in range(k)]
    total = n + (k - 1) * O
    base, rem = divmod(total, k)
    spans, s = [], 0
    for i in range(k):
        ln = base + (1 if i < rem else 0)
        spans.append([(s, s + ln)])
        s += ln - O
    assert spans[-1][0][1] == n and all(b - a <= C for (a, b), in spans), (n, spans)
    return spans


def build_windows(contents, spec):
    """Returns windows (list of int lists incl. CLS/SEP), owner review index per window, content length per window."""
    windows, owner = [], []
    for r, ids in enumerate(contents):
        for spans in window_spans(len(ids), spec):
            w = [CLS]
            for a, b in spans:
                w.extend(ids[a:b])
            w.append(SEP)
            windows.append(w)
            owner.append(r)
    return windows, np.array(owner, dtype=np.int64)


# ---------------------------------------------------------------- inference

def make_session(model_path, threads):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(model_path, so, providers=["CPUExecutionProvider"])


def run_windows(sess, windows, max_batch, token_budget):
    """Logits [len(windows), 2] in the windows' order; windows batched by length. Returns logits, padded tokens."""
    order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
    logits = np.zeros((len(windows), 2), dtype=np.float32)
    padded = 0
    i = 0
    while i < len(order):
        j = i + 1
        while j < len(order) and j - i < max_batch and (j - i + 1) * len(windows[order[j]]) <= token_budget:
            j += 1
        idx = order[i:j]
        T = len(windows[idx[-1]])
        ids = np.zeros((len(idx), T), dtype=np.int64)
        mask = np.zeros((len(idx), T), dtype=np.int64)
        for b, w in enumerate(idx):
            ln = len(windows[w])
            ids[b, :ln] = windows[w]
            mask[b, :ln] = 1
        out = sess.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0]
        logits[idx] = out
        padded += ids.size
        i = j
    return logits, padded


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def combine(logits, owner, content_len, n_reviews, rule):
    """Positive-class score per review (>0.5 or >0 means POSITIVE depending on rule) -> predicted labels, p(pos)."""
    pos_in_review = np.zeros(len(owner), dtype=np.float64)
    counts = np.bincount(owner, minlength=n_reviews)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    pos_in_review = np.arange(len(owner)) - starts[owner]  # windows are built review by review, in order
    probs = softmax(logits.astype(np.float64))
    if rule in ("wmean", "mean", "endlin"):
        w = {"wmean": content_len.astype(np.float64), "mean": np.ones(len(owner)),
             "endlin": pos_in_review + 1.0}[rule]
        acc = np.zeros((n_reviews, 2))
        np.add.at(acc, owner, logits * w[:, None])
        wsum = np.bincount(owner, weights=w, minlength=n_reviews)
        comb = acc / wsum[:, None]
        p = softmax(comb)[:, 1]
    elif rule == "prob":
        acc = np.zeros((n_reviews, 2))
        np.add.at(acc, owner, probs)
        p = (acc / counts[:, None])[:, 1]
    elif rule in ("maxconf", "last"):
        p = np.zeros(n_reviews)
        if rule == "last":
            last = starts + counts - 1
            p = probs[last, 1]
        else:
            conf = np.abs(probs[:, 1] - 0.5)
            best = np.full(n_reviews, -1.0)
            for i, r in enumerate(owner):
                if conf[i] > best[r]:
                    best[r] = conf[i]
                    p[r] = probs[i, 1]
    else:
        raise SystemExit(f"unknown combining rule {rule!r}")
    return (p > 0.5).astype(np.int64), p


# ---------------------------------------------------------------- main

def pct(a, q):
    return float(np.percentile(a, q))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="JSONL (text, label) or TSV (sentence, label)")
    ap.add_argument("--model-dir", default=DEFAULT_MODEL_DIR)
    ap.add_argument("--strategies", nargs="+", default=["truncate-128"])
    ap.add_argument("--combine", nargs="+", default=["wmean"], choices=COMBINES,
                    help="combining rules reported for windows-* strategies")
    ap.add_argument("--cleanup", choices=("on", "off", "both"), default="both")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N records (0 = all)")
    ap.add_argument("--max-batch", type=int, default=32)
    ap.add_argument("--token-budget", type=int, default=512, help="max padded tokens per batch")
    ap.add_argument("--threads", type=int, default=1, help="ONNX Runtime intra-op threads")
    ap.add_argument("--lengths", action="store_true", help="print the token length distribution and windows per review")
    ap.add_argument("--check-single-window", action="store_true",
                    help="report how many texts get windows different from truncate-128 under each strategy")
    ap.add_argument("--raw-out", default="", help="directory for per-review probabilities (npz) and the tables")
    args = ap.parse_args()

    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(os.path.join(args.model_dir, "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    with open(os.path.join(args.model_dir, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    max_pos = config["max_position_embeddings"]
    assert config["id2label"] == {"0": "NEGATIVE", "1": "POSITIVE"}, config["id2label"]
    specs = {name: parse_strategy(name) for name in args.strategies}
    for name, spec in specs.items():
        if spec["L"] > max_pos or spec["L"] < 3:
            raise SystemExit(f"{name}: L must be in 3..{max_pos}")
        if spec["kind"] == "windows" and not 0 <= spec["O"] < spec["L"] - 2:
            raise SystemExit(f"{name}: overlap must be < C")
        if spec["kind"] == "headtail" and spec["H"] is not None and not 0 <= spec["H"] <= spec["L"] - 2:
            raise SystemExit(f"{name}: head must be <= C")

    texts, labels = load(args.data)
    if args.limit:
        texts, labels = texts[:args.limit], labels[:args.limit]
    n = len(texts)
    sess = make_session(os.path.join(args.model_dir, "model.onnx"), args.threads)
    cleanups = ["off", "on"] if args.cleanup == "both" else [args.cleanup]
    print(f"data: {args.data} ({n} texts, {int(labels.sum())} positive); model: {args.model_dir}; "
          f"batches <= {args.max_batch} windows and <= {args.token_budget} padded tokens; "
          f"ORT {args.threads} intra-op thread(s)\n")

    rows, lines, raw = [], [], {}
    length_info = {}
    for cl in cleanups:
        t0 = time.process_time()
        src = [cleanup(t) for t in texts] if cl == "on" else texts
        encs = tok.encode_batch(src)
        contents = []
        for e in encs:
            ids = e.ids
            assert ids[0] == CLS and ids[-1] == SEP, ids[:3]
            contents.append(ids[1:-1])
        tok_cpu = time.process_time() - t0
        lines.append(f"tokenization (cleanup {cl}): {tok_cpu:.2f} CPU s = {1000 * tok_cpu / n:.2f} CPU s per 1,000 texts "
                     "(common to every strategy, not included below)")
        lens = np.array([len(c) + 2 for c in contents])
        length_info[cl] = (lens, contents)
        ref = [w for w in build_windows(contents, parse_strategy("truncate-128"))[0]] if args.check_single_window else None
        for name, spec in specs.items():
            t0 = time.process_time()
            windows, owner = build_windows(contents, spec)
            logits, padded = run_windows(sess, windows, args.max_batch, args.token_budget)
            cpu = time.process_time() - t0
            content_len = np.array([len(w) - 2 for w in windows])
            total_tokens = int(sum(len(w) for w in windows))
            rules = args.combine if spec["kind"] == "windows" else ["wmean"]
            raw[f"{cl}|{name}|window_logits"] = logits
            raw[f"{cl}|{name}|window_owner"] = owner
            if args.check_single_window:
                differ = len(windows) != len(ref) or any(a != b for a, b in zip(windows, ref))
                ndiff = sum(1 for r in range(n) if [windows[i] for i in np.nonzero(owner == r)[0]] != [ref[r]]) if differ else 0
                lines.append(f"check ({cl}) {name}: {ndiff} of {n} texts get windows different from truncate-128")
            for rule in rules:
                pred, p = combine(logits, owner, content_len, n, rule)
                label = name if spec["kind"] != "windows" else f"{name} {rule}"
                acc = 100.0 * float((pred == labels).mean())
                rows.append((label, cl, acc, n, len(windows) / n, total_tokens, padded, 1000 * cpu / n))
                raw[f"{cl}|{label}|p_pos"] = p
            accs = ", ".join(f"{r[0].split(' ')[-1]} {r[2]:.2f}" for r in rows[-len(rules):])
            print(f"  done: cleanup {cl} {name} ({len(windows)} windows, {cpu:.1f} CPU s): {accs}", file=sys.stderr, flush=True)

    out = ["| strategy | cleanup | accuracy % | reviews | windows/review | tokens computed | padded tokens | CPU s / 1,000 reviews |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for label, cl, acc, nn, wpr, tt, pt, cpu in rows:
        out.append(f"| {label} | {cl} | {acc:.2f} | {nn} | {wpr:.2f} | {tt:,} | {pt:,} | {cpu:.1f} |")
    out.append("")
    out.extend(lines)

    if args.lengths:
        for cl, (lens, contents) in length_info.items():
            out.append("")
            out.append(f"token lengths (cleanup {cl}, [CLS]/[SEP] included): median {pct(lens, 50):.0f}, "
                       f"p90 {pct(lens, 90):.0f}, p99 {pct(lens, 99):.0f}, mean {lens.mean():.1f}, max {lens.max()}, "
                       f"> 128: {100 * (lens > 128).mean():.1f} %, > 512: {100 * (lens > 512).mean():.1f} %")
            out.append("")
            out.append(f"| windows per review (cleanup {cl}) | mean | median | p90 | max | > 8 | > 16 | > 32 |")
            out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            for name, spec in specs.items():
                if spec["kind"] != "windows":
                    continue
                k = np.array([len(window_spans(len(c), spec)) for c in contents])
                out.append(f"| {name} | {k.mean():.2f} | {np.median(k):.0f} | {pct(k, 90):.0f} | {k.max()} | "
                           f"{(k > 8).sum()} | {(k > 16).sum()} | {(k > 32).sum()} |")
    text = "\n".join(out)
    print(text)
    if args.raw_out:
        os.makedirs(args.raw_out, exist_ok=True)
        np.savez_compressed(os.path.join(args.raw_out, "raw.npz"), labels=labels, **raw)
        with open(os.path.join(args.raw_out, "table.md"), "w", encoding="utf-8") as f:
            f.write(" ".join(sys.argv) + "\n\n" + text + "\n")


if __name__ == "__main__":
    main()
