//! Splits one line of CSV (RFC 4180) into its fields. Fields are separated by commas; a field
//! in double quotes may contain commas, and a doubled quote ("") inside it stands for one quote.

#[derive(Debug, PartialEq, Eq)]
pub struct UnterminatedQuote;

pub fn split_line(line: &str) -> Result<Vec<String>, UnterminatedQuote> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, in_quotes) {
            ('"', false) if field.is_empty() => in_quotes = true,
            // Inside quotes, "" is an escaped quote; a single " closes the field.
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => in_quotes = false,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(UnterminatedQuote);
    }
    fields.push(field);
    Ok(fields)
}
