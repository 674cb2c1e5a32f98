package grade

import (
	"os"
	"path/filepath"
	"testing"
)

func TestHarnessCache(t *testing.T) {
	scratch := t.TempDir()
	write := func(name, content string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(scratch, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(scratch, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module m\n")
	write("mse/mse.go", "package mse\n")
	write(harnessDir+"/run_mse/main.go", "package main\n")
	k1 := cacheKey(scratch, "mse", "go1.26 linux amd64")
	write("mse/mse.go", "package mse\n\nvar X = 1\n")
	k2 := cacheKey(scratch, "mse", "go1.26 linux amd64")
	if k1 == "" || k1 == k2 || k2 != cacheKey(scratch, "mse", "go1.26 linux amd64") || k2 == cacheKey(scratch, "mse", "go1.27 linux amd64") {
		t.Errorf("keys %q %q do not follow the learner's code and the toolchain", k1, k2)
	}
	if cacheKey(scratch, "mse", "") != "" {
		t.Error("a key without a known toolchain")
	}
	c := harnessCache{dir: filepath.Join(t.TempDir(), "cache")}
	bin := filepath.Join(scratch, "bin")
	write("bin", "binary")
	out := filepath.Join(scratch, "out")
	if c.get(k2, out) {
		t.Fatal("a hit in an empty cache")
	}
	c.put(k2, bin)
	if !c.get(k2, out) {
		t.Fatal("no hit after put")
	}
	if data, _ := os.ReadFile(out); string(data) != "binary" {
		t.Errorf("cached %q", data)
	}
	for i := range cacheSize + 3 {
		c.put(cacheKey(scratch, "mse", "go"+string(rune('a'+i%26))+string(rune('a'+i/26))), bin)
	}
	if entries, _ := os.ReadDir(c.dir); len(entries) != cacheSize {
		t.Errorf("%d entries, want at most %d", len(entries), cacheSize)
	}
}
