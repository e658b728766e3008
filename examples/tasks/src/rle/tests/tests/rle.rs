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

#[test]
fn decode_counts_with_several_digits() {
    assert_eq!(decode("12a1b").unwrap(), "aaaaaaaaaaaab");
    assert_eq!(decode("3x"), Ok("xxx".to_string()));
}

#[test]
fn long_runs_round_trip() {
    let text = format!("{}{}z", "q".repeat(105), "w".repeat(10));
    assert_eq!(decode(&encode(&text)).unwrap(), text);
}

#[test]
fn decode_rejects_a_trailing_count() {
    assert_eq!(decode("2a10"), Err(DecodeError::MissingChar(4)));
}
