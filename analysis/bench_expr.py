"""The expression language of experiment files, evaluated on results.

Same grammar as l0/bench_expr.h, which checks it when `nestlab bench`
reads the file:

    expr     := term (("+" | "-") term)*
    term     := factor (("*" | "/") factor)*
    factor   := NUMBER | ref | "(" expr ")" | "-" factor
    ref      := METRIC "[" selector* "]"
    selector := KEY "=" VALUE

A published value may be a range "LOW .. HIGH". A table ratio is
"METRIC SEL... / SEL...". Evaluation asks a resolver for each reference
and carries the first reason a value is missing instead of a number.
"""

import re

TOKEN = re.compile(r"\s*(?:(?P<num>\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)"
                   r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"
                   r"|(?P<op>\.\.|[-+*/()\[\]=]))")
VALUE = re.compile(r"\s*([A-Za-z0-9_.@-]+)")


class ExprError(ValueError):
    pass


class _Parser:
    def __init__(self, text):
        self.text = text
        self.pos = 0

    def peek(self):
        m = TOKEN.match(self.text, self.pos)
        if not m:
            rest = self.text[self.pos:].strip()
            if rest:
                raise ExprError("column %d: unexpected %r" % (self.pos + 1, rest[:10]))
            return None, None, self.pos
        kind = m.lastgroup
        val = m.group(kind)
        # "6..8": the number ends before ".."
        if kind == "num" and val.endswith(".") and self.text[m.end():m.end() + 1] == ".":
            return kind, val[:-1], m.end() - 1
        return kind, val, m.end()

    def take(self):
        kind, val, end = self.peek()
        self.pos = end
        return kind, val

    def expect(self, op):
        kind, val = self.take()
        if val != op:
            raise ExprError("column %d: want %r" % (self.pos + 1, op))

    def selectors(self, stop):
        sel = {}
        while True:
            kind, val, end = self.peek()
            if val == stop or (kind is None and stop is None):
                return sel
            if kind != "word":
                raise ExprError("column %d: want KEY=VALUE" % (self.pos + 1))
            self.pos = end
            self.expect("=")
            m = VALUE.match(self.text, self.pos)
            if not m:
                raise ExprError("column %d: %r needs a value" % (self.pos + 1, val))
            sel[val] = m.group(1)
            self.pos = m.end()

    def factor(self):
        kind, val = self.take()
        if val == "-":
            return ("neg", self.factor())
        if val == "(":
            node = self.expr()
            self.expect(")")
            return node
        if kind == "num":
            return ("num", float(val))
        if kind == "word":
            self.expect("[")
            sel = self.selectors("]")
            self.expect("]")
            return ("ref", val, sel)
        raise ExprError("column %d: unexpected %r" % (self.pos + 1, val))

    def term(self):
        node = self.factor()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            node = ("bin", op, node, self.factor())
        return node

    def expr(self):
        node = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            node = ("bin", op, node, self.term())
        return node

    def end(self):
        kind, val, _ = self.peek()
        if kind is not None:
            raise ExprError("column %d: unexpected %r" % (self.pos + 1, val))


def parse_expr(text):
    p = _Parser(text)
    node = p.expr()
    p.end()
    return node


def parse_value(text):
    """A published value: (low, high) nodes; high is None for one number."""
    p = _Parser(text)
    lo = p.expr()
    if p.peek()[1] == "..":
        p.take()
        hi = p.expr()
        p.end()
        return lo, hi
    p.end()
    return lo, None


def parse_ratio(spec):
    """'METRIC SEL... / SEL...' -> (metric, numerator sel, denominator sel)."""
    p = _Parser(spec)
    kind, metric = p.take()
    if kind != "word":
        raise ExprError("want 'METRIC SEL... / SEL...'")
    num = p.selectors("/")
    p.expect("/")
    den = p.selectors(None)
    return metric, num, den


def evaluate(node, resolve):
    """(value, None) or (None, reason); resolve(metric, sel) -> same."""
    kind = node[0]
    if kind == "num":
        return node[1], None
    if kind == "ref":
        return resolve(node[1], node[2])
    if kind == "neg":
        v, why = evaluate(node[1], resolve)
        return (None, why) if v is None else (-v, None)
    a, why = evaluate(node[2], resolve)
    if a is None:
        return None, why
    b, why = evaluate(node[3], resolve)
    if b is None:
        return None, why
    op = node[1]
    if op == "+":
        return a + b, None
    if op == "-":
        return a - b, None
    if op == "*":
        return a * b, None
    if b == 0:
        return None, "division by zero"
    return a / b, None
