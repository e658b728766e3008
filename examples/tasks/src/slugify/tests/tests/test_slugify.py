from slugify import slugify


def test_punctuation_becomes_single_hyphens():
    assert slugify("Hello, World!") == "hello-world"
    assert slugify("  --C++ & Rust--  ") == "c-rust"


def test_long_titles_are_cut_at_a_hyphen():
    assert slugify("one two three four", max_length=12) == "one-two"


def test_empty_title():
    assert slugify("!!!") == ""


def test_accented_letters_keep_their_base_letter():
    assert slugify("Crème brûlée") == "creme-brulee"
    assert slugify("Ångström über Café") == "angstrom-uber-cafe"
