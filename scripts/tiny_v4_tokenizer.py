"""A tiny byte-level BPE tokenizer.json in DeepSeek's format, for the tiny test checkpoints
(imported by make_tiny_deepseek_v4.py)."""



# The DeepSeek-V3 pre-tokenizer rules, exactly as DeepSeek's tokenizer.json spells them.
PRE_RULES = [
    "\\p{N}{1,3}",
    "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+|"
    " ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
]
CHAT_TOKENS = ["<｜User｜>", "<｜Assistant｜>", "<think>", "</think>", "｜DSML｜", "<｜latest_reminder｜>"]
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
    BOS/EOS and the chat tokens as added tokens, the 256 bytes, merges learnt from a small corpus, and filler
    tokens up to the size (so every id the model can produce decodes)."""
    b2u = bytes_to_unicode()
    special = {bos: "<｜begin▁of▁sentence｜>", eos: "<｜end▁of▁sentence｜>"}
    # The chat format's tokens (deepseek-v4-model.md 5.2) at the top of the id range.
    for k, text in enumerate(CHAT_TOKENS):
        special[vocab_size - 1 - k] = text
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
