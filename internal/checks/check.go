package checks

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// Kind says what sort of Problem a check found.
type Kind int

const (
	// Wrong: a value, a shape or a side effect is not what the exercise asks.
	Wrong Kind = iota
	// NotImplemented: the function still panics with its "TODO: …" stub.
	NotImplemented
	// Panicked: the function panicked with anything else.
	Panicked
)

// String returns "wrong", "not implemented" or "panicked".
func (k Kind) String() string {
	switch k {
	case NotImplemented:
		return "not implemented"
	case Panicked:
		return "panicked"
	}
	return "wrong"
}

// Problem is one thing a check found wrong in the learner's code.
type Problem struct {
	// Check is the name of the sub-test that found it, as passed to t.Run.
	Check string
	// Func is the learner's function it is about, such as "mse.Grad".
	Func string
	Kind Kind
	// Message is the whole feedback: its first line names the learner's
	// function and file; later lines give values, positions and a hint.
	Message string
}

// String returns the message.
func (p Problem) String() string { return p.Message }

// NotImplementedPrefix starts the message of every NotImplemented problem;
// the grader uses it to tell "not done yet" from "wrong".
const NotImplementedPrefix = "not implemented yet: "

// testCase is one named sub-test of a check.
type testCase struct {
	name string
	run  func(c *ctx)
}

// ctx collects what one case finds.
type ctx struct {
	name     string
	problems []Problem

	// The worst element seen by any comparison of the case, for t.Attr.
	compared bool
	maxRel   float64
	worst    string
}

// fail records a problem with the learner's function fn.
func (c *ctx) fail(fn string, kind Kind, msg string) {
	c.problems = append(c.problems, Problem{Check: c.name, Func: fn, Kind: kind, Message: msg})
}

// observe keeps the largest relative error seen by the case; rel is never
// NaN (see diff).
func (c *ctx) observe(rel float64, where string) {
	if !c.compared || rel > c.maxRel {
		c.maxRel, c.worst = rel, where
	}
	c.compared = true
}

// attrs returns the case's metadata for t.Attr.
func (c *ctx) attrs() [][2]string {
	if !c.compared {
		return nil
	}
	kv := [][2]string{{"max_rel_err", strconv.FormatFloat(c.maxRel, 'g', 3, 64)}}
	if c.worst != "" {
		kv = append(kv, [2]string{"worst_index", c.worst})
	}
	return kv
}

// runCase runs one case. A panic of the check itself (not of the learner's
// code, which call recovers) is reported rather than lost.
func runCase(tc testCase) (c *ctx) {
	c = &ctx{name: tc.name}
	defer func() {
		if r := recover(); r != nil {
			c.fail("checks", Panicked, fmt.Sprintf("the check %s itself panicked: %v\n"+
				"This is a bug in internal/checks, not in your code; please report it.", tc.name, r))
		}
	}()
	tc.run(c)
	return c
}

// collect runs every case and returns all the problems found, in order.
func collect(cases []testCase) []Problem {
	var all []Problem
	for _, tc := range cases {
		all = append(all, runCase(tc).problems...)
	}
	return all
}

// report runs every case as a sub-test of t. Its callers must call
// t.Helper() too.
func report(t *testing.T, cases []testCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// As helpers all the way up, failure lines point at the
			// learner's test file rather than into this package.
			t.Helper()
			c := runCase(tc)
			for _, kv := range c.attrs() {
				t.Attr(kv[0], kv[1])
			}
			for _, p := range c.problems {
				t.Error(p.Message)
			}
		})
	}
}

// Summary returns the problems as one text, one block per problem, for
// tests that assert on what a check says.
func Summary(problems []Problem) string {
	var b strings.Builder
	for _, p := range problems {
		fmt.Fprintf(&b, "[%s] %s\n", p.Check, p.Message)
	}
	return b.String()
}

// Catches is the assertion of the mutant tests: it fails t unless the
// check found problems with a known-wrong implementation and its feedback
// mentions want (the hint or message the mistake deserves).
func Catches(t testing.TB, problems []Problem, want string) {
	t.Helper()
	if len(problems) == 0 {
		t.Fatal("the check passed a known-wrong implementation")
	}
	if got := Summary(problems); !strings.Contains(got, want) {
		t.Errorf("the feedback does not mention %q:\n%s", want, got)
	} else {
		t.Log("\n" + got)
	}
}
