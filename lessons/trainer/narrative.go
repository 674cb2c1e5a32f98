package trainer

import (
	"fmt"
	"strings"
	"text/template"
)

// Narrative executes the named block of a lesson's narrative templates with
// data. A template error is a bug in the lesson, so it panics with the
// block's name.
//
// The block "exploded" (a run the watch stopped at a loss jump, see
// Loop.Phase) falls back to a text of the runtime's own when the lesson
// does not define it.
func Narrative(t *template.Template, name string, data any) string {
	if name == "exploded" && t.Lookup(name) == nil {
		return strings.TrimSpace(explodedText)
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		panic(fmt.Sprintf("trainer: narrative %q: %v", name, err))
	}
	return strings.TrimSpace(b.String())
}

// Funcs are template functions every lesson narrative may use: num formats
// a number like Num, signed wraps negative numbers in parentheses so that
// "a − (−b)" reads right.
var Funcs = template.FuncMap{
	"num": Num,
	"signed": func(v float64) string {
		if v < 0 {
			return "(" + Num(v) + ")"
		}
		return Num(v)
	},
}

// explodedText is the "exploded" block for lessons without one of their
// own. It holds no number: the autopsy beside it has them.
var explodedText = fmt.Sprintf(`
## Stopped: the loss jumped

In one step the loss grew to more than %s times the largest it had been,
so the run stopped here, while the numbers are still finite: a run
growing like this overflows a few steps later. The autopsy names the
first op of the forward pass whose values grew by the same factor, the
parameter it reads whose last update was largest against its size, with
the numbers, and the change to try. Step back with **←**, or change a
control and run again from the start.
`, Num(DefaultJump))
