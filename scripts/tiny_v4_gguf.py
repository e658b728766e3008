"""llama.cpp `deepseek4` GGUF writing for the tiny test checkpoints (imported by
make_tiny_deepseek_v4.py): tensor names as llama.cpp's converter writes them, the metadata its
loader reads, F32 / F16 / BF16 / Q8_0 dense matrices and F32 or MXFP4 routed experts."""
import struct

import numpy as np

from tiny_v4_encodings import bf16_bits



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
    if isinstance(v[0], str):
        return struct.pack("<IQ", 8, len(v)) + b"".join(pack_value(8, x) for x in v)
    et = 6 if isinstance(v[0], float) else 5  # arrays: FLOAT32 or INT32, as gguf-py writes them
    return struct.pack("<IQ", et, len(v)) + b"".join(struct.pack("<f" if et == 6 else "<i", x) for x in v)


def tokenizer_metadata(tok, vocab_size, cfg):
    """tokenizer.ggml.* as llama.cpp's converter writes a DeepSeek tokenizer.json."""
    tokens, types = [""] * vocab_size, [1] * vocab_size
    for text, i in tok["model"]["vocab"].items():
        tokens[i] = text
    for a in tok["added_tokens"]:
        tokens[a["id"]], types[a["id"]] = a["content"], 3
    return [("tokenizer.ggml.model", 8, "gpt2"), ("tokenizer.ggml.pre", 8, "deepseek-v3"),
            ("tokenizer.ggml.tokens", 9, tokens), ("tokenizer.ggml.token_type", 9, types),
            ("tokenizer.ggml.merges", 9, tok["model"]["merges"]),
            ("tokenizer.ggml.bos_token_id", 4, cfg["bos_token_id"]), ("tokenizer.ggml.eos_token_id", 4, cfg["eos_token_id"])]


def write_gguf(path, cfg, t, experts_mode="f32", dense_mode="f32", tokenizer=None):
    meta, tensors = gguf_metadata(cfg), gguf_tensors(cfg, t, experts_mode, dense_mode)
    if tokenizer is not None:
        meta = [m for m in meta if m[0] != "tokenizer.ggml.model"] + tokenizer_metadata(tokenizer, cfg["vocab_size"], cfg)
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
