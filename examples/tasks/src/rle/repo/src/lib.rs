//! Run-length encoding of text: each run of a repeated character becomes its count followed by
//! the character, "aaab" <-> "3a1b". Digits cannot be encoded (they would be read as counts).

use std::fmt;

#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    MissingCount(usize),
    MissingChar(usize),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::MissingCount(at) => write!(f, "expected a count at offset {at}"),
            DecodeError::MissingChar(at) => write!(f, "expected a character at offset {at}"),
        }
    }
}

pub fn encode(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let mut count = 1;
        while chars.peek() == Some(&c) {
            chars.next();
            count += 1;
        }
        out.push_str(&count.to_string());
        out.push(c);
    }
    out
}

pub fn decode(encoded: &str) -> Result<String, DecodeError> {
    let mut out = String::new();
    let mut chars = encoded.char_indices();
    while let Some((at, c)) = chars.next() {
        let count = c.to_digit(10).ok_or(DecodeError::MissingCount(at))?;
        let (_, ch) = chars.next().ok_or(DecodeError::MissingChar(at + 1))?;
        for _ in 0..count {
            out.push(ch);
        }
    }
    Ok(out)
}
