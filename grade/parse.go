package grade

import (
	"bufio"
	"encoding/json"
	"io"
	"regexp"
	"strings"
)

// event is one line of `go test -json`: a test2json event, or a build
// event (ImportPath set, Action build-output or build-fail).
type event struct {
	Action      string
	Package     string
	Test        string
	Output      string
	FailedBuild string
	Elapsed     float64
	Key, Value  string // Action "attr", from t.Attr
	ImportPath  string // build events
}

// Target is an exercise to grade: its folder name and import path.
type Target struct {
	Name    string
	Package string
}

// testRun is what the stream said about one test.
type testRun struct {
	name    string
	action  string // pass, fail, skip, or "" when it never finished
	output  []string
	attrs   map[string]string
	elapsed float64
}

// pkgRun is what the stream said about one package.
type pkgRun struct {
	action      string // the package's own final action
	failedBuild string
	output      []string // every output line of the package, in order
	tests       map[string]*testRun
	order       []string
}

func (p *pkgRun) test(name string) *testRun {
	t := p.tests[name]
	if t == nil {
		t = &testRun{name: name}
		p.tests[name] = t
		p.order = append(p.order, name)
	}
	return t
}

// stream is a whole parsed `go test -json` run.
type stream struct {
	pkgs  map[string]*pkgRun
	build map[string][]string // build output by ImportPath
	noise []string            // lines that were not JSON events
}

func readStream(r io.Reader) (*stream, error) {
	s := &stream{pkgs: map[string]*pkgRun{}, build: map[string][]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var ev event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &ev) != nil || ev.Action == "" {
			if t := strings.TrimSpace(string(line)); t != "" {
				s.noise = append(s.noise, t)
			}
			continue
		}
		s.add(ev)
	}
	return s, sc.Err()
}

func (s *stream) add(ev event) {
	switch ev.Action {
	case "build-output":
		s.build[ev.ImportPath] = append(s.build[ev.ImportPath], strings.TrimRight(ev.Output, "\n"))
		return
	case "build-fail":
		return
	}
	p := s.pkgs[ev.Package]
	if p == nil {
		p = &pkgRun{tests: map[string]*testRun{}}
		s.pkgs[ev.Package] = p
	}
	if ev.Test == "" {
		switch ev.Action {
		case "output":
			p.output = append(p.output, strings.TrimRight(ev.Output, "\n"))
		case "pass", "fail", "skip":
			p.action, p.failedBuild = ev.Action, ev.FailedBuild
		}
		return
	}
	t := p.test(ev.Test)
	switch ev.Action {
	case "output":
		line := strings.TrimRight(ev.Output, "\n")
		t.output = append(t.output, line)
		p.output = append(p.output, line)
	case "attr":
		if t.attrs == nil {
			t.attrs = map[string]string{}
		}
		t.attrs[ev.Key] = ev.Value
	case "pass", "fail", "skip":
		t.action, t.elapsed = ev.Action, ev.Elapsed
	}
}

// Parse grades targets from a `go test -json` stream. stderr is what go
// test printed on its standard error, used when a package left no events;
// dir is the exercises folder, used to shorten paths in messages. Parse
// fails only when the stream cannot be read.
func Parse(r io.Reader, stderr string, targets []Target, dir string) (*Report, error) {
	s, err := readStream(r)
	if err != nil {
		return nil, err
	}
	rep := &Report{}
	for _, t := range targets {
		rep.Exercises = append(rep.Exercises, s.exercise(t, stderr, dir))
	}
	rep.finish()
	return rep, nil
}

func (s *stream) exercise(t Target, stderr, dir string) Exercise {
	e := Exercise{Name: t.Name, Package: t.Package, Checks: []Check{}}
	p := s.pkgs[t.Package]
	switch {
	case p == nil:
		e.Message = "go test did not run it"
		if detail := strings.TrimSpace(strings.Join(append(s.noise, stderr), "\n")); detail != "" {
			e.Message += ":\n" + shortenPaths(detail, dir)
		}
	case p.failedBuild != "":
		e.Message = "did not build:\n" + buildErrors(s.build[p.failedBuild], p.output, dir)
	default:
		e.Checks = p.checks(t.Package, dir)
		e.finish()
		// A package that failed while no check says why crashed outside
		// the checks (in init, TestMain or a goroutine) or never finished.
		if unexplained := p.action != "pass" && p.action != "skip" && e.Passed == e.Total; unexplained {
			e.Status, e.Message = Error, crashMessage(p.output, t.Package, dir)
		} else if e.Status == Error && e.Message == "" {
			e.Message = crashMessage(p.output, t.Package, dir)
		}
		return e
	}
	e.Status = Error
	e.finish()
	return e
}

// checks turns the package's leaf tests into checks, in the order they
// started. The test function's name is left out of check names when the
// package has a single one, as exercises do.
func (p *pkgRun) checks(pkg, dir string) []Check {
	tops := map[string]bool{}
	for _, name := range p.order {
		tops[strings.SplitN(name, "/", 2)[0]] = true
	}
	var cs []Check
	for _, name := range p.order {
		if p.hasChildren(name) {
			continue
		}
		t := p.tests[name]
		logged, other := messages(t.output)
		c := Check{Name: name, Test: name, Attrs: t.attrs, Elapsed: t.elapsed}
		if t.action != "" { // an unfinished test's output is a stack dump, not the learner's
			c.Output = strings.Join(other, "\n")
		}
		if top, sub, ok := strings.Cut(name, "/"); ok && len(tops) == 1 {
			_, c.Name = top, sub
		}
		switch t.action {
		case "pass":
			c.Status = Pass
		case "skip":
			c.Status, c.Message = Fail, "skipped: "+strings.Join(logged, "\n")
		case "fail":
			c.Message = shortenPaths(strings.Join(logged, "\n"), dir)
			c.Status = Fail
			if strings.HasPrefix(c.Message, notImplementedPrefix) {
				c.Status = Todo
			}
		default:
			c.Status, c.Message = Error, crashMessage(p.output, pkg, dir)
		}
		cs = append(cs, c)
	}
	return cs
}

func (p *pkgRun) hasChildren(name string) bool {
	for _, other := range p.order {
		if strings.HasPrefix(other, name+"/") {
			return true
		}
	}
	return false
}

// notImplementedPrefix starts the message of a check that met a stub's
// TODO panic; it equals checks.NotImplementedPrefix (a test makes sure).
const notImplementedPrefix = "not implemented yet: "

// logPrefix matches the "    file_test.go:9: " that testing puts before
// the first line of each t.Error message.
var logPrefix = regexp.MustCompile(`^(\s*)[\w.\-]+\.go:\d+: `)

// messages splits what a test printed into what it logged with t.Error
// and friends (without go test's framing lines and file:line prefixes,
// continuation lines dedented) and anything else, such as the learner's
// own prints.
func messages(lines []string) (logged, other []string) {
	indent := -1
	for _, line := range lines {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || isFraming(trimmed):
		case logPrefix.MatchString(line):
			m := logPrefix.FindStringSubmatch(line)
			indent = len(m[1]) + 4
			logged = append(logged, line[len(m[0]):])
		case indent >= 0 && strings.HasPrefix(line, strings.Repeat(" ", indent)):
			logged = append(logged, line[indent:])
		default:
			other = append(other, line)
		}
	}
	return logged, other
}

func isFraming(s string) bool {
	for _, p := range []string{"=== RUN", "=== PAUSE", "=== CONT", "=== NAME", "=== ATTR", "--- PASS", "--- FAIL", "--- SKIP"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
