package tui

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWrapFormulas(t *testing.T) {
	in := "Text that is long but not code stays as it is, however long it is.\n\n" +
		"    upstream 0.25 × local 0.9827 = 0.2457 = ∂L/∂e\n" +
		"    short = 1\n"
	got := wrapFormulas(in, 30)
	lines := strings.Split(got, "\n")
	if lines[0] != strings.Split(in, "\n")[0] {
		t.Fatalf("prose was changed: %q", lines[0])
	}
	for _, l := range lines[2:] {
		if utf8.RuneCountInString(l) > 30 {
			t.Errorf("line longer than 30: %q", l)
		}
	}
	if !strings.Contains(got, "\n      × local 0.9827 = 0.2457\n      = ∂L/∂e") || !strings.Contains(got, "    short = 1") {
		t.Fatalf("formula not broken before an operator:\n%s", got)
	}
	if strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(in), " ") {
		t.Fatal("wrapping changed the text")
	}
}

func TestMinusSigns(t *testing.T) {
	in := "- a list item\n\nW = -0.5744, (-1.2, -3) and 2·(-0.5) − -1; x-1 and e-05 and ---"
	want := "- a list item\n\nW = −0.5744, (−1.2, −3) and 2·(−0.5) − −1; x-1 and e-05 and ---"
	if got := minusSigns(in); got != want {
		t.Fatalf("minusSigns:\n got %q\nwant %q", got, want)
	}
}
