package harness_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dlearn/dlearn/harness"
)

// testServe returns the path of the testserve harness program: the one
// named by DLEARN_TESTSERVE (a cross-built program, when this test runs
// on another platform, e.g. under wine), or one built now.
func testServe(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("DLEARN_TESTSERVE"); p != "" {
		return p
	}
	// A folder anyone may read: as root, the harness runs as nobody.
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "testserve")
	if runtime.GOOS == "windows" {
		out += ".exe"
	}
	cmd := exec.Command("go", "build", "-o", out, "./internal/testserve")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build testserve: %v\n%s", err, b)
	}
	return out
}

func args(t *testing.T, vs ...any) []json.RawMessage {
	t.Helper()
	var out []json.RawMessage
	for _, v := range vs {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// TestProtocolRoundTrip starts a harness process and calls it through the
// protocol files: descriptors 3 and 4 on Unix, inherited handles named in
// the environment on Windows. What the functions print arrives apart from
// the results.
func TestProtocolRoundTrip(t *testing.T) {
	bin := testServe(t)
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	p, err := harness.Start(ctx, harness.Config{Binary: bin, Package: "testserve", Dir: t.TempDir()}, deadline)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer p.Close()
	if _, ok := p.Hello.Funcs["Add"]; !ok || p.Hello.Package != "testserve" {
		t.Fatalf("hello = %+v, want package testserve with Add", p.Hello)
	}
	resp, f := p.Call(ctx, harness.Request{Func: "Add", Args: args(t, 1.5, 2.25)}, "testserve.Add", deadline)
	if f != nil {
		t.Fatalf("Add: %v", f)
	}
	if len(resp.Results) != 1 || string(resp.Results[0]) != "3.75" {
		t.Fatalf("Add(1.5, 2.25) results = %s, want [3.75]", resp.Results)
	}
	resp, f = p.Call(ctx, harness.Request{Func: "Shout", Args: args(t, "hi")}, "testserve.Shout", deadline)
	if f != nil {
		t.Fatalf("Shout: %v", f)
	}
	if len(resp.Results) != 1 || string(resp.Results[0]) != `"HI"` {
		t.Fatalf("Shout(hi) results = %s, want [\"HI\"]", resp.Results)
	}
	if out := p.Output(); !strings.Contains(out, "shouting hi") {
		t.Fatalf("output = %q, want what Shout printed", out)
	}
}

// TestServeWithoutProtocolFiles: a harness program started by hand (not
// by the grader) says so and exits 3 instead of waiting.
func TestServeWithoutProtocolFiles(t *testing.T) {
	bin := testServe(t)
	cmd := exec.Command(bin)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err == nil || !strings.Contains(err.Error(), "exit status 3") && !(asExit(err, &ee) && ee.ExitCode() == 3) {
		t.Fatalf("err = %v, want exit status 3; output %q", err, out)
	}
	if !strings.Contains(string(out), "no protocol files") {
		t.Fatalf("output = %q, want it to say there are no protocol files", out)
	}
}

func asExit(err error, ee **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	*ee = e
	return ok
}
