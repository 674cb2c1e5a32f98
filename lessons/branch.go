package lessons

import (
	"fmt"
	"math"
	"slices"

	"github.com/dlearn/dlearn/lessons/scene"
)

// Fork returns a second run in the same place as r: the same lesson,
// seed, settings, history and checkpoints, with a machine of its own.
// Stepping both with the same actions keeps them identical; Back on the
// fork goes back through r's history as on r. Answers are shared history
// too. The question posed now is resolved again by the fork when asked.
func (r *Run) Fork() *Run {
	return &Run{
		lesson:          r.lesson,
		seed:            r.seed,
		settings:        r.settings.Clone(),
		start:           r.start.Clone(),
		m:               r.copyMachine(),
		log:             slices.Clone(r.log),
		checkpoints:     slices.Clone(r.checkpoints), // checkpoints are never changed once taken
		moves:           r.moves,
		cost:            r.cost,
		stopAtQuestions: r.stopAtQuestions,
		mine:            r.mine,
	}
}

// Branch is a run (the parent) and a copy of it with one setting changed
// (the branch), stepped in lockstep: every Advance and Back is applied to
// both, so both see the same data in the same order and differ only by
// the setting. Compare says how far apart they are.
//
// A control that takes effect from the next step (a learning rate, a
// regulariser) branches from the parent's place: the branch is the
// parent's history with the change from now on. A control that restarts
// its lesson (an initialisation, an activation, an optimizer in most
// lessons) cannot change in the middle of a run, so the branch is the
// parent's history replayed from the start with the new value: the same
// seed, the same actions, the same data order.
type Branch struct {
	Parent, Branch *Run
	// Name is the changed control, From its value in the parent and To
	// its value in the branch.
	Name, From, To string
	// Restarted reports whether the branch was replayed from the start
	// (Name restarts the lesson).
	Restarted bool
}

// NewBranch forks r with control name set to value. Answers in r's
// history are not replayed into a restarted branch (its questions may be
// different ones); stopping at questions is off in the branch, so the two
// runs take the same actions.
func NewBranch(r *Run, name, value string) (*Branch, error) {
	c, ok := r.lesson.Control(name)
	if !ok {
		return nil, fmt.Errorf("lesson %s has no control %q", r.lesson.ID, name)
	}
	v, err := c.Parse(value)
	if err != nil {
		return nil, err
	}
	b := &Branch{Parent: r, Name: name, From: r.settings[name], To: v, Restarted: c.Restart}
	if !c.Restart {
		b.Branch = r.Fork()
		b.Branch.stopAtQuestions = false
		if _, err := b.Branch.Set(name, v); err != nil {
			return nil, err
		}
		return b, nil
	}
	start := r.start.Clone()
	start[name] = v
	br, err := Start(r.lesson, r.seed, start)
	if err != nil {
		return nil, err
	}
	if r.mine != nil {
		// The branch runs the learner's code too.
		br.SetMine(r.mine)
	}
	for _, a := range r.log {
		switch {
		case a.answer != "":
		case a.name == name:
			// The branch keeps its own value of the changed control.
		case a.name != "":
			if _, err := br.Set(a.name, a.value); err != nil {
				return nil, err
			}
		default:
			if br.Done() {
				continue
			}
			br.apply(br.m, a)
			br.push(a)
			br.moves++
		}
	}
	b.Branch = br
	return b, nil
}

// Advance moves both runs by g; it reports whether either moved. While
// branched, advances do not stop at questions (the two runs would part:
// a question stops one of them inside a step).
func (b *Branch) Advance(g Granularity) bool {
	stop := b.Parent.stopAtQuestions
	b.Parent.stopAtQuestions = false
	defer func() { b.Parent.stopAtQuestions = stop }()
	p := b.Parent.Advance(g)
	q := b.Branch.Advance(g)
	return p || q
}

// Back undoes the last action of both runs; it reports whether either
// had one. Going back past the moment of the branch is allowed: the
// branch keeps its changed setting.
func (b *Branch) Back() bool {
	p := b.Parent.Back()
	q := b.Branch.Back()
	return p || q
}

// Set changes a control in both runs, except the branched one, which
// changes in the branch only.
func (b *Branch) Set(name, value string) error {
	if name == b.Name {
		if _, err := b.Branch.Set(name, value); err != nil {
			return err
		}
		b.To = b.Branch.settings[name]
		return nil
	}
	if _, err := b.Parent.Set(name, value); err != nil {
		return err
	}
	_, err := b.Branch.Set(name, value)
	return err
}

// Done reports whether both runs have ended.
func (b *Branch) Done() bool { return b.Parent.Done() && b.Branch.Done() }

// Compare returns a table of the two runs side by side, narrow enough for
// a column beside a picture: the changed setting, their positions when
// they differ (one has ended), the goal's measure, the latest training and
// validation loss, the verdict, and, for every matrix panel the two scenes
// share, the largest difference between their values (the weights, say).
func (b *Branch) Compare() scene.Panel {
	_, _, cmp := b.Scenes()
	return cmp
}

// Scenes returns the parent's and the branch's scenes and their
// comparison, each scene made once.
func (b *Branch) Scenes() (parent, branch scene.Scene, cmp scene.Panel) {
	parent, branch = b.Parent.Scene(), b.Branch.Scene()
	return parent, branch, b.compare(parent, branch)
}

// compare is Compare of the two runs' scenes ps and bs.
func (b *Branch) compare(ps, bs scene.Scene) scene.Panel {
	rows := [][]string{{b.Name, b.From, b.To}}
	if pp, bp := position(ps.Pos), position(bs.Pos); pp != bp {
		rows = append(rows, []string{"at", pp, bp})
	}
	pm, pok := b.Parent.m.(Measurer)
	bm, bok := b.Branch.m.(Measurer)
	if g := b.Parent.lesson.Goal; g != nil && pok && bok {
		pv, bv := pm.Measures(), bm.Measures()
		rows = append(rows, []string{"goal", measured(pv, g), measured(bv, g)})
		rows = append(rows, []string{"loss", last(pv.Loss), last(bv.Loss)})
		if len(pv.Val) > 0 || len(bv.Val) > 0 {
			rows = append(rows, []string{"val loss", last(pv.Val), last(bv.Val)})
		}
		rows = append(rows, []string{"verdict", b.Parent.verdictWord(ps.Goal), b.Branch.verdictWord(bs.Goal)})
	}
	for _, p := range ps.Panels {
		if p.Matrix == nil {
			continue
		}
		for _, q := range bs.Panels {
			if q.Matrix == nil || q.Title != p.Title || q.Matrix.Rows != p.Matrix.Rows || q.Matrix.Cols != p.Matrix.Cols {
				continue
			}
			if d, ok := maxDiff(p.Matrix.Values, q.Matrix.Values); ok {
				rows = append(rows, []string{"|Δ| " + p.Title, "", FormatNum(d)})
			}
			break
		}
	}
	return scene.Panel{
		Kind:  scene.KindTable,
		ID:    "branch",
		Title: fmt.Sprintf("branch: %s %s → %s", b.Name, b.From, b.To),
		Table: &scene.Table{Columns: []string{"", "run", "branch"}, Rows: rows},
	}
}

func position(p scene.Position) string {
	s := fmt.Sprintf("step %d", p.Step)
	if p.Steps > 0 {
		s += fmt.Sprintf("/%d", p.Steps)
	}
	if p.Op > 0 && p.Op < p.OpsPerStep {
		s += fmt.Sprintf(" op %d", p.Op)
	}
	return s
}

func measured(m Measures, g *Goal) string {
	v, ok := m.Values[g.Measure]
	if !ok {
		return "—"
	}
	return FormatNum(v) + g.Unit
}

func last(xs []float64) string {
	if len(xs) == 0 {
		return "—"
	}
	return FormatNum(xs[len(xs)-1])
}

// verdictWord is the verdict of run r with goal g in a word or two.
func (r *Run) verdictWord(g *scene.Goal) string {
	switch {
	case r.mineStopped():
		return "stopped: your code"
	case g == nil:
		return "—"
	case g.Verdict == nil:
		if g.Met {
			return "met so far"
		}
		return "running"
	case g.Verdict.Success:
		return "met"
	default:
		return g.Verdict.Cause
	}
}

// maxDiff is the largest |a − b| over two lists of the same length.
func maxDiff(a, b []float64) (float64, bool) {
	if len(a) != len(b) {
		return 0, false
	}
	d := 0.0
	for i := range a {
		x := math.Abs(a[i] - b[i])
		if math.IsNaN(x) {
			return math.NaN(), true
		}
		d = max(d, x)
	}
	return d, true
}

// Scene is the parent's scene as a front end shows a branch: the parent's
// main picture, the comparison, the branch's main picture (titled and
// identified as the branch's), then the parent's other panels.
// Questions are left out while branched.
func (b *Branch) Scene() scene.Scene {
	ps, bs := b.Parent.Scene(), b.Branch.Scene()
	ps.Question = nil
	pi, bi := mainPanel(ps.Panels), mainPanel(bs.Panels)
	top := 0
	for _, p := range ps.Panels {
		top = max(top, p.Priority)
	}
	var panels []scene.Panel
	if pi >= 0 {
		p := ps.Panels[pi]
		p.Title = "run · " + p.Title
		p.Priority = top + 3
		panels = append(panels, p)
	}
	if bi >= 0 {
		q := bs.Panels[bi]
		q.Title = fmt.Sprintf("branch (%s %s) · %s", b.Name, b.To, q.Title)
		q.ID = "branch:" + q.ID
		q.Priority = top + 1
		panels = append(panels, q)
	}
	cmp := b.compare(ps, bs)
	cmp.Priority = top + 2
	panels = append(panels[:min(1, len(panels))], append([]scene.Panel{cmp}, panels[min(1, len(panels)):]...)...)
	for i, p := range ps.Panels {
		if i != pi {
			panels = append(panels, p)
		}
	}
	ps.Panels = panels
	return ps
}

// mainPanel is the index of a scene's main picture (the highest Priority
// above 0, else the first plot or image), or -1.
func mainPanel(ps []scene.Panel) int {
	best, at := 0, -1
	for i, p := range ps {
		if p.Priority > best {
			best, at = p.Priority, i
		}
	}
	if at >= 0 {
		return at
	}
	for i, p := range ps {
		if p.Kind == scene.KindPlot || p.Kind == scene.KindImage {
			return i
		}
	}
	return -1
}
