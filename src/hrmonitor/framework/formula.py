"""Formulas of computed indicators: safe arithmetic over indicator codes, read by a small
parser of its own (nothing is ever passed to Python's `eval`).

What a formula may contain:

- numbers written with digits and an optional decimal point: ``12``, ``0.5``;
- indicator codes: a letter followed by letters, digits, ``.`` and ``_``, such as ``SO1.I2``
  or ``HR_NSP.sites``; a code may also be written in square brackets, ``[SO1.I2]``;
- ``+``, ``-``, ``*``, ``/``, a minus sign in front of a value (``-SO1.I2``) and parentheses;
  ``*`` and ``/`` are applied before ``+`` and ``-``, and operators of the same level from
  left to right;
- the functions ``min(a, b, …)``, ``max(a, b, …)``, ``sum(a, b, …)`` (one value or more) and
  ``abs(x)``. Function names may be written in any case.

Rules of calculation:

- A value is computed only when every indicator it refers to has a value. If one of them is
  missing, the computed value is missing too: a missing value is never taken as 0.
- Division by zero gives a missing value.
- Arithmetic is decimal (not binary floating point), to 28 significant digits, rounding
  halves to the nearest even digit.
- A formula is at most 500 characters long, not counting spaces, with at most 50 levels of
  nesting (parentheses, function calls and minus signs inside each other).
- Each formula has a canonical text (``str(formula)``): codes as written, numbers without
  useless zeros, one space around ``+ - * /``, lower-case functions and only the parentheses
  that are needed.
- Computed indicators may use other computed indicators, but never, directly or not,
  themselves.

Error codes (``FormulaError.code``; ``position`` counts characters from 1):

- ``empty_formula`` — nothing but spaces;
- ``too_long`` — more than 500 characters, not counting spaces (``length``, ``limit``);
- ``too_deep`` — more than 50 levels of nesting (``position``, ``limit``);
- ``unexpected_character`` — a character that has no place in a formula (``character``,
  ``position``);
- ``unexpected_token`` — a number, code, operator or comma in the wrong place (``token``,
  ``position``);
- ``unexpected_end`` — the formula stops where a value is still expected (``position``);
- ``unbalanced_parenthesis`` — a parenthesis that is never closed, or closed without having
  been opened (``position``);
- ``unknown_function`` — a name followed by ``(`` that is not a function (``function``,
  ``position``);
- ``wrong_argument_count`` — ``abs`` without exactly one value, or another function without
  any (``function``, ``minimum``, ``maximum`` — None when there is no upper limit —,
  ``given``, ``position``);
- ``cycle`` — computed indicators that depend on each other in a circle (``codes``, in the
  order in which each uses the next).

Reasons why an evaluation gives no value (``Reason.code``):

- ``missing_input`` — some referenced indicators have no value (``Reason.indicators``);
- ``invalid_input`` — some referenced values are not finite numbers (``Reason.indicators``);
- ``division_by_zero`` — a division by zero;
- ``overflow`` — a result too large to represent.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from decimal import localcontext as _localcontext

MAX_LENGTH = 500
MAX_DEPTH = 50

# Function name -> (fewest, most) arguments; None means no upper limit.
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "min": (1, None),
    "max": (1, None),
    "sum": (1, None),
    "abs": (1, 1),
}

_CONTEXT = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    Emin=-999999,
    Emax=999999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)


class FormulaError(ValueError):
    """A formula that cannot be read, or formulas that depend on each other in a circle;
    `code` and `params` identify the problem so that the web layer can show a translated
    message."""

    def __init__(self, code: str, message: str, params: Mapping[str, object] | None = None):
        super().__init__(message)
        self.code = code
        self.params: dict[str, object] = dict(params or {})

    def __reduce__(self) -> tuple[type[FormulaError], tuple[str, str, dict[str, object]]]:
        # The default reduce passes only the message back to __init__, which needs the code.
        return (type(self), (self.code, str(self), self.params))


# ---------------------------------------------------------------------------------------------
# Syntax tree


@dataclass(frozen=True)
class Number:
    value: Decimal


@dataclass(frozen=True)
class Reference:
    code: str


@dataclass(frozen=True)
class Negate:
    operand: Node


@dataclass(frozen=True)
class BinaryOp:
    operator: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    function: str
    arguments: tuple[Node, ...]


type Node = Number | Reference | Negate | BinaryOp | Call


# ---------------------------------------------------------------------------------------------
# Tokens


@dataclass(frozen=True)
class _Token:
    kind: str  # number, name, reference, operator, (, ), "," or end
    text: str
    position: int  # 0-based offset in the formula


_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9._]*")
_SPACES = " \t\r\n"


def _at(position: int) -> int:
    """Positions in errors count from 1, as people count characters."""
    return position + 1


def _unexpected_character(text: str, position: int) -> FormulaError:
    if position >= len(text):
        return FormulaError(
            "unexpected_end",
            f"The formula ends too early, at position {_at(position)}",
            {"position": _at(position)},
        )
    character = text[position]
    return FormulaError(
        "unexpected_character",
        f"Unexpected character {character!r} at position {_at(position)}",
        {"character": character, "position": _at(position)},
    )


def _tokens(text: str) -> Iterator[_Token]:
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in _SPACES:
            i += 1
        elif c in "+-*/(),":
            yield _Token("operator" if c in "+-*/" else c, c, i)
            i += 1
        elif match := _NUMBER.match(text, i):
            yield _Token("number", match[0], i)
            i = match.end()
        elif match := _NAME.match(text, i):
            yield _Token("name", match[0], i)
            i = match.end()
        elif c == "[":
            j = i + 1
            while j < n and text[j] in _SPACES:
                j += 1
            match = _NAME.match(text, j)
            if not match:
                raise _unexpected_character(text, j)
            j = match.end()
            while j < n and text[j] in _SPACES:
                j += 1
            if j >= n or text[j] != "]":
                raise _unexpected_character(text, j)
            yield _Token("reference", match[0], i)
            i = j + 1
        else:
            raise _unexpected_character(text, i)
    yield _Token("end", "", n)


# ---------------------------------------------------------------------------------------------
# Parser: recursive descent, one function per level of precedence.


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = list(_tokens(text))
        self.index = 0
        self.depth = 0

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(
                "too_deep",
                f"The formula nests more than {MAX_DEPTH} levels deep "
                f"(at position {_at(token.position)})",
                {"position": _at(token.position), "limit": MAX_DEPTH},
            )

    def leave(self) -> None:
        self.depth -= 1

    def unexpected(self, token: _Token) -> FormulaError:
        if token.kind == "end":
            return FormulaError(
                "unexpected_end",
                f"The formula ends too early, at position {_at(token.position)}",
                {"position": _at(token.position)},
            )
        return FormulaError(
            "unexpected_token",
            f"Unexpected {token.text!r} at position {_at(token.position)}",
            {"token": token.text, "position": _at(token.position)},
        )

    def unbalanced(self, token: _Token) -> FormulaError:
        return FormulaError(
            "unbalanced_parenthesis",
            f"Unbalanced parenthesis at position {_at(token.position)}",
            {"position": _at(token.position)},
        )

    def formula(self) -> Node:
        node = self.expression()
        token = self.peek()
        if token.kind == ")":
            raise self.unbalanced(token)
        if token.kind != "end":
            raise self.unexpected(token)
        return node

    def expression(self) -> Node:
        node = self.term()
        while self.peek().kind == "operator" and self.peek().text in "+-":
            operator = self.take().text
            node = BinaryOp(operator, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.peek().kind == "operator" and self.peek().text in "*/":
            operator = self.take().text
            node = BinaryOp(operator, node, self.unary())
        return node

    def unary(self) -> Node:
        token = self.peek()
        if token.kind == "operator" and token.text == "-":
            self.take()
            self.enter(token)
            operand = self.unary()
            self.leave()
            return Negate(operand)
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "number":
            return Number(Decimal(token.text))
        if token.kind == "reference":
            return Reference(token.text)
        if token.kind == "name":
            if self.peek().kind == "(":
                return self.call(token)
            return Reference(token.text)
        if token.kind == "(":
            self.enter(token)
            node = self.expression()
            self.leave()
            closing = self.peek()
            if closing.kind == "end":
                raise self.unbalanced(token)
            if closing.kind != ")":
                raise self.unexpected(closing)
            self.take()
            return node
        raise self.unexpected(token)

    def call(self, name: _Token) -> Node:
        function = name.text.lower()
        if function not in FUNCTIONS:
            raise FormulaError(
                "unknown_function",
                f"Unknown function {name.text!r} at position {_at(name.position)}",
                {"function": name.text, "position": _at(name.position)},
            )
        opening = self.take()
        self.enter(opening)
        arguments: list[Node] = []
        if self.peek().kind == ")":
            self.take()
        else:
            while True:
                arguments.append(self.expression())
                separator = self.peek()
                if separator.kind == ",":
                    self.take()
                elif separator.kind == ")":
                    self.take()
                    break
                elif separator.kind == "end":
                    raise self.unbalanced(opening)
                else:
                    raise self.unexpected(separator)
        self.leave()
        fewest, most = FUNCTIONS[function]
        if len(arguments) < fewest or (most is not None and len(arguments) > most):
            expected = f"exactly {fewest}" if most == fewest else f"at least {fewest}"
            raise FormulaError(
                "wrong_argument_count",
                f"{function}() takes {expected} value(s), not {len(arguments)} "
                f"(at position {_at(name.position)})",
                {
                    "function": function,
                    "minimum": fewest,
                    "maximum": most,
                    "given": len(arguments),
                    "position": _at(name.position),
                },
            )
        return Call(function, tuple(arguments))


# ---------------------------------------------------------------------------------------------
# Canonical text

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def _format_number(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _render(node: Node) -> str:
    match node:
        case Number(value):
            return _format_number(value)
        case Reference(code):
            # Even a code spelled like a function stays bare: in canonical text a code is never
            # followed by "(", so it cannot read as a call.
            return code
        case Negate(operand):
            inner = _render(operand)
            return f"-({inner})" if isinstance(operand, BinaryOp) else f"-{inner}"
        case BinaryOp(operator, left, right):
            level = _PRECEDENCE[operator]
            left_text = _render(left)
            if isinstance(left, BinaryOp) and _PRECEDENCE[left.operator] < level:
                left_text = f"({left_text})"
            right_text = _render(right)
            # Same-level operators group from the left, so a right operand of the same level
            # keeps its parentheses: a - (b - c) is not a - b - c.
            if isinstance(right, BinaryOp) and _PRECEDENCE[right.operator] <= level:
                right_text = f"({right_text})"
            return f"{left_text} {operator} {right_text}"
        case Call(function, arguments):
            return f"{function}({', '.join(_render(a) for a in arguments)})"
    raise TypeError(f"not a formula node: {node!r}")  # pragma: no cover


def _references(node: Node) -> Iterator[str]:
    match node:
        case Reference(code):
            yield code
        case Negate(operand):
            yield from _references(operand)
        case BinaryOp(_, left, right):
            yield from _references(left)
            yield from _references(right)
        case Call(_, arguments):
            for argument in arguments:
                yield from _references(argument)


# ---------------------------------------------------------------------------------------------
# Evaluation


@dataclass(frozen=True)
class Reason:
    """Why a formula gave no value: `code` is `missing_input`, `invalid_input`,
    `division_by_zero` or `overflow`; `indicators` lists, sorted, the codes whose values were
    missing or invalid."""

    code: str
    indicators: tuple[str, ...] = ()

    @property
    def params(self) -> dict[str, object]:
        return {"indicators": list(self.indicators)}


class _ZeroDivisor(Exception):
    pass


def _evaluate(node: Node, values: Mapping[str, Decimal]) -> Decimal:
    match node:
        case Number(value):
            return value
        case Reference(code):
            return values[code]
        case Negate(operand):
            return -_evaluate(operand, values)
        case BinaryOp(operator, left, right):
            a = _evaluate(left, values)
            b = _evaluate(right, values)
            if operator == "+":
                return a + b
            if operator == "-":
                return a - b
            if operator == "*":
                return a * b
            if b.is_zero():
                raise _ZeroDivisor
            return a / b
        case Call(function, arguments):
            results = [_evaluate(a, values) for a in arguments]
            if function == "min":
                return min(results)
            if function == "max":
                return max(results)
            if function == "abs":
                return abs(results[0])
            total = results[0]
            for result in results[1:]:
                total += result
            return total
    raise TypeError(f"not a formula node: {node!r}")  # pragma: no cover


@dataclass(frozen=True)
class Formula:
    """A parsed formula. Build it with `parse_formula`; `str()` gives its canonical text."""

    root: Node
    references: frozenset[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "references", frozenset(_references(self.root)))

    def __str__(self) -> str:
        return _render(self.root)

    def evaluate(self, values: Mapping[str, Decimal | None]) -> Decimal | None:
        """The value of the formula, or None when it has none (see `evaluate_explained`)."""
        return self.evaluate_explained(values)[0]

    def evaluate_explained(
        self, values: Mapping[str, Decimal | None]
    ) -> tuple[Decimal | None, Reason | None]:
        """The value of the formula with the values of the indicators it refers to, and None;
        or None and the reason why there is no value: some referenced values missing (or
        None), some not finite numbers, a division by zero, or an overflow. Missing inputs
        are reported first, whatever else would go wrong."""
        inputs: dict[str, Decimal] = {}
        missing: list[str] = []
        invalid: list[str] = []
        for code in self.references:
            value = values.get(code)
            if value is None:
                missing.append(code)
            elif not value.is_finite():
                invalid.append(code)
            else:
                inputs[code] = value
        if missing:
            return None, Reason("missing_input", tuple(sorted(missing)))
        if invalid:
            return None, Reason("invalid_input", tuple(sorted(invalid)))
        try:
            with _localcontext(_CONTEXT):
                result = _evaluate(self.root, inputs)
        except _ZeroDivisor:
            return None, Reason("division_by_zero")
        except Overflow:
            return None, Reason("overflow")
        # -0 is a valid Decimal but reads as a mistake in a report.
        return (abs(result) if result.is_zero() else result), None


def parse_formula(text: str) -> Formula:
    """Read a formula; raises `FormulaError` (and nothing else) when it is not valid."""
    if not isinstance(text, str):
        raise TypeError(f"a formula is text, not {type(text).__name__}")
    # Spaces do not count, so that the canonical text (which may add spaces around operators)
    # of an accepted formula is always accepted too.
    length = sum(1 for c in text if c not in _SPACES)
    if length > MAX_LENGTH:
        raise FormulaError(
            "too_long",
            f"The formula is {length} characters long; the limit is {MAX_LENGTH}",
            {"length": length, "limit": MAX_LENGTH},
        )
    if not length:
        raise FormulaError("empty_formula", "The formula is empty", {})
    return Formula(_Parser(text).formula())


# ---------------------------------------------------------------------------------------------
# Several formulas


def dependency_order(formulas: Mapping[str, Formula]) -> list[str]:
    """The codes of computed indicators in an order in which each comes after every computed
    indicator its formula refers to (codes without a formula are inputs and are not listed).
    Among indicators that could come next, the smallest code comes first, so the order is
    always the same. Raises `FormulaError` `cycle` when some depend on each other in a
    circle."""
    dependencies = {
        code: sorted(r for r in formula.references if r in formulas)
        for code, formula in formulas.items()
    }
    dependents: dict[str, list[str]] = {code: [] for code in formulas}
    waiting_for: dict[str, int] = {}
    for code, used in dependencies.items():
        waiting_for[code] = len(used)
        for dependency in used:
            dependents[dependency].append(code)
    ready = [code for code, count in waiting_for.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        code = heapq.heappop(ready)
        order.append(code)
        for dependent in dependents[code]:
            waiting_for[dependent] -= 1
            if waiting_for[dependent] == 0:
                heapq.heappush(ready, dependent)
    if len(order) < len(formulas):
        cycle = _find_cycle(dependencies, set(formulas) - set(order))
        raise FormulaError(
            "cycle",
            "Computed indicators depend on each other in a circle: "
            + " → ".join([*cycle, cycle[0]]),
            {"codes": cycle},
        )
    return order


def _find_cycle(dependencies: Mapping[str, list[str]], stuck: set[str]) -> list[str]:
    """One circle among the indicators left unordered, starting at its smallest code. Each of
    them waits for another of them, so following those waits must come back to a code."""
    seen: dict[str, int] = {}
    path: list[str] = []
    code = min(stuck)
    while code not in seen:
        seen[code] = len(path)
        path.append(code)
        code = min(d for d in dependencies[code] if d in stuck)
    cycle = path[seen[code] :]
    first = cycle.index(min(cycle))
    return cycle[first:] + cycle[:first]


def evaluate_all(
    formulas: Mapping[str, Formula], values: Mapping[str, Decimal | None]
) -> dict[str, Decimal | None]:
    """The values of all computed indicators, given the values of the others; computed
    indicators may use each other. A formula's result replaces any value given for its own
    code."""
    known: dict[str, Decimal | None] = dict(values)
    results: dict[str, Decimal | None] = {}
    for code in dependency_order(formulas):
        results[code] = known[code] = formulas[code].evaluate(known)
    return results
