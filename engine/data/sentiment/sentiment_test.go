package sentiment

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
)

// The shipped file matches its manifest: regenerate both with
// go run ./engine/data/internal/mksentiment.
func TestManifest(t *testing.T) {
	want := fmt.Sprintf("%x  sentences.tsv\n", sha256.Sum256(sentencesTSV))
	if manifest != want {
		t.Fatalf("SHA256SUMS says %q, the embedded sentences.tsv has %q", manifest, want)
	}
}

func TestSplitsKindsAndLabels(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Train) != 1833 || len(s.Val) != 391 || len(s.Test) != 395 {
		t.Fatalf("splits %d/%d/%d, want 1833/391/395 as documented", len(s.Train), len(s.Val), len(s.Test))
	}
	seen := map[string]string{}
	for name, split := range map[string][]Example{"train": s.Train, "val": s.Val, "test": s.Test} {
		kinds := map[string][2]int{}
		for _, ex := range split {
			if prev, dup := seen[ex.Text]; dup {
				t.Errorf("%q is in %s and %s", ex.Text, prev, name)
			}
			seen[ex.Text] = name
			k := kinds[ex.Kind]
			if ex.Positive {
				k[1]++
			} else {
				k[0]++
			}
			kinds[ex.Kind] = k
			if len(ex.Tokens) == 0 || len(ex.Tokens) > 24 {
				t.Errorf("%q has %d tokens", ex.Text, len(ex.Tokens))
			}
		}
		// Every kind in every split, with both labels in fair numbers.
		for _, kind := range []string{Plain, Negation, Contrast} {
			k := kinds[kind]
			if k[0] < len(split)/20 || k[1] < len(split)/20 {
				t.Errorf("%s: %s has %d negative and %d positive sentences", name, kind, k[0], k[1])
			}
		}
	}
}

// A contrast sentence is labelled by its last clause, and the same
// clauses in the other order have the other label.
func TestHandWrittenContrastPair(t *testing.T) {
	s := MustLoad()
	label := map[string]bool{}
	for _, split := range [][]Example{s.Train, s.Val, s.Test} {
		for _, ex := range split {
			label[ex.Text] = ex.Positive
		}
	}
	a, okA := label["the plot was dull but the acting was superb"]
	b, okB := label["the acting was superb but the plot was dull"]
	if !okA || !okB || !a || b {
		t.Fatalf("the contrast pair: %v %v, %v %v", okA, a, okB, b)
	}
}

func TestTokensAndVocab(t *testing.T) {
	got := strings.Join(Tokens("Although the plot wasn't good, I loved it"), "|")
	if want := "although|the|plot|wasn't|good|,|i|loved|it"; got != want {
		t.Fatalf("Tokens: %q, want %q", got, want)
	}
	v := NewVocab([]Example{{Tokens: []string{"b", "a", "b"}}, {Tokens: []string{"c", "a", "b"}}})
	if strings.Join(v.Words, " ") != "<pad> <unk> b a c" {
		t.Fatalf("vocab %v", v.Words)
	}
	if ids := v.Encode([]string{"a", "zzz", "<pad>", "c"}); fmt.Sprint(ids) != "[3 1 1 4]" {
		t.Fatalf("Encode: %v", ids)
	}
}
