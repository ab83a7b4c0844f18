"""Fizz Buzz as a single function, the example project of slam's basic tutorial.

Deployed with ``slam init fizzbuzz:fizzbuzz``; Lambda calls it with keyword
arguments, as in ``fizzbuzz(number=15)``. Run it locally with::

    python3 fizzbuzz.py 15
"""

from __future__ import annotations

import argparse


def fizzbuzz(number: int | str) -> str:
    """Return "fizz", "buzz" or "fizz buzz" for multiples of 3, 5 or both, else the number.

    A numeric string is accepted too, because ``slam invoke number=15`` sends a string.
    """
    value = int(number)
    words = []
    if value % 3 == 0:
        words.append("fizz")
    if value % 5 == 0:
        words.append("buzz")
    return " ".join(words) or str(value)


def main(argv: list[str] | None = None) -> None:
    """Print the Fizz Buzz answer for the number given on the command line."""
    parser = argparse.ArgumentParser(description="Print the Fizz Buzz answer for a number.")
    parser.add_argument("number", type=int)
    print(fizzbuzz(parser.parse_args(argv).number))


if __name__ == "__main__":
    main()
