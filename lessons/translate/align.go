package translate

import (
	"strings"

	"github.com/dlearn/dlearn/engine/data"
)

// span is the half-open range [lo, hi) of input positions (0-based)
// where one part of the date is written.
type span struct{ lo, hi int }

// text returns the part of s the span covers.
func (sp span) text(s string) string { return s[sp.lo:sp.hi] }

// dateSpans returns where the year, the month and the day are written in
// the input of p (inputs are ASCII, so bytes are characters). ok is false
// if the input cannot be read back as a date.
func dateSpans(p data.DatePair) (year, month, day span, ok bool) {
	t, err := data.ParseDate(p.In)
	if err != nil {
		return span{}, span{}, span{}, false
	}
	s := p.In
	year = span{len(s) - 4, len(s)}
	runs := digitRuns(s[:year.lo])
	for i, r := range runs {
		if atoi(r.text(s)) == t.Day() {
			day = r
			if !strings.Contains(p.Layout, "Jan") && i+1 < len(runs) {
				month = runs[i+1] // day first, then the month's number
			}
			break
		}
	}
	if name := t.Month().String(); strings.Contains(p.Layout, "January") {
		i := strings.Index(s, name)
		month = span{i, i + len(name)}
	} else if strings.Contains(p.Layout, "Jan") {
		i := strings.Index(s, name[:3])
		month = span{i, i + 3}
	}
	return year, month, day, month.hi > 0 && day.hi > 0
}

// digitRuns returns the maximal runs of digits in s.
func digitRuns(s string) []span {
	var out []span
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		out = append(out, span{i, j})
		i = j
	}
	return out
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func atoi(s string) int {
	n := 0
	for i := range len(s) {
		n = 10*n + int(s[i]-'0')
	}
	return n
}

// attentionOn returns the mean, over output positions lo … hi−1, of the
// attention weight that falls on the input span sp.
func attentionOn(attn [][]float64, lo, hi int, sp span) float64 {
	total := 0.0
	for k := lo; k < hi; k++ {
		for j := sp.lo; j < sp.hi; j++ {
			total += attn[k][j]
		}
	}
	return total / float64(hi-lo)
}
