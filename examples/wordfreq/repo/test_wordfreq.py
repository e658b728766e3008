import unittest

from wordfreq import top_words, words


class WordsTest(unittest.TestCase):
    def test_lower_cases_and_keeps_apostrophes(self):
        self.assertEqual(words("Don't STOP me now"), ["don't", "stop", "me", "now"])

    def test_ignores_numbers_and_punctuation(self):
        self.assertEqual(words("1, 2, three!"), ["three"])


class TopWordsTest(unittest.TestCase):
    def test_most_frequent_first(self):
        self.assertEqual(top_words("a b b c c c", 2), [("c", 3), ("b", 2)])

    def test_ties_are_alphabetical(self):
        self.assertEqual(top_words("pear apple pear apple fig", 2),
                         [("apple", 2), ("pear", 2)])

    def test_negative_n_is_an_error(self):
        with self.assertRaises(ValueError):
            top_words("a", -1)


if __name__ == "__main__":
    unittest.main()
