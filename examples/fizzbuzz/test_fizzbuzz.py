"""fizzbuzz's own tests; dodo.py runs them before packaging (`doit`)."""

from fizzbuzz import fizzbuzz


def test_multiples_of_three_and_five():
    assert [fizzbuzz(n) for n in (3, 5, 15, 7)] == ["fizz", "buzz", "fizz buzz", "7"]


def test_numeric_strings_as_slam_invoke_sends_them():
    assert fizzbuzz("30") == "fizz buzz"
