package main

import (
	"runtime"
	"strings"
	"testing"
)

func TestVersionAndAbout(t *testing.T) {
	code, out, errs := dl(t, "version")
	if code != 0 || errs != "" || !strings.HasPrefix(out, "dlearn "+version+"\n") || !strings.Contains(out, runtime.Version()) {
		t.Fatalf("dlearn version: code %d, out %q, err %q", code, out, errs)
	}
	code, out, errs = dl(t, "about")
	if code != 0 || errs != "" || !strings.Contains(out, "MNIST") || !strings.Contains(out, "Creative Commons") || !strings.Contains(out, "Opticks") {
		t.Fatalf("dlearn about: code %d, out %q, err %q", code, out, errs)
	}
	if code, _, errs := dl(t, "version", "extra"); code != 2 || strings.Count(errs, "\n") != 1 {
		t.Fatalf("dlearn version extra: code %d, err %q", code, errs)
	}
}
