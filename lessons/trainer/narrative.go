package trainer

import (
	"fmt"
	"strings"
	"text/template"
)

// Narrative executes the named block of a lesson's narrative templates with
// data. A template error is a bug in the lesson, so it panics with the
// block's name.
func Narrative(t *template.Template, name string, data any) string {
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
