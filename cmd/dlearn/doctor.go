package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/internal/progress"
)

// installGo is what to do without a Go toolchain.
const installGo = "install Go from https://go.dev/dl/ (or your package manager) and make sure `go` is on your PATH; the lessons work without it"

// canGrade says why this machine cannot grade, or nil: grading builds the
// learner's code with go.
func canGrade() error {
	if _, err := exec.LookPath("go"); err != nil {
		return fmt.Errorf("grade: no Go toolchain: grading builds your code with go; %s", installGo)
	}
	return nil
}

// goVersion runs go version, or says why it cannot.
func goVersion() (string, error) {
	path, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("not found on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "version").Output()
	if err != nil {
		return "", fmt.Errorf("%s version failed: %v", path, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// doctorCheck is one line of dlearn doctor: ok, or missing (needed) or
// note (not needed).
type doctorCheck struct {
	what, status, detail string
}

func runDoctor() (checks []doctorCheck, ok bool) {
	ok = true
	add := func(what, status, detail string) {
		if status == "missing" {
			ok = false
		}
		checks = append(checks, doctorCheck{what, status, detail})
	}

	if v, err := goVersion(); err != nil {
		add("go", "missing", fmt.Sprintf("%v: grading needs it; %s", err, installGo))
	} else {
		add("go", "ok", v)
	}
	if runtime.GOOS == "windows" {
		add("grading", "ok", "on Windows your code runs with a time limit only (no memory or CPU limits, and programs it starts are not stopped with it)")
	}

	if dir, how, err := findExercises(); err != nil {
		add("exercises", "missing", err.Error())
	} else {
		add("exercises", "ok", fmt.Sprintf("%s (found: %s)", dir, how))
	}

	if store, err := progress.Open(); err != nil {
		add("progress", "missing", fmt.Sprintf("%v; your place and grades will not be saved", err))
	} else if err := writableDir(filepath.Dir(store.Path)); err != nil {
		add("progress", "missing", fmt.Sprintf("%s is not writable: %v", store.Path, err))
	} else {
		add("progress", "ok", store.Path+" (writable)")
	}

	mnist := fmt.Sprintf("embedded MNIST subset (%d training, %d test images)", data.EmbeddedTrain, data.EmbeddedTest)
	if dir, err := data.MNISTDir(); err == nil {
		mnist += "; the full set is also present: " + dir
	} else {
		mnist += "; the full set's folder is not present (not needed)"
	}
	add("data", "ok", mnist)

	add("terminal", "note", terminalInfo())
	add("isolation", "note", namespaces())
	return checks, ok
}

// writableDir makes dir if needed and checks that a file can be created.
func writableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".dlearn-doctor-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

// terminalInfo describes stdout: a terminal or not, its size, and its
// colour profile.
func terminalInfo() string {
	var parts []string
	if term.IsTerminal(os.Stdout.Fd()) {
		if w, h, err := term.GetSize(os.Stdout.Fd()); err == nil {
			parts = append(parts, fmt.Sprintf("%d×%d", w, h))
		} else {
			parts = append(parts, "a terminal of unknown size")
		}
	} else {
		parts = append(parts, "stdout is not a terminal (lessons print their transcript; the app needs one)")
	}
	parts = append(parts, "colour profile "+colorprofile.Detect(os.Stdout, os.Environ()).String())
	if os.Getenv("NO_COLOR") != "" {
		parts = append(parts, "NO_COLOR is set")
	}
	if t := os.Getenv("TERM"); t != "" {
		parts = append(parts, "TERM="+t)
	}
	return strings.Join(parts, ", ")
}

// namespaces says whether the kernel lets the grader isolate the
// learner's code in user namespaces (no network, its own view of the
// system); grading works without, with less isolation.
func namespaces() string {
	if runtime.GOOS != "linux" {
		return "no Linux namespaces on " + runtime.GOOS + ": your code runs as a plain child process"
	}
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	if read("/proc/sys/user/max_user_namespaces") == "0" || read("/proc/sys/kernel/unprivileged_userns_clone") == "0" {
		return "user namespaces are turned off: your code runs with less isolation"
	}
	if read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1" && os.Geteuid() != 0 {
		return "user namespaces are restricted by AppArmor: your code may run with less isolation"
	}
	return "user namespaces are available: your code runs isolated (no network)"
}

func writeDoctor(w io.Writer, checks []doctorCheck) {
	for _, c := range checks {
		fmt.Fprintf(w, "%-8s %-10s %s\n", c.status, c.what, c.detail)
	}
}

func newDoctorCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "Say what dlearn needs and finds here: Go, your exercises, the progress file, data, terminal",
		Long: "doctor prints one line per thing dlearn uses: ok, missing (needed) or note. It exits 0 when\n" +
			"everything needed to follow the lessons and grade is there, 1 otherwise.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			checks, ok := runDoctor()
			writeDoctor(e.stdout, checks)
			if !ok {
				return &exitError{code: 1}
			}
			return nil
		},
	}
}
