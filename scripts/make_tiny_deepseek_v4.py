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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tiny_v4_encodings import bf16_bits, bf16_value, fp4_group, fp8_block  # noqa: E402
from tiny_v4_gguf import write_gguf  # noqa: E402
from tiny_v4_tokenizer import tiny_tokenizer  # noqa: E402

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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", choices=sorted(PRESETS), default="flash")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--safetensors", help="folder to write in the official layout")
    ap.add_argument("--gguf", help="GGUF file to write")
    ap.add_argument("--gguf-experts", choices=["f32", "mxfp4"], default="f32")
    ap.add_argument("--gguf-dense", choices=["f32", "f16", "bf16", "q8_0"], default="f32")
    ap.add_argument("--short-config", action="store_true", help="also write inference/config.json")
    ap.add_argument("--gguf-no-tokenizer", action="store_true",
                    help="leave the tokenizer out of the GGUF metadata (tokenizer.ggml.model = none)")
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
        tok = tiny_tokenizer(cfg["vocab_size"], cfg["bos_token_id"], cfg["eos_token_id"]) if not args.gguf_no_tokenizer else None
        write_gguf(args.gguf, cfg, t, args.gguf_experts, args.gguf_dense, tok)
    if not args.safetensors and not args.gguf:
        sys.exit("nothing to write: give --safetensors and/or --gguf")


if __name__ == "__main__":
    main()
