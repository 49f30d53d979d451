"""Tests on boxes that more than one step asks."""

from __future__ import annotations


def _under_photo(x0, y0, x1, y1, photos, ch: float) -> bool:
    """A white strip within a photo's width that starts under it (or under its caption,
    a line or two) or ends over it."""
    return any(px0 <= x0 and x1 <= px1 and (0 <= y0 - py1 <= 3 * ch or 0 <= py0 - y1 <= 3 * ch)
               for px0, py0, px1, py1 in (p.bbox for p in photos))


def _overlaps(a, b) -> bool:
    """Do the two boxes share more than a couple of pixels each way?"""
    return min(a[2], b[2]) - max(a[0], b[0]) > 2 and min(a[3], b[3]) - max(a[1], b[1]) > 2


def _inside(a, b, slack: float) -> bool:
    return a[0] >= b[0] - slack and a[1] >= b[1] - slack and a[2] <= b[2] + slack and a[3] <= b[3] + slack


def _same_row(a, b) -> bool:
    """Do the two boxes stand on one line: share more than half the shorter one's rows?"""
    return min(a[3], b[3]) - max(a[1], b[1]) > 0.5 * min(a[3] - a[1], b[3] - b[1])


def components(n: int, pairs) -> list[list[int]]:
    """The indices 0..n-1 in groups joined by ``pairs`` of indices, transitively
    (union-find): each group in index order, the groups in order of their first index."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[rj] = ri
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _centre(b):
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    return (cx, cy, cx, cy)


def _horizontal(r) -> bool:
    return r[2] - r[0] > r[3] - r[1]
