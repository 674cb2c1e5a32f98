package data

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// corpusText is the word-embedding lesson's corpus: short sentences of our
// own about four topics — animals, food, colours and numbers — written so
// that words of a topic share their neighbours ("the cat sleeps", "the dog
// sleeps"; "red paint", "blue paint"; "two apples", "three apples").
var corpusText = []string{
	"the cat chases the mouse in the garden",
	"the dog chases the cat in the garden",
	"the cat sleeps on the warm mat",
	"the dog sleeps on the warm mat",
	"a small cat drinks milk from a bowl",
	"a big dog drinks water from a bowl",
	"the horse runs across the green field",
	"the cow walks across the green field",
	"the horse eats grass in the field",
	"the cow eats grass in the field",
	"the mouse hides from the cat",
	"the mouse eats cheese in the kitchen",
	"a dog barks and a cat purrs",
	"the sheep and the cow sleep in the barn",
	"the horse and the sheep run in the field",
	"we eat bread and cheese for lunch",
	"we eat rice and beans for dinner",
	"she cooks rice and soup in the kitchen",
	"he cooks soup and bread in the kitchen",
	"an apple is a sweet fruit",
	"a banana is a sweet fruit",
	"we eat an apple and a banana after lunch",
	"fresh bread tastes good with soup",
	"warm soup tastes good with bread",
	"cheese tastes good with bread and an apple",
	"she eats beans and rice with a spoon",
	"he drinks milk and eats bread for breakfast",
	"the sky is blue and the grass is green",
	"the apple is red and the banana is yellow",
	"she paints the door red and the wall blue",
	"he paints the wall green and the door yellow",
	"red and blue are colours",
	"green and yellow are colours",
	"mix blue paint and yellow paint to get green paint",
	"mix red paint and white paint to get pink paint",
	"the snow is white and the night is black",
	"black and white are colours too",
	"a red flower and a blue flower grow in the garden",
	"one plus one is two",
	"two plus two is four",
	"one plus two is three",
	"two plus three is five",
	"three plus three is six",
	"four plus one is five",
	"count one two three four five",
	"count two four six eight ten",
	"she has two apples and three bananas",
	"he has four eggs and five cheeses",
	"the cat has four legs and one tail",
	"the dog has four legs and one tail",
	"six and seven and eight are numbers",
	"nine and ten are numbers too",
	"we count sheep one two three",
}

// Corpus returns the word-embedding corpus as tokenised sentences
// (lower-case words split on spaces), a fresh copy on every call.
func Corpus() [][]string {
	out := make([][]string, len(corpusText))
	for i, s := range corpusText {
		out[i] = strings.Fields(s)
	}
	return out
}

// CorpusTopics groups some of the corpus' words by topic, for a lesson to
// colour an embedding plot and for tests of what embeddings learn.
var CorpusTopics = map[string][]string{
	"animals": {"cat", "dog", "mouse", "horse", "cow", "sheep"},
	"food":    {"bread", "cheese", "rice", "soup", "beans", "apple", "banana", "milk"},
	"colours": {"red", "blue", "green", "yellow", "white", "black", "pink"},
	"numbers": {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"},
}

// Words is a word vocabulary: the distinct words of a corpus with their
// counts, the most frequent first (ties in alphabetical order), so ids are
// stable.
type Words struct {
	List   []string       // word of each id
	Counts []int          // occurrences of each id
	Index  map[string]int // id of each word
}

// NewWords returns the vocabulary of sentences.
func NewWords(sentences [][]string) *Words {
	count := map[string]int{}
	for _, s := range sentences {
		for _, w := range s {
			count[w]++
		}
	}
	w := &Words{Index: map[string]int{}}
	for word := range count {
		w.List = append(w.List, word)
	}
	slices.SortFunc(w.List, func(a, b string) int {
		return cmp.Or(cmp.Compare(count[b], count[a]), cmp.Compare(a, b))
	})
	w.Counts = make([]int, len(w.List))
	for i, word := range w.List {
		w.Index[word] = i
		w.Counts[i] = count[word]
	}
	return w
}

// Size returns the number of distinct words.
func (w *Words) Size() int { return len(w.List) }

// IDs returns the ids of the words of each sentence. It panics if a word
// is not in the vocabulary.
func (w *Words) IDs(sentences [][]string) [][]int {
	out := make([][]int, len(sentences))
	for i, s := range sentences {
		out[i] = make([]int, len(s))
		for j, word := range s {
			id, ok := w.Index[word]
			if !ok {
				panic(fmt.Sprintf("data: Words.IDs: %q is not in the vocabulary", word))
			}
			out[i][j] = id
		}
	}
	return out
}

// SkipGram is one (centre word, context word) training pair, as ids.
type SkipGram struct{ Center, Context int }

// SkipGrams returns every skip-gram pair of the sentences: for each word
// and each other word at most window positions away in the same sentence
// (pairs never cross sentences), the pair (word, neighbour), in reading
// order. It panics if window < 1.
func SkipGrams(sentences [][]int, window int) []SkipGram {
	mustPositive("SkipGrams", "window", window)
	var out []SkipGram
	for _, s := range sentences {
		for i, c := range s {
			for j := max(0, i-window); j <= min(len(s)-1, i+window); j++ {
				if j != i {
					out = append(out, SkipGram{Center: c, Context: s[j]})
				}
			}
		}
	}
	return out
}
