"""The lottery draw as a pure function of its inputs, so a recorded draw can be redone and checked."""

import random
from decimal import Decimal


def draw(candidates: list[list], seed: str, budget_left: Decimal) -> tuple[list[int], list[int]]:
    """Shuffle the candidates ([application id, amount] in id order) with `seed`, then approve in that
    order every grant that still fits the budget. Returns (drawn order, approved ids)."""
    amounts = {int(pk): Decimal(str(amount)) for pk, amount in candidates}
    order = [int(pk) for pk, _amount in candidates]
    # A string seed is hashed with SHA-512 by random.Random, so the shuffle is the same on every machine.
    random.Random(seed).shuffle(order)  # noqa: S311 - a public, reproducible draw, not a secret
    approved, left = [], Decimal(str(budget_left))
    for pk in order:
        if amounts[pk] <= left:
            approved.append(pk)
            left -= amounts[pk]
    return order, approved


def redraw(lottery) -> tuple[list[int], list[int]]:
    """The draw recomputed from a recorded Lottery's seed and candidates."""
    return draw(lottery.candidates, lottery.seed, lottery.budget_left)
