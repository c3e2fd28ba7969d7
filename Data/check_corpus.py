#!/usr/bin/env python3
"""Check Criba's corpus files Data/train.csv and Data/test.csv.

Checks the schema (columns text,label,register,country,business), that every
label is one of the 12 Criba labels and every register one of
voseo/usted/tu/neutral, prints per-file counts, and looks for near-duplicate
messages: any pair, within a file or across files, whose character 5-gram
Jaccard similarity (after lower-casing and collapsing whitespace) is >= 0.7.
Exits with status 1 if it finds a schema problem or a near-duplicate pair.

Run from the repository root (needs numpy and scipy):

    python3 Data/check_corpus.py Data/train.csv Data/test.csv
"""
import csv, sys, re, unicodedata
from collections import Counter
LABELS = ["spam","saludo","precio","disponibilidad","horario","ubicacion","envio","pago","pedido","reclamo","agradecimiento","otro"]
REGS = {"voseo","usted","tu","neutral"}
def norm(t):
    t = unicodedata.normalize("NFC", t).lower()
    return re.sub(r"\s+", " ", t).strip()
def shingles(t):
    t = norm(t)
    if len(t) < 5: return {t}
    return {t[i:i+5] for i in range(len(t)-4)}
rows = []; bad = 0
for path in sys.argv[1:]:
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.DictReader(f)
        need = {"text","label","register","country","business"}
        if not need <= set(r.fieldnames or []):
            print(f"{path}: header must contain {sorted(need)}, has {r.fieldnames}"); sys.exit(1)
        for i, row in enumerate(r, start=2):
            t = row["text"]; l = row["label"]; g = row["register"]
            if not t.strip(): print(f"{path}:{i}: empty text"); bad += 1
            if l not in LABELS: print(f"{path}:{i}: bad label {l!r}"); bad += 1
            if g not in REGS: print(f"{path}:{i}: bad register {g!r}"); bad += 1
            rows.append((path, i, t, l, g, row["country"], row["business"]))
for path in sys.argv[1:]:
    sub = [r for r in rows if r[0] == path]
    print(f"== {path}: {len(sub)} rows")
    print("  labels:", dict(Counter(r[3] for r in sub).most_common()))
    print("  registers:", dict(Counter(r[4] for r in sub).most_common()))
    print("  countries:", dict(Counter(r[5] for r in sub).most_common()))
    print("  businesses:", len(set(r[6] for r in sub)))
# near duplicates, exact Jaccard via sparse products
import numpy as np
from scipy import sparse
vocab = {}; ind = []; ptr = [0]
for r in rows:
    s = shingles(r[2])
    for g in s: ind.append(vocab.setdefault(g, len(vocab)))
    ptr.append(len(ind))
X = sparse.csr_matrix((np.ones(len(ind), dtype=np.float32), ind, ptr), shape=(len(rows), len(vocab)))
sizes = np.diff(X.indptr).astype(np.float32)
n = len(rows); dups = 0; B = 2000
for a in range(0, n, B):
    inter = (X[a:a+B] @ X.T).toarray()
    jac = inter / (sizes[a:a+B, None] + sizes[None, :] - inter)
    for i in range(inter.shape[0]):
        gi = a + i
        jac[i, :gi+1] = 0
        for j in np.nonzero(jac[i] >= 0.7)[0]:
            dups += 1
            if dups <= 200:
                p, q = rows[gi], rows[j]
                print(f"NEAR-DUP {jac[i,j]:.2f}: {p[0]}:{p[1]} {p[2]!r} ~ {q[0]}:{q[1]} {q[2]!r}")
print(f"near-duplicate pairs (J>=0.7): {dups}; schema problems: {bad}")
sys.exit(1 if dups or bad else 0)
