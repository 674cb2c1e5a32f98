package grade

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// crashMessage explains why a package's tests did not all finish: a
// timeout, a stack overflow or another crash, and the learner's function
// and line it happened in when the stack dump shows them.
func crashMessage(output []string, pkg, dir string) string {
	what := ""
	for _, line := range output {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "panic: test timed out after "):
			what = "timed out after " + strings.TrimPrefix(t, "panic: test timed out after ") +
				": is there a loop that never ends?"
		case strings.Contains(t, "goroutine stack exceeds") || t == "fatal error: stack overflow":
			what = "crashed with a stack overflow: does a function call itself without end?"
		case strings.HasPrefix(t, "panic: ") || strings.HasPrefix(t, "fatal error: "):
			what = "crashed: " + strings.TrimSuffix(t, " [recovered]")
		}
		if what != "" {
			break
		}
	}
	if what == "" {
		what = "stopped without a result (timed out or crashed)"
	}
	if at := learnerFrame(output, pkg, dir); at != "" {
		what += "\n  in " + at
	}
	return what
}

// learnerFrame finds in a stack dump the innermost frame of the exercise
// package outside its tests: "adam.(*Adam).Step (exercises/adam/adam.go:10)".
func learnerFrame(output []string, pkg, dir string) string {
	for i := 0; i+1 < len(output); i++ {
		fn := strings.TrimSpace(output[i])
		if !strings.HasPrefix(fn, pkg+".") {
			continue
		}
		loc := strings.TrimSpace(output[i+1])
		if sp := strings.LastIndex(loc, " +0x"); sp >= 0 {
			loc = loc[:sp]
		}
		if strings.HasSuffix(strings.SplitN(loc, ":", 2)[0], "_test.go") {
			continue
		}
		if p := strings.LastIndex(fn, "("); p > 0 {
			fn = fn[:p]
		}
		return fmt.Sprintf("%s (%s)", filepath.Base(pkg)+fn[len(pkg):], shortenPaths(loc, dir))
	}
	return ""
}

// buildErrors returns the compiler's (or vet's) messages for a package
// that did not build, without go's "# package" headers.
func buildErrors(build, pkgOutput []string, dir string) string {
	var out []string
	vet := false
	for _, line := range build {
		if strings.HasPrefix(line, "# ") {
			vet = vet || strings.HasPrefix(line, "# [")
			continue
		}
		out = append(out, line)
	}
	if len(out) == 0 { // no build events: fall back on the package's output
		for _, line := range pkgOutput {
			if !strings.HasPrefix(line, "FAIL") {
				out = append(out, line)
			}
		}
	}
	msg := shortenPaths(strings.Join(out, "\n"), dir)
	if vet {
		msg += "\n(go vet found this: go test runs it before the checks)"
	}
	return msg
}

// relGoFile matches a relative Go file position at the start of a line,
// as the compiler prints them: "mse/mse.go:6:2: …".
var relGoFile = regexp.MustCompile(`(?m)^(\./)?([\w\-]+/)*[\w\-.]+\.go:\d+`)

// shortenPaths rewrites the paths in text so that they start at the
// exercises folder: /home/me/kit/exercises/mse/mse.go and mse/mse.go both
// become exercises/mse/mse.go, as the checks write them.
func shortenPaths(text, dir string) string {
	if dir == "" {
		return text
	}
	base := filepath.Base(dir)
	text = strings.ReplaceAll(text, filepath.ToSlash(dir)+"/", base+"/")
	return relGoFile.ReplaceAllStringFunc(text, func(m string) string {
		if strings.HasPrefix(m, base+"/") {
			return m
		}
		return base + "/" + strings.TrimPrefix(m, "./")
	})
}
