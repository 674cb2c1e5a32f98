package grade

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dlearn/dlearn/harness"
	"github.com/dlearn/dlearn/internal/atomicfile"
	"github.com/dlearn/dlearn/internal/checks"
)

// A grade builds, in a scratch folder of its own, a module that mirrors
// the learner's exercises module: the learner's non-test Go files of each
// exercise (after the overlay, if any), the harness package's source
// (embedded in this program) and a generated main per exercise. The
// learner's test files are never read: the checks are compiled into this
// program.

// harnessDir is where the harness and the generated mains go in the
// scratch module.
const harnessDir = "zz_dlearn"

// kitModule is the course kit's module path, whose packages (solutions,
// engine, checks) an exercise may not import.
var kitModule = strings.TrimSuffix(reflect.TypeOf(checks.Case{}).PkgPath(), "/internal/checks")

// built is what the build made of one exercise.
type built struct {
	missing  bool   // the exercise's folder is not there
	refused  string // why it may not be graded (an import)
	buildErr string // the compiler's errors
	binary   string
	pkg      string         // the learner's import path
	exits    []harness.Site // calls of os.Exit in the learner's code
	spans    map[string]harness.Span
}

// goEnv is the environment of the go commands a grade runs: no
// workspace, no downloads, no toolchain switch, none of the user's flags.
// The build flags are otherwise the usual ones, so the standard library
// comes from the build cache the learner's own go commands filled.
func goEnv() []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		for _, k := range []string{"GOFLAGS=", "GOWORK=", "GOPROXY=", "GOTOOLCHAIN=", "GO111MODULE=", "GOOS=", "GOARCH="} {
			if strings.HasPrefix(kv, k) {
				return true
			}
		}
		return false
	})
	return append(env, "GOWORK=off", "GOPROXY=off", "GOTOOLCHAIN=local", "GO111MODULE=on", "GOFLAGS=-mod=mod")
}

// overlayReplace reads a go -overlay file's Replace map, with absolute
// paths.
func overlayReplace(path string) (map[string]string, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("grade: --overlay: %w", err)
	}
	var ov struct{ Replace map[string]string }
	if err := json.Unmarshal(data, &ov); err != nil {
		return nil, fmt.Errorf("grade: --overlay %s: %w", path, err)
	}
	out := map[string]string{}
	for k, v := range ov.Replace {
		ak, err := filepath.Abs(k)
		if err != nil {
			return nil, err
		}
		if v != "" {
			if v, err = filepath.Abs(v); err != nil {
				return nil, err
			}
		}
		out[ak] = v
	}
	return out, nil
}

// learnerFiles returns the exercise's non-test Go files as the build sees
// them: name → the file to read, after the overlay.
func learnerFiles(dir string, replace map[string]string) map[string]string {
	files := map[string]string{}
	for _, f := range sourceFiles(dir) {
		files[filepath.Base(f)] = f
	}
	for from, to := range replace {
		if filepath.Dir(from) != dir || strings.HasSuffix(from, "_test.go") || !strings.HasSuffix(from, ".go") {
			continue
		}
		if to == "" {
			delete(files, filepath.Base(from))
		} else {
			files[filepath.Base(from)] = to
		}
	}
	return files
}

// prepare writes the scratch module and returns, for each target, its
// folder in it (or marks it missing).
func prepare(scratch, module, goVersion, dir string, targets []Target, replace map[string]string) (map[string]*built, error) {
	out := map[string]*built{}
	mod := fmt.Sprintf("module %s\n\ngo %s\n", module, goVersion)
	if err := os.WriteFile(filepath.Join(scratch, "go.mod"), []byte(mod), 0o644); err != nil {
		return nil, err
	}
	src, err := harness.Source()
	if err != nil {
		return nil, err
	}
	hdir := filepath.Join(scratch, harnessDir, "harness")
	if err := os.MkdirAll(hdir, 0o755); err != nil {
		return nil, err
	}
	for name, data := range src {
		if err := os.WriteFile(filepath.Join(hdir, name), data, 0o644); err != nil {
			return nil, err
		}
	}
	for _, t := range targets {
		b := &built{pkg: t.Package}
		out[t.Name] = b
		files := learnerFiles(filepath.Join(dir, t.Name), replace)
		if len(files) == 0 {
			b.missing = true
			continue
		}
		edir := filepath.Join(scratch, t.Name)
		if err := os.MkdirAll(edir, 0o755); err != nil {
			return nil, err
		}
		fset := token.NewFileSet()
		var parsed []*ast.File
		for name, from := range files {
			data, err := os.ReadFile(from)
			if err != nil {
				return nil, fmt.Errorf("grade: %w", err)
			}
			if err := os.WriteFile(filepath.Join(edir, name), data, 0o644); err != nil {
				return nil, err
			}
			if f, err := parser.ParseFile(fset, filepath.Join("exercises", t.Name, name), data, parser.SkipObjectResolution); err == nil {
				parsed = append(parsed, f)
			}
		}
		funcs, exits, spans := api(fset, parsed, t.Name)
		b.exits, b.spans = exits, spans
		if err := writeMain(scratch, module, t.Name, funcs); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// api returns the exported functions of an exercise's files (what its
// harness offers) and the places that call os.Exit or syscall.Exit.
func api(fset *token.FileSet, files []*ast.File, pkg string) (funcs []string, exits []harness.Site, spans map[string]harness.Span) {
	spans = map[string]harness.Span{}
	for _, f := range files {
		exitNames := map[string]bool{}
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			if path != "os" && path != "syscall" {
				continue
			}
			name := path
			if imp.Name != nil {
				name = imp.Name.Name
			}
			exitNames[name] = true
		}
		for _, d := range f.Decls {
			fd, isFunc := d.(*ast.FuncDecl)
			if isFunc && fd.Recv == nil && fd.Name.IsExported() && fd.Type.TypeParams == nil {
				funcs = append(funcs, fd.Name.Name)
			}
			where := ""
			var span harness.Span
			if isFunc {
				where = pkg + "." + fd.Name.Name
				if fd.Recv != nil && len(fd.Recv.List) == 1 {
					where = pkg + "." + recvName(fd.Recv.List[0].Type) + "." + fd.Name.Name
				}
				from, to := fset.Position(fd.Pos()), fset.Position(fd.End())
				span = harness.Span{Where: from.Filename, From: from.Line, To: to.Line}
			}
			ast.Inspect(d, func(n ast.Node) bool {
				if loop, ok := n.(*ast.ForStmt); ok {
					span.Loops = append(span.Loops, fset.Position(loop.Pos()).Line)
				}
				if loop, ok := n.(*ast.RangeStmt); ok {
					span.Loops = append(span.Loops, fset.Position(loop.Pos()).Line)
				}
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "Exit" {
					return true
				}
				if id, ok := sel.X.(*ast.Ident); ok && exitNames[id.Name] {
					p := fset.Position(call.Pos())
					exits = append(exits, harness.Site{Func: where, Where: fmt.Sprintf("%s:%d", p.Filename, p.Line)})
				}
				return true
			})
			if isFunc {
				spans[where] = span
			}
		}
	}
	sort.Strings(funcs)
	return slices.Compact(funcs), exits, spans
}

func recvName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return "(*" + recvName(t.X) + ")"
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return recvName(t.X)
	}
	return "?"
}

// writeMain writes the generated main of an exercise's harness.
func writeMain(scratch, module, name string, funcs []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "// Code generated by dlearn grade. DO NOT EDIT.\n\npackage main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\n")
	fmt.Fprintf(&b, "\tharness %q\n\tx %q\n)\n\nfunc main() {\n", module+"/"+harnessDir+"/harness", module+"/"+name)
	fmt.Fprintf(&b, "\terr := harness.Serve(%q, map[string]any{\n", module+"/"+name)
	for _, f := range funcs {
		fmt.Fprintf(&b, "\t\t%q: x.%s,\n", f, f)
	}
	b.WriteString("\t})\n\tif err != nil {\n\t\tfmt.Fprintln(os.Stderr, err)\n\t\tos.Exit(3)\n\t}\n}\n")
	dir := filepath.Join(scratch, harnessDir, "run_"+name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.go"), []byte(b.String()), 0o644)
}

// listPackage is what go list says of a package.
type listPackage struct {
	ImportPath string
	Standard   bool
	Deps       []string
	CgoFiles   []string
	Error      *struct{ Err string }
}

// checkImports refuses the exercises whose package depends on anything
// but the standard library, from the build's own list of dependencies:
// the kit's solutions, its checks (which hold every expected value), its
// engine, or any other package.
func checkImports(ctx context.Context, goCmd, scratch string, targets []Target, bs map[string]*built) error {
	args := []string{"list", "-e", "-deps", "-json=ImportPath,Standard,Deps,CgoFiles,Error"}
	n := 0
	for _, t := range targets {
		if !bs[t.Name].missing {
			args = append(args, "./"+t.Name)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir, cmd.Env = scratch, goEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil && stdout.Len() == 0 {
		return fmt.Errorf("grade: go list: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	pkgs := map[string]*listPackage{}
	dec := json.NewDecoder(&stdout)
	for dec.More() {
		var p listPackage
		if err := dec.Decode(&p); err != nil {
			return fmt.Errorf("grade: go list: %w", err)
		}
		pkgs[p.ImportPath] = &p
	}
	for _, t := range targets {
		b := bs[t.Name]
		p := pkgs[t.Package]
		if b.missing || p == nil {
			continue
		}
		if len(p.CgoFiles) > 0 {
			// Its C code would be compiled here; it is not.
			b.refused = fmt.Sprintf("not graded: %s uses cgo (import \"C\"); an exercise may use Go's standard library only", p.CgoFiles[0])
			continue
		}
		for _, d := range p.Deps {
			if dp := pkgs[d]; dp != nil && dp.Standard || d == "unsafe" {
				continue
			}
			b.refused = refusal(d)
			break
		}
	}
	return nil
}

// refusal is the one-line reason an exercise importing path is not graded.
func refusal(path string) string {
	what := "a package outside the standard library"
	switch {
	case path == kitModule+"/solutions" || strings.HasPrefix(path, kitModule+"/solutions/"):
		what = "the kit's solutions"
	case strings.HasPrefix(path, kitModule+"/internal/checks") || strings.HasPrefix(path, kitModule+"/checks"):
		what = "the checks, which hold every expected value"
	case strings.HasPrefix(path, kitModule+"/engine"):
		what = "the course's engine"
	case strings.HasPrefix(path, kitModule+"/"):
		what = "a package of the course kit"
	}
	return fmt.Sprintf("not graded: it imports %s (%s); an exercise may use the standard library only", path, what)
}

// buildAll builds the harness of every exercise that may be graded, as
// many at a time as there are cores.
func buildAll(ctx context.Context, goCmd, scratch, module string, targets []Target, bs map[string]*built) {
	toolchain := toolchainOf(ctx, goCmd)
	bin := filepath.Join(scratch, "bin")
	_ = os.MkdirAll(bin, 0o755)
	sem := make(chan struct{}, max(1, runtime.NumCPU()))
	var wg sync.WaitGroup
	for _, t := range targets {
		b := bs[t.Name]
		if b.missing || b.refused != "" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out := filepath.Join(bin, t.Name)
			if runtime.GOOS == "windows" {
				out += ".exe" // Windows starts programs by their extension
			}
			key := cacheKey(scratch, t.Name, toolchain)
			if cached := cache.get(key, out); cached {
				b.binary = out
				return
			}
			cmd := exec.CommandContext(ctx, goCmd, "build", "-ldflags=-s -w", "-o", out, "./"+harnessDir+"/run_"+t.Name)
			cmd.Dir, cmd.Env = scratch, goEnv()
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stderr, &stderr
			if err := cmd.Run(); err != nil {
				b.buildErr = compilerErrors(stderr.String(), "exercises")
				if b.buildErr == "" {
					b.buildErr = err.Error()
				}
				return
			}
			b.binary = out
			cache.put(key, out)
		}()
	}
	wg.Wait()
}

// toolchainOf is the go command's version ("go1.26.8 linux/amd64"), part
// of a harness's cache key.
func toolchainOf(ctx context.Context, goCmd string) string {
	cmd := exec.CommandContext(ctx, goCmd, "env", "GOVERSION", "GOOS", "GOARCH")
	cmd.Env = goEnv()
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// cacheKey identifies a harness by everything it is built from: the
// learner's files (as copied), the generated main, the harness's source,
// the module path and version, and the toolchain.
func cacheKey(scratch, name, toolchain string) string {
	if toolchain == "" {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "dlearn harness v1\x00%s\x00", toolchain)
	for _, glob := range []string{"go.mod", name + "/*.go", harnessDir + "/harness/*.go", harnessDir + "/run_" + name + "/*.go"} {
		files, _ := filepath.Glob(filepath.Join(scratch, glob))
		sort.Strings(files)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return ""
			}
			rel, _ := filepath.Rel(scratch, f)
			fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(rel), len(data))
			h.Write(data)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// harnessCache keeps built harnesses, so that grading code that did not
// change (watch, a second grade) needs no build. A harness is only ever
// as trustworthy as the learner's code it was built from, so the cache
// may live where the learner can write.
type harnessCache struct{ dir string }

var cache = func() harnessCache {
	d, err := os.UserCacheDir()
	if err != nil {
		return harnessCache{}
	}
	return harnessCache{dir: filepath.Join(d, "dlearn", "harness")}
}()

// cacheSize is how many harnesses the cache keeps (the oldest go first).
const cacheSize = 64

func (c harnessCache) get(key, to string) bool {
	if c.dir == "" || key == "" {
		return false
	}
	data, err := os.ReadFile(filepath.Join(c.dir, key))
	if err != nil {
		return false
	}
	now := time.Now()
	_ = os.Chtimes(filepath.Join(c.dir, key), now, now)
	return os.WriteFile(to, data, 0o755) == nil
}

func (c harnessCache) put(key, from string) {
	if c.dir == "" || key == "" {
		return
	}
	data, err := os.ReadFile(from)
	if err != nil || os.MkdirAll(c.dir, 0o755) != nil {
		return
	}
	_ = atomicfile.Write(filepath.Join(c.dir, key), data, 0o755)
	entries, err := os.ReadDir(c.dir)
	if err != nil || len(entries) <= cacheSize {
		return
	}
	type aged struct {
		name string
		mod  time.Time
	}
	var all []aged
	for _, e := range entries {
		if info, err := e.Info(); err == nil {
			all = append(all, aged{e.Name(), info.ModTime()})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].mod.Before(all[j].mod) })
	for _, a := range all[:max(0, len(all)-cacheSize)] {
		_ = os.Remove(filepath.Join(c.dir, a.name))
	}
}

// compilerErrors keeps the compiler's messages, paths from the exercises
// folder ("exercises/mse/mse.go:6:2: …"), without go's "# package"
// headers and the generated main's complaints when the learner's own
// code has errors.
func compilerErrors(text, base string) string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if strings.HasPrefix(line, "# ") || strings.TrimSpace(line) == "" {
			continue
		}
		line = strings.TrimPrefix(line, "./")
		if strings.HasPrefix(line, harnessDir+"/") {
			line = strings.Replace(line, harnessDir+"/run_", "(the grader's harness for ", 1)
		} else if relGoFile.MatchString(line) {
			line = base + "/" + line
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// Target is an exercise to grade: its folder name and import path.
type Target struct {
	Name    string
	Package string
}

// relGoFile matches a relative Go file position at the start of a line,
// as the compiler prints them: "mse/mse.go:6:2: …".
var relGoFile = regexp.MustCompile(`^([\w\-]+/)*[\w\-.]+\.go:\d+`)
