package grade

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The hostile suite: exercise code that tries to pass without returning
// right values, or to break the grader, the other exercises or the
// machine. Each must fail to pass an unsolved exercise and be reported
// precisely, while every other exercise is still graded.

// copyKit copies the kit's exercises folder (the stubs) to a temporary
// folder and returns the copy.
func copyKit(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "exercises")
	src, err := filepath.Abs(filepath.Join("..", "exercises"))
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// put writes a file of the kit copy.
func put(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hijack makes the stub of fn (in file of exercise ex) call evil() first;
// evil is defined by code, written to ex/evil.go.
func hijack(t *testing.T, dir, ex, fn, code string) {
	t.Helper()
	file := filepath.Join(dir, ex, ex+".go")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	stub := `panic("TODO: implement ` + fn + `")`
	if !strings.Contains(string(data), stub) {
		t.Fatalf("%s has no %s", file, stub)
	}
	put(t, dir, filepath.Join(ex, ex+".go"), strings.Replace(string(data), stub, "evil(); "+stub, 1))
	put(t, dir, filepath.Join(ex, "evil.go"), "package "+ex+"\n\n"+code)
}

func byName(r *Report) map[string]Exercise {
	m := map[string]Exercise{}
	for _, e := range r.Exercises {
		m[e.Name] = e
	}
	return m
}

// expect checks an exercise's status and that its message (or, if
// empty, its checks' messages) contains each of wants.
func expect(t *testing.T, e Exercise, status Status, wants ...string) {
	t.Helper()
	if e.Status != status {
		t.Errorf("%s: status %s, want %s\n%s", e.Name, e.Status, status, describe(e))
	}
	if e.Status == Pass && status != Pass {
		return
	}
	all := describe(e)
	for _, w := range wants {
		if !strings.Contains(all, w) {
			t.Errorf("%s: the report does not say %q:\n%s", e.Name, w, all)
		}
	}
}

func describe(e Exercise) string {
	var b strings.Builder
	b.WriteString(e.Message + "\n")
	for _, c := range e.Checks {
		b.WriteString("[" + c.Name + " " + string(c.Status) + "] " + c.Message + "\n")
	}
	return b.String()
}

// manifestTotals are the number of checks of each exercise, which must
// never change with how a run ended.
var manifestTotals = map[string]int{"mse": 4, "logistic": 8, "backprop": 6, "adam": 3, "regularize": 9,
	"conv": 7, "rnn": 8, "softmax": 9, "attention": 6, "gan": 11,
	"momentum": 9, "schedule": 8, "clip": 6, "weightinit": 8,
	"dense": 7, "maxpool": 7, "layernorm": 7, "batchnorm": 10,
	"posenc": 4, "decode": 10, "lstm": 9, "gru": 5, "skipgram": 6, "conv2d": 10, "bptt": 10,
	"autograd": 6, "train": 3,
	"mha": 12, "dpsgd": 6, "intgrad": 7, "attnpool": 11, "sample": 13, "causalmask": 8}

func checkTotals(t *testing.T, r *Report) {
	t.Helper()
	if len(r.Exercises) != len(manifestTotals) {
		t.Errorf("%d exercises graded, want %d", len(r.Exercises), len(manifestTotals))
	}
	for _, e := range r.Exercises {
		if e.Total != manifestTotals[e.Name] || len(e.Checks) != e.Total {
			t.Errorf("%s: %d checks (%d listed), want %d", e.Name, e.Total, len(e.Checks), manifestTotals[e.Name])
		}
	}
}

// TestHostileCode grades a kit where nine exercises try to cheat or break
// things from their functions, and the tests are tampered with.
func TestHostileCode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs ten harnesses; runs without -short")
	}
	dir := copyKit(t)
	outside := filepath.Join(t.TempDir(), "gan_test_rewritten")
	// mse: right framing, wrong values; its own test emptied.
	put(t, dir, "mse/mse.go", `package mse

import (
	"fmt"
	"os"
)

func forge() {
	for _, w := range []*os.File{os.Stdout, os.Stderr} {
		fmt.Fprintln(w, "=== RUN   TestMSE\n--- PASS: TestMSE (0.00s)\nPASS\nok  \tgithub.com/dlearn/dlearn/exercises/mse\t0.001s")
		fmt.Fprintln(w, "\x16--- PASS: TestMSE/Loss_hand_computed (0.00s)")
		fmt.Fprintln(w, `+"`"+`{"Action":"pass","Package":"github.com/dlearn/dlearn/exercises/mse","Test":"TestMSE"}`+"`"+`)
	}
}

func Loss(pred, target []float64) float64 { forge(); return 0 }

func Grad(pred, target []float64) []float64 { forge(); return make([]float64, len(pred)) }
`)
	put(t, dir, "mse/mse_test.go", "package mse\n\nimport \"testing\"\n\nfunc TestMSE(t *testing.T) {}\n")
	// logistic: a test replaced by empty sub-tests with the right names.
	put(t, dir, "logistic/logistic_test.go", `package logistic

import "testing"

func TestLogistic(t *testing.T) {
	for _, n := range []string{"Sigmoid_values", "Sigmoid_large_inputs", "BCE_hand_computed", "BCE_clamps_0_and_1",
		"BCE_random_inputs", "Grad_hand_computed", "Grad_large_inputs", "Grad_vs_finite_differences"} {
		t.Run(n, func(t *testing.T) {})
	}
}
`)
	// backprop: its test deleted; gan's test rewritten by mse's code below.
	if err := os.Remove(filepath.Join(dir, "backprop", "backprop_test.go")); err != nil {
		t.Fatal(err)
	}
	ganTest := filepath.Join(dir, "gan", "gan_test.go")
	put(t, dir, "mse/rewrite.go", `package mse

import "os"

func init() {
	os.WriteFile(`+"`"+ganTest+"`"+`, []byte("package gan\n\nimport \"testing\"\n\nfunc TestGAN(t *testing.T) {}\n"), 0o644)
	os.WriteFile(`+"`"+outside+"`"+`, []byte("written"), 0o644)
}
`)
	hijack(t, dir, "adam", "adam.(*Adam).Step", "import \"os\"\n\nfunc evil() { os.Exit(0) }\n")
	put(t, dir, "regularize/evil.go", "package regularize\n\nimport \"os\"\n\nfunc init() {\n\tos.Exit(0)\n}\n")
	hijack(t, dir, "conv", "conv.Conv2D", "import \"os\"\n\nfunc evil() { os.Exit(1) }\n")
	hijack(t, dir, "rnn", "rnn.Step", "import \"runtime\"\n\nfunc evil() {\n\truntime.Goexit()\n}\n")
	hijack(t, dir, "softmax", "softmax.Softmax", "var n int\n\nfunc evil() {\n\tfor {\n\t\tn++\n\t}\n}\n")
	hijack(t, dir, "attention", "attention.Attention", "var big []float64\n\nfunc evil() {\n\tbig = make([]float64, 100<<30/8)\n\tbig[len(big)-1] = 1\n}\n")

	began := time.Now()
	r, err := Run(context.Background(), Options{Dir: dir, Timeout: 8 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("graded in %v, isolation: %s", time.Since(began), r.Isolation)
	checkTotals(t, r)
	ex := byName(r)
	expect(t, ex["mse"], Fail, "mse.Loss (exercises/mse/mse.go:", "want 1.416667")
	if ex["mse"].Passed >= ex["mse"].Total-1 {
		t.Errorf("mse passed %d of %d with forged framing", ex["mse"].Passed, ex["mse"].Total)
	}
	if !strings.Contains(ex["mse"].Checks[0].Output, "--- PASS") {
		t.Errorf("mse's forged output is not kept as its output: %q", ex["mse"].Checks[0].Output)
	}
	expect(t, ex["logistic"], Todo, "not implemented yet: logistic.Sigmoid (exercises/logistic/logistic.go:")
	expect(t, ex["backprop"], Todo, "not implemented yet: backprop.Backward")
	expect(t, ex["gan"], Todo, "not implemented yet: gan.DiscriminatorLoss")
	expect(t, ex["adam"], Error, "adam.(*Adam).Step exited with code 0",
		"os.Exit is called in adam.evil (exercises/adam/evil.go:5)")
	expect(t, ex["regularize"], Error, "the package, before the first call (in an init function or a variable's initializer), exited with code 0",
		"os.Exit is called in regularize.init (exercises/regularize/evil.go:6)")
	expect(t, ex["conv"], Error, "conv.Conv2D exited with code 1", "not implemented yet: conv.KernelGrad")
	expect(t, ex["rnn"], Fail, "rnn.evil called runtime.Goexit at exercises/rnn/evil.go:6", "not implemented yet: rnn.StepBackward")
	// After the first timeout, each check gets 2 s: the other functions
	// are still graded.
	expect(t, ex["softmax"], Error, "softmax.Softmax timed out: is there a loop that never ends?",
		"(the checks after it got 2s each)", "not implemented yet: softmax.CrossEntropy", "not implemented yet: softmax.Grad")
	// Where it hangs: from Go's stack dump, or, when the process did not
	// dump in time (a loaded machine), the called function's first loop.
	if msg := ex["softmax"].Message; !strings.Contains(msg, "in softmax.evil (exercises/softmax/evil.go:6)") &&
		!strings.Contains(msg, "in softmax.Softmax (exercises/softmax/softmax.go:") {
		t.Errorf("softmax: the timeout does not say where: %q", msg)
	}
	expect(t, ex["attention"], Error, "attention.Attention crashed: out of memory", "attention.evil (exercises/attention/evil.go:6)")
	if os.Getuid() == 0 && strings.Contains(r.Isolation, "nobody") {
		if _, err := os.Stat(outside); err == nil {
			t.Errorf("the exercise's code wrote %s outside its scratch folder", outside)
		}
	}
	// Only mse's Grad_vs_finite_differences passes: zeros are the slope of
	// a Loss that is always 0.
	if r.Points != 0.25 || r.Status != Error {
		t.Errorf("points %v status %s", r.Points, r.Status)
	}
}

// TestHostileProcesses grades a kit whose exercises import what they may
// not, start processes that should outlive the grade, kill their parent,
// overflow the stack and crash from a goroutine; one exercise is solved
// and must still pass.
func TestHostileProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs ten harnesses; runs without -short")
	}
	dir := copyKit(t)
	hijack(t, dir, "mse", "mse.Loss", "import sol \"github.com/dlearn/dlearn/solutions/mse\"\n\nfunc evil() { _ = sol.Loss }\n")
	hijack(t, dir, "logistic", "logistic.Sigmoid", "import \"github.com/dlearn/dlearn/internal/checks\"\n\nfunc evil() { _ = checks.CheckLogistic }\n")
	hijack(t, dir, "backprop", "backprop.Backward", "import \"github.com/dlearn/dlearn/engine/tensor\"\n\nfunc evil() { _ = tensor.New }\n")
	hijack(t, dir, "adam", "adam.(*Adam).Step", `import "os/exec"

// A fork bomb, bounded by the process limit.
func evil() {
	for i := 0; i < 100000; i++ {
		if exec.Command("sleep", "6001").Start() != nil {
			break
		}
	}
}
`)
	hijack(t, dir, "conv", "conv.Conv2D", `import (
	"os/exec"
	"syscall"
)

func evil() {
	cmd := exec.Command("sleep", "6002")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Start()
}
`)
	hijack(t, dir, "rnn", "rnn.Step", "import (\n\t\"os\"\n\t\"syscall\"\n)\n\nfunc evil() { syscall.Kill(os.Getppid(), syscall.SIGKILL) }\n")
	hijack(t, dir, "softmax", "softmax.Softmax", "func evil() { rec(1) }\n\nfunc rec(n int) int { return rec(n+1) + 1 }\n")
	hijack(t, dir, "attention", "attention.Attention", "import \"time\"\n\nfunc evil() {\n\tgo func() { panic(\"from a goroutine\") }()\n\ttime.Sleep(time.Second)\n}\n")
	// One exercise solved, when the kit has its solution (a classroom
	// copy has none): the others must not get in its way.
	sol, err := os.ReadFile(filepath.Join("..", "solutions", "gan", "gan.go"))
	solved := err == nil
	if solved {
		put(t, dir, "gan/gan.go", string(sol))
	}

	r, err := Run(context.Background(), Options{Dir: dir, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	checkTotals(t, r)
	ex := byName(r)
	expect(t, ex["mse"], Error, "not graded: it imports github.com/dlearn/dlearn/solutions/mse (the kit's solutions)")
	expect(t, ex["logistic"], Error, "imports github.com/dlearn/dlearn/internal/checks (the checks, which hold every expected value)")
	expect(t, ex["backprop"], Error, "imports github.com/dlearn/dlearn/engine/tensor (the course's engine)")
	for _, n := range []string{"mse", "logistic", "backprop"} {
		if c := ex[n].Checks[0]; c.Status != NotRun || !strings.HasPrefix(c.Message, "not run: not graded: it imports") {
			t.Errorf("%s: first check %s %q", n, c.Status, c.Message)
		}
	}
	if e := ex["adam"]; e.Status == Pass || e.Passed > 0 {
		t.Errorf("adam (fork bomb) %s", describe(e))
	}
	expect(t, ex["conv"], Todo, "not implemented yet: conv.Conv2D")
	if e := ex["rnn"]; e.Status == Pass || e.Passed > 0 {
		t.Errorf("rnn (kills its parent) %s", describe(e))
	}
	expect(t, ex["softmax"], Error, "softmax.Softmax crashed with a stack overflow", "in softmax.rec (exercises/softmax/evil.go:5)", "not implemented yet: softmax.CrossEntropy")
	expect(t, ex["attention"], Error, "attention.Attention crashed: panic: from a goroutine", "attention.evil.func1 (exercises/attention/evil.go:6)")
	if solved {
		expect(t, ex["gan"], Pass)
	} else {
		expect(t, ex["gan"], Todo)
	}
	for _, arg := range []string{"6001", "6002"} {
		if pids := processesWith("sleep", arg); len(pids) > 0 {
			t.Errorf("sleep %s still runs after the grade: pids %v", arg, pids)
		}
	}
}

// processesWith lists the processes whose command line is exactly args.
func processesWith(args ...string) []string {
	want := strings.Join(args, "\x00") + "\x00"
	var pids []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && string(data) == want {
			pids = append(pids, e.Name())
		}
	}
	return pids
}

// TestSignaturesAndValues grades functions with another type, a missing
// function, results that JSON cannot carry (NaN), and C code (refused:
// it would be compiled by the grader).
func TestSignaturesAndValues(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two harnesses; runs without -short")
	}
	dir := copyKit(t)
	put(t, dir, "mse/mse.go", "package mse\n\nfunc Loss(pred, target []float32) float64 { return 0 }\n\nfunc grad(pred, target []float64) []float64 { return nil }\n")
	hijack(t, dir, "logistic", "logistic.Sigmoid", "import \"math\"\n\nfunc evil() { panic(math.NaN()) }\n")
	put(t, dir, "logistic/nan.go", "package logistic\n\nimport \"math\"\n\nfunc BCE2() float64 { return math.NaN() }\n")
	data, err := os.ReadFile(filepath.Join(dir, "logistic", "logistic.go"))
	if err != nil {
		t.Fatal(err)
	}
	put(t, dir, "logistic/logistic.go", strings.Replace(string(data), `panic("TODO: implement logistic.BCE")`, "return BCE2()", 1))
	put(t, dir, "softmax/c.go", "package softmax\n\n// int two(void) { return 2; }\nimport \"C\"\n\nfunc two() int { return int(C.two()) }\n")
	r, err := Run(context.Background(), Options{Dir: dir, Exercises: []string{"mse", "logistic", "softmax"}, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ex := byName(r)
	expect(t, ex["mse"], Fail, "mse.Loss has the type func([]float32, []float32) float64, want func([]float64, []float64) float64",
		"mse.Grad is missing: the package mse has no function Grad")
	expect(t, ex["logistic"], Fail, "logistic.evil panicked at exercises/logistic/evil.go:5: NaN", "got NaN")
	expect(t, ex["softmax"], Error, `not graded: c.go uses cgo (import "C")`)
}
