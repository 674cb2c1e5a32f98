// Package opticks embeds the text corpus of the text-generation lesson:
// about 195 KB from the opening of Isaac Newton's "Opticks" (fourth
// edition, 1730), lower-cased and simplified to 47 distinct characters,
// one paragraph per line. It is written by
//
//	go run ./engine/data/internal/mkopticks
//
// from Project Gutenberg's transcription, which the Go distribution ships
// as $GOROOT/src/testdata/Isaac.Newton-Opticks.txt; SHA256SUMS holds the
// file's checksum and the package's test checks it.
package opticks

import (
	_ "embed"
	"sort"
	"strings"
)

//go:embed opticks.txt
var text string

// Attribution says where the corpus comes from and under what terms, for
// the README and `dlearn about`.
const Attribution = "The text of the text-generation lesson is from Isaac Newton's \"Opticks\" (4th edition, 1730; " +
	"public domain), in the Project Gutenberg transcription by Suzanne Lybarger, steve harris, Josephine Paolucci " +
	"and the Online Distributed Proofreading Team (http://www.pgdp.net), as the Go distribution ships it in " +
	"src/testdata/Isaac.Newton-Opticks.txt; dlearn embeds about 195 KB of its opening, lower-cased and with " +
	"tables and formulas left out (engine/data/opticks)."

// Text returns the corpus: paragraphs of lower-case English, one per line,
// each ending in "\n".
func Text() string { return text }

// Alphabet returns the distinct characters of the corpus in byte order.
func Alphabet() []byte {
	var seen [256]bool
	for i := range len(text) {
		seen[text[i]] = true
	}
	var out []byte
	for c, ok := range seen {
		if ok {
			out = append(out, byte(c))
		}
	}
	return out
}

// Words returns the distinct space- or newline-separated words of s, with
// the punctuation ".,;:?()'" trimmed from both ends of each (so "colours,"
// is "colours"), sorted; empty results are dropped.
func Words(s string) []string {
	set := map[string]bool{}
	for _, w := range strings.Fields(s) {
		if w = Trim(w); w != "" {
			set[w] = true
		}
	}
	out := make([]string, 0, len(set))
	for w := range set {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}

// Trim removes the punctuation ".,;:?()'" from both ends of a word.
func Trim(w string) string { return strings.Trim(w, ".,;:?()'") }
