// Package sentiment holds the sentiment lesson's data: 2,619 short
// sentences written for dlearn — reviews of films, restaurants, books,
// hotels, gadgets and games — each labelled positive or negative and
// marked with its kind: plain, negation ("the plot was not good",
// "never boring") or contrast ("the plot was dull but the acting was
// superb"), the last two being the cases a bag-of-words model gets wrong.
// They are split into training (1,833), validation (391) and test (395)
// sentences, each kind 70/15/15.
//
// The file, sentences.tsv, is embedded in the binary and written by
// `go run ./engine/data/internal/mksentiment` from a grammar of templates
// and word lists plus hand-written sentences; SHA256SUMS is its checksum
// manifest, checked by this package's tests.
package sentiment

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Attribution says where the sentences come from, for the README and
// `dlearn about`.
const Attribution = "The sentences of the sentiment lesson (2,619 short reviews labelled positive or negative, " +
	"with negation and contrast cases marked) were written for dlearn, by a grammar of templates and word lists " +
	"(engine/data/internal/mksentiment) and by hand; they are under dlearn's own licence."

//go:embed sentences.tsv
var sentencesTSV []byte

//go:embed SHA256SUMS
var manifest string

// The kinds of sentence.
const (
	Plain    = "plain"
	Negation = "negation"
	Contrast = "contrast"
)

// Example is one labelled sentence.
type Example struct {
	Text   string
	Tokens []string
	// Positive is the label: true for a positive sentence.
	Positive bool
	// Kind is Plain, Negation or Contrast; Hand marks a sentence written
	// by hand rather than drawn from the grammar.
	Kind string
	Hand bool
}

// Set is the data split three ways.
type Set struct {
	Train, Val, Test []Example
}

var (
	once   sync.Once
	loaded *Set
	errSet error
)

// Load parses the embedded sentences (once; the Set is shared and must
// not be changed).
func Load() (*Set, error) {
	once.Do(func() { loaded, errSet = parse(sentencesTSV) })
	return loaded, errSet
}

// MustLoad is Load for callers that cannot go on without the data; the
// embedded file is checked by this package's tests, so it panics only on
// a broken build.
func MustLoad() *Set {
	s, err := Load()
	if err != nil {
		panic(err)
	}
	return s
}

func parse(b []byte) (*Set, error) {
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) == 0 || lines[0] != "split\tlabel\tkind\torigin\ttext" {
		return nil, fmt.Errorf("sentiment: sentences.tsv has no header")
	}
	s := &Set{}
	for i, line := range lines[1:] {
		f := strings.Split(line, "\t")
		if len(f) != 5 || (f[1] != "pos" && f[1] != "neg") || !slices.Contains([]string{Plain, Negation, Contrast}, f[2]) {
			return nil, fmt.Errorf("sentiment: sentences.tsv line %d: %q", i+2, line)
		}
		ex := Example{Text: f[4], Tokens: Tokens(f[4]), Positive: f[1] == "pos", Kind: f[2], Hand: f[3] == "hand"}
		switch f[0] {
		case "train":
			s.Train = append(s.Train, ex)
		case "val":
			s.Val = append(s.Val, ex)
		case "test":
			s.Test = append(s.Test, ex)
		default:
			return nil, fmt.Errorf("sentiment: sentences.tsv line %d: split %q", i+2, f[0])
		}
	}
	return s, nil
}

// Tokens splits a sentence into words: lower case, split at spaces, with
// a comma a token of its own ("dull, but" → "dull" "," "but");
// contractions stay whole ("wasn't").
func Tokens(s string) []string {
	s = strings.ToLower(strings.ReplaceAll(s, ",", " , "))
	return strings.Fields(s)
}

// Special ids of every Vocab.
const (
	PadID = 0 // fills a sentence to the length of the longest in its batch
	UnkID = 1 // a word the training sentences do not have
)

// Vocab maps words to ids: PadID, UnkID, then the words of the training
// sentences, most frequent first (ties in alphabetical order).
type Vocab struct {
	Words []string // by id; Words[0] = "<pad>", Words[1] = "<unk>"
	index map[string]int
}

// NewVocab returns the vocabulary of the training sentences.
func NewVocab(train []Example) *Vocab {
	count := map[string]int{}
	for _, ex := range train {
		for _, w := range ex.Tokens {
			count[w]++
		}
	}
	words := make([]string, 0, len(count))
	for w := range count {
		words = append(words, w)
	}
	slices.SortFunc(words, func(a, b string) int {
		if count[a] != count[b] {
			return count[b] - count[a]
		}
		return strings.Compare(a, b)
	})
	v := &Vocab{Words: append([]string{"<pad>", "<unk>"}, words...), index: map[string]int{}}
	for i, w := range v.Words {
		v.index[w] = i
	}
	return v
}

// Size is the number of ids.
func (v *Vocab) Size() int { return len(v.Words) }

// ID is the id of w, UnkID for a word the vocabulary does not know.
func (v *Vocab) ID(w string) int {
	if id, ok := v.index[w]; ok && id != PadID {
		return id
	}
	return UnkID
}

// Encode returns the ids of tokens.
func (v *Vocab) Encode(tokens []string) []int {
	ids := make([]int, len(tokens))
	for i, w := range tokens {
		ids[i] = v.ID(w)
	}
	return ids
}
