package checks

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// tol accepts got when |got−want| ≤ abs + rel·|want|.
type tol struct{ abs, rel float64 }

var (
	// exactTol is for values a careful float64 implementation computes
	// to a few ulps of the reference.
	exactTol = tol{abs: 1e-9, rel: 1e-7}
	// fdTol is for comparisons with central finite differences, whose
	// truncation and rounding errors are around 1e-8 to 1e-6.
	fdTol = tol{abs: 1e-6, rel: 1e-4}
)

func (t tol) ok(got, want float64) bool {
	if math.IsNaN(got) || math.IsNaN(want) {
		return false
	}
	if math.IsInf(want, 0) || math.IsInf(got, 0) {
		return got == want
	}
	return math.Abs(got-want) <= t.abs+t.rel*math.Abs(want)
}

// relErr is |got−want| / |want| (or the absolute error where want is 0),
// +Inf where got is NaN or infinite, so that it orders and prints.
func relErr(got, want float64) float64 {
	d := math.Abs(got - want)
	switch {
	case math.IsNaN(d) || math.IsInf(d, 0):
		return math.Inf(1)
	case want == 0:
		return d
	}
	return d / math.Abs(want)
}

// elem is one compared element.
type elem struct {
	index     string // "[2]" or "[0][1]"
	got, want float64
}

// mistake is a known wrong answer and the hint that explains it.
type mistake struct {
	hint string
	vals []float64 // flattened in the order the compared values are
}

// expect describes one comparison of the learner's output with the truth.
type expect struct {
	fn    Func
	what  string   // the compared output: "Grad(pred, target)", "dW1"
	at    string   // prefix of element positions: "dW1" gives dW1[0][2]
	given []string // the inputs, one "name = value" per line
	tol   tol
	// mistakes are tried in order; the first that got matches gives the
	// hint. hint is used when none matches.
	mistakes []mistake
	hint     string
	// nanHint replaces the generic advice when got holds a NaN or ±Inf.
	nanHint string
}

// scalar compares one value.
func (e expect) scalar(c *ctx, got, want float64) bool {
	return e.elems(c, []elem{{"", got, want}})
}

// vec compares a vector, after checking its length.
func (e expect) vec(c *ctx, got, want []float64) bool {
	if len(got) != len(want) {
		what := e.what
		if got == nil {
			what += " returned nil"
		} else {
			what += fmt.Sprintf(" has length %d", len(got))
		}
		hint := e.hint
		if hint == "" {
			hint = "return a new slice made with make([]float64, n)."
		}
		e.fail(c, fmt.Sprintf("%s, want length %d.", what, len(want)), hint)
		return false
	}
	es := make([]elem, len(want))
	for i := range want {
		es[i] = elem{fmt.Sprintf("[%d]", i), got[i], want[i]}
	}
	return e.elems(c, es)
}

// mat compares a matrix, after checking its shape.
func (e expect) mat(c *ctx, got, want [][]float64) bool {
	if msg := shapeMismatch(got, want); msg != "" {
		e.fail(c, fmt.Sprintf("%s %s", e.what, msg), e.hint)
		return false
	}
	var es []elem
	for i := range want {
		for j := range want[i] {
			es = append(es, elem{fmt.Sprintf("[%d][%d]", i, j), got[i][j], want[i][j]})
		}
	}
	return e.elems(c, es)
}

// shapeMismatch says how got's shape differs from want's, or "".
func shapeMismatch(got, want [][]float64) string {
	rows, cols := len(want), 0
	if rows > 0 {
		cols = len(want[0])
	}
	if got == nil {
		return fmt.Sprintf("is nil, want a %d×%d matrix", rows, cols)
	}
	if len(got) != rows {
		gc := 0
		if len(got) > 0 {
			gc = len(got[0])
		}
		return fmt.Sprintf("has shape %d×%d, want %d×%d", len(got), gc, rows, cols)
	}
	for i, row := range got {
		if len(row) != cols {
			return fmt.Sprintf("row %d has %d columns, want %d (shape %d×%d)", i, len(row), cols, rows, cols)
		}
	}
	return ""
}

// elems compares element by element and records one problem listing the
// wrong ones, with the hint of the first matching mistake.
func (e expect) elems(c *ctx, es []elem) bool {
	var bad []elem
	worst := -1
	worstRel := 0.0
	for i, x := range es {
		r := relErr(x.got, x.want)
		if worst < 0 || r > worstRel || (r == worstRel && math.Abs(x.got-x.want) > math.Abs(es[worst].got-es[worst].want)) {
			worst, worstRel = i, r
		}
		if !e.tol.ok(x.got, x.want) {
			bad = append(bad, x)
		}
	}
	if worst >= 0 {
		c.observe(worstRel, e.at+es[worst].index)
	}
	if len(bad) == 0 {
		return true
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s is wrong", e.what)
	if len(es) > 1 {
		fmt.Fprintf(&b, " at %d of %d elements", len(bad), len(es))
	}
	b.WriteString(".")
	for i, x := range bad {
		if i == 3 {
			fmt.Fprintf(&b, "\n  … and %d more", len(bad)-3)
			break
		}
		b.WriteString("\n  " + describe(e.at+x.index, x))
	}
	if len(bad) > 1 {
		fmt.Fprintf(&b, "\n  worst at %s%s.", e.at, es[worst].index)
	}
	e.fail(c, b.String(), e.hintFor(es))
	return false
}

// describe is "[2]: want -1.333333, got -0.6666667 (off by 0.6666667, 50% relative)".
func describe(at string, x elem) string {
	s := fmt.Sprintf("want %s, got %s", num(x.want), num(x.got))
	if at != "" {
		s = at + ": " + s
	}
	d := math.Abs(x.got - x.want)
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return s
	}
	s += " (off by " + num(d)
	if x.want != 0 {
		s += fmt.Sprintf(", %.3g%% relative", 100*d/math.Abs(x.want))
	}
	return s + ")"
}

// hintFor returns the hint of the first mistake the values match.
func (e expect) hintFor(es []elem) string {
	for _, m := range e.mistakes {
		if len(m.vals) != len(es) {
			continue
		}
		match, differs := true, false
		for i, x := range es {
			if !e.tol.ok(x.got, m.vals[i]) {
				match = false
				break
			}
			if !e.tol.ok(m.vals[i], x.want) {
				differs = true
			}
		}
		if match && differs {
			return m.hint
		}
	}
	for _, x := range es {
		if math.IsNaN(x.got) || math.IsInf(x.got, 0) {
			if e.nanHint != "" {
				return e.nanHint
			}
			return fmt.Sprintf("a %s comes from 0/0, ∞−∞, log(0), exp of a large number or sqrt of a negative one; "+
				"print the intermediate values to find the first bad one.", num(x.got))
		}
	}
	return e.hint
}

// fail records a Wrong problem for e.fn with the inputs and a hint.
func (e expect) fail(c *ctx, what, hint string) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", e.fn, what)
	for _, g := range e.given {
		b.WriteString("\n  given " + g)
	}
	if hint != "" {
		b.WriteString("\n  hint: " + hint)
	}
	c.fail(e.fn.Name, Wrong, b.String())
}

// num formats a number with 7 significant digits.
func num(x float64) string { return strconv.FormatFloat(x, 'g', 7, 64) }

// vecString formats a short vector for messages, eliding long ones.
func vecString(v []float64) string {
	const show = 6
	parts := make([]string, 0, min(len(v), show+1))
	for i, x := range v {
		if i == show {
			parts = append(parts, fmt.Sprintf("… (%d values)", len(v)))
			break
		}
		parts = append(parts, strconv.FormatFloat(x, 'g', 5, 64))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// matString formats a small matrix on one line: [[1 2] [3 4]].
func matString(m [][]float64) string {
	rows := make([]string, len(m))
	for i, r := range m {
		rows[i] = vecString(r)
	}
	return "[" + strings.Join(rows, " ") + "]"
}
