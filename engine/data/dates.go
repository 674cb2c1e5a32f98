package data

import (
	"fmt"
	"strings"
	"time"

	"github.com/dlearn/dlearn/engine/tensor"
)

// DateFormats are the input formats of DatePairs, as Go reference layouts
// (Mon Jan 2 2006): the same date written the ways people write it.
var DateFormats = []string{
	"2 Jan 2006",             // 29 Nov 2026
	"02 Jan 2006",            // 05 Nov 2026
	"2 January 2006",         // 29 November 2026
	"Jan 2, 2006",            // Nov 29, 2026
	"January 2, 2006",        // November 29, 2026
	"02/01/2006",             // 29/11/2026 (day first)
	"2.1.2006",               // 29.11.2026
	"Mon 2 Jan 2006",         // Sun 29 Nov 2026
	"Monday, 2 January 2006", // Sunday, 29 November 2026
}

// DateOutputLayout is the target format of DatePairs: ISO 8601.
const DateOutputLayout = "2006-01-02"

// The dates DatePairs draws from, inclusive.
var (
	DateFirst = time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	DateLast  = time.Date(2049, 12, 31, 0, 0, 0, 0, time.UTC)
)

// DatePair is one example of the date-translation task.
type DatePair struct {
	In     string // the date in one of DateFormats
	Out    string // the same date as YYYY-MM-DD
	Layout string // the format of In
}

// DatePairs returns n translation pairs: dates drawn uniformly between
// DateFirst and DateLast, each written in a format drawn uniformly from
// DateFormats, with the ISO form as the target. It panics if n < 0.
func DatePairs(seed uint64, n int) []DatePair {
	if n < 0 {
		panic(fmt.Sprintf("data: DatePairs: n = %d < 0", n))
	}
	rng := tensor.NewRNG(seed)
	days := int(DateLast.Sub(DateFirst).Hours()/24) + 1
	out := make([]DatePair, n)
	for i := range out {
		d := DateFirst.AddDate(0, 0, rng.IntN(days))
		layout := DateFormats[rng.IntN(len(DateFormats))]
		out[i] = DatePair{In: d.Format(layout), Out: d.Format(DateOutputLayout), Layout: layout}
	}
	return out
}

// ParseDate reads a date written in any of DateFormats or in the ISO
// form, and returns it at midnight UTC. The error lists nothing but the
// input: "data: cannot read "…" as a date".
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range append([]string{DateOutputLayout}, DateFormats...) {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("data: cannot read %q as a date", s)
}

// DateVocabs returns the character vocabularies of the date task: in
// covers every character any of DateFormats can produce, out the digits
// and '-'.
func DateVocabs() (in, out *Vocab) {
	var texts []string
	for d := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
		for _, layout := range DateFormats {
			texts = append(texts, d.Format(layout))
		}
	}
	return NewVocab(append(texts, "0123456789")...), NewVocab("0123456789-")
}

// DateMaxIn is the length, in characters, of the longest input DatePairs
// can produce ("Wednesday, 29 September 2049" has 28); DateOutLen that of
// every output.
const (
	DateMaxIn  = 28
	DateOutLen = 10
)
