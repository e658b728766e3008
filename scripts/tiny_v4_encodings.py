"""Element encodings of the DeepSeek V4 release, in numpy (imported by make_tiny_deepseek_v4.py):
FP8 e4m3 with E8M0 128x128 block scales, FP4 e2m1 with per-32 E8M0 scales, bf16 - all rounding
to nearest, ties to even, so the stored codes dequantise to exactly known values."""
import numpy as np



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
