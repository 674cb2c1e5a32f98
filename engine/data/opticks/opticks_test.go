package opticks

import (
	"crypto/sha256"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestChecksum checks the embedded corpus and the file on disk against
// the manifest SHA256SUMS.
func TestChecksum(t *testing.T) {
	manifest, err := os.ReadFile("SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(manifest))
	if len(fields) != 2 || fields[1] != "opticks.txt" {
		t.Fatalf("SHA256SUMS = %q, want one line \"<sha256>  opticks.txt\"", manifest)
	}
	onDisk, err := os.ReadFile("opticks.txt")
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"embedded": []byte(Text()), "on disk": onDisk} {
		if got := fmt.Sprintf("%x", sha256.Sum256(b)); got != fields[0] {
			t.Errorf("%s opticks.txt: sha256 %s, want %s (regenerate with go run ./engine/data/internal/mkopticks)", name, got, fields[0])
		}
	}
}

func TestShape(t *testing.T) {
	s := Text()
	if n := len(s); n < 150_000 || n > 200_000 {
		t.Errorf("corpus has %d bytes, want 150,000 … 200,000", n)
	}
	if a := Alphabet(); len(a) != 47 {
		t.Errorf("alphabet %q has %d characters, want 47", a, len(a))
	}
	for i, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if line == "" || line != strings.ToLower(line) || strings.Contains(line, "  ") {
			t.Fatalf("paragraph %d %.40q… is empty, not lower-case or has a double space", i, line)
		}
	}
	if !strings.HasPrefix(s, "reflections, refractions, inflections and colours\n") {
		t.Errorf("corpus starts %.60q, want the title", s)
	}
}

func TestWords(t *testing.T) {
	got := Words("the light, (the) light's colours.\nof 'red'")
	want := []string{"colours", "light", "light's", "of", "red", "the"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Words = %q, want %q", got, want)
	}
	if n := len(Words(Text())); n < 2000 {
		t.Errorf("corpus has %d distinct words, want over 2,000", n)
	}
}
