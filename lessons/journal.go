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
	r, _, err := ResumeFrom(l, j, nil)
	return r, err
}

// ResumeFrom is Resume with the bytes of a checkpoint file saved with the
// journal (Run.Checkpoint): when one of its checkpoints follows a prefix
// of j, it is restored and only the entries after it are replayed
// (restored is true). A checkpoint file that does not fit j, or cannot be
// read, is ignored: the journal is replayed in full, as by Resume, with
// the same result.
func ResumeFrom(l *Lesson, j Journal, saved []byte) (r *Run, restored bool, err error) {
	r, err = Start(l, j.Seed, j.Settings)
	if err != nil {
		return nil, false, err
	}
	var pos journalPos
	if len(saved) > 0 {
		if p, ok := r.restoreSaved(j, saved); ok {
			pos, restored = p, true
		} else if r.moves > 1 {
			// A failed restore may have touched the machine: start again.
			if r, err = Start(l, j.Seed, j.Settings); err != nil {
				return nil, false, err
			}
		}
	}
	if err := r.replay(j, pos); err != nil {
		return nil, false, err
	}
	return r, restored, nil
}

// journalPos is a place in a journal's entries: entry, and how many of
// its Count advances are behind (total counts the actions before it, for
// maxResumeActions).
type journalPos struct {
	entry, rep, total int
}

// replay applies j's entries from pos on.
func (r *Run) replay(j Journal, pos journalPos) error {
	l := r.lesson
	total := pos.total
	for i := pos.entry; i < len(j.Entries); i++ {
		e := j.Entries[i]
		if e.Question != "" {
			if _, err := r.Answer(e.Question, e.Value); err != nil {
				return fmt.Errorf("journal for %s: %v", l.ID, err)
			}
			continue
		}
		if e.Name != "" {
			if _, err := r.Set(e.Name, e.Value); err != nil {
				return err
			}
			continue
		}
		if e.Ops != 0 {
			total += e.Ops
			if e.Ops < 0 || total > maxResumeActions {
				return fmt.Errorf("journal for %s: %d actions is out of range", l.ID, total)
			}
			if !r.Done() {
				r.advanceOps(e.Ops)
			}
			continue
		}
		g, err := ParseGranularity(e.G)
		if err != nil {
			return err
		}
		count := e.Count
		if i == pos.entry {
			count -= pos.rep
		}
		total += count
		if count < 0 || total > maxResumeActions {
			return fmt.Errorf("journal for %s: %d actions is out of range", l.ID, total)
		}
		for range count {
			if !r.Advance(g) {
				break
			}
		}
	}
	return nil
}

// restoreSaved restores the latest checkpoint of the file saved that
// follows a prefix of j, into r just started, and returns the place in
// j after that prefix. It reports false, having changed nothing that
// Start would not redo, when no checkpoint fits.
func (r *Run) restoreSaved(j Journal, saved []byte) (pos journalPos, ok bool) {
	p, isP := r.m.(Persister)
	if !isP {
		return pos, false
	}
	f, err := parseSaved(saved)
	if err != nil || f.build != BuildKey || f.lesson != r.lesson.ID || f.seed != r.seed || !sameSettings(f.settings, r.start) {
		return pos, false
	}
	prefix, matched := walkJournal(r.lesson, r.seed, r.start, j, f.cps)
	if len(matched) == 0 {
		return pos, false
	}
	// Decode the matched checkpoints (all before the latest are kept for
	// stepping back); any that does not decode spoils the file.
	states := make([]any, len(matched))
	for i, m := range matched {
		d := NewDecoder(f.cps[m.cp].raw)
		st, err := p.DecodeState(d)
		if err != nil || d.End() != nil {
			return pos, false
		}
		states[i] = st
	}
	best := matched[len(matched)-1]
	answers := 0
	for _, a := range prefix[:best.at] {
		if a.answer != "" {
			answers++
		}
	}
	if answers > len(f.correct) {
		return pos, false
	}
	if !restoreSafely(p, states[len(states)-1]) {
		r.moves++ // the machine was touched
		return pos, false
	}
	r.log = prefix[:best.at:best.at]
	k := 0
	for i := range r.log {
		if r.log[i].answer != "" {
			r.log[i].correct = f.correct[k]
			k++
		}
		if a := r.log[i]; a.name != "" {
			r.settings[a.name] = a.value
		}
	}
	r.checkpoints = nil
	for i, m := range matched {
		r.checkpoints = append(r.checkpoints, checkpoint{at: m.at, state: states[i], hash: f.cps[m.cp].hash, hashed: true})
	}
	r.cost = 0
	r.moves++
	return best.pos, true
}

// restoreSafely restores st into p, reporting false if the lesson code
// panicked (a state it decoded but cannot take).
func restoreSafely(p Persister, st any) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	p.Restore(st)
	return true
}

func sameSettings(a, b Settings) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// match is a checkpoint of a file (cp, its index) whose prefix hash is
// that of the journal's first at actions, and the place in the journal
// after them.
type match struct {
	cp, at int
	pos    journalPos
}

// walkJournal expands j's entries into the actions of the log they stand
// for, as far as the latest of cps, hashing as it goes, and returns those
// actions and the checkpoints whose prefix hash matches, oldest first. It
// stops at an entry that does not parse or that would restart the run.
func walkJournal(l *Lesson, seed uint64, start Settings, j Journal, cps []fileCheckpoint) ([]action, []match) {
	last := cps[len(cps)-1].at
	h := newPrefixHash(l.ID, seed, start)
	var log []action
	var matched []match
	next := 0 // the next checkpoint to check
	total := 0
	check := func(pos journalPos) {
		for next < len(cps) && cps[next].at < len(log) {
			next++
		}
		if next < len(cps) && cps[next].at == len(log) {
			if h.sum() == cps[next].hash {
				matched = append(matched, match{cp: next, at: len(log), pos: pos})
			}
			next++
		}
	}
	check(journalPos{})
	push := func(a action, pos journalPos) {
		log = append(log, a)
		h.add(a)
		check(pos)
	}
	for i, e := range j.Entries {
		if len(log) >= last {
			break
		}
		switch {
		case e.Question != "":
			push(action{answer: e.Question, value: e.Value}, journalPos{entry: i + 1, total: total})
		case e.Name != "":
			c, ok := l.Control(e.Name)
			if !ok || c.Restart {
				return log, matched
			}
			if v, err := c.Parse(e.Value); err != nil || v != e.Value {
				return log, matched
			}
			push(action{name: e.Name, value: e.Value}, journalPos{entry: i + 1, total: total})
		case e.Ops != 0:
			total += e.Ops
			if e.Ops < 0 || total > maxResumeActions {
				return log, matched
			}
			push(action{g: Op, ops: e.Ops}, journalPos{entry: i + 1, total: total})
		default:
			g, err := ParseGranularity(e.G)
			if err != nil || e.Count < 0 || total+e.Count > maxResumeActions {
				return log, matched
			}
			for rep := 1; rep <= e.Count && len(log) < last; rep++ {
				pos := journalPos{entry: i, rep: rep, total: total + rep}
				if rep == e.Count {
					pos = journalPos{entry: i + 1, total: total + rep}
				}
				push(action{g: g}, pos)
			}
			total += e.Count
		}
	}
	return log, matched
}
