package harness

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// CallError is what a proxy panics with when the learner's function did
// not return normally: it panicked, called runtime.Goexit, is missing or
// has another type, or its process ended (Failure). The checks recover it
// like any panic and ask it what happened (Remote).
type CallError struct {
	Func    string // the function called: "mse.Loss"
	Panic   *Panic
	Goexit  *Site
	Failure *Failure
	Problem string // the call could not be made
}

func (e *CallError) Error() string {
	kind, site, where, text := e.Remote()
	return fmt.Sprintf("%s: %s at %s (%s): %s", e.Func, kind, where, site, text)
}

// Remote describes the failure for the checks: kind is "panic",
// "goexit" or "fatal"; site and where are the learner's function and
// file:line; text is the panic value, or the whole message.
func (e *CallError) Remote() (kind, site, where, text string) {
	switch {
	case e.Panic != nil:
		return "panic", orElse(e.Panic.Func, e.Func), e.Panic.Where, e.Panic.Value
	case e.Goexit != nil:
		return "goexit", orElse(e.Goexit.Func, e.Func), e.Goexit.Where, "runtime.Goexit"
	case e.Failure != nil:
		return "fatal", e.Func, "", e.Failure.Message
	}
	return "fatal", e.Func, "", e.Problem
}

func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Session calls one learner package's functions through harness
// processes, starting a new one when the last ended; everything it runs
// shares one deadline.
type Session struct {
	ctx      context.Context
	cfg      Config
	pkgName  string // "mse"
	deadline time.Time
	proc     *Process
	// failure is the end of a process during the current case: later
	// calls of the case fail with it rather than start another process.
	failure *Failure
	// Adapters make Go values for results of interface type (such as an
	// optimizer) out of remote objects.
	Adapters map[reflect.Type]func(*Remote) any
	// Locate, when set, is told where the learner's function behind each
	// proxy Bind makes is declared (the checks name it in messages).
	Locate func(proxy any, at Site)
	// Isolation is what the processes ran under.
	Isolation string
	output    strings.Builder
}

// NewSession prepares calls into the harness cfg describes; no process
// starts before the first call.
func NewSession(ctx context.Context, cfg Config, deadline time.Time) *Session {
	return &Session{ctx: ctx, cfg: cfg, pkgName: short(cfg.Package), deadline: deadline,
		Adapters: map[reflect.Type]func(*Remote) any{}}
}

// SetDeadline changes the deadline of the calls to come. With dump false,
// a process that times out is killed at once, without the goroutine dump
// that says where it hung (the called function's first loop is named).
func (s *Session) SetDeadline(t time.Time, dump bool) {
	s.deadline = t
	s.cfg.NoDump = !dump
	if s.proc != nil {
		s.proc.cfg.NoDump = !dump
	}
}

// Failure is how the current case's process ended, if it did.
func (s *Session) Failure() *Failure { return s.failure }

// NextCase starts a new case: the process, if it ended, is replaced at
// the next call.
func (s *Session) NextCase() { s.failure = nil }

// TakeOutput returns what the learner's code printed since the last time.
func (s *Session) TakeOutput() string {
	if s.proc != nil {
		s.output.WriteString(s.proc.Output())
		s.proc.out.reset()
	}
	out := s.output.String()
	s.output.Reset()
	return out
}

// Close ends the process and everything it started.
func (s *Session) Close() {
	if s.proc != nil {
		s.proc.Close()
		s.proc = nil
	}
}

// Hello starts a process if none runs and returns what it offers.
func (s *Session) Hello() (Hello, *Failure) {
	if err := s.ensure(); err != nil {
		return Hello{}, err
	}
	return s.proc.Hello, nil
}

func (s *Session) ensure() *Failure {
	if s.failure != nil {
		return s.failure
	}
	if s.proc != nil && s.proc.failure == nil {
		return nil
	}
	if s.proc != nil {
		s.output.WriteString(s.proc.Output())
		s.proc = nil
	}
	p, err := Start(s.ctx, s.cfg, s.deadline)
	if err != nil {
		f, ok := err.(*Failure)
		if !ok {
			f = &Failure{Kind: "broken", Message: "could not be started: " + err.Error()}
		}
		s.failure = f
		return f
	}
	s.proc, s.Isolation = p, p.Isolation
	return nil
}

func (s *Session) call(req Request, qual string) (*Response, *Failure) {
	if f := s.ensure(); f != nil {
		return nil, f
	}
	resp, f := s.proc.Call(s.ctx, req, qual, s.deadline)
	if f != nil {
		s.failure = f
		s.output.WriteString(s.proc.Output())
		s.proc = nil
	}
	return resp, f
}

// Bind fills every func field of the struct *impl with a proxy that calls
// the learner's function of the same name in the harness. A function the
// package lacks, or with another type, gives a proxy that fails with a
// message saying so.
func (s *Session) Bind(impl any) error {
	v := reflect.ValueOf(impl)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("harness: Bind wants a pointer to a struct, got %T", impl)
	}
	hello, f := s.Hello()
	v = v.Elem()
	for i := range v.NumField() {
		field := v.Type().Field(i)
		if field.Type.Kind() != reflect.Func || !field.IsExported() {
			continue
		}
		name := field.Name
		qual := s.pkgName + "." + name
		var problem string
		var info FuncInfo
		switch {
		case f != nil:
			// Every call fails with how the process ended.
		default:
			var ok bool
			info, ok = hello.Funcs[name]
			if !ok {
				problem = fmt.Sprintf("%s is missing: the package %s has no function %s with the type %s", qual, s.pkgName, name, field.Type)
			} else if !compatible(field.Type, info.Type) {
				problem = fmt.Sprintf("%s has the type %s, want %s: keep the signature of the stub", qual, info.Type, field.Type)
			}
		}
		proxy := s.proxy(qual, name, 0, field.Type, problem)
		v.Field(i).Set(proxy)
		if info.Where != "" && s.Locate != nil {
			s.Locate(proxy.Interface(), info.Site)
		}
	}
	return nil
}

// compatible reports whether a learner's function of type have can stand
// behind a field of type want: the same parameters, and the same results
// except where want has an interface.
func compatible(want reflect.Type, have string) bool {
	if want.String() == have {
		return true
	}
	for i := range want.NumOut() {
		if want.Out(i).Kind() == reflect.Interface {
			return strings.HasPrefix(have, params(want)+" ")
		}
	}
	return false
}

// params is the "func(a, b)" part of a function type's string.
func params(t reflect.Type) string {
	s := t.String()
	depth := 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return s[:i+1]
			}
		}
	}
	return s
}

func (s *Session) proxy(qual, name string, object int, ft reflect.Type, problem string) reflect.Value {
	return reflect.MakeFunc(ft, func(in []reflect.Value) []reflect.Value {
		if problem != "" {
			panic(&CallError{Func: qual, Problem: problem})
		}
		return s.invoke(qual, name, object, ft, in)
	})
}

// invoke makes one remote call of a function (or of a method of object)
// with the arguments in, writes back what the call did to them, and
// returns its results as values of ft's result types.
func (s *Session) invoke(qual, name string, object int, ft reflect.Type, in []reflect.Value) []reflect.Value {
	req := Request{Func: name, Object: object}
	for _, a := range in {
		raw, err := Encode(a)
		if err != nil {
			panic(&CallError{Func: qual, Problem: fmt.Sprintf("%s: %v", qual, err)})
		}
		req.Args = append(req.Args, raw)
	}
	resp, f := s.call(req, qual)
	switch {
	case f != nil:
		panic(&CallError{Func: qual, Failure: f})
	case resp.Panic != nil:
		panic(&CallError{Func: qual, Panic: resp.Panic})
	case resp.Goexit != nil:
		panic(&CallError{Func: qual, Goexit: resp.Goexit})
	case resp.Error != "":
		panic(&CallError{Func: qual, Problem: qual + ": " + resp.Error})
	}
	for i, raw := range resp.Args {
		if i < len(in) && in[i].Kind() == reflect.Slice {
			if after, err := Decode(raw, in[i].Type()); err == nil {
				writeBack(in[i], after)
			}
		}
	}
	out := make([]reflect.Value, ft.NumOut())
	for i := range out {
		t := ft.Out(i)
		out[i] = reflect.Zero(t)
		if i < len(resp.Results) && t.Kind() != reflect.Interface {
			v, err := Decode(resp.Results[i], t)
			if err != nil {
				panic(&CallError{Func: qual, Problem: fmt.Sprintf("%s returned a value the grader cannot read: %v", qual, err)})
			}
			out[i] = v
		}
	}
	for _, o := range resp.Objects {
		if o.Result >= len(out) {
			continue
		}
		t := ft.Out(o.Result)
		adapt, ok := s.Adapters[t]
		if !ok {
			panic(&CallError{Func: qual, Problem: fmt.Sprintf("%s returned an object the grader cannot use as a %s", qual, t)})
		}
		out[o.Result] = reflect.ValueOf(adapt(&Remote{s: s, handle: o.Handle, methods: o.Methods, owner: qual}))
	}
	return out
}

// writeBack copies, element by element, what a call left in a slice
// argument into the caller's slice, as if the call had run here.
func writeBack(dst, src reflect.Value) {
	n := min(dst.Len(), src.Len())
	for i := range n {
		d, e := dst.Index(i), src.Index(i)
		if d.Kind() == reflect.Slice {
			writeBack(d, e)
			continue
		}
		d.Set(e)
	}
}

// Remote is an object (a learner's optimizer, say) that lives in the
// harness; its methods are called there.
type Remote struct {
	s       *Session
	handle  int
	methods map[string]FuncInfo
	owner   string
}

// Call calls the method with the arguments args (values that can travel
// on the wire, slices written back) and returns its results, read as the
// types outs. Failures panic with a *CallError, as proxies do.
func (r *Remote) Call(method string, outs []reflect.Type, args ...any) []reflect.Value {
	info, ok := r.methods[method]
	qual := orElse(info.Func, r.owner+"(…)."+method)
	if !ok {
		panic(&CallError{Func: qual, Problem: fmt.Sprintf("the value %s returned has no method %s", r.owner, method)})
	}
	in := make([]reflect.Value, len(args))
	var ins []reflect.Type
	for i, a := range args {
		in[i] = reflect.ValueOf(a)
		ins = append(ins, in[i].Type())
	}
	ft := reflect.FuncOf(ins, outs, false)
	return r.s.invoke(qual, method, r.handle, ft, in)
}

// Site is where the method is declared, as "file:line" ("" if unknown).
func (r *Remote) Site(method string) Site { return r.methods[method].Site }
