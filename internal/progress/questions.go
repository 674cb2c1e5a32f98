package progress

// Prefs are the learner's preferences, kept across launches.
type Prefs struct {
	// NoQuestions turns the lessons' predict-then-reveal questions off.
	NoQuestions bool `json:"no_questions,omitempty"`
	// ExercisesDir is the absolute path of the exercises folder dlearn
	// init wrote, found by grade, hint, reset, next and the TUI from any
	// working directory.
	ExercisesDir string  `json:"exercises_dir,omitempty"`
	Extra        Unknown `json:"-"`
}

// RecordAnswer remembers the learner's answer to question id: whether it
// was right. Only the first answer to a question counts, so stepping back
// or starting the run again and answering once more does not change the
// score. It reports whether the answer was recorded. Skipped questions are
// not answers and are not recorded.
func (l *Lesson) RecordAnswer(id string, correct bool) bool {
	if id == "" {
		return false
	}
	if _, ok := l.Answers[id]; ok {
		return false
	}
	if l.Answers == nil {
		l.Answers = map[string]bool{}
	}
	l.Answers[id] = correct
	return true
}

// Score is the lesson's question score: how many questions were answered
// right the first time, out of how many were answered.
func (l Lesson) Score() (right, answered int) {
	for _, ok := range l.Answers {
		if ok {
			right++
		}
	}
	return right, len(l.Answers)
}
