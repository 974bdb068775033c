"""Formulas of computed indicators: parsing, canonical text, evaluation and dependencies."""

from __future__ import annotations

import operator
import pickle
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrmonitor.framework.formula import (
    Formula,
    FormulaError,
    Reason,
    dependency_order,
    evaluate_all,
    parse_formula,
)

D = Decimal


def error_of(text: str) -> FormulaError:
    with pytest.raises(FormulaError) as caught:
        parse_formula(text)
    return caught.value


def test_a_formula_lists_the_indicators_it_refers_to():
    formula = parse_formula("SO1.I2 / [SO2.I6] * 100 + HR_NSP.sites")
    assert formula.references == frozenset({"SO1.I2", "SO2.I6", "HR_NSP.sites"})


def test_a_formula_computes_from_the_values_of_its_indicators():
    formula = parse_formula("SO1.I2 / SO1.I3 * 100")
    assert formula.evaluate({"SO1.I2": D(3), "SO1.I3": D(12)}) == D(25)


def test_multiplication_and_division_come_before_addition_and_subtraction():
    assert parse_formula("2 + 3 * 4").evaluate({}) == D(14)
    assert parse_formula("(2 + 3) * 4").evaluate({}) == D(20)
    assert parse_formula("10 - 4 - 3").evaluate({}) == D(3)
    assert parse_formula("24 / 4 / 2").evaluate({}) == D(3)


def test_a_minus_sign_applies_to_the_value_after_it():
    assert parse_formula("-2 * 3").evaluate({}) == D(-6)
    assert parse_formula("5 - -2").evaluate({}) == D(7)
    assert parse_formula("-(2 + 3)").evaluate({}) == D(-5)
    assert parse_formula("--4").evaluate({}) == D(4)


def test_functions_take_any_number_of_values_and_any_case():
    values = {"a": D(3), "b": D(-7), "c": D("0.5")}
    assert parse_formula("min(a, b, c)").evaluate(values) == D(-7)
    assert parse_formula("MAX(a, b, c)").evaluate(values) == D(3)
    assert parse_formula("Sum(a, b, c)").evaluate(values) == D("-3.5")
    assert parse_formula("abs(b)").evaluate(values) == D(7)
    assert parse_formula("max(a)").evaluate(values) == D(3)


def test_a_code_spelled_like_a_function_is_a_reference_without_parentheses():
    formula = parse_formula("sum + [max]")
    assert formula.references == frozenset({"sum", "max"})
    assert formula.evaluate({"sum": D(1), "max": D(2)}) == D(3)


def test_arithmetic_is_decimal_not_binary_floating_point():
    assert parse_formula("0.1 + 0.2").evaluate({}) == D("0.3")
    assert parse_formula("1 / 3").evaluate({}) == D("0.3333333333333333333333333333")


def test_a_missing_input_makes_the_value_missing_and_never_counts_as_zero():
    formula = parse_formula("a + b + c")
    assert formula.evaluate({"a": D(1), "b": None}) is None
    assert formula.evaluate_explained({"a": D(1), "b": None}) == (
        None,
        Reason("missing_input", ("b", "c")),
    )
    assert formula.evaluate_explained({"a": D(1), "b": None})[1].params == {
        "indicators": ["b", "c"]
    }


def test_even_min_and_max_have_no_value_when_an_input_is_missing():
    assert parse_formula("max(a, b)").evaluate({"a": D(5)}) is None


def test_division_by_zero_gives_no_value_and_says_why():
    formula = parse_formula("a / (b - c)")
    assert formula.evaluate({"a": D(1), "b": D(2), "c": D(2)}) is None
    assert formula.evaluate_explained({"a": D(1), "b": D(2), "c": D(2)}) == (
        None,
        Reason("division_by_zero"),
    )


def test_a_missing_input_is_reported_before_a_division_by_zero():
    _, reason = parse_formula("a / 0 + b").evaluate_explained({"a": D(1)})
    assert reason == Reason("missing_input", ("b",))


def test_an_input_that_is_not_a_finite_number_gives_no_value():
    _, reason = parse_formula("a * 2").evaluate_explained({"a": D("NaN")})
    assert reason == Reason("invalid_input", ("a",))


def test_an_overflowing_result_gives_no_value():
    value, reason = parse_formula("a * a").evaluate_explained({"a": D("1E+999999")})
    assert (value, reason) == (None, Reason("overflow"))


def test_a_computed_zero_is_never_negative():
    value = parse_formula("-a").evaluate({"a": D(0)})
    assert value == 0 and not value.is_signed()


def test_a_value_with_its_explanation_has_no_reason():
    assert parse_formula("a").evaluate_explained({"a": D(2)}) == (D(2), None)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("SO1.I2/[SO1.I3]*100", "SO1.I2 / SO1.I3 * 100"),
        ("((a + b)) * c", "(a + b) * c"),
        ("a + (b * c)", "a + b * c"),
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"),
        ("a / (b * c)", "a / (b * c)"),
        ("-(-(1))", "--1"),
        ("-(a * b)", "-(a * b)"),
        ("(-a) * b", "-a * b"),
        ("MIN( a ,2 )", "min(a, 2)"),
        ("1.500 + 007 + 0.0", "1.5 + 7 + 0"),
        ("[ sum ] + 1", "sum + 1"),
    ],
)
def test_every_formula_has_a_canonical_text(text, canonical):
    formula = parse_formula(text)
    assert str(formula) == canonical
    assert parse_formula(canonical) == formula


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("", "empty_formula", {}),
        ("  \t ", "empty_formula", {}),
        ("a # b", "unexpected_character", {"character": "#", "position": 3}),
        ("12.", "unexpected_character", {"character": ".", "position": 3}),
        ("1e5", "unexpected_token", {"token": "e5", "position": 2}),
        ("[1]", "unexpected_character", {"character": "1", "position": 2}),
        ("[a", "unexpected_end", {"position": 3}),
        ("[a b]", "unexpected_character", {"character": "b", "position": 4}),
        ("1 +", "unexpected_end", {"position": 4}),
        ("1 2", "unexpected_token", {"token": "2", "position": 3}),
        ("+1", "unexpected_token", {"token": "+", "position": 1}),
        ("a, b", "unexpected_token", {"token": ",", "position": 2}),
        ("()", "unexpected_token", {"token": ")", "position": 2}),
        ("(1 + 2", "unbalanced_parenthesis", {"position": 1}),
        ("1 + 2)", "unbalanced_parenthesis", {"position": 6}),
        ("min(1, 2", "unbalanced_parenthesis", {"position": 4}),
        ("min(1 2)", "unexpected_token", {"token": "2", "position": 7}),
        ("SO1.I2(3)", "unknown_function", {"function": "SO1.I2", "position": 1}),
        (
            "abs(1, 2)",
            "wrong_argument_count",
            {"function": "abs", "minimum": 1, "maximum": 1, "given": 2, "position": 1},
        ),
        (
            "sum()",
            "wrong_argument_count",
            {"function": "sum", "minimum": 1, "maximum": None, "given": 0, "position": 1},
        ),
    ],
)
def test_a_bad_formula_is_refused_with_a_code_and_the_position(text, code, params):
    error = error_of(text)
    assert (error.code, error.params) == (code, params)


def test_error_messages_say_where_in_english():
    assert str(error_of("a # b")) == "Unexpected character '#' at position 3"


def test_a_formula_over_500_characters_is_too_long_but_spaces_do_not_count():
    assert error_of("1+" * 250 + "1").params == {"length": 501, "limit": 500}
    assert error_of("1+" * 250 + "1").code == "too_long"
    assert parse_formula(" + ".join(["1"] * 250)).evaluate({}) == D(250)


def test_the_canonical_text_of_a_long_formula_is_accepted_too():
    formula = parse_formula("1+" * 249 + "1")
    assert parse_formula(str(formula)) == formula


def test_nesting_deeper_than_50_levels_is_refused():
    assert parse_formula("(" * 50 + "1" + ")" * 50).evaluate({}) == D(1)
    error = error_of("(" * 51 + "1" + ")" * 51)
    assert (error.code, error.params) == ("too_deep", {"position": 51, "limit": 50})
    assert error_of("-" * 51 + "1").code == "too_deep"
    assert error_of("abs(" * 51 + "1" + ")" * 51).code == "too_deep"


def test_a_formula_error_survives_pickling():
    error = error_of("a # b")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301  (our own object)
    assert (copy.code, copy.params) == (error.code, error.params)


def test_dependency_order_puts_each_computed_indicator_after_those_it_uses():
    formulas = {
        "C": parse_formula("A + B"),
        "A": parse_formula("x * 2"),
        "B": parse_formula("A / y"),
        "D": parse_formula("1"),
    }
    assert dependency_order(formulas) == ["A", "B", "C", "D"]


def test_a_cycle_is_refused_and_named():
    formulas = {
        "A": parse_formula("B + 1"),
        "B": parse_formula("C * 2"),
        "C": parse_formula("A - x"),
        "D": parse_formula("A"),
    }
    with pytest.raises(FormulaError) as caught:
        dependency_order(formulas)
    assert caught.value.code == "cycle"
    assert caught.value.params == {"codes": ["A", "B", "C"]}
    assert "A → B → C → A" in str(caught.value)


def test_an_indicator_computed_from_itself_is_a_cycle():
    with pytest.raises(FormulaError) as caught:
        dependency_order({"A": parse_formula("A + 1")})
    assert caught.value.params == {"codes": ["A"]}


def test_evaluate_all_computes_indicators_that_use_each_other():
    formulas = {"share": parse_formula("part / whole * 100"), "whole": parse_formula("a + b")}
    assert evaluate_all(formulas, {"part": D(1), "a": D(3), "b": D(1)}) == {
        "whole": D(4),
        "share": D(25),
    }
    assert evaluate_all(formulas, {"part": D(1), "a": D(3)}) == {"whole": None, "share": None}


# ---------------------------------------------------------------------------------------------
# Properties

REFERENCE_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
OPERATIONS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}

numbers = st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False)


def _binary(args: tuple[str, tuple[str, Decimal | None], tuple[str, Decimal | None]]):
    symbol, (a_text, a), (b_text, b) = args
    text = f"({a_text}){symbol}({b_text})"
    if a is None or b is None or (symbol == "/" and b == 0):
        return text, None
    with localcontext(REFERENCE_CONTEXT):
        return text, OPERATIONS[symbol](a, b)


def _negate(arg: tuple[str, Decimal | None]):
    text, value = arg
    if value is None:
        return f"-({text})", None
    with localcontext(REFERENCE_CONTEXT):
        return f"-({text})", -value


def _call(args: tuple[str, list[tuple[str, Decimal | None]]]):
    name, arguments = args
    text = f"{name}({', '.join(t for t, _ in arguments)})"
    values = [v for _, v in arguments]
    if any(v is None for v in values):
        return text, None
    present = [v for v in values if v is not None]
    with localcontext(REFERENCE_CONTEXT):
        if name == "min":
            return text, min(present)
        if name == "max":
            return text, max(present)
        if name == "abs":
            return text, abs(present[0])
        total = present[0]
        for v in present[1:]:
            total += v
        return text, total


expressions = st.recursive(
    numbers.map(lambda d: (format(d, "f"), d)),
    lambda children: st.one_of(
        st.tuples(st.sampled_from("+-*/"), children, children).map(_binary),
        children.map(_negate),
        st.tuples(
            st.sampled_from(["min", "max", "sum"]), st.lists(children, min_size=1, max_size=3)
        ).map(_call),
        st.tuples(st.just("abs"), st.lists(children, min_size=1, max_size=1)).map(_call),
    ),
    max_leaves=12,
)


@settings(deadline=None)
@given(expressions)
def test_expressions_of_numbers_give_the_same_decimal_as_a_reference_computation(expression):
    text, expected = expression
    formula = parse_formula(text)
    assert formula.evaluate({}) == expected
    assert parse_formula(str(formula)) == formula
    assert parse_formula(str(formula)).evaluate({}) == expected


codes = st.from_regex(r"[A-Za-z][A-Za-z0-9._]{0,6}", fullmatch=True)
tokens = st.one_of(
    codes,
    codes.map(lambda c: f"[{c}]"),
    numbers.map(lambda d: format(d, "f")),
    st.sampled_from(["+", "-", "*", "/", "(", ")", ",", " ", "min(", "abs(", "sum(", "max("]),
)


@settings(deadline=None)
@given(st.lists(tokens, max_size=30).map("".join))
def test_text_that_parses_has_a_canonical_text_with_the_same_meaning(text):
    try:
        formula = parse_formula(text)
    except FormulaError:
        return
    canonical = str(formula)
    again = parse_formula(canonical)
    assert again == formula
    assert str(again) == canonical
    values = dict.fromkeys(formula.references, D(2))
    assert again.evaluate(values) == formula.evaluate(values)


@settings(deadline=None)
@given(st.one_of(st.text(max_size=80), st.lists(tokens, max_size=40).map("".join)))
def test_the_parser_raises_nothing_but_formula_errors_on_any_text(text):
    try:
        formula = parse_formula(text)
    except FormulaError as error:
        position = error.params.get("position")
        if position is not None:
            assert isinstance(position, int) and 1 <= position <= len(text) + 1
        return
    assert isinstance(formula, Formula)
