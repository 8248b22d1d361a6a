"""parse_money, the one parser of amounts in yuan: numbers with up to two decimals pass, anything else
gets a message on the field."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from gonghui.core.money import MAX_MONEY, parse_money

yuan = st.decimals(min_value=0, max_value=MAX_MONEY, places=2, allow_nan=False, allow_infinity=False)


@given(yuan)
def test_amounts_in_yuan_round_trip(amount):
    errors = {}
    assert parse_money(str(amount), "budget", errors) == amount and errors == {}


@given(st.text(alphabet=st.characters(whitelist_categories=("Lo", "Lu", "Ll")), min_size=1), yuan)
def test_text_is_refused_on_the_field(words, amount):
    text = f"{amount}{words}"  # 九百, 12元, 1200yuan: letters anywhere make it text, not a number
    errors = {}
    assert parse_money(text, "budget", errors) is None
    assert set(errors) == {"budget"}


def test_edge_cases():
    for value, ok in [("1.500", True), ("0.005", False), ("-1", False), ("NaN", False), ("Infinity", False),
                      (True, False), ("1e3", True), (str(MAX_MONEY + 1), False), (12, True), ("  7.5 ", True)]:
        errors = {}
        result = parse_money(value, "amount", errors)
        assert (result is not None) == ok and (errors == {}) == ok, value
    assert parse_money("", "amount", {}, required=False) is None
    errors = {}
    assert parse_money("0", "amount", errors, positive=True) is None and "amount" in errors
    assert parse_money("1e3", "amount", {}) == Decimal("1000")
