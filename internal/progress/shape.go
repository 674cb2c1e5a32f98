package progress

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits on the shape of a progress file, checked by one streaming pass
// before it is decoded: within MaxFileSize, a crafted file of millions
// of tiny values (empty journal entries, lessons, answers) would
// otherwise take gigabytes to decode. A learner's real file has a dozen
// lessons, their exercises and questions, and journals far below these.
const (
	maxLessons      = 1000
	maxExercises    = 1000
	maxAnswers      = 1000    // per lesson
	maxTotalEntries = 250_000 // journal entries in all lessons
	maxDepth        = 64
)

// checkShape reads data as a stream of JSON tokens, holding no more than
// the path to the current value, and says why it is too large to load.
func checkShape(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		obj, wantKey bool
		key          string
	}
	var stack []frame
	lessons, exercises, answers, entries := 0, 0, 0, 0
	// started is called when a value begins inside the top frame.
	started := func() error {
		n := len(stack)
		// encoding/json matches member names without regard to case.
		is := func(i int, name string) bool { return strings.EqualFold(stack[i].key, name) }
		switch {
		case n == 2 && is(0, "lessons"):
			lessons++
			answers = 0
		case n == 2 && is(0, "exercises"):
			exercises++
		case n == 4 && is(0, "lessons") && is(2, "answers"):
			answers++
		case n == 5 && is(0, "lessons") && is(2, "journal") && is(3, "entries"):
			entries++
		}
		switch {
		case lessons > maxLessons:
			return fmt.Errorf("more than %d lessons", maxLessons)
		case exercises > maxExercises:
			return fmt.Errorf("more than %d exercises", maxExercises)
		case answers > maxAnswers:
			return fmt.Errorf("more than %d answers in a lesson", maxAnswers)
		case entries > maxTotalEntries:
			return fmt.Errorf("more than %d journal entries", maxTotalEntries)
		}
		return nil
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return nil // not JSON: decoding says so
		}
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].wantKey {
			if k, ok := tok.(string); ok {
				stack[n-1].key, stack[n-1].wantKey = k, false
				continue
			}
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			if n := len(stack); n > 0 && stack[n-1].obj {
				stack[n-1].wantKey = true
			}
			continue
		}
		if err := started(); err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if len(stack) >= maxDepth {
				return fmt.Errorf("nested deeper than %d", maxDepth)
			}
			stack = append(stack, frame{obj: d == '{', wantKey: d == '{'})
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].obj {
			stack[n-1].wantKey = true
		}
	}
}
