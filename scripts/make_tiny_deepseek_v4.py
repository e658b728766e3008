#!/usr/bin/python3
"""Writes small random DeepSeek V4 checkpoints for tests and benchmarks.

Two layouts of the same weights:
  * the official release layout (--safetensors DIR): config.json (Hugging Face fields),
    model.safetensors.index.json and several shards, with FP8 E4M3 linears + E8M0 128x128
    block scales, FP4 e2m1 routed experts packed in I8 + E8M0 per-32 scales, BF16, F32 and
    I64 tensors exactly as the release stores them (deepseek-v4-model.md section 3);
  * llama.cpp's `deepseek4` GGUF (--gguf FILE): the same values dequantised exactly to F32
    (or F16 / BF16 / Q8_0 for the dense matrices with --gguf-dense), routed experts F32 or
    repacked losslessly to MXFP4 (--gguf-experts), tensor names as llama.cpp's converter
    (conversion/deepseek.py) writes them.

Presets: `flash` (layers SWA, SWA, then CSA/HCA alternating, last CSA: Flash's schedule) and
`pro` (HCA, HCA, then CSA/HCA: Pro's). Small widths, but every component is present: window
ring, CSA with its lightning indexer (index_topk well below the number of compressed entries
of a 600-token prompt, so selection really happens), HCA, three hash-routed layers, mHC,
shared expert. The MTP layer is not generated (the engine does not run it).

Only numpy is needed (Debian's python3-numpy); run with /usr/bin/python3.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np

PRESETS = {
    "flash": dict(
        vocab_size=1024, hidden_size=256, num_attention_heads=8, head_dim=128, qk_rope_head_dim=32,
        q_lora_rank=128, o_groups=4, o_lora_rank=64, sliding_window=32,
        compress_ratios=[0, 0, 4, 128, 4, 128, 4, 0], num_hidden_layers=7,
        index_n_heads=16, index_head_dim=64, index_topk=16,
        n_routed_experts=8, num_experts_per_tok=3, moe_intermediate_size=128, n_shared_experts=1,
        num_hash_layers=3, routed_scaling_factor=1.5),
    "pro": dict(
        vocab_size=1024, hidden_size=256, num_attention_heads=8, head_dim=128, qk_rope_head_dim=32,
        q_lora_rank=128, o_groups=8, o_lora_rank=64, sliding_window=32,
        compress_ratios=[128, 128, 4, 128, 4, 0], num_hidden_layers=5,
        index_n_heads=16, index_head_dim=64, index_topk=24,
        n_routed_experts=8, num_experts_per_tok=3, moe_intermediate_size=128, n_shared_experts=1,
        num_hash_layers=3, routed_scaling_factor=2.5),
}

COMMON = dict(
    architectures=["DeepseekV4ForCausalLM"], model_type="deepseek_v4", num_key_value_heads=1,
    rope_theta=10000.0, compress_rope_theta=160000.0,
    rope_scaling=dict(type="yarn", factor=16, original_max_position_embeddings=65536, beta_fast=32,
                      beta_slow=1),
    scoring_func="sqrtsoftplus", topk_method="noaux_tc", norm_topk_prob=True, swiglu_limit=10.0,
    hc_mult=4, hc_sinkhorn_iters=20, hc_eps=1e-6, rms_norm_eps=1e-6, max_position_embeddings=1048576,
    bos_token_id=0, eos_token_id=1, tie_word_embeddings=False, num_nextn_predict_layers=1,
    torch_dtype="bfloat16", expert_dtype="fp4",
    quantization_config=dict(activation_scheme="dynamic", fmt="e4m3", quant_method="fp8",
                             scale_fmt="ue8m0", weight_block_size=[128, 128]),
)

# ---------------------------------------------------------------- element encodings

E4M3_POS = np.array([(2.0 ** -9) * m if e == 0 else (1 + m / 8.0) * 2.0 ** (e - 7)
                     for e in range(16) for m in range(8)][:127], dtype=np.float64)  # codes 0..126
E2M1_POS = np.array([0, 0.5, 1, 1.5, 2, 3, 4, 6], dtype=np.float64)


def nearest_code(a, table):
    """Index of the nearest table value to each |a| (ties to the even index)."""
    hi = np.clip(np.searchsorted(table, a), 1, len(table) - 1)
    lo = hi - 1
    dlo, dhi = a - table[lo], table[hi] - a
    take_hi = (dhi < dlo) | ((dhi == dlo) & (hi % 2 == 0))
    return np.where(take_hi, hi, lo)


def pow2_ceil_exp(v):
    """ceil(log2(v)) exactly, for v > 0."""
    m, e = np.frexp(v)
    return np.where(m == 0.5, e - 1, e)


def bf16_bits(x):
    u = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    u = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return u.astype(np.uint16)


def bf16_value(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def fp8_block(w):
    """[rows, cols] -> (e4m3 codes uint8, e8m0 scales [ceil(r/128), ceil(c/128)], exact f32)."""
    rows, cols = w.shape
    br, bc = -(-rows // 128), -(-cols // 128)
    codes = np.zeros((rows, cols), np.uint8)
    scales = np.zeros((br, bc), np.uint8)
    value = np.zeros((rows, cols), np.float32)
    for i in range(br):
        for j in range(bc):
            blk = w[i * 128:(i + 1) * 128, j * 128:(j + 1) * 128].astype(np.float64)
            e = int(pow2_ceil_exp(max(np.abs(blk).max(), 1e-30) / 448.0))
            q = np.clip(blk / 2.0 ** e, -448, 448)
            c = nearest_code(np.abs(q), E4M3_POS)
            codes[i * 128:(i + 1) * 128, j * 128:(j + 1) * 128] = c | (np.signbit(q) << 7)
            scales[i, j] = e + 127
            value[i * 128:(i + 1) * 128, j * 128:(j + 1) * 128] = np.where(np.signbit(q), -1, 1) * E4M3_POS[c] * 2.0 ** e
    return codes, scales, value


def fp4_group(w):
    """[rows, cols] -> (packed uint8 [rows, cols/2], e8m0 scales [rows, cols/32], exact f32)."""
    rows, cols = w.shape
    g = w.astype(np.float64).reshape(rows, cols // 32, 32)
    e = pow2_ceil_exp(np.maximum(np.abs(g).max(axis=2), 1e-30) / 6.0)
    q = np.clip(g / np.exp2(e)[..., None], -6, 6)
    c = nearest_code(np.abs(q), E2M1_POS) | (np.signbit(q).astype(np.int64) << 3)
    value = (np.where(np.signbit(q), -1, 1) * E2M1_POS[c & 7] * np.exp2(e)[..., None]).reshape(rows, cols)
    c = c.reshape(rows, cols).astype(np.uint8)
    packed = (c[:, 0::2] | (c[:, 1::2] << 4)).astype(np.uint8)  # low nibble = even index
    return packed, (e + 127).astype(np.uint8), value.astype(np.float32)


# ---------------------------------------------------------------- the random model

class Tensors:
    """Official-layout tensors: name -> (safetensors dtype, storage array) and exact f32 values."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.stored = {}
        self.values = {}

    def normal(self, shape, std, mean=0.0):
        return (mean + std * self.rng.standard_normal(shape)).astype(np.float32)

    def f32(self, name, v):
        self.stored[name] = ("F32", v.astype(np.float32))
        self.values[name] = v.astype(np.float32)

    def bf16(self, name, v):
        b = bf16_bits(v)
        self.stored[name] = ("BF16", b)
        self.values[name] = bf16_value(b)

    def fp8(self, name, v):
        codes, scales, value = fp8_block(v)
        self.stored[name + ".weight"] = ("F8_E4M3", codes)
        self.stored[name + ".scale"] = ("F8_E8M0", scales)
        self.values[name + ".weight"] = value

    def fp4(self, name, v):
        packed, scales, value = fp4_group(v)
        self.stored[name + ".weight"] = ("I8", packed.view(np.int8))
        self.stored[name + ".scale"] = ("F8_E8M0", scales)
        self.values[name + ".weight"] = value


def build(cfg, seed):
    t = Tensors(seed)
    d, H, D = cfg["hidden_size"], cfg["num_attention_heads"], cfg["head_dim"]
    ql, G, ol = cfg["q_lora_rank"], cfg["o_groups"], cfg["o_lora_rank"]
    E, I, k = cfg["n_routed_experts"], cfg["moe_intermediate_size"], cfg["num_experts_per_tok"]
    IH, ID, V, hc = cfg["index_n_heads"], cfg["index_head_dim"], cfg["vocab_size"], cfg["hc_mult"]
    mix = (2 + hc) * hc
    norm = lambda n: t.normal((n,), 0.1, 1.0)
    t.bf16("embed.weight", t.normal((V, d), 1.0))
    t.bf16("head.weight", t.normal((V, d), 3.0 / np.sqrt(d)))  # logits with a std of about 3
    t.bf16("norm.weight", norm(d))
    t.f32("hc_head_fn", t.normal((hc, hc * d), 1.0 / np.sqrt(hc * d)))
    t.f32("hc_head_base", t.normal((hc,), 0.5))
    t.f32("hc_head_scale", t.normal((1,), 0.2, 1.0))
    for l in range(cfg["num_hidden_layers"]):
        p, m = f"layers.{l}.", cfg["compress_ratios"][l]
        t.bf16(p + "attn_norm.weight", norm(d))
        t.bf16(p + "ffn_norm.weight", norm(d))
        for s in ("attn", "ffn"):
            t.f32(p + f"hc_{s}_fn", t.normal((mix, hc * d), 1.0 / np.sqrt(hc * d)))
            t.f32(p + f"hc_{s}_base", t.normal((mix,), 0.5))
            t.f32(p + f"hc_{s}_scale", t.normal((3,), 0.2, 1.0))
        a = p + "attn."
        t.f32(a + "attn_sink", t.normal((H,), 1.0))
        t.fp8(a + "wq_a", t.normal((ql, d), 1.0 / np.sqrt(d)))
        t.bf16(a + "q_norm.weight", norm(ql))
        t.fp8(a + "wq_b", t.normal((H * D, ql), 1.0 / np.sqrt(ql)))
        t.fp8(a + "wkv", t.normal((D, d), 1.0 / np.sqrt(d)))
        t.bf16(a + "kv_norm.weight", norm(D))
        t.fp8(a + "wo_a", t.normal((G * ol, H * D // G), 1.0 / np.sqrt(H * D // G)))
        t.fp8(a + "wo_b", t.normal((d, G * ol), 1.0 / np.sqrt(G * ol)))
        if m:
            co = 2 if m == 4 else 1
            t.bf16(a + "compressor.wkv.weight", t.normal((co * D, d), 1.0 / np.sqrt(d)))
            t.bf16(a + "compressor.wgate.weight", t.normal((co * D, d), 1.0 / np.sqrt(d)))
            t.f32(a + "compressor.ape", t.normal((m, co * D), 0.5))
            t.bf16(a + "compressor.norm.weight", norm(D))
        if m == 4:
            t.fp8(a + "indexer.wq_b", t.normal((IH * ID, ql), 1.0 / np.sqrt(ql)))
            t.bf16(a + "indexer.weights_proj.weight", t.normal((IH, d), 1.0 / np.sqrt(d)))
            t.bf16(a + "indexer.compressor.wkv.weight", t.normal((2 * ID, d), 1.0 / np.sqrt(d)))
            t.bf16(a + "indexer.compressor.wgate.weight", t.normal((2 * ID, d), 1.0 / np.sqrt(d)))
            t.f32(a + "indexer.compressor.ape", t.normal((4, 2 * ID), 0.5))
            t.bf16(a + "indexer.compressor.norm.weight", norm(ID))
        f = p + "ffn."
        t.bf16(f + "gate.weight", t.normal((E, d), 1.0 / np.sqrt(d)))
        if l < cfg["num_hash_layers"]:
            ids = np.stack([t.rng.permutation(E)[:k] for _ in range(V)]).astype(np.int64)
            t.stored[f + "gate.tid2eid"] = ("I64", ids)
            t.values[f + "gate.tid2eid"] = ids
        else:
            t.f32(f + "gate.bias", t.normal((E,), 0.1))
        for e in range(E):
            t.fp4(f + f"experts.{e}.w1", t.normal((I, d), 1.0 / np.sqrt(d)))
            t.fp4(f + f"experts.{e}.w2", t.normal((d, I), 1.0 / np.sqrt(I)))
            t.fp4(f + f"experts.{e}.w3", t.normal((I, d), 1.0 / np.sqrt(d)))
        t.fp8(f + "shared_experts.w1", t.normal((I, d), 1.0 / np.sqrt(d)))
        t.fp8(f + "shared_experts.w2", t.normal((d, I), 1.0 / np.sqrt(I)))
        t.fp8(f + "shared_experts.w3", t.normal((I, d), 1.0 / np.sqrt(d)))
    return t


# ---------------------------------------------------------------- a tiny tokenizer.json

# The DeepSeek-V3 pre-tokenizer rules, exactly as DeepSeek's tokenizer.json spells them.
PRE_RULES = [
    "\\p{N}{1,3}",
    "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+|"
    " ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
]
CORPUS = """The quick brown fox jumps over the lazy dog. A model reads tokens and writes tokens.
def main(argv):
    for i in range(10):
        print("hello, world", i)
    return 0
int main(int argc, char** argv) { return argc > 1 ? 0 : 1; }
Attention with a sink, compressed entries, a lightning indexer and hyper-connections.
Les modèles écrivent du texte; 数据 和 模型; テキスト の 生成.
"""


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def tiny_tokenizer(vocab_size, bos, eos):
    """A byte-level BPE tokenizer.json with DeepSeek's pre-tokenizer and `vocab_size` ids:
    BOS/EOS as added tokens, the 256 bytes, merges learnt from a small corpus, and filler
    tokens up to the size (so every id the model can produce decodes)."""
    b2u = bytes_to_unicode()
    special = {bos: "<｜begin▁of▁sentence｜>", eos: "<｜end▁of▁sentence｜>"}
    ids = iter(i for i in range(vocab_size) if i not in special)
    vocab = {b2u[b]: next(ids) for b in range(256)}
    words = {}
    for w in CORPUS.replace("\n", " \n").split(" "):
        u = "".join(b2u[b] for b in (" " + w).encode())
        words[u] = words.get(u, 0) + 1
    seqs = {w: list(w) for w in words}
    merges = []
    while len(vocab) < vocab_size - len(special):
        pairs = {}
        for w, sym in seqs.items():
            for a, b in zip(sym, sym[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + words[w]
        if not pairs:
            break
        a, b = max(pairs, key=lambda k: (pairs[k], k))
        merges.append(f"{a} {b}")
        vocab[a + b] = next(ids)
        for w, sym in seqs.items():
            out, i = [], 0
            while i < len(sym):
                if i + 1 < len(sym) and sym[i] == a and sym[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(sym[i])
                    i += 1
            seqs[w] = out
    for i in ids:
        vocab[f"<fill{i}>"] = i
    added = [dict(id=i, content=c, single_word=False, lstrip=False, rstrip=False, normalized=False, special=True)
             for i, c in sorted(special.items())]
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": []},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": r}, "behavior": "Isolated", "invert": False} for r in PRE_RULES
        ] + [{"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}]},
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": merges},
    }


# ---------------------------------------------------------------- safetensors

def write_safetensors(path, items):
    header, offset = {}, 0
    for name, (dtype, arr) in items:
        nbytes = arr.nbytes
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for _, (_, arr) in items:
            f.write(np.ascontiguousarray(arr).tobytes())


def write_official(out, cfg, t, shards=3, short_config=False):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tiny_tokenizer(cfg["vocab_size"], cfg["bos_token_id"], cfg["eos_token_id"]), f, ensure_ascii=False)
    if short_config:
        os.makedirs(os.path.join(out, "inference"), exist_ok=True)
        with open(os.path.join(out, "inference", "config.json"), "w") as f:
            json.dump(short_names(cfg), f, indent=2)
    names = list(t.stored)
    weight_map, total = {}, 0
    for s in range(shards):
        part = names[s::shards]
        fname = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
        write_safetensors(os.path.join(out, fname), [(n, t.stored[n]) for n in part])
        for n in part:
            weight_map[n] = fname
            total += t.stored[n][1].nbytes
    with open(os.path.join(out, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}, f, indent=1)


def short_names(c):
    """The official runner's inference/config.json naming of the same model."""
    return dict(
        vocab_size=c["vocab_size"], dim=c["hidden_size"], moe_inter_dim=c["moe_intermediate_size"],
        n_layers=c["num_hidden_layers"], n_hash_layers=c["num_hash_layers"], n_heads=c["num_attention_heads"],
        n_routed_experts=c["n_routed_experts"], n_shared_experts=c["n_shared_experts"],
        n_activated_experts=c["num_experts_per_tok"], score_func=c["scoring_func"],
        route_scale=c["routed_scaling_factor"], swiglu_limit=c["swiglu_limit"], q_lora_rank=c["q_lora_rank"],
        head_dim=c["head_dim"], rope_head_dim=c["qk_rope_head_dim"], o_groups=c["o_groups"],
        o_lora_rank=c["o_lora_rank"], window_size=c["sliding_window"],
        original_seq_len=c["rope_scaling"]["original_max_position_embeddings"], rope_theta=c["rope_theta"],
        rope_factor=c["rope_scaling"]["factor"], beta_fast=c["rope_scaling"]["beta_fast"],
        beta_slow=c["rope_scaling"]["beta_slow"], index_n_heads=c["index_n_heads"],
        index_head_dim=c["index_head_dim"], index_topk=c["index_topk"], hc_mult=c["hc_mult"],
        hc_sinkhorn_iters=c["hc_sinkhorn_iters"], dtype="fp8", scale_fmt="ue8m0", expert_dtype="fp4",
        compress_rope_theta=c["compress_rope_theta"], compress_ratios=c["compress_ratios"])


# ---------------------------------------------------------------- GGUF

GGUF_TOP = {"embed.weight": "token_embd.weight", "head.weight": "output.weight", "norm.weight": "output_norm.weight",
            "hc_head_fn": "output_hc_fn.weight", "hc_head_base": "output_hc_base.weight",
            "hc_head_scale": "output_hc_scale.weight"}
GGUF_LAYER = {
    "attn_norm.weight": "attn_norm.weight", "ffn_norm.weight": "ffn_norm.weight",
    "hc_attn_fn": "hc_attn_fn.weight", "hc_attn_base": "hc_attn_base.weight", "hc_attn_scale": "hc_attn_scale.weight",
    "hc_ffn_fn": "hc_ffn_fn.weight", "hc_ffn_base": "hc_ffn_base.weight", "hc_ffn_scale": "hc_ffn_scale.weight",
    "attn.attn_sink": "attn_sinks.weight", "attn.wq_a.weight": "attn_q_a.weight",
    "attn.q_norm.weight": "attn_q_a_norm.weight", "attn.wq_b.weight": "attn_q_b.weight",
    "attn.wkv.weight": "attn_kv.weight", "attn.kv_norm.weight": "attn_kv_a_norm.weight",
    "attn.wo_a.weight": "attn_output_a.weight", "attn.wo_b.weight": "attn_output_b.weight",
    "attn.compressor.wkv.weight": "attn_compressor_kv.weight",
    "attn.compressor.wgate.weight": "attn_compressor_gate.weight",
    "attn.compressor.ape": "attn_compressor_ape.weight", "attn.compressor.norm.weight": "attn_compressor_norm.weight",
    "attn.indexer.wq_b.weight": "indexer.attn_q_b.weight", "attn.indexer.weights_proj.weight": "indexer.proj.weight",
    "attn.indexer.compressor.wkv.weight": "indexer_compressor_kv.weight",
    "attn.indexer.compressor.wgate.weight": "indexer_compressor_gate.weight",
    "attn.indexer.compressor.ape": "indexer_compressor_ape.weight",
    "attn.indexer.compressor.norm.weight": "indexer_compressor_norm.weight",
    "ffn.gate.weight": "ffn_gate_inp.weight", "ffn.gate.bias": "exp_probs_b.bias",
    "ffn.gate.tid2eid": "ffn_gate_tid2eid.weight", "ffn.shared_experts.w1.weight": "ffn_gate_shexp.weight",
    "ffn.shared_experts.w2.weight": "ffn_down_shexp.weight", "ffn.shared_experts.w3.weight": "ffn_up_shexp.weight",
}
GGML = {"F32": 0, "F16": 1, "Q8_0": 8, "I32": 26, "BF16": 30, "MXFP4": 39}


def q8_0(v):
    rows, cols = v.shape
    g = v.reshape(rows, cols // 32, 32).astype(np.float32)
    d = (np.abs(g).max(axis=2) / 127.0).astype(np.float16)
    inv = np.where(d == 0, 0, 1.0 / np.maximum(d.astype(np.float32), 1e-30))
    q = np.clip(np.rint(g * inv[..., None]), -127, 127).astype(np.int8)
    out = np.zeros((rows, cols // 32, 34), np.uint8)
    out[..., :2] = d.view(np.uint8).reshape(rows, cols // 32, 2)
    out[..., 2:] = q.view(np.uint8)
    return out.reshape(rows, -1)


def mxfp4_expert(t, name):
    """Lossless repack of one FP4 expert matrix (I8 + E8M0) to ggml MXFP4 blocks."""
    packed = t.stored[name + ".weight"][1].view(np.uint8)
    scales = t.stored[name + ".scale"][1]
    rows, half = packed.shape
    codes = np.empty((rows, half * 2), np.uint8)
    codes[:, 0::2], codes[:, 1::2] = packed & 0xF, packed >> 4
    g = codes.reshape(rows, -1, 32)
    blocks = np.concatenate([scales[..., None], g[..., :16] | (g[..., 16:] << 4)], axis=2)
    return blocks.reshape(rows, -1)


def encode_dense(v, mode):
    if mode == "f32":
        return "F32", v.astype(np.float32)
    if mode == "f16":
        return "F16", v.astype(np.float16)
    if mode == "bf16":
        return "BF16", bf16_bits(v)
    return "Q8_0", q8_0(v)


def gguf_tensors(cfg, t, experts_mode, dense_mode):
    """[(gguf name, ggml type name, logical shape (outermost first), raw array)]."""
    out = []
    for name, (dtype, _) in t.stored.items():
        if name.endswith(".scale") or ".experts." in name:
            continue
        if name in GGUF_TOP:
            gname = GGUF_TOP[name]
        else:
            _, layer, rest = name.split(".", 2)
            gname = f"blk.{layer}.{GGUF_LAYER[rest]}"
        v = t.values[name]
        if name.endswith("tid2eid"):
            out.append((gname, "I32", v.shape, v.astype(np.int32)))
        elif dtype == "F32" or v.ndim == 1:
            out.append((gname, "F32", v.shape, v.astype(np.float32)))
        else:
            ty, raw = encode_dense(v, dense_mode)
            out.append((gname, ty, v.shape, raw))
    E = cfg["n_routed_experts"]
    for l in range(cfg["num_hidden_layers"]):
        for proj, gname in (("w1", "ffn_gate_exps"), ("w2", "ffn_down_exps"), ("w3", "ffn_up_exps")):
            names = [f"layers.{l}.ffn.experts.{e}.{proj}" for e in range(E)]
            shape = (E,) + t.values[names[0] + ".weight"].shape
            if experts_mode == "mxfp4":
                raw = np.stack([mxfp4_expert(t, n) for n in names])
                out.append((f"blk.{l}.{gname}.weight", "MXFP4", shape, raw))
            else:
                raw = np.stack([t.values[n + ".weight"] for n in names]).astype(np.float32)
                out.append((f"blk.{l}.{gname}.weight", "F32", shape, raw))
    return out


def gguf_metadata(cfg):
    """(key, gguf value type, value): what llama.cpp's deepseek4 loader reads."""
    U32, F32, BOOL, STR, ARR = 4, 6, 7, 8, 9
    L, a = cfg["num_hidden_layers"], "deepseek4."
    rs = cfg["rope_scaling"]
    return [
        ("general.architecture", STR, "deepseek4"), ("general.name", STR, "tiny-deepseek-v4"),
        (a + "context_length", U32, 4096), (a + "vocab_size", U32, cfg["vocab_size"]),
        (a + "embedding_length", U32, cfg["hidden_size"]),
        (a + "embedding_length_out", U32, cfg["hidden_size"] * cfg["hc_mult"]),
        (a + "block_count", U32, L), (a + "attention.head_count", U32, cfg["num_attention_heads"]),
        (a + "attention.head_count_kv", U32, 1), (a + "attention.key_length", U32, cfg["head_dim"]),
        (a + "attention.value_length", U32, cfg["head_dim"]),
        (a + "rope.dimension_count", U32, cfg["qk_rope_head_dim"]), (a + "rope.freq_base", F32, cfg["rope_theta"]),
        (a + "rope.scaling.type", STR, "yarn"), (a + "rope.scaling.factor", F32, float(rs["factor"])),
        (a + "rope.scaling.original_context_length", U32, rs["original_max_position_embeddings"]),
        (a + "rope.scaling.yarn_beta_fast", F32, float(rs["beta_fast"])),
        (a + "rope.scaling.yarn_beta_slow", F32, float(rs["beta_slow"])),
        (a + "attention.layer_norm_rms_epsilon", F32, cfg["rms_norm_eps"]),
        (a + "attention.q_lora_rank", U32, cfg["q_lora_rank"]),
        (a + "attention.sliding_window", U32, cfg["sliding_window"]),
        (a + "expert_feed_forward_length", U32, cfg["moe_intermediate_size"]),
        (a + "expert_count", U32, cfg["n_routed_experts"]), (a + "expert_used_count", U32, cfg["num_experts_per_tok"]),
        (a + "expert_shared_count", U32, cfg["n_shared_experts"]),
        (a + "expert_weights_scale", F32, cfg["routed_scaling_factor"]),
        (a + "expert_weights_norm", BOOL, cfg["norm_topk_prob"]), (a + "expert_gating_func", U32, 4),
        (a + "swiglu_clamp_exp", ARR, [float(cfg["swiglu_limit"])] * L),
        # The official 04-24 reference does not clamp the shared expert (llama.cpp's converter
        # writes swiglu_limit here, which would): 0 keeps both engines on the reference.
        (a + "swiglu_clamp_shexp", ARR, [float(cfg.get("shared_swiglu_limit", 0.0))] * L),
        (a + "attention.indexer.head_count", U32, cfg["index_n_heads"]),
        (a + "attention.indexer.key_length", U32, cfg["index_head_dim"]),
        (a + "attention.indexer.top_k", U32, cfg["index_topk"]),
        (a + "attention.output_group_count", U32, cfg["o_groups"]),
        (a + "attention.output_lora_rank", U32, cfg["o_lora_rank"]),
        (a + "attention.compress_ratios", ARR, [int(x) for x in cfg["compress_ratios"]]),
        (a + "attention.compress_rope_freq_base", F32, cfg["compress_rope_theta"]),
        (a + "hyper_connection.count", U32, cfg["hc_mult"]),
        (a + "hyper_connection.sinkhorn_iterations", U32, cfg["hc_sinkhorn_iters"]),
        (a + "hyper_connection.epsilon", F32, cfg["hc_eps"]), (a + "hash_layer_count", U32, cfg["num_hash_layers"]),
        ("tokenizer.ggml.model", STR, "none"),
    ]


def pack_value(vtype, v):
    if vtype == 4:
        return struct.pack("<I", v)
    if vtype == 6:
        return struct.pack("<f", v)
    if vtype == 7:
        return struct.pack("<B", 1 if v else 0)
    if vtype == 8:
        b = v.encode()
        return struct.pack("<Q", len(b)) + b
    et = 6 if isinstance(v[0], float) else 5  # arrays: FLOAT32 or INT32, as gguf-py writes them
    return struct.pack("<IQ", et, len(v)) + b"".join(struct.pack("<f" if et == 6 else "<i", x) for x in v)


def write_gguf(path, cfg, t, experts_mode="f32", dense_mode="f32"):
    meta, tensors = gguf_metadata(cfg), gguf_tensors(cfg, t, experts_mode, dense_mode)
    out = bytearray(b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(meta)))
    for key, vtype, v in meta:
        out += struct.pack("<Q", len(key)) + key.encode() + struct.pack("<I", vtype) + pack_value(vtype, v)
    offset, blobs = 0, []
    for name, ty, shape, raw in tensors:
        ne = list(reversed(shape))
        out += struct.pack("<Q", len(name)) + name.encode() + struct.pack("<I", len(ne))
        out += b"".join(struct.pack("<Q", x) for x in ne) + struct.pack("<IQ", GGML[ty], offset)
        data = np.ascontiguousarray(raw).tobytes()
        pad = -len(data) % 32
        blobs.append(data + b"\0" * pad)
        offset += len(data) + pad
    out += b"\0" * (-len(out) % 32)
    with open(path, "wb") as f:
        f.write(out)
        for b in blobs:
            f.write(b)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", choices=sorted(PRESETS), default="flash")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--safetensors", help="folder to write in the official layout")
    ap.add_argument("--gguf", help="GGUF file to write")
    ap.add_argument("--gguf-experts", choices=["f32", "mxfp4"], default="f32")
    ap.add_argument("--gguf-dense", choices=["f32", "f16", "bf16", "q8_0"], default="f32")
    ap.add_argument("--short-config", action="store_true", help="also write inference/config.json")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=JSON", help="override a config field")
    args = ap.parse_args()
    cfg = dict(COMMON, **PRESETS[args.preset])
    for kv in args.set:
        key, value = kv.split("=", 1)
        cfg[key] = json.loads(value)
    t = build(cfg, args.seed)
    if args.safetensors:
        write_official(args.safetensors, cfg, t, short_config=args.short_config)
    if args.gguf:
        write_gguf(args.gguf, cfg, t, args.gguf_experts, args.gguf_dense)
    if not args.safetensors and not args.gguf:
        sys.exit("nothing to write: give --safetensors and/or --gguf")


if __name__ == "__main__":
    main()
