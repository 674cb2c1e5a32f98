package lessons

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dlearn/dlearn/lessons/scene"
)

// Ask is a prediction a machine asks of the learner at the current moment
// (see Questioner). Its answer is never written by hand: Resolve computes
// it from the run — from the machine as it is now, or, when Ahead is set,
// from a copy of the run moved on by Ahead (so "what will the next update
// do?" is answered by the update this very run is about to make).
type Ask struct {
	// ID is unique within a run and stable: the same moment poses the same
	// ID ("dW-sign@1").
	ID     string
	Prompt string
	Kind   scene.QuestionKind
	// Choices are the options of a Choice question.
	Choices []string
	// Tolerance is how close a Number answer must be (absolute).
	Tolerance float64
	// Ahead is how far to move a copy of the run before Resolve reads it;
	// AheadN times Ahead. AheadN 0 resolves on the machine as it is now.
	Ahead  Granularity
	AheadN int
	// Resolve returns the answer: for a Choice question the index of the
	// right choice, for a Number question the value; and the explanation,
	// with the run's numbers. m is the lesson's own machine (the current
	// one, or the copy moved on by Ahead): assert it to its concrete type.
	// Resolve must not change m.
	Resolve func(m Machine) Resolution
}

// Resolution is an Ask's answer.
type Resolution struct {
	Choice  int     // Choice questions: index of the right choice
	Value   float64 // Number questions: the right value
	Explain string
}

// Questioner is implemented by machines that ask questions. Ask returns
// the question posed at the current moment, or nil. It is called for every
// scene, so it should decide cheaply; the runtime calls Resolve once per
// moment.
type Questioner interface {
	Ask() *Ask
}

// SignChoices are the choices of a question about the sign of a number;
// SignIndex maps a value to its index (values within tol of zero are
// "zero").
var SignChoices = []string{"negative", "zero", "positive"}

// SignIndex is the index in SignChoices of v's sign.
func SignIndex(v, tol float64) int {
	switch {
	case v < -tol:
		return 0
	case v > tol:
		return 2
	}
	return 1
}

// posed is the question at the current moment with its resolution, cached
// until the run changes other than by answering.
type posed struct {
	at  int // len(log) when resolved, ignoring answers
	ask *Ask
	res Resolution
}

// Question returns the question posed at the current moment, with its
// answer, and whether the learner has answered it; nil when there is none.
func (r *Run) Question() *scene.Question {
	q, ok := r.m.(Questioner)
	if !ok || r.mineStopped() {
		return nil
	}
	a := q.Ask()
	if a == nil {
		return nil
	}
	p := r.resolve(a)
	out := &scene.Question{
		ID: a.ID, Prompt: a.Prompt, Kind: a.Kind, Choices: a.Choices,
		Tolerance: a.Tolerance, Explain: p.res.Explain, AnswerIndex: -1,
	}
	if a.Kind == scene.QuestionNumber {
		out.Answer = FormatNum(p.res.Value)
	} else if p.res.Choice >= 0 && p.res.Choice < len(a.Choices) {
		out.AnswerIndex = p.res.Choice
		out.Answer = a.Choices[p.res.Choice]
	}
	for _, act := range r.log {
		if act.answer == a.ID {
			out.Answered, out.Given = true, act.value
			out.Skipped, out.Correct = act.value == "", act.correct
		}
	}
	return out
}

// resolve returns the cached resolution of a, computing it (with a
// look-ahead copy of the run when a asks for one) on first use.
func (r *Run) resolve(a *Ask) posed {
	if r.posed != nil && r.posed.ask.ID == a.ID && r.posed.at == r.moves {
		return *r.posed
	}
	m := r.m
	if a.AheadN > 0 {
		// The look-ahead is the engine's: in mine mode the learner's code
		// has agreed so far (or no question is posed), and a question's
		// answer is what the lesson teaches, not where their code stops.
		mine := r.mine
		r.mine = nil
		m = r.copyMachine()
		r.mine = mine
		for range a.AheadN {
			if m.Done() {
				break
			}
			m.Advance(a.Ahead)
		}
	}
	p := posed{at: r.moves, ask: a, res: a.Resolve(m)}
	r.posed = &p
	return p
}

// copyMachine returns a second machine in the same state as the run's,
// from the latest checkpoint and the actions after it.
func (r *Run) copyMachine() Machine {
	m, from := r.fromCheckpoint(len(r.checkpoints), true)
	for _, a := range r.log[from:] {
		r.apply(m, a)
	}
	return m
}

// Answer records the learner's answer to the question posed now, whose ID
// is id: a choice's number (1-based) or text, or a number. An empty answer
// skips the question (it counts as skipped, not wrong). The answer is an
// action: Back undoes it and the journal keeps it. Answering twice, a
// question not posed now, or an answer that does not parse is an error.
func (r *Run) Answer(id, given string) (*scene.Question, error) {
	q := r.Question()
	if q == nil || q.ID != id {
		return nil, fmt.Errorf("lessons: no question %q is posed now", id)
	}
	if q.Answered {
		return nil, fmt.Errorf("lessons: question %q is already answered", id)
	}
	given = strings.TrimSpace(given)
	correct := false
	if given != "" {
		var err error
		given, correct, err = judge(q, given)
		if err != nil {
			return nil, err
		}
	}
	r.log = append(r.log, action{answer: id, value: given, correct: correct})
	return r.Question(), nil
}

// judge parses an answer to q into canonical form and says whether it is
// right.
func judge(q *scene.Question, given string) (canon string, correct bool, err error) {
	if q.Kind == scene.QuestionNumber {
		v, err := strconv.ParseFloat(strings.ReplaceAll(given, "−", "-"), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return "", false, fmt.Errorf("answer %q: want a number", given)
		}
		want, _ := strconv.ParseFloat(strings.ReplaceAll(q.Answer, "−", "-"), 64)
		return strconv.FormatFloat(v, 'g', -1, 64), math.Abs(v-want) <= q.Tolerance, nil
	}
	i := -1
	if n, err := strconv.Atoi(given); err == nil && n >= 1 && n <= len(q.Choices) {
		i = n - 1
	} else {
		for k, c := range q.Choices {
			if strings.EqualFold(c, given) {
				i = k
			}
		}
	}
	if i < 0 {
		return "", false, fmt.Errorf("answer %q: want 1 to %d or one of: %s", given, len(q.Choices), strings.Join(q.Choices, ", "))
	}
	return q.Choices[i], i == q.AnswerIndex, nil
}

// Score counts the run's answers so far.
func (r *Run) Score() scene.Score {
	var s scene.Score
	for _, a := range r.log {
		switch {
		case a.answer == "":
		case a.value == "":
			s.Skipped++
		case a.correct:
			s.Correct++
		default:
			s.Wrong++
		}
	}
	return s
}
