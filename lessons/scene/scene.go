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
type Panel struct {
	Kind  Kind   `json:"kind"`
	Title string `json:"title"`

	Plot   *Plot   `json:"plot,omitempty"`
	Matrix *Matrix `json:"matrix,omitempty"`
	Graph  *Graph  `json:"graph,omitempty"`
	Image  *Image  `json:"image,omitempty"`
	Bars   *Bars   `json:"bars,omitempty"`
	Table  *Table  `json:"table,omitempty"`
}
