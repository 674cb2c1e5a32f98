package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"testing"

	"github.com/dlearn/dlearn/engine/data/opticks"
)

// TestReproducible regenerates the corpus from the Go distribution's copy
// of the transcription and compares it with the embedded one. It needs
// that file with the checksum the corpus was made from (Go 1.26.8's).
func TestReproducible(t *testing.T) {
	path, err := source()
	if err != nil {
		t.Skipf("no go command to find the Go distribution: %v", err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("the Go distribution's Opticks text is not here: %v", err)
	}
	if got := fmt.Sprintf("%x", sha256.Sum256(raw)); got != inputSHA256 {
		t.Skipf("this Go distribution's Opticks text has sha256 %s, not %s", got, inputSHA256)
	}
	if Corpus(string(raw)) != opticks.Text() {
		t.Error("regenerating the corpus gives other bytes than the embedded opticks.txt")
	}
}
