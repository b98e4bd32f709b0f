"""Deterministic split of the IMDB train reviews (aclImdb v1.0 train, 25,000 labelled reviews, see
../shared/data/imdb/SOURCE.md) into the sets sentiment-stream uses to evaluate long-text strategies.

None of these reviews was used to train or tune the shipped model (it was trained on SST-2 phrases),
so they serve as our own out-of-domain development/evaluation data. The Java side uses the same split.

Split: records sorted by `id`, shuffled with random.Random(23).shuffle, then
  - the first 2,000 = holdout.jsonl  (final numbers only; do not tune on it)
  - the next 2,000  = dev.jsonl      (choosing strategies / parameters)
  - the next 400    = sample.jsonl   (demos and tests)
Records are written unchanged (fields id, text, label, rating), one JSON object per line.

Usage: python models/imdb_split.py ../shared/data/imdb/train.jsonl OUTDIR
Prints per file: count, positives, sha256 of the written file.
"""
import argparse
import hashlib
import json
import os
import random

SEED = 23
PARTS = (("holdout", 2000), ("dev", 2000), ("sample", 400))
FIELDS = ("id", "text", "label", "rating")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("train_jsonl", help="IMDB train.jsonl (25,000 records)")
    ap.add_argument("outdir", help="directory for holdout.jsonl, dev.jsonl, sample.jsonl")
    args = ap.parse_args()

    with open(args.train_jsonl, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    ids = [r["id"] for r in records]
    if len(set(ids)) != len(ids):
        raise SystemExit("duplicate ids in input")
    records.sort(key=lambda r: r["id"])
    random.Random(SEED).shuffle(records)

    os.makedirs(args.outdir, exist_ok=True)
    start = 0
    print(f"input: {args.train_jsonl} ({len(records)} records), seed {SEED}")
    for name, n in PARTS:
        part = records[start:start + n]
        start += n
        if len(part) != n:
            raise SystemExit(f"not enough records for {name}")
        path = os.path.join(args.outdir, f"{name}.jsonl")
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            for r in part:
                out.write(json.dumps({k: r[k] for k in FIELDS}, ensure_ascii=False) + "\n")
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        pos = sum(1 for r in part if r["label"] == 1)
        print(f"{name}.jsonl: {len(part)} records, {pos} positive, sha256 {digest}")


if __name__ == "__main__":
    main()
