// Command mksentiment writes the sentiment lesson's sentences,
// engine/data/sentiment/sentences.tsv, and their checksum manifest
// SHA256SUMS. The sentences are our own: most are drawn from the grammar
// in grammar.go (word lists and templates about films, restaurants, books,
// hotels, gadgets and games), the rest are written by hand in
// handwritten.tsv. Run it from the repository root:
//
//	go run ./engine/data/internal/mksentiment
//
// The output is deterministic (a fixed seed), so running it again gives
// the same bytes; package sentiment's tests check them against the
// manifest, and this package's test checks that the generator still
// writes exactly the shipped file.
//
// Each sentence is labelled pos or neg and marked with its kind:
//
//   - plain: the words' own polarity is the sentence's ("the acting was
//     superb", "i hated the ending").
//   - negation: a negator turns a word's polarity around ("the plot was
//     not good" is neg, "the film was never boring" is pos, "i would not
//     recommend it" is neg). Half of them negate a positive word and half
//     a negative one, so a model that adds up word polarities gets most
//     of them wrong.
//   - contrast: two clauses of opposite polarity, and the one after "but"
//     ("however"), or the main clause after an "although" ("even though")
//     clause, carries the sentence: "the plot was dull but the acting was
//     superb" is pos, "the acting was superb but the plot was dull" is neg
//     — the same bag of words with opposite labels. Some clauses are
//     negated too.
//
// Sentences are split per kind into training (70%), validation (15%) and
// test (15%) after removing duplicates.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Seed fixes every choice of the generator.
const Seed = 20261206

// How many template sentences of each kind are drawn (before duplicates
// are removed).
const (
	NPlain    = 1100
	NNegation = 750
	NContrast = 750
)

// Sentence is one labelled sentence.
type Sentence struct {
	Split  string // train, val or test
	Label  string // pos or neg
	Kind   string // plain, negation or contrast
	Origin string // template or hand
	Text   string
}

func main() {
	hand, err := os.ReadFile(filepath.Join("engine", "data", "internal", "mksentiment", "handwritten.tsv"))
	if err != nil {
		fail(err)
	}
	ss, err := Generate(hand)
	if err != nil {
		fail(err)
	}
	out := filepath.Join("engine", "data", "sentiment")
	tsv := Format(ss)
	if err := os.WriteFile(filepath.Join(out, "sentences.tsv"), tsv, 0o644); err != nil {
		fail(err)
	}
	sum := fmt.Sprintf("%x  sentences.tsv\n", sha256.Sum256(tsv))
	if err := os.WriteFile(filepath.Join(out, "SHA256SUMS"), []byte(sum), 0o644); err != nil {
		fail(err)
	}
	count := map[string]int{}
	for _, s := range ss {
		count[s.Split]++
		count[s.Split+" "+s.Kind]++
	}
	fmt.Printf("sentences.tsv: %d sentences, %d bytes; train %d, val %d, test %d\n", len(ss), len(tsv), count["train"], count["val"], count["test"])
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mksentiment:", err)
	os.Exit(1)
}

// Format writes the sentences as the shipped file: a header line, then
// split, label, kind, origin and text separated by tabs, one sentence a
// line.
func Format(ss []Sentence) []byte {
	var b bytes.Buffer
	b.WriteString("split\tlabel\tkind\torigin\ttext\n")
	for _, s := range ss {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", s.Split, s.Label, s.Kind, s.Origin, s.Text)
	}
	return b.Bytes()
}

// Generate draws the template sentences, adds the hand-written ones
// (lines "label<TAB>kind<TAB>text"; # starts a comment), removes
// duplicates (the first one stays) and splits each kind 70/15/15.
func Generate(hand []byte) ([]Sentence, error) {
	g := &gen{rng: rand.New(rand.NewPCG(Seed, Seed^0x5eed))}
	var all []Sentence
	add := func(kind, label, text string, origin string) {
		all = append(all, Sentence{Label: label, Kind: kind, Origin: origin, Text: tidy(text)})
	}
	sc := bufio.NewScanner(bytes.NewReader(hand))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 || (f[0] != "pos" && f[0] != "neg") || !slices.Contains(Kinds, f[1]) {
			return nil, fmt.Errorf("handwritten.tsv line %d: want label<TAB>kind<TAB>text, got %q", n, line)
		}
		add(f[1], f[0], f[2], "hand")
	}
	for range NPlain {
		p := g.coin()
		add("plain", label(p), g.plain(p), "template")
	}
	for range NNegation {
		p := g.coin()
		add("negation", label(p), g.negation(p), "template")
	}
	for range NContrast {
		p := g.coin()
		add("contrast", label(p), g.contrast(p), "template")
	}
	seen := map[string]bool{}
	byKind := map[string][]Sentence{}
	for _, s := range all {
		if seen[s.Text] {
			continue
		}
		seen[s.Text] = true
		byKind[s.Kind] = append(byKind[s.Kind], s)
	}
	var out []Sentence
	split := rand.New(rand.NewPCG(Seed+1, Seed^0x5711))
	for _, k := range Kinds {
		ss := byKind[k]
		split.Shuffle(len(ss), func(i, j int) { ss[i], ss[j] = ss[j], ss[i] })
		nTrain, nVal := len(ss)*70/100, len(ss)*15/100
		for i := range ss {
			switch {
			case i < nTrain:
				ss[i].Split = "train"
			case i < nTrain+nVal:
				ss[i].Split = "val"
			default:
				ss[i].Split = "test"
			}
		}
		out = append(out, ss...)
	}
	order := map[string]int{"train": 0, "val": 1, "test": 2}
	slices.SortStableFunc(out, func(a, b Sentence) int { return order[a.Split] - order[b.Split] })
	return out, nil
}

// Kinds are the kinds of sentence, in the file's order within a split.
var Kinds = []string{"plain", "negation", "contrast"}

func label(pos bool) string {
	if pos {
		return "pos"
	}
	return "neg"
}

// tidy collapses runs of spaces and trims.
func tidy(s string) string { return strings.Join(strings.Fields(s), " ") }

// gen draws from the grammar.
type gen struct {
	rng *rand.Rand
	t   topic // the topic of the sentence being written
	// present is the tense of the sentence; used are the things it has
	// named, so that its clauses speak of different things.
	present bool
	used    []string
}

func (g *gen) coin() bool               { return g.rng.IntN(2) == 0 }
func (g *gen) pick(xs []string) string  { return xs[g.rng.IntN(len(xs))] }
func (g *gen) chance(num, den int) bool { return g.rng.IntN(den) < num }
func (g *gen) adj(pos bool) string      { return g.pick(pick2(pos, posAdj, negAdj)) }
func (g *gen) verb(pos bool) string     { return g.pick(pick2(pos, posVerb, negVerb)) }
func (g *gen) feel(pos bool) string     { return g.pick(pick2(pos, posFeel, negFeel)) }

// subject names the whole thing, or "it" once it has been named.
func (g *gen) subject() string {
	if slices.Contains(g.used, "subject") {
		return "it"
	}
	return g.fresh(g.t.subjects)
}

func (g *gen) part() string { return g.fresh(g.t.parts) }

// fresh picks from xs a thing the sentence has not named yet (the whole
// thing counts once, whichever of its names is used).
func (g *gen) fresh(xs []string) string {
	for try := 0; ; try++ {
		x := g.pick(xs)
		key := x
		if slices.Contains(g.t.subjects, x) {
			key = "subject"
		}
		if !slices.Contains(g.used, key) || try == 50 {
			g.used = append(g.used, key)
			return x
		}
	}
}

// newTopic starts a sentence: a topic, a tense, nothing named yet.
func (g *gen) newTopic() {
	g.t = topics[g.rng.IntN(len(topics))]
	g.present = g.chance(1, 4)
	g.used = g.used[:0]
}

// a is the indefinite article for word.
func a(word string) string {
	if strings.IndexByte("aeiou", word[0]) >= 0 {
		return "an " + word
	}
	return "a " + word
}
func pick2(pos bool, a, b []string) []string { return map[bool][]string{true: a, false: b}[pos] }

// be is the verb "to be" for a subject: "were" after a plural.
func be(subject string, present bool) string {
	plural := strings.HasSuffix(subject, "s") && !strings.HasSuffix(subject, "ss")
	switch {
	case present && plural:
		return "are"
	case present:
		return "is"
	case plural:
		return "were"
	}
	return "was"
}

// thing is the whole or one of its parts.
func (g *gen) thing() string {
	if g.chance(1, 3) {
		return g.subject()
	}
	return g.part()
}

// clause is a plain clause meaning pos (true) or neg.
func (g *gen) clause(pos bool) string {
	switch g.rng.IntN(6) {
	case 0:
		s := g.subject()
		return fmt.Sprintf("i %s %s", g.verb(pos), s)
	case 1:
		f := g.feel(pos)
		return fmt.Sprintf("i was %s %s %s", f, prep(f), g.thing())
	default:
		s := g.thing()
		return fmt.Sprintf("%s %s %s %s", s, be(s, g.present), g.pick(intensifiers), g.adj(pos))
	}
}

// negClause is a negated clause meaning pos (true) or neg: the word it
// negates has the opposite polarity.
func (g *gen) negClause(pos bool) string {
	switch g.rng.IntN(7) {
	case 0:
		if !pos {
			v := g.pick([]string{"love", "enjoy", "like", "appreciate"})
			return fmt.Sprintf("i %s %s %s", g.pick([]string{"did not", "didn't", "did not really"}), v, g.subject())
		}
		return fmt.Sprintf("i was %s %s", g.pick([]string{"never", "not", "not once"}), g.feel(false))
	case 1:
		f := g.feel(!pos)
		return fmt.Sprintf("i was %s %s %s %s", g.pick([]string{"not", "never", "not at all"}), f, prep(f), g.thing())
	case 2:
		return fmt.Sprintf("there was nothing %s about %s", g.adj(!pos), g.thing())
	default:
		s := g.thing()
		v := be(s, g.present)
		n := g.pick(negators)
		if g.chance(1, 3) && n == "not" {
			v += "n't"
			n = ""
		}
		return fmt.Sprintf("%s %s %s %s", s, v, n, g.adj(!pos))
	}
}

// plain is a whole sentence meaning pos or neg without negation.
func (g *gen) plain(pos bool) string {
	g.newTopic()
	switch g.rng.IntN(8) {
	case 0:
		return "what " + a(strings.TrimSpace(g.pick(intensifiers)+" "+g.adj(pos)+" "+g.pick(g.t.nouns)))
	case 1:
		s := g.subject()
		return fmt.Sprintf("%s %s %s", s, be(s, g.present), a(g.adj(pos)+" "+g.pick([]string{"experience", "choice", "surprise", "buy"})))
	case 2:
		p, q := g.part(), g.part()
		return fmt.Sprintf("%s and %s %s both %s", p, q, map[bool]string{true: "are", false: "were"}[g.present], g.adj(pos))
	case 3:
		return fmt.Sprintf("%s%s and %s", g.pick(openers), g.clause(pos), g.clause(pos))
	case 4:
		if pos {
			return fmt.Sprintf("i would %s %s to anyone", g.pick([]string{"recommend", "happily recommend", "gladly recommend"}), g.subject())
		}
		s := g.subject()
		return fmt.Sprintf("%s %s a %s", s, be(s, false), g.pick([]string{"waste of money", "waste of time", "total waste of an evening", "mistake"}))
	default:
		return g.pick(openers) + g.clause(pos) + g.pick(tails)
	}
}

// negation is a whole sentence meaning pos or neg whose polarity comes
// from a negated word.
func (g *gen) negation(pos bool) string {
	g.newTopic()
	switch g.rng.IntN(8) {
	case 0:
		if pos {
			return fmt.Sprintf("i would not %s %s", g.pick([]string{"avoid", "skip", "hesitate to recommend", "complain about"}), g.subject())
		}
		return fmt.Sprintf("i would not %s %s to anyone", g.pick([]string{"recommend", "wish", "suggest"}), g.subject())
	case 1:
		if pos {
			s := g.subject()
			return fmt.Sprintf("%s %s not a %s", s, be(s, false), g.pick([]string{"waste of money", "waste of time", "mistake", "disappointment"}))
		}
		s := g.subject()
		return fmt.Sprintf("%s %s not worth %s", s, be(s, true), g.pick([]string{"the money", "the price", "the wait", "it"}))
	default:
		return g.pick(openers) + g.negClause(pos)
	}
}

// contrast is a whole sentence of two clauses of opposite polarity; the
// second (after "but" or "however", or the main clause after an
// "although" clause) means pos or neg.
func (g *gen) contrast(pos bool) string {
	g.newTopic()
	cl := func(p bool) string {
		if g.chance(1, 5) {
			return g.negClause(p)
		}
		return g.clause(p)
	}
	first, second := cl(!pos), cl(pos)
	switch g.rng.IntN(7) {
	case 0, 1, 2:
		return fmt.Sprintf("%s but %s", first, second)
	case 3:
		return fmt.Sprintf("%s, but %s", first, second)
	case 4:
		return fmt.Sprintf("%s, however %s", first, second)
	case 5:
		return fmt.Sprintf("although %s, %s", first, second)
	default:
		return fmt.Sprintf("even though %s, %s", first, second)
	}
}

// prep is the preposition after a feeling: "pleased with", "moved by".
func prep(feel string) string {
	switch feel {
	case "pleased", "satisfied", "delighted", "happy", "unhappy", "bored", "disappointed":
		return "with"
	}
	return "by"
}
