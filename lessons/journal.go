package lessons

import "fmt"

// Entry is one run-length-encoded line of a Journal: Count advances at
// granularity G, or (when Name is set) one continuing control change.
// An entry with Question set is the learner's answer to that question
// (Value, "" when skipped).
// An entry with Ops set is one advance of that many ops taken as one
// action (an advance that stopped at a question).
type Entry struct {
	G        string `json:"g,omitempty"`
	Count    int    `json:"n,omitempty"`
	Ops      int    `json:"ops,omitempty"`
	Name     string `json:"set,omitempty"`
	Question string `json:"q,omitempty"`
	Value    string `json:"value,omitempty"`
}

// Journal is everything needed to bring a run back to where it is: the
// seed, the settings it started with and the actions since. It is small
// and JSON-friendly, for saving the learner's place between launches.
type Journal struct {
	Seed     uint64   `json:"seed"`
	Settings Settings `json:"settings"`
	Entries  []Entry  `json:"entries,omitempty"`
}

// Journal returns the run's journal.
func (r *Run) Journal() Journal {
	j := Journal{Seed: r.seed, Settings: r.start.Clone()}
	for _, a := range r.log {
		if a.answer != "" {
			j.Entries = append(j.Entries, Entry{Question: a.answer, Value: a.value})
			continue
		}
		if a.name != "" {
			j.Entries = append(j.Entries, Entry{Name: a.name, Value: a.value})
			continue
		}
		if a.ops > 0 {
			j.Entries = append(j.Entries, Entry{G: a.g.String(), Ops: a.ops})
			continue
		}
		g := a.g.String()
		if n := len(j.Entries); n > 0 && j.Entries[n-1].Name == "" && j.Entries[n-1].G == g {
			j.Entries[n-1].Count++
			continue
		}
		j.Entries = append(j.Entries, Entry{G: g, Count: 1})
	}
	return j
}

// maxResumeActions bounds the work Resume will do for a journal read from
// a file, so a corrupt or hostile file cannot hang the program.
const maxResumeActions = 1_000_000

// Resume starts l from j's seed and settings and replays j's entries. A
// journal that does not fit the lesson (unknown control, bad value, bad
// granularity, absurd counts) gives an error and no run.
func Resume(l *Lesson, j Journal) (*Run, error) {
	r, err := Start(l, j.Seed, j.Settings)
	if err != nil {
		return nil, err
	}
	total := 0
	for _, e := range j.Entries {
		if e.Question != "" {
			if _, err := r.Answer(e.Question, e.Value); err != nil {
				return nil, fmt.Errorf("journal for %s: %v", l.ID, err)
			}
			continue
		}
		if e.Name != "" {
			if _, err := r.Set(e.Name, e.Value); err != nil {
				return nil, err
			}
			continue
		}
		if e.Ops != 0 {
			total += e.Ops
			if e.Ops < 0 || total > maxResumeActions {
				return nil, fmt.Errorf("journal for %s: %d actions is out of range", l.ID, total)
			}
			if !r.Done() {
				r.advanceOps(e.Ops)
			}
			continue
		}
		g, err := ParseGranularity(e.G)
		if err != nil {
			return nil, err
		}
		total += e.Count
		if e.Count < 0 || total > maxResumeActions {
			return nil, fmt.Errorf("journal for %s: %d actions is out of range", l.ID, total)
		}
		for range e.Count {
			if !r.Advance(g) {
				break
			}
		}
	}
	return r, nil
}
