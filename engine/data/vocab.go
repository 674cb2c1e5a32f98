package data

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dlearn/dlearn/engine/tensor"
)

// The special tokens every Vocab starts with, at these ids.
const (
	PadID   = 0 // fills sequences to a common length
	StartID = 1 // starts a decoder's input ("<s>")
	EndID   = 2 // ends a sequence ("</s>")
	UnkID   = 3 // stands for a character the vocabulary does not know
)

var specialTokens = [...]string{"<pad>", "<s>", "</s>", "<unk>"}

// Vocab is a character vocabulary: ids 0–3 are the special tokens (PadID,
// StartID, EndID, UnkID) and the characters follow in Unicode order. It is
// immutable once made and safe for concurrent use.
type Vocab struct {
	chars []rune
	index map[rune]int
}

// NewVocab returns the vocabulary of every character that occurs in texts.
func NewVocab(texts ...string) *Vocab {
	seen := map[rune]bool{}
	for _, s := range texts {
		for _, r := range s {
			seen[r] = true
		}
	}
	v := &Vocab{index: map[rune]int{}}
	for r := range seen {
		v.chars = append(v.chars, r)
	}
	slices.Sort(v.chars)
	for i, r := range v.chars {
		v.index[r] = i + len(specialTokens)
	}
	return v
}

// Size returns the number of ids, special tokens included.
func (v *Vocab) Size() int { return len(specialTokens) + len(v.chars) }

// Chars returns the characters of the vocabulary, in id order, without
// the special tokens.
func (v *Vocab) Chars() string { return string(v.chars) }

// ID returns the id of r, or UnkID if the vocabulary does not know it.
func (v *Vocab) ID(r rune) int {
	if id, ok := v.index[r]; ok {
		return id
	}
	return UnkID
}

// Token returns the readable form of id: the character, or "<pad>",
// "<s>", "</s>", "<unk>" for the special tokens, or "<id?>" for an id out
// of range.
func (v *Vocab) Token(id int) string {
	switch {
	case id >= 0 && id < len(specialTokens):
		return specialTokens[id]
	case id >= len(specialTokens) && id < v.Size():
		return string(v.chars[id-len(specialTokens)])
	}
	return fmt.Sprintf("<%d?>", id)
}

// Encode returns the ids of the characters of s, with UnkID for those the
// vocabulary does not know, and no special tokens.
func (v *Vocab) Encode(s string) []int {
	ids := make([]int, 0, len(s))
	for _, r := range s {
		ids = append(ids, v.ID(r))
	}
	return ids
}

// EncodeSeq returns s as a sequence of exactly length ids: StartID first
// if start is set, the characters, EndID if end is set, then PadID up to
// length. It returns an error if s does not fit.
func (v *Vocab) EncodeSeq(s string, length int, start, end bool) ([]int, error) {
	ids := make([]int, 0, max(length, 0))
	if start {
		ids = append(ids, StartID)
	}
	ids = append(ids, v.Encode(s)...)
	if end {
		ids = append(ids, EndID)
	}
	if len(ids) > length {
		return nil, fmt.Errorf("data: %q needs %d tokens, more than the %d allowed", s, len(ids), length)
	}
	for len(ids) < length {
		ids = append(ids, PadID)
	}
	return ids, nil
}

// Decode returns the text of ids: it skips PadID and StartID, stops at
// the first EndID, and writes UnkID and out-of-range ids as "�".
func (v *Vocab) Decode(ids []int) string {
	var b strings.Builder
	for _, id := range ids {
		switch {
		case id == EndID:
			return b.String()
		case id == PadID || id == StartID:
		case id >= len(specialTokens) && id < v.Size():
			b.WriteRune(v.chars[id-len(specialTokens)])
		default:
			b.WriteRune('�')
		}
	}
	return b.String()
}

// OneHot returns ids one-hot encoded, shape [len(ids) Size()]. It panics
// if an id is out of range.
func (v *Vocab) OneHot(ids []int) *tensor.Tensor { return OneHot(ids, v.Size()) }

func shapeString(s []int) string { return fmt.Sprint(s) }
