package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"slices"
	"strings"
)

// exportedAPI returns one line per exported declaration of the package
// in dir: functions and methods with their parameter and result types
// (not their names), types with their exported fields only, constants and
// variables with their types and values. The lines are sorted.
func exportedAPI(dir string) ([]string, error) {
	fset := token.NewFileSet()
	var lines []string
	for _, file := range sourceFiles(dir) {
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		lines = append(lines, fmt.Sprintf("package %s", f.Name.Name))
		for _, d := range f.Decls {
			lines = append(lines, declLines(fset, d)...)
		}
	}
	slices.Sort(lines)
	return slices.Compact(lines), nil
}

func declLines(fset *token.FileSet, d ast.Decl) []string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if !d.Name.IsExported() {
			return nil
		}
		recv := ""
		if d.Recv != nil && len(d.Recv.List) > 0 {
			t := d.Recv.List[0].Type
			if !ast.IsExported(baseTypeName(t)) {
				return nil
			}
			recv = "(" + node(fset, t) + ") "
		}
		return []string{"func " + recv + d.Name.Name + node(fset, unnamed(d.Type))[len("func"):]}
	case *ast.GenDecl:
		var out []string
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				if s.Name.IsExported() {
					out = append(out, "type "+s.Name.Name+" "+typeExpr(fset, s.Type))
				}
			case *ast.ValueSpec:
				for i, n := range s.Names {
					if !n.IsExported() {
						continue
					}
					line := d.Tok.String() + " " + n.Name
					if s.Type != nil {
						line += " " + node(fset, s.Type)
					}
					if i < len(s.Values) {
						line += " = " + node(fset, s.Values[i])
					}
					out = append(out, line)
				}
			}
		}
		return out
	}
	return nil
}

// typeExpr prints a type, keeping only the exported fields of structs.
func typeExpr(fset *token.FileSet, t ast.Expr) string {
	st, ok := t.(*ast.StructType)
	if !ok {
		return node(fset, t)
	}
	var fields []string
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			if n.IsExported() {
				fields = append(fields, n.Name+" "+node(fset, f.Type))
			}
		}
		if len(f.Names) == 0 && ast.IsExported(baseTypeName(f.Type)) {
			fields = append(fields, node(fset, f.Type))
		}
	}
	return "struct{" + strings.Join(fields, "; ") + "}"
}

// unnamed returns a copy of a function type without parameter names.
func unnamed(ft *ast.FuncType) *ast.FuncType {
	strip := func(fl *ast.FieldList) *ast.FieldList {
		if fl == nil {
			return nil
		}
		out := &ast.FieldList{}
		for _, f := range fl.List {
			for range max(1, len(f.Names)) {
				out.List = append(out.List, &ast.Field{Type: f.Type})
			}
		}
		return out
	}
	return &ast.FuncType{TypeParams: ft.TypeParams, Params: strip(ft.Params), Results: strip(ft.Results)}
}

func baseTypeName(t ast.Expr) string {
	switch t := t.(type) {
	case *ast.StarExpr:
		return baseTypeName(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return baseTypeName(t.X)
	case *ast.SelectorExpr:
		return t.Sel.Name
	}
	return ""
}

func node(fset *token.FileSet, n ast.Node) string {
	var b bytes.Buffer
	if err := printer.Fprint(&b, fset, n); err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
