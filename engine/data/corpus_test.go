package data

import (
	"testing"
)

func TestCorpus(t *testing.T) {
	sents := Corpus()
	n := 0
	for _, s := range sents {
		n += len(s)
	}
	if n < 200 || n > 600 {
		t.Errorf("corpus has %d words, want a few hundred", n)
	}
	w := NewWords(sents)
	for topic, words := range CorpusTopics {
		for _, word := range words {
			if _, ok := w.Index[word]; !ok {
				t.Errorf("topic %s: %q is not in the corpus", topic, word)
			}
		}
	}
	if w.List[0] != "the" || w.Counts[0] < w.Counts[1] {
		t.Errorf("most frequent word %q (%d), then %q (%d)", w.List[0], w.Counts[0], w.List[1], w.Counts[1])
	}
	sents[0][0] = "changed"
	if Corpus()[0][0] == "changed" {
		t.Error("Corpus returns shared slices")
	}
}

func TestSkipGrams(t *testing.T) {
	got := SkipGrams([][]int{{1, 2, 3}, {4, 5}}, 1)
	want := []SkipGram{{1, 2}, {2, 1}, {2, 3}, {3, 2}, {4, 5}, {5, 4}}
	if len(got) != len(want) {
		t.Fatalf("SkipGrams = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("SkipGrams = %v, want %v", got, want)
		}
	}
	// A sentence of length L with window c gives Σ_i (min(i, c) + min(L−1−i, c)) pairs.
	w := NewWords(Corpus())
	ids := w.IDs(Corpus())
	pairs := SkipGrams(ids, 2)
	count := 0
	for _, s := range ids {
		for i := range s {
			count += min(i, 2) + min(len(s)-1-i, 2)
		}
	}
	if len(pairs) != count {
		t.Errorf("%d pairs, want %d", len(pairs), count)
	}
	// Co-occurrence structure: "cat" and "dog" share more contexts than "cat" and "three".
	ctx := func(word string) map[int]bool {
		m := map[int]bool{}
		for _, p := range pairs {
			if p.Center == w.Index[word] {
				m[p.Context] = true
			}
		}
		return m
	}
	shared := func(a, b string) int {
		n := 0
		ca, cb := ctx(a), ctx(b)
		for k := range ca {
			if cb[k] {
				n++
			}
		}
		return n
	}
	if shared("cat", "dog") <= shared("cat", "three") || shared("red", "blue") <= shared("red", "horse") {
		t.Errorf("shared contexts: cat/dog %d, cat/three %d, red/blue %d, red/horse %d",
			shared("cat", "dog"), shared("cat", "three"), shared("red", "blue"), shared("red", "horse"))
	}
}
