package harness

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Limits bound what one harness process may use.
type Limits struct {
	CPU    time.Duration // CPU time (RLIMIT_CPU), rounded up to seconds
	Memory int64         // address space in bytes (RLIMIT_AS)
	Procs  int           // processes and threads of its user (RLIMIT_NPROC)
}

// DefaultLimits are generous for the exercises (which need milliseconds
// and megabytes) and small enough to stop a runaway one quickly.
var DefaultLimits = Limits{CPU: 60 * time.Second, Memory: 2 << 30, Procs: 256}

// Config says how to start a harness process.
type Config struct {
	Binary  string // the harness program, built from the learner's package
	Package string // the learner's import path, to find its frames in stack dumps
	Dir     string // its working folder: a scratch folder, emptied by the caller
	Limits  Limits
	// Exits are the places in the learner's code that call os.Exit (found
	// in its source by the caller), to name when the process exits.
	Exits []Site
	// Spans are where the learner's functions are, by name ("mse.Loss"),
	// to correct the line of a frame stopped in a tight loop.
	Spans map[string]Span
	// NoDump skips the goroutine dump of a process that timed out.
	NoDump bool
	// OutputCap caps what is kept of the learner's stdout and stderr.
	OutputCap int
}

// isolation is one way of starting a process and what it gives.
type isolation struct {
	what   string
	asUser bool // runs as another user: its folders must be chowned
	attr   func() *syscall.SysProcAttr
}

// Process is a running harness.
type Process struct {
	cfg       Config
	cmd       *exec.Cmd
	req       *os.File
	resp      chan []byte
	Hello     Hello
	Isolation string // what isolation it runs under, for reports
	out       *capBuffer
	exited    chan struct{}
	waitErr   error
	nextID    int
	current   string // the function being called, for messages
	failure   *Failure
}

// Failure is the end of a harness process while it was answering, or
// before: what happened, in one line, and where in the learner's code.
type Failure struct {
	Kind    string // "timeout", "exit", "crash", "signal", "broken"
	Code    int    // the exit code, for "exit"
	Message string // "timed out after 5s: is there a loop that never ends?\n  in mse.Loss (exercises/mse/mse.go:20)"
}

func (f *Failure) Error() string { return f.Message }

var isolationCache struct {
	sync.Mutex
	start int // index of the first isolation that worked
}

// Start starts a harness and waits until it says hello, at most until
// deadline. A process that ends before its hello (an os.Exit in init,
// say) gives a *Failure.
func Start(ctx context.Context, cfg Config, deadline time.Time) (*Process, error) {
	if cfg.OutputCap <= 0 {
		cfg.OutputCap = 64 << 10
	}
	isos := isolations()
	isolationCache.Lock()
	first := isolationCache.start
	isolationCache.Unlock()
	var lastErr error
	for i := first; i < len(isos); i++ {
		p, err := start(ctx, cfg, isos[i], deadline)
		if err != nil && refused(err) && i+1 < len(isos) {
			lastErr = err
			isolationCache.Lock()
			isolationCache.start = i + 1
			isolationCache.Unlock()
			continue
		}
		return p, err
	}
	return nil, lastErr
}

// limitScript sets the limits in a POSIX shell, then runs the harness:
// the limits are in place before the first instruction of the learner's
// code (a package's init runs before any main could set them).
func limitScript(l Limits) string {
	var b strings.Builder
	if l.CPU > 0 {
		fmt.Fprintf(&b, "ulimit -t %d 2>/dev/null; ", int((l.CPU+time.Second-1)/time.Second))
	}
	if l.Memory > 0 {
		fmt.Fprintf(&b, "ulimit -v %d 2>/dev/null; ", l.Memory>>10)
	}
	if base := procBase(); l.Procs > 0 && base >= 0 {
		// RLIMIT_NPROC counts all the user's tasks: the allowance comes
		// on top of those already running. bash and zsh say -u, dash -p.
		n := base + l.Procs
		fmt.Fprintf(&b, "ulimit -u %d 2>/dev/null || ulimit -p %d 2>/dev/null; ", n, n)
	}
	b.WriteString(`exec "$0"`)
	return b.String()
}

func start(ctx context.Context, cfg Config, iso isolation, deadline time.Time) (*Process, error) {
	var cmd *exec.Cmd
	if _, err := os.Stat("/bin/sh"); err == nil && runtime.GOOS != "windows" {
		cmd = exec.Command("/bin/sh", "-c", limitScript(cfg.Limits), cfg.Binary)
	} else {
		cmd = exec.Command(cfg.Binary)
	}
	cmd.Dir = cfg.Dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + cfg.Dir, "TMPDIR=" + cfg.Dir,
		"GOTRACEBACK=all", "GOMAXPROCS=2", "LANG=C"}
	cmd.SysProcAttr = iso.attr()
	if iso.asUser {
		if err := chownForHarness(cfg.Dir); err != nil {
			return nil, fmt.Errorf("harness: %w", err)
		}
	}
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	respR, respW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, err
	}
	out := &capBuffer{cap: cfg.OutputCap}
	cmd.Stdout, cmd.Stderr = out, out
	err = passFiles(cmd, reqR, respW)
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		reqR.Close()
		reqW.Close()
		respR.Close()
		respW.Close()
		return nil, err
	}
	reqR.Close()
	respW.Close()
	p := &Process{cfg: cfg, cmd: cmd, req: reqW, resp: make(chan []byte, 1), out: out,
		exited: make(chan struct{}), Isolation: iso.what}
	go func() {
		sc := bufio.NewScanner(respR)
		sc.Buffer(make([]byte, 1<<20), 256<<20)
		for sc.Scan() {
			p.resp <- bytes.Clone(sc.Bytes())
		}
		close(p.resp)
		respR.Close()
	}()
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	line, f := p.receive(ctx, deadline)
	if f != nil {
		return nil, f
	}
	if err := json.Unmarshal(line, &p.Hello); err != nil {
		p.Close()
		return nil, p.fail("broken", "the harness's first line is not a hello: the exercise's code wrote into the grader's channel")
	}
	return p, nil
}

// receive waits for the next line from the harness, its end or the
// deadline; on anything but a line the process is stopped and described.
func (p *Process) receive(ctx context.Context, deadline time.Time) ([]byte, *Failure) {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case line, ok := <-p.resp:
		if ok {
			return line, nil
		}
		// The channel closed: the process is ending (or closed it).
		select {
		case <-p.exited:
		case <-time.After(2 * time.Second):
		}
		return nil, p.ended(false)
	case <-timer.C:
		return nil, p.ended(true)
	case <-ctx.Done():
		p.Close()
		return nil, &Failure{Kind: "broken", Message: "grading was interrupted"}
	}
}

// Call sends one request and waits for its response until deadline.
// qual names the function for messages: "adam.(*Adam).Step".
func (p *Process) Call(ctx context.Context, req Request, qual string, deadline time.Time) (*Response, *Failure) {
	if p.failure != nil {
		return nil, p.failure
	}
	p.nextID++
	req.ID = p.nextID
	p.current = qual
	data, err := json.Marshal(req)
	if err != nil {
		return nil, &Failure{Kind: "broken", Message: err.Error()}
	}
	_ = p.req.SetWriteDeadline(deadline)
	if _, err := p.req.Write(append(data, '\n')); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, p.ended(true)
		}
		return nil, p.ended(false)
	}
	line, f := p.receive(ctx, deadline)
	if f != nil {
		return nil, f
	}
	p.out.waitMark(req.ID, 200*time.Millisecond)
	var resp Response
	if err := json.Unmarshal(line, &resp); err != nil || resp.ID != req.ID {
		p.Close()
		return nil, p.fail("broken", "the harness answered out of turn: the exercise's code wrote into the grader's channel")
	}
	return &resp, nil
}

func (p *Process) fail(kind, msg string) *Failure {
	p.failure = &Failure{Kind: kind, Message: msg}
	return p.failure
}

// Output is what the learner's code printed (capped).
func (p *Process) Output() string { return p.out.String() }

// Close ends the process and everything it started.
func (p *Process) Close() {
	p.req.Close()
	select {
	case <-p.exited:
	case <-time.After(200 * time.Millisecond):
	}
	killGroup(p.cmd)
	<-p.exited
}

// ended stops the process (after a goroutine dump when it timed out) and
// says what happened.
func (p *Process) ended(timedOut bool) *Failure {
	if timedOut && !p.cfg.NoDump {
		quit(p.cmd)
		select {
		case <-p.exited:
		case <-time.After(3 * time.Second):
		}
	}
	killGroup(p.cmd)
	<-p.exited
	p.req.Close()
	f := diagnose(p.waitErr, p.out.String(), p.cfg, p.current, p.Hello.Funcs == nil, timedOut)
	p.failure = f
	return f
}

// capBuffer keeps the first cap bytes written to it and counts the rest;
// it takes the harness's marks out (see markOpen) and remembers the last.
type capBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	cap     int
	dropped int
	pending []byte // the start of a mark, cut between two writes
	mark    int
	marked  chan struct{} // closed and replaced at each mark
}

func (b *capBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := len(p)
	data := append(b.pending, p...)
	b.pending = nil
	for {
		i := bytes.Index(data, []byte(markOpen))
		if i < 0 {
			// Keep a possible start of a mark for the next write.
			if j := bytes.LastIndexByte(data, 0); j >= 0 && len(data)-j < len(markOpen) && bytes.HasPrefix([]byte(markOpen), data[j:]) {
				b.pending = bytes.Clone(data[j:])
				data = data[:j]
			}
			b.keep(data)
			return n, nil
		}
		end := bytes.Index(data[i+len(markOpen):], []byte(markClose))
		if end < 0 {
			b.keep(data[:i])
			b.pending = bytes.Clone(data[i:])
			return n, nil
		}
		b.keep(data[:i])
		var id int
		fmt.Sscan(string(data[i+len(markOpen):i+len(markOpen)+end]), &id)
		b.mark = id
		if b.marked != nil {
			close(b.marked)
			b.marked = nil
		}
		data = data[i+len(markOpen)+end+len(markClose):]
	}
}

// waitMark waits until the mark of call id has arrived, at most d.
func (b *capBuffer) waitMark(id int, d time.Duration) {
	timeout := time.After(d)
	for {
		b.mu.Lock()
		if b.mark >= id {
			b.mu.Unlock()
			return
		}
		if b.marked == nil {
			b.marked = make(chan struct{})
		}
		ch := b.marked
		b.mu.Unlock()
		select {
		case <-ch:
		case <-timeout:
			return
		}
	}
}

func (b *capBuffer) keep(p []byte) {
	room := b.cap - b.buf.Len()
	if room >= len(p) {
		b.buf.Write(p)
		return
	}
	if room > 0 {
		b.buf.Write(p[:room])
	}
	b.dropped += len(p) - max(room, 0)
}

func (b *capBuffer) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
	b.dropped = 0
}

func (b *capBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	if b.dropped > 0 {
		s += fmt.Sprintf("\n… (%d more bytes not kept)", b.dropped)
	}
	return s
}

var _ io.Writer = (*capBuffer)(nil)
