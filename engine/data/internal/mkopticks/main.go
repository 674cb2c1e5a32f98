// Command mkopticks writes the text corpus that package opticks embeds: the
// opening of Isaac Newton's "Opticks" (fourth edition, 1730), in Project
// Gutenberg's transcription as the Go distribution ships it for its own
// compression tests ($GOROOT/src/testdata/Isaac.Newton-Opticks.txt), cut
// and simplified for a character-level language model. Run it from the
// repository root:
//
//	go run ./engine/data/internal/mkopticks
//
// The simplification, so that a tiny model spends its capacity on words:
//   - paragraphs (blank-line separated) are joined into one line each and
//     written one per line; runs of spaces become one space;
//   - the transcription's italics marks "_" and accents "´" are dropped,
//     "æ"/"Æ" become "ae", "ê" "e", "û" "u", "×" "x";
//   - everything is lower-cased;
//   - paragraphs holding tables or formulas (any of "|{}[]\\/+*=&§·"),
//     with fewer than 40 letters, or more digits than one in twenty
//     characters are left out;
//   - paragraphs are kept from the start until the output would pass
//     Bytes bytes.
//
// The output is deterministic; package opticks's test checks its sha256
// against opticks/SHA256SUMS, and this program checks the input's.
package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode"
)

// Bytes is the most the corpus may hold.
const Bytes = 200_000

// inputSHA256 is the checksum of the file in Go 1.26.8's distribution.
const inputSHA256 = "d4a9ac22462b35e7821a4f2706c211093da678620a8f9997989ee7cf8d507bbd"

func main() {
	in, err := source()
	if err != nil {
		fail(err)
	}
	raw, err := os.ReadFile(in)
	if err != nil {
		fail(err)
	}
	if got := fmt.Sprintf("%x", sha256.Sum256(raw)); got != inputSHA256 {
		fail(fmt.Errorf("%s: sha256 %s, want %s", in, got, inputSHA256))
	}
	out := Corpus(string(raw))
	dst := filepath.Join("engine", "data", "opticks", "opticks.txt")
	if err := os.WriteFile(dst, []byte(out), 0o644); err != nil {
		fail(err)
	}
	sum := fmt.Sprintf("%x  opticks.txt\n", sha256.Sum256([]byte(out)))
	if err := os.WriteFile(filepath.Join("engine", "data", "opticks", "SHA256SUMS"), []byte(sum), 0o644); err != nil {
		fail(err)
	}
	fmt.Printf("%s: %d bytes, %d paragraphs\n", dst, len(out), strings.Count(out, "\n"))
}

// source is the path of the transcription in the Go distribution that
// "go env GOROOT" names.
func source() (string, error) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %w", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "src", "testdata", "Isaac.Newton-Opticks.txt"), nil
}

// Corpus simplifies the transcription as the package comment says.
func Corpus(raw string) string {
	repl := strings.NewReplacer("_", "", "´", "", "æ", "ae", "Æ", "ae", "ê", "e", "û", "u", "×", "x", "\r", "")
	var b strings.Builder
	for _, para := range strings.Split(repl.Replace(raw), "\n\n") {
		p := strings.ToLower(strings.Join(strings.Fields(para), " "))
		if !keep(p) {
			continue
		}
		if b.Len()+len(p)+1 > Bytes {
			break
		}
		b.WriteString(p)
		b.WriteByte('\n')
	}
	return b.String()
}

func keep(p string) bool {
	if strings.ContainsAny(p, "|{}[]\\/+*=&§·") {
		return false
	}
	letters, digits := 0, 0
	for _, r := range p {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsDigit(r):
			digits++
		}
		if r > unicode.MaxASCII {
			return false
		}
	}
	return letters >= 40 && digits*20 <= len(p)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mkopticks:", err)
	os.Exit(1)
}
