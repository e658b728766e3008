"""Word frequencies of plain text."""
import re
from collections import Counter

WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def words(text):
    """The words of `text`, lower-cased, in order."""
    return [w.lower() for w in WORD.findall(text)]


def top_words(text, n=3):
    """The `n` most frequent words of `text` as (word, count) pairs.

    Most frequent first; words with the same count are listed alphabetically.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    counts = Counter(words(text))
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    return ranked[:n]


def main(argv):
    import sys

    n = int(argv[1]) if len(argv) > 1 else 3
    for word, count in top_words(sys.stdin.read(), n):
        print(f"{count:6d} {word}")


if __name__ == "__main__":
    import sys

    main(sys.argv)
