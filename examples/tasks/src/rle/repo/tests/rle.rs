use rle::{decode, encode, DecodeError};

#[test]
fn encode_runs() {
    assert_eq!(encode("aaabccd"), "3a1b2c1d");
    assert_eq!(encode(""), "");
}

#[test]
fn decode_runs() {
    assert_eq!(decode("3a1b2c1d").unwrap(), "aaabccd");
}

#[test]
fn decode_rejects_missing_counts() {
    assert_eq!(decode("ab"), Err(DecodeError::MissingCount(0)));
}
