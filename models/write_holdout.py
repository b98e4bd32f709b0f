"""Writes the 5% validation hold-out of SST-2 train (the split train_compact.py uses) as a GLUE-style TSV,
so that the Java `eval` command can be run on it: python models/write_holdout.py OUT.tsv"""
import sys

import train_compact as tc

(_, _), (texts, labels) = tc.split_train()
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write("sentence\tlabel\n")
    for t, l in zip(texts, labels):
        out.write(f"{t}\t{l}\n")
print(f"wrote {len(texts)} hold-out phrases to {sys.argv[1]}")
