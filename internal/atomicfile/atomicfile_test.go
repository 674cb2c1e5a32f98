package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestWriteReplacesWholeFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "f.json")
	if err := Write(p, []byte("first version, long"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("second"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil || string(got) != "second" {
		t.Fatalf("read back %q, %v", got, err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v", fi.Mode())
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestWriteFailsCleanly(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, []byte("x"), 0o644)
	// A folder where a file stands cannot be created.
	if err := Write(filepath.Join(blocker, "f"), []byte("y"), 0o644); err == nil {
		t.Fatal("no error writing under a file")
	}
}

func TestWriteThroughSymlinks(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real", "f.json")
	os.MkdirAll(filepath.Dir(target), 0o755)
	os.WriteFile(target, []byte("old"), 0o644)
	link1 := filepath.Join(dir, "link1")
	link2 := filepath.Join(dir, "link2")
	if err := os.Symlink("real/f.json", link1); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	os.Symlink(link1, link2) // a chain: link2 → link1 → real/f.json
	if err := Write(link2, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{link1, link2} {
		if fi, err := os.Lstat(l); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("%s is no longer a link", l)
		}
	}
	if got, _ := os.ReadFile(target); string(got) != "new" {
		t.Fatalf("target holds %q", got)
	}
	// A dangling link: the file it names is created.
	dangling := filepath.Join(dir, "dangling")
	os.Symlink("real/g.json", dangling)
	if err := Write(dangling, []byte("g"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "real", "g.json")); string(got) != "g" {
		t.Fatalf("dangling link's target holds %q", got)
	}
	// A loop is an error, not a hang.
	os.Symlink("loop", filepath.Join(dir, "loop"))
	if err := Write(filepath.Join(dir, "loop"), []byte("x"), 0o644); err == nil {
		t.Fatal("writing through a link loop succeeded")
	}
}

func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.json")
	old := filepath.Join(dir, ".f.json.tmp-1")
	fresh := filepath.Join(dir, ".f.json.tmp-2")
	other := filepath.Join(dir, ".g.json.tmp-1")
	for _, f := range []string{old, fresh, other} {
		os.WriteFile(f, []byte("x"), 0o644)
	}
	hourAgo := time.Now().Add(-time.Hour)
	os.Chtimes(old, hourAgo, hourAgo)
	os.Chtimes(other, hourAgo, hourAgo)
	if n := RemoveStale(p, time.Minute); n != 1 {
		t.Fatalf("removed %d, want 1", n)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Error("the stale file is still there")
	}
	for _, f := range []string{fresh, other} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s was removed", f)
		}
	}
}
