from slugify import slugify


def test_punctuation_becomes_single_hyphens():
    assert slugify("Hello, World!") == "hello-world"
    assert slugify("  --C++ & Rust--  ") == "c-rust"


def test_long_titles_are_cut_at_a_hyphen():
    assert slugify("one two three four", max_length=12) == "one-two"


def test_empty_title():
    assert slugify("!!!") == ""
