use csvline::{split_line, UnterminatedQuote};

fn fields(line: &str) -> Vec<String> {
    split_line(line).expect("valid CSV")
}

#[test]
fn plain_fields() {
    assert_eq!(fields("a,b,,c"), ["a", "b", "", "c"]);
}

#[test]
fn quoted_field_with_comma() {
    assert_eq!(fields("1,\"Smith, Jane\",x"), ["1", "Smith, Jane", "x"]);
}

#[test]
fn unterminated_quote_is_an_error() {
    assert_eq!(split_line("a,\"b"), Err(UnterminatedQuote));
}
