#!/usr/bin/env python3
"""Builds reviews.jsonl, the sample input of the `local` command, from the GLUE SST-2 train split.

Usage: python3 make_sample.py [TRAIN_TSV] [OUT_JSONL]
(defaults: /work/shared/data/sst2/train.tsv and reviews.jsonl next to this script)
"""
import json
import os
import random
import sys

SEED = 20130201
COUNT = 3000
MIN_WORDS = 6


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    src = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/sst2/train.tsv"
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "reviews.jsonl")

    candidates = []  # (line number in the file, 1-based with the header as line 1; text; label)
    seen = set()
    with open(src, encoding="utf-8", newline="") as f:
        header = f.readline().rstrip("\r\n")
        if header != "sentence\tlabel":
            sys.exit("unexpected header: %r" % header)
        for lineno, line in enumerate(f, start=2):
            line = line.rstrip("\r\n")
            if not line:
                continue
            text, label = line.rsplit("\t", 1)  # no quote processing
            text = text.strip()
            if len(text.split()) < MIN_WORDS or text in seen:
                continue
            seen.add(text)
            candidates.append((lineno, text, int(label)))

    picked = sorted(random.Random(SEED).sample(candidates, COUNT))
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for lineno, text, label in picked:
            f.write(json.dumps({"id": "sst2-train-%d" % lineno, "text": text, "label": label},
                               ensure_ascii=False) + "\n")
    positives = sum(label for _, _, label in picked)
    print("%d of %d candidates -> %s (%d positive, %d negative)"
          % (len(picked), len(candidates), out, positives, len(picked) - positives), file=sys.stderr)


if __name__ == "__main__":
    main()
