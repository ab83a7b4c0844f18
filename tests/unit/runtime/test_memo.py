from __future__ import annotations

from slam.runtime.memo import LIMIT, remember


def test_a_memo_keeps_what_it_is_given_until_its_limit_then_stops_growing() -> None:
    memo: dict[int, int] = {}
    for number in range(LIMIT + 10):
        assert remember(memo, number, -number) == -number
    assert memo == {number: -number for number in range(LIMIT)}
