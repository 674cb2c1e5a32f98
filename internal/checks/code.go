package checks

import (
	"embed"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
)

//go:embed *.go
var source embed.FS

// Code returns the source of the case called check of exercise e, as it
// is written in this package: `{"Loss_hand_computed", func(c *ctx) {…}}`.
// Reports show it as the code a check runs (Exercism's test_code). It is
// "" when the case cannot be found.
func (e Exercise) Code(check string) string {
	src, err := source.ReadFile(e.Name + ".go")
	if err != nil {
		return ""
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, e.Name+".go", src, parser.SkipObjectResolution)
	if err != nil {
		return ""
	}
	var code string
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok || code != "" || len(lit.Elts) != 2 {
			return code == ""
		}
		if pattern, ok := namePattern(lit.Elts[0]); ok && pattern.MatchString(check) {
			code = string(src[fset.Position(lit.Pos()).Offset:fset.Position(lit.End()).Offset])
		}
		return code == ""
	})
	return dedentCode(code)
}

// namePattern turns a case's name expression into a pattern: a string
// literal matches itself, "StepBackward_" + part + "_vs_…" matches any
// part.
func namePattern(e ast.Expr) (*regexp.Regexp, bool) {
	var parts []string
	var walk func(ast.Expr) bool
	walk = func(e ast.Expr) bool {
		switch x := e.(type) {
		case *ast.BasicLit:
			s, err := strconv.Unquote(x.Value)
			if x.Kind != token.STRING || err != nil {
				return false
			}
			parts = append(parts, regexp.QuoteMeta(s))
		case *ast.BinaryExpr:
			return x.Op == token.ADD && walk(x.X) && walk(x.Y)
		case *ast.Ident, *ast.CallExpr, *ast.IndexExpr, *ast.SelectorExpr:
			parts = append(parts, ".+")
		default:
			return false
		}
		return true
	}
	if !walk(e) || len(parts) == 0 {
		return nil, false
	}
	if _, isLit := e.(*ast.BasicLit); !isLit && !strings.Contains(strings.Join(parts, ""), "_") {
		return nil, false
	}
	return regexp.MustCompile("^" + strings.Join(parts, "") + "$"), true
}

// dedentCode removes the indentation the case's first line's context had
// from its other lines.
func dedentCode(code string) string {
	lines := strings.Split(code, "\n")
	if len(lines) < 2 {
		return code
	}
	last := lines[len(lines)-1]
	indent := last[:len(last)-len(strings.TrimLeft(last, "\t"))]
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, indent)
	}
	return strings.Join(lines, "\n")
}
