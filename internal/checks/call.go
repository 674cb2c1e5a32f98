package checks

import (
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// located holds where the functions behind stand-ins are declared (see
// Locate), by the stand-in's closure.
var located sync.Map

// Locate tells the checks where the learner's function behind the
// stand-in f (a func value) is declared, as "exercises/mse/mse.go:24".
// The grader's proxies, which call the learner's function in another
// process, are stand-ins: messages then name the learner's file and line,
// not the proxy's.
func Locate(f any, where string) {
	if key := closureOf(f); key != nil {
		located.Store(key, where)
	}
}

// Forget undoes Locate for f, once its stand-in is no longer used.
func Forget(f any) {
	if key := closureOf(f); key != nil {
		located.Delete(key)
	}
}

// closureOf is the identity of the func value f: the closure it points
// to (func values are pointer-shaped, so an interface holds it directly).
func closureOf(f any) unsafe.Pointer {
	if reflect.ValueOf(f).Kind() != reflect.Func {
		return nil
	}
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&f))[1]
}

// fromWhere makes a Func of name declared at where ("file.go:12").
func fromWhere(name, where string) Func {
	i := strings.LastIndex(where, ":")
	if i < 0 {
		return Func{Name: name}
	}
	n, err := strconv.Atoi(where[i+1:])
	if err != nil {
		return Func{Name: name}
	}
	return Func{Name: name, file: where[:i], line: n}
}

// remote is a panic value that stands for something that happened in the
// learner's function in another process (see Locate): kind is "panic",
// "goexit" or "fatal"; site and where are the learner's function and
// file:line; text is the panic value, or the whole message.
type remote interface {
	Remote() (kind, site, where, text string)
}

// Func is a learner's function as messages name it: "mse.Grad
// (exercises/mse/mse.go:31)". The file and line are where the function is
// declared, found at run time, so they are right for the stubs, the
// solutions and any file the learner moves the code to.
type Func struct {
	Name string
	file string // the last three elements of the path: exercises/mse/mse.go
	dir  string // the absolute folder of the file, to find panic sites in it
	line int
}

// funcOf describes the function value f (a func of any type) under name.
// A nil or non-function f gives a Func without a location.
func funcOf(name string, f any) Func {
	v := reflect.ValueOf(f)
	if v.Kind() != reflect.Func || v.IsNil() {
		return Func{Name: name}
	}
	if where, ok := located.Load(closureOf(f)); ok {
		return fromWhere(name, where.(string))
	}
	return funcAt(name, v.Pointer())
}

// methodOf describes the method called method of recv's dynamic type.
func methodOf(name string, recv any, method string) Func {
	if recv == nil {
		return Func{Name: name}
	}
	if r, ok := recv.(interface{ MethodSite(string) string }); ok {
		return fromWhere(name, r.MethodSite(method))
	}
	m, ok := reflect.TypeOf(recv).MethodByName(method)
	if !ok {
		return Func{Name: name}
	}
	return funcAt(name, m.Func.Pointer())
}

func funcAt(name string, pc uintptr) Func {
	rf := runtime.FuncForPC(pc)
	if rf == nil {
		return Func{Name: name}
	}
	file, line := rf.FileLine(rf.Entry())
	if file == "" || strings.HasPrefix(file, "<") {
		return Func{Name: name}
	}
	return Func{Name: name, file: shortPath(file), dir: filepath.Dir(file), line: line}
}

// String returns the name and, when known, the file and line.
func (f Func) String() string {
	if f.file == "" {
		return f.Name
	}
	return fmt.Sprintf("%s (%s:%d)", f.Name, f.file, f.line)
}

// shortPath keeps the last three elements of a path, which for an
// exercise is exercises/<name>/<file>.go: enough to find it, short enough
// to read.
func shortPath(path string) string {
	parts := strings.Split(filepath.ToSlash(path), "/")
	if len(parts) > 3 {
		parts = parts[len(parts)-3:]
	}
	return strings.Join(parts, "/")
}

// call runs f, which calls the learner's function fn, and reports whether
// it returned normally. A panic is recovered and recorded: a stub's
// "TODO: …" as NotImplemented, anything else as Panicked with the line of
// the learner's code that panicked.
func call(c *ctx, fn Func, f func()) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if rm, ok := r.(remote); ok {
				c.remoteFail(fn, rm)
				return
			}
			site, where := panicSite(fn)
			c.fail(site, panicKind(r), panicMessage(fn, site, where, r))
		}
	}()
	f()
	return true
}

// isTODO reports whether a panic value is a stub's "TODO: implement …".
func isTODO(r any) bool {
	s, ok := r.(string)
	if !ok {
		if err, isErr := r.(error); isErr {
			s = err.Error()
		}
	}
	return strings.HasPrefix(strings.TrimSpace(s), "TODO")
}

func panicKind(r any) Kind {
	if isTODO(r) {
		return NotImplemented
	}
	return Panicked
}

func panicMessage(fn Func, site, where string, r any) string {
	if isTODO(r) {
		// A stub says which function it is: "TODO: implement mse.Loss".
		if _, name, ok := strings.Cut(fmt.Sprint(r), "implement "); ok && len(strings.Fields(name)) > 0 {
			site = strings.Fields(name)[0]
		}
		return fmt.Sprintf("%s%s (%s)", NotImplementedPrefix, site, where)
	}
	msg := fmt.Sprintf("%s panicked at %s: %v", site, where, r)
	if site != fn.Name {
		msg += fmt.Sprintf("\n  (called from %s)", fn.Name)
	}
	if h := panicHint(fmt.Sprint(r)); h != "" {
		msg += "\n  hint: " + h
	}
	return msg
}

// panicSite finds, from inside the deferred recover of call, the
// learner's function that panicked and its file:line: the innermost frame
// in the folder of fn, else the innermost frame outside the runtime, else
// fn's own declaration.
func panicSite(fn Func) (name, where string) {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	var fallback *runtime.Frame
	inPanic := false
	for {
		fr, more := frames.Next()
		switch {
		case fr.Function == "runtime.gopanic":
			inPanic = true
		case inPanic && !strings.HasPrefix(fr.Function, "runtime."):
			if fn.dir != "" && filepath.Dir(fr.File) == fn.dir {
				name := shortFunc(fr.Function)
				if strings.Contains(name, ".func") { // a closure: name what the check called
					name = fn.Name
				}
				return name, fmt.Sprintf("%s:%d", shortPath(fr.File), fr.Line)
			}
			if fallback == nil && !strings.Contains(fr.Function, "/internal/checks.") {
				f := fr
				fallback = &f
			}
		}
		if !more {
			break
		}
	}
	if fallback != nil && fn.dir == "" {
		return fn.Name, fmt.Sprintf("%s:%d", shortPath(fallback.File), fallback.Line)
	}
	if fn.file == "" {
		return fn.Name, "unknown file"
	}
	return fn.Name, fmt.Sprintf("%s:%d", fn.file, fn.line)
}

// shortFunc turns "github.com/x/exercises/mse.Loss" into "mse.Loss" and
// keeps methods readable: "adam.(*Adam).Step".
func shortFunc(full string) string {
	if i := strings.LastIndex(full, "/"); i >= 0 {
		full = full[i+1:]
	}
	return full
}

// panicHint gives advice for the runtime errors learners meet most.
func panicHint(msg string) string {
	switch {
	case strings.Contains(msg, "index out of range"):
		return "check your loop bounds against len(...) and that result slices are made with make([]float64, n)."
	case strings.Contains(msg, "nil pointer"):
		return "something is nil: a slice, map or struct field that was never made or set."
	case strings.Contains(msg, "assignment to entry in nil map"):
		return "make the map with make(map[...]...) before writing to it."
	case strings.Contains(msg, "divide by zero"):
		return "an integer division by zero: convert to float64 before dividing, and check the length is not 0."
	}
	return ""
}

// remoteFail records what happened in a function called in another
// process.
func (c *ctx) remoteFail(fn Func, r remote) {
	kind, site, where, text := r.Remote()
	switch kind {
	case "panic":
		if where == "" {
			where = fn.String()
			if fn.file != "" {
				where = fmt.Sprintf("%s:%d", fn.file, fn.line)
			}
		}
		c.fail(site, panicKind(text), panicMessage(fn, site, where, text))
	case "goexit":
		c.fail(site, Panicked, fmt.Sprintf("%s called runtime.Goexit at %s: a function must return its result, "+
			"not end its goroutine", site, where))
	default:
		c.fail(fn.Name, Panicked, text)
	}
}
