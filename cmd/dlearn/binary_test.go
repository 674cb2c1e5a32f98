package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/dlearn/dlearn/internal/stubs"
)

// The real binary, away from the source tree: what a learner who
// installed dlearn alone has. Built once per package run.

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// dlearnBinary builds ./cmd/dlearn once and returns its path. It skips
// under -short: the build takes a while.
func dlearnBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the dlearn binary; skipped with -short")
	}
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "dlearn-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "dlearn")
		if runtime.GOOS == "windows" {
			binPath += ".exe"
		}
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = &buildError{err, string(out)}
		}
	})
	if binErr != nil {
		t.Fatalf("building dlearn: %v", binErr)
	}
	return binPath
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// copyFile copies src to dst with mode.
func copyFile(t *testing.T, src, dst string, mode os.FileMode) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// runBin runs bin in dir with env replacing those variables of the
// environment (DLEARN_HOME, GOFLAGS and NO_COLOR are always dropped), and
// returns the exit code, stdout and stderr.
func runBin(t *testing.T, bin, dir string, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	drop := map[string]bool{"DLEARN_HOME": true, "GOFLAGS": true, "NO_COLOR": true}
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		drop[k] = true
	}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !drop[k] {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running dlearn %v: %v", args, err)
	}
	return code, out.String(), errb.String()
}

// A binary copied into an empty folder, with no module cache, no GOPATH
// and a fresh home, still teaches the cnn lesson on real MNIST digits: the
// subset embedded in it.
func TestBinaryAloneUsesEmbeddedMNIST(t *testing.T) {
	bin := dlearnBinary(t)
	alone := t.TempDir()
	copied := filepath.Join(alone, filepath.Base(bin))
	copyFile(t, bin, copied, 0o755)
	env := []string{
		"HOME=" + t.TempDir(), "DLEARN_HOME=" + t.TempDir(), "XDG_CONFIG_HOME=" + t.TempDir(),
		"GOMODCACHE=" + t.TempDir(), "GOPATH=" + t.TempDir(),
	}
	code, out, errs := runBin(t, copied, alone, env, "lesson", "cnn", "--plain", "--steps", "1", "--no-questions")
	if code != 0 {
		t.Fatalf("dlearn lesson cnn: exit %d, stderr %q", code, errs)
	}
	if !strings.Contains(out, "real MNIST") || !strings.Contains(out, "the MNIST subset embedded in dlearn") {
		t.Errorf("the transcript does not say it uses the embedded MNIST subset:\n%s", head(out, 30))
	}
	if strings.Contains(strings.ToLower(out), "synthetic") {
		t.Errorf("the transcript mentions synthetic digits:\n%s", head(out, 30))
	}
}

func head(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// dlearn init writes a folder of its own; with one exercise solved there,
// grading from another working directory finds it: that exercise passes,
// every other one is not implemented yet, and the grades are saved.
func TestInitThenGradeFromElsewhere(t *testing.T) {
	bin := dlearnBinary(t)
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatal("no go on PATH: grading needs it")
	}
	home := t.TempDir()
	env := []string{"DLEARN_HOME=" + home}
	start, elsewhere := t.TempDir(), t.TempDir()

	n := len(stubs.Names())
	code, out, errs := runBin(t, bin, start, env, "init", "mine")
	if code != 0 || errs != "" || !strings.Contains(out, fmt.Sprintf("wrote %d exercises", n)) {
		t.Fatalf("dlearn init: exit %d, out %q, err %q", code, out, errs)
	}
	folder := filepath.Join(start, "mine")
	mod, err := os.ReadFile(filepath.Join(folder, "go.mod"))
	if err != nil || strings.Contains(string(mod), "github.com/dlearn/dlearn") || !strings.Contains(string(mod), "\ngo ") {
		t.Fatalf("go.mod of the new folder: %q, %v", mod, err)
	}
	for _, f := range []string{"README.md", "mse/mse.go", "mse/README.md", "conv/conv.go"} {
		if _, err := os.Stat(filepath.Join(folder, f)); err != nil {
			t.Errorf("init did not write %s: %v", f, err)
		}
	}
	if tests, _ := filepath.Glob(filepath.Join(folder, "*", "*_test.go")); len(tests) > 0 {
		t.Errorf("init wrote tests that import the kit: %v", tests)
	}

	// A second init into the same, now non-empty, folder is refused.
	code, out, errs = runBin(t, bin, start, env, "init", "mine")
	if code != 2 || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "not empty") {
		t.Errorf("second init: exit %d, out %q, err %q", code, out, errs)
	}

	copyFile(t, filepath.Join("..", "..", "solutions", "mse", "mse.go"), filepath.Join(folder, "mse", "mse.go"), 0o644)
	code, out, errs = runBin(t, bin, elsewhere, env, "grade")
	if code != 1 {
		t.Fatalf("dlearn grade from elsewhere: exit %d (want 1: not all pass), err %q\n%s", code, errs, out)
	}
	var passed, todo []string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || strings.HasPrefix(line, " ") {
			continue
		}
		switch {
		case f[0] == "✓" && f[2] == "passed":
			passed = append(passed, f[1])
		case f[0] == "○" && strings.Contains(line, "not implemented yet"):
			todo = append(todo, f[1])
		case f[0] == "✗" || f[0] == "!":
			t.Errorf("an exercise is wrong or broken, not to do: %q", line)
		}
	}
	if len(passed) != 1 || passed[0] != "mse" || len(todo) != n-1 {
		t.Errorf("passed %v, not implemented yet %d (want mse, and %d)\n%s", passed, len(todo), n-1, out)
	}
	if want := fmt.Sprintf("Points 1/%d", n); !strings.Contains(out, want) {
		t.Errorf("no %s in:\n%s", want, out)
	}

	// The grade was saved: next, from yet another folder, skips mse.
	code, out, _ = runBin(t, bin, t.TempDir(), env, "next")
	if code != 0 || strings.HasPrefix(out, "next: mse ") || !strings.HasPrefix(out, "next: ") {
		t.Errorf("dlearn next after mse passed: exit %d, %q", code, out)
	}
}
