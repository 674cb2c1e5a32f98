package scene

// Scene is everything a front end draws for one moment of a lesson run.
type Scene struct {
	// LessonID and Lesson are the lesson's id and title.
	LessonID string `json:"lesson_id"`
	Lesson   string `json:"lesson"`
	// Phase names what the run is doing now: "forward", "backward",
	// "update", "epoch done", "finished" …
	Phase string `json:"phase"`
	// Pos is where the run is.
	Pos Position `json:"pos"`
	// Narrative is Markdown for the learner, with live numbers filled in.
	Narrative string `json:"narrative"`
	// Settings are the lesson's controls and their current values.
	Settings []Setting `json:"settings,omitempty"`
	// Status is a one-line state worth attention (diverged, finished).
	Status Status `json:"status"`
	// Goal is what "done" means for this lesson and whether the run has
	// reached it; nil for a lesson without a goal.
	Goal *Goal `json:"goal,omitempty"`
	// Question is the prediction the run asks at this moment, if any.
	Question *Question `json:"question,omitempty"`
	// Score counts the questions answered so far in this run.
	Score Score `json:"score"`
	// Autopsy says where a run that stopped diverging went wrong; nil
	// while it runs and for a lesson whose training the runtime cannot
	// look into.
	Autopsy *Autopsy `json:"autopsy,omitempty"`
	// Panels are drawn in order.
	Panels []Panel `json:"panels"`
}

// Position locates a run: Op counts the ops (forward ops, backward nodes,
// updates) of the current training step, Step the training steps taken,
// Epoch the completed epochs.
type Position struct {
	Op         int `json:"op"`
	OpsPerStep int `json:"ops_per_step,omitempty"`
	Step       int `json:"step"`
	Epoch      int `json:"epoch"`
	// Steps and Epochs are the totals of the whole run (0 if open-ended).
	Steps  int `json:"steps,omitempty"`
	Epochs int `json:"epochs,omitempty"`
}

// Setting is one control's current value, formatted for display.
type Setting struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Value string `json:"value"`
}

// Level says how a Status should be shown.
type Level string

const (
	LevelInfo    Level = "info"
	LevelSuccess Level = "success"
	LevelWarning Level = "warning"
	LevelError   Level = "error"
)

// Status is a short message about the run as a whole. Diverged is set
// once a loss or parameter became NaN or ±Inf; the run then stops
// advancing but stays usable (rewind, change a control).
type Status struct {
	Level    Level  `json:"level,omitempty"`
	Message  string `json:"message,omitempty"`
	Diverged bool   `json:"diverged,omitempty"`
	Finished bool   `json:"finished,omitempty"`
}

// Kind is the closed set of panel kinds.
type Kind string

const (
	KindPlot   Kind = "plot"
	KindMatrix Kind = "matrix"
	KindGraph  Kind = "graph"
	KindImage  Kind = "image"
	KindBars   Kind = "bars"
	KindTable  Kind = "table"
)

// Panel is one box on the stage. Exactly the field matching Kind is set.
//
// Layout fields, all optional (the zero values leave the choice to the
// front end):
//
//   - ID names the panel for the whole run: the same picture keeps the same
//     ID from op to op and from phase to phase, even when its Title carries
//     live numbers. A front end keeps a panel's place and size by its ID and
//     pages by ID, so the panel a learner paged to stays on screen when a
//     phase adds or drops other panels. Empty: the front end names the
//     panel by its kind and its title without digits, which is stable
//     only while the title's words stay the same. IDs are unique within a
//     scene.
//   - Priority ranks the panels when the screen cannot show them all: the
//     panel with the highest Priority above 0 is the lesson's main picture
//     (the decision boundary, the optimizers' paths, the ring, the digits,
//     the alignment map). It gets its room first, at a size that does not
//     change from op to op, and stays on screen while the learner pages
//     through the others, which follow by Priority (higher first, then
//     scene order; a negative Priority goes last). When no panel has a
//     Priority above 0, the first plot or image is the main picture. Mark
//     one main picture per scene, with the same ID in every phase.
//   - Aspect, for a main picture whose two axes share a unit (a plane of
//     points, a loss surface), is the width over the height its data area
//     should have on screen: 1 keeps a circle round. 0 lets the picture
//     take the room it is given.
type Panel struct {
	Kind  Kind   `json:"kind"`
	Title string `json:"title"`

	ID       string  `json:"id,omitempty"`
	Priority int     `json:"priority,omitempty"`
	Aspect   float64 `json:"aspect,omitempty"`

	Plot   *Plot   `json:"plot,omitempty"`
	Matrix *Matrix `json:"matrix,omitempty"`
	Graph  *Graph  `json:"graph,omitempty"`
	Image  *Image  `json:"image,omitempty"`
	Bars   *Bars   `json:"bars,omitempty"`
	Table  *Table  `json:"table,omitempty"`
}

// Goal is what "done" means for a lesson, measured from the run on screen.
// The lessons runtime fills it in for every lesson that declares a goal.
type Goal struct {
	// Text is the goal as a learner reads it: "test accuracy ≥ 95%".
	Text string `json:"text"`
	// Measure names what is measured ("test accuracy"); Value is its
	// current value, formatted with its unit ("93.4%"), or "" before the
	// run has measured it. Met reports whether the goal holds now.
	Measure string `json:"measure"`
	Value   string `json:"value,omitempty"`
	Met     bool   `json:"met"`
	// Verdict is set once the run has finished or diverged.
	Verdict *Verdict `json:"verdict,omitempty"`
}

// Verdict is the honest end of a run: success only when the goal is met;
// otherwise the most likely cause, found from the run, and the one change
// to try.
type Verdict struct {
	Success bool `json:"success"`
	// Cause is a short name from a closed vocabulary ("diverged", "still
	// descending", "oscillating", "dead units", "saturated", "mode
	// collapse", "overfitting", "plateau") or one a lesson names from its
	// own run (lessons.Measures.Cause); empty on success.
	Cause string `json:"cause,omitempty"`
	// Explain says, with the run's numbers, why the cause fits.
	Explain string `json:"explain,omitempty"`
	// Try is the one change to try next, as a sentence; Control and Value
	// name it as data (Control empty when the change is not a control).
	Try     string `json:"try,omitempty"`
	Control string `json:"control,omitempty"`
	Value   string `json:"value,omitempty"`
}

// The triggers of an Autopsy.
const (
	// TriggerNonFinite: a loss or another value became NaN or ±Inf.
	TriggerNonFinite = "non-finite"
	// TriggerJump: the loss of a step exceeded the largest loss of the
	// steps before it by more than the stated factor.
	TriggerJump = "loss jump"
)

// Autopsy is the runtime's account of a divergence: the run stopped at
// Step because of Trigger, and Findings say, with the numbers, where the
// values first left the finite range or grew most — the op of the forward
// pass, the parameter whose update grew most — in order of evidence.
// Summary is the first finding, the one line a narrow front end shows.
type Autopsy struct {
	Step    int    `json:"step"`
	Trigger string `json:"trigger"`
	// Rule states the trigger's threshold ("loss ×10 in one step").
	Rule    string `json:"rule"`
	Summary string `json:"summary"`
	// Op is the label of the op named ("v3 = exp(x)"), Param the
	// parameter named ("dense.W"); either may be empty.
	Op       string   `json:"op,omitempty"`
	Param    string   `json:"param,omitempty"`
	Findings []string `json:"findings"`
	// Try is the change to try, from the lesson's controls; Control and
	// Value name it as data (see Verdict).
	Try     string `json:"try,omitempty"`
	Control string `json:"control,omitempty"`
	Value   string `json:"value,omitempty"`
}

// GradCheck is a finite-difference check of the gradient at one node of
// the backward pass, run on demand: for each input of the node that takes
// a gradient, central differences (L(x+h) − L(x−h))/2h on a sample of its
// elements, the forward pass computed again from the node's input on a
// copy, against the gradient the backward pass computed.
type GradCheck struct {
	// Node is the checked node's label ("z = matmul(x, dense.W)"); Step
	// is h.
	Node   string           `json:"node"`
	Step   float64          `json:"step"`
	Inputs []GradCheckInput `json:"inputs"`
	// Summary is the check in one line.
	Summary string `json:"summary"`
}

// GradCheckInput is the check of one input: Checked elements, the largest
// relative error |analytic − numeric| / max(1, |analytic|, |numeric|)
// among them at flat index Worst with both values there, and Kinks, the
// elements left out because the loss is not differentiable there (its
// one-sided differences disagree: a ReLU at 0, a tie in a max).
type GradCheckInput struct {
	Name      string  `json:"name"`
	Checked   int     `json:"checked"`
	MaxRelErr float64 `json:"max_rel_err"`
	Worst     int     `json:"worst"`
	Analytic  float64 `json:"analytic"`
	Numeric   float64 `json:"numeric"`
	Kinks     int     `json:"kinks,omitempty"`
}

// QuestionKind is the form of a question's answer.
type QuestionKind string

const (
	// Choice: one of Choices, answered by its number (1-based) or text.
	QuestionChoice QuestionKind = "choice"
	// Number: a number, right when within Tolerance of the answer.
	QuestionNumber QuestionKind = "number"
)

// Question is a prediction the run asks of the learner at this moment,
// before the run shows the answer. The answer is computed from the run
// itself; a front end shows Prompt and Choices, waits for the learner, and
// only then shows Answer and Explain.
type Question struct {
	// ID is unique within a run: the same moment of the same run poses the
	// same ID.
	ID     string       `json:"id"`
	Prompt string       `json:"prompt"`
	Kind   QuestionKind `json:"kind"`
	// Choices are the options of a Choice question, in order.
	Choices []string `json:"choices,omitempty"`
	// Tolerance is how far from the answer a Number answer may be and
	// still be right.
	Tolerance float64 `json:"tolerance,omitempty"`

	// Answer is the right answer as shown ("positive", "0.7311");
	// AnswerIndex is its 0-based index among Choices (-1 for a number).
	Answer      string `json:"answer"`
	AnswerIndex int    `json:"answer_index"`
	// Explain is why, with the run's numbers.
	Explain string `json:"explain"`

	// Answered reports whether the learner has answered (or skipped) this
	// question in this run; Given is their answer ("" when skipped) and
	// Correct whether it was right.
	Answered bool   `json:"answered"`
	Given    string `json:"given,omitempty"`
	Skipped  bool   `json:"skipped,omitempty"`
	Correct  bool   `json:"correct,omitempty"`
}

// Score counts a run's answered questions.
type Score struct {
	Correct int `json:"correct"`
	Wrong   int `json:"wrong"`
	Skipped int `json:"skipped"`
}

// Answered is the number of questions answered or skipped.
func (s Score) Answered() int { return s.Correct + s.Wrong + s.Skipped }
