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


def test_touching_intervals_merge():
    assert merge([(1, 3), (3, 5)]) == [(1, 5)]
    assert merge([(9, 9), (1, 9)]) == [(1, 9)]


def test_back_to_back_meetings_are_one_busy_block():
    assert covered([(9, 10), (10, 11), (11, 12)]) == 3
    assert merge([(11, 12), (9, 10), (10, 11)]) == [(9, 12)]
