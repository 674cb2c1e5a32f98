package harness

import (
	"bufio"
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
)

// MaxStack is the goroutine stack limit of a harness process: a function
// that calls itself without end overflows in a fraction of a second
// instead of growing a gigabyte first.
const MaxStack = 64 << 20

// Serve is the main of a harness process: it offers funcs (the exported
// functions of the learner's package pkg, by name), answers calls until
// its requests end, and exits. It returns only when the protocol files
// are missing or broken.
func Serve(pkg string, funcs map[string]any) error {
	in, out := protocolFiles()
	if in == nil || out == nil {
		return fmt.Errorf("harness: no protocol files: this program is started by dlearn grade")
	}
	// The learner's stdout, kept even if the learner's code changes
	// os.Stdout: a mark after each call tells the grader that what the
	// call printed has all arrived.
	marks := dupStdout()
	debug.SetMaxStack(MaxStack)
	s := &server{pkg: pkg, funcs: map[string]reflect.Value{}, objects: map[int]reflect.Value{}}
	hello := Hello{Package: pkg, Funcs: map[string]FuncInfo{}}
	for name, f := range funcs {
		v := reflect.ValueOf(f)
		if v.Kind() != reflect.Func || v.IsNil() {
			continue
		}
		s.funcs[name] = v
		hello.Funcs[name] = FuncInfo{Type: v.Type().String(), Site: s.declared(v.Pointer(), name)}
	}
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	if err := enc.Encode(hello); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	for sc.Scan() {
		var req Request
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			return fmt.Errorf("harness: a broken request: %w", err)
		}
		resp := s.call(req)
		if marks != nil {
			fmt.Fprintf(marks, "%s%d%s", markOpen, req.ID, markClose)
		}
		if err := enc.Encode(resp); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	return sc.Err()
}

// The mark written to stdout after call id: markOpen, id, markClose.
const (
	markOpen  = "\x00\x01dlearn-call:"
	markClose = "\x01\x00"
)

type server struct {
	pkg     string
	funcs   map[string]reflect.Value
	objects map[int]reflect.Value
	next    int
}

// short turns "github.com/x/exercises/mse.Loss" into "mse.Loss".
func short(full string) string {
	if i := strings.LastIndex(full, "/"); i >= 0 {
		return full[i+1:]
	}
	return full
}

// shortPath keeps the last three elements of a path, which for an
// exercise is exercises/<name>/<file>.go.
func shortPath(path string) string {
	parts := strings.Split(strings.ReplaceAll(path, "\\", "/"), "/")
	if len(parts) > 3 {
		parts = parts[len(parts)-3:]
	}
	return strings.Join(parts, "/")
}

// declared is where the function at pc is declared.
func (s *server) declared(pc uintptr, name string) Site {
	rf := runtime.FuncForPC(pc)
	if rf == nil {
		return Site{Func: name}
	}
	file, line := rf.FileLine(rf.Entry())
	return Site{Func: short(rf.Name()), Where: fmt.Sprintf("%s:%d", shortPath(file), line)}
}

func (s *server) call(req Request) (resp Response) {
	resp.ID = req.ID
	var fn reflect.Value
	if req.Object != 0 {
		obj, ok := s.objects[req.Object]
		if !ok {
			resp.Error = fmt.Sprintf("no object %d", req.Object)
			return resp
		}
		fn = obj.MethodByName(req.Func)
	} else {
		fn = s.funcs[req.Func]
	}
	if !fn.IsValid() {
		resp.Error = fmt.Sprintf("the package has no function %s", req.Func)
		return resp
	}
	t := fn.Type()
	if t.IsVariadic() || t.NumIn() != len(req.Args) {
		resp.Error = fmt.Sprintf("%s has type %s, which does not take %d arguments", req.Func, t, len(req.Args))
		return resp
	}
	args := make([]reflect.Value, len(req.Args))
	for i, raw := range req.Args {
		v, err := Decode(raw, t.In(i))
		if err != nil {
			resp.Error = fmt.Sprintf("%s has type %s: argument %d: %v", req.Func, t, i+1, err)
			return resp
		}
		args[i] = v
	}
	out, p, g := s.invoke(fn, args)
	switch {
	case p != nil:
		resp.Panic = p
		return resp
	case g != nil:
		resp.Goexit = g
		return resp
	}
	for i, a := range args {
		raw, err := Encode(a)
		if err != nil {
			resp.Error = err.Error()
			return resp
		}
		_ = i
		resp.Args = append(resp.Args, raw)
	}
	for i, r := range out {
		if IsValueType(r.Type()) {
			raw, err := Encode(r)
			if err != nil {
				resp.Error = err.Error()
				return resp
			}
			resp.Results = append(resp.Results, raw)
			continue
		}
		resp.Results = append(resp.Results, json.RawMessage("null"))
		if (r.Kind() == reflect.Pointer || r.Kind() == reflect.Interface) && r.IsNil() {
			continue
		}
		s.next++
		s.objects[s.next] = r
		o := Object{Result: i, Handle: s.next, Methods: map[string]FuncInfo{}}
		for m := range r.NumMethod() {
			mt := r.Type().Method(m)
			name := short(r.Type().String())
			o.Methods[mt.Name] = FuncInfo{Type: r.Method(m).Type().String(),
				Site: s.declared(mt.Func.Pointer(), name+"."+mt.Name)}
		}
		resp.Objects = append(resp.Objects, o)
	}
	return resp
}

// invoke calls fn on a goroutine of its own, so that a runtime.Goexit
// ends only that goroutine, and reports a panic or a Goexit with the
// place in the learner's code where it happened.
func (s *server) invoke(fn reflect.Value, args []reflect.Value) (out []reflect.Value, p *Panic, g *Site) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		returned := false
		defer func() {
			if returned {
				return
			}
			r := recover()
			site := s.site(fn)
			if r == nil {
				g = &site
				return
			}
			p = &Panic{Value: panicText(r), Site: site}
		}()
		out = fn.Call(args)
		returned = true
	}()
	<-done
	return out, p, g
}

func panicText(r any) string {
	if err, ok := r.(error); ok {
		return err.Error()
	}
	return fmt.Sprint(r)
}

// site finds, from a deferred function during a panic or a Goexit, the
// innermost frame of the learner's package: its function and file:line.
// A closure is named after the function that was called.
func (s *server) site(fn reflect.Value) Site {
	pcs := make([]uintptr, 100)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	called := Site{}
	if rf := runtime.FuncForPC(fn.Pointer()); rf != nil && strings.HasPrefix(rf.Name(), s.pkg+".") {
		called = s.declared(fn.Pointer(), "")
	}
	unwinding := false
	for {
		fr, more := frames.Next()
		switch {
		case fr.Function == "runtime.gopanic" || fr.Function == "runtime.Goexit":
			unwinding = true
		case unwinding && strings.HasPrefix(fr.Function, s.pkg+"."):
			name := short(fr.Function)
			if strings.Contains(name, ".func") && called.Func != "" {
				name = called.Func
			}
			return Site{Func: name, Where: fmt.Sprintf("%s:%d", shortPath(fr.File), fr.Line)}
		}
		if !more {
			break
		}
	}
	return called
}
