import pytest

from intervals import covered, merge


def test_overlapping_intervals_merge():
    assert merge([(1, 5), (2, 3), (4, 8)]) == [(1, 8)]


def test_disjoint_intervals_stay_apart():
    assert merge([(6, 7), (1, 2)]) == [(1, 2), (6, 7)]


def test_rejects_backwards_interval():
    with pytest.raises(ValueError):
        merge([(3, 1)])


def test_covered_counts_overlaps_once():
    assert covered([(0, 10), (5, 15)]) == 15
