#!/usr/bin/env python3
"""Builds reviews.jsonl, the sample input of the `local` command: every sentence of the GLUE SST-2 dev set, the
project's longer reviews (long-reviews.jsonl next to this script) and 100 real IMDB reviews with their reviewers'
labels (imdb-reviews.jsonl next to this script: the first 100 of the `sample` part of models/imdb_split.py), none of
them in any shipped model's training data. Checks that no sample text is an SST-2 train phrase (exactly, or ignoring
case and spacing).

Usage: python3 make_sample.py [SST2_DIR] [OUT_JSONL]
(defaults: /work/shared/data/sst2, which holds dev.tsv and train.tsv, and reviews.jsonl next to this script)
"""
import hashlib
import json
import os
import sys


def read_tsv(path):
    """[(line number, 1-based with the header as line 1; text with surrounding spaces stripped; label)]."""
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        header = f.readline().rstrip("\r\n")
        if header != "sentence\tlabel":
            sys.exit("%s: unexpected header %r" % (path, header))
        for lineno, line in enumerate(f, start=2):
            line = line.rstrip("\r\n")
            if line:
                text, label = line.rsplit("\t", 1)  # no quote processing
                rows.append((lineno, text.strip(), int(label)))
    return rows


def normalized(text):
    return " ".join(text.lower().split())


def dev_fingerprint(dev):
    """sha256 of 'line<TAB>text<TAB>label<LF>' over the dev rows in file order; SampleReviewsTest recomputes it
    from the sample."""
    h = hashlib.sha256()
    for lineno, text, label in dev:
        h.update(("%d\t%s\t%d\n" % (lineno, text, label)).encode("utf-8"))
    return h.hexdigest()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    sst2 = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/sst2"
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "reviews.jsonl")

    dev = read_tsv(os.path.join(sst2, "dev.tsv"))
    train = {normalized(text) for _, text, _ in read_tsv(os.path.join(sst2, "train.tsv"))}
    with open(os.path.join(here, "long-reviews.jsonl"), encoding="utf-8") as f:
        longs = [json.loads(line) for line in f if line.strip()]
    with open(os.path.join(here, "imdb-reviews.jsonl"), encoding="utf-8") as f:
        longs += [json.loads(line) for line in f if line.strip()]

    texts = [text for _, text, _ in dev] + [r["text"] for r in longs]
    in_train = [t for t in texts if normalized(t) in train]
    if in_train:
        sys.exit("%d sample texts are SST-2 train phrases, e.g. %r" % (len(in_train), in_train[0]))
    if len(set(texts)) != len(texts):
        sys.exit("duplicate texts in the sample")

    # The longer reviews are spread evenly through the dev sentences (dev in file order), so that the stream mixes
    # short and long texts as a real one would.
    after = [(k + 1) * len(dev) // (len(longs) + 1) - 1 for k in range(len(longs))]  # dev index before each
    records = []
    for i, (lineno, text, label) in enumerate(dev):
        records.append({"id": "sst2-dev-%d" % lineno, "text": text, "label": label})
        records.extend({"id": r["id"], "text": r["text"], "label": r["label"]}
                       for k, r in enumerate(longs) if after[k] == i)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")

    def counts(rows):
        pos = sum(r["label"] for r in rows)
        return "%d (%d positive, %d negative)" % (len(rows), pos, len(rows) - pos)

    print("%s: %d records: SST-2 dev %s, longer reviews %s, IMDB reviews %s; no text is an SST-2 train phrase;"
          " dev fingerprint %s"
          % (out, len(records), counts([r for r in records if r["id"].startswith("sst2-dev-")]),
             counts([r for r in records if r["id"].startswith("long-")]),
             counts([r for r in records if r["id"].startswith("imdb-")]), dev_fingerprint(dev)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
