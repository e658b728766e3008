"""Closed integer intervals [start, end]: merging and total length.

Used by the calendar service to collapse busy slots before computing free time.
"""


def merge(intervals):
    """Merges overlapping intervals; returns them sorted by start.

    >>> merge([(5, 7), (1, 3), (2, 4)])
    [(1, 4), (5, 7)]
    """
    result = []
    for start, end in sorted(intervals):
        if start > end:
            raise ValueError(f"interval ({start}, {end}) ends before it starts")
        if result and start <= result[-1][1]:
            last_start, last_end = result[-1]
            result[-1] = (last_start, max(last_end, end))
        else:
            result.append((start, end))
    return result


def covered(intervals):
    """How many units the intervals cover together (each interval covers end - start)."""
    return sum(end - start for start, end in merge(intervals))
