package lessons

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dlearn/dlearn/lessons/scene"
)

// Compare is how a Goal's measure is held against its target.
type Compare int

const (
	// AtLeast: the measure must be ≥ Target.
	AtLeast Compare = iota
	// AtMost: the measure must be ≤ Target.
	AtMost
	// Within: the measure must be within Tol of Target (|v − Target| < Tol).
	Within
)

// Goal is a lesson's definition of done, as data: one measure the machine
// reports (see Measurer) held against a target. The runtime — the same code
// for every lesson — shows it at the start, checks it at the end, and turns
// a miss into a cause and a change to try (see Diagnose).
type Goal struct {
	// Measure is the key in Measures.Values; Label is how the learner reads
	// it ("ŷ(0.5)", "test accuracy"); Unit is appended to numbers ("%").
	Measure, Label, Unit string
	Compare              Compare
	Target, Tol          float64
	// Remedies override the runtime's default change to try for a cause
	// (keys are Cause* names). An override whose control already has its
	// value is ignored, so a lesson can name the change that cures one
	// setting (a causal mask that is on, say) without giving it as advice
	// where that setting is already right.
	Remedies map[string]Remedy
	// Fallbacks are further overrides for a cause, tried in order when
	// its Remedies entry would change nothing: a lesson with two settings
	// that cause the same failure (raw inputs and too-large weights both
	// diverge) names the cure of each.
	Fallbacks map[string][]Remedy
}

// Remedy is the one change a verdict suggests: set Control to Value (both
// empty for advice that is not a control, given in Why).
type Remedy struct {
	Control, Value string
	// Why is the sentence shown; when empty the runtime writes one.
	Why string
}

// Met reports whether v satisfies the goal. NaN never does.
func (g *Goal) Met(v float64) bool {
	if math.IsNaN(v) {
		return false
	}
	switch g.Compare {
	case AtMost:
		return v <= g.Target
	case Within:
		return math.Abs(v-g.Target) < g.Tol
	default:
		return v >= g.Target
	}
}

// Text is the goal as the learner reads it.
func (g *Goal) Text() string {
	switch g.Compare {
	case AtMost:
		return fmt.Sprintf("%s ≤ %s", g.Label, g.num(g.Target))
	case Within:
		return fmt.Sprintf("%s within %s of %s", g.Label, g.num(g.Tol), g.num(g.Target))
	default:
		return fmt.Sprintf("%s ≥ %s", g.Label, g.num(g.Target))
	}
}

func (g *Goal) num(v float64) string { return FormatNum(v) + g.Unit }

// FormatNum formats a number for a learner: four significant digits, a
// real minus sign.
func FormatNum(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "−Inf"
	}
	return strings.Replace(strconv.FormatFloat(v, 'g', 4, 64), "-", "−", 1)
}

// Measures is what a machine reports about its run for goals, verdicts and
// questions. Values are keyed by name; a few names have a meaning the
// runtime's diagnosis reads (the Signal* constants). Loss is the training
// loss history, one value per step or per epoch (the smoother the better:
// per-epoch losses on all the data where the lesson has them); Val is the
// validation loss per epoch, for lessons that hold data out.
type Measures struct {
	Values map[string]float64
	Loss   []float64
	Val    []float64
	// Cause and Explain name a cause only the lesson can read from its
	// run, outside the training numbers above (a privacy budget spent
	// before any model could be released, say). When Cause is set, a run
	// that misses its goal without diverging is diagnosed with it, before
	// any cause the runtime reads; the lesson's Goal.Remedies[Cause] says
	// what to try.
	Cause, Explain string
}

// Signals: Measures.Values keys the diagnosis understands. Each is a
// fraction in [0, 1] unless it says otherwise.
const (
	// SignalDead is the share of ReLU units that are zero for every input.
	SignalDead = "dead_units"
	// SignalSaturated is the share of sigmoid/tanh units whose local
	// derivative is below 1% of its maximum for (nearly) every input.
	SignalSaturated = "saturated_units"
	// SignalCollapse is the share of the target's modes the generator
	// misses.
	SignalCollapse = "modes_missed"
	// SignalGrowth is how many times larger the gradient is after its way
	// back through the network (through time, or through the layers) than
	// where it started: a factor, not a fraction. Above 100 the gradient
	// explodes even when the loss does not.
	SignalGrowth = "gradient_growth"
)

// Measurer is implemented by machines whose lesson declares a Goal.
// Measures must be cheap: front ends call it for every scene.
type Measurer interface {
	Measures() Measures
}

// The causes a verdict can name.
const (
	CauseDiverged    = "diverged"
	CauseExploding   = "exploding"
	CauseDead        = "dead units"
	CauseSaturated   = "saturated"
	CauseCollapse    = "mode collapse"
	CauseOverfitting = "overfitting"
	CauseOscillating = "oscillating"
	CauseDescending  = "still descending"
	CausePlateau     = "plateau"
)

// Diagnose returns the verdict for a run that has ended (finished or
// diverged): success when the goal is met, otherwise the most likely cause
// read from the measures, in a fixed order, and the one change to try.
// settings are the run's current control values.
func Diagnose(l *Lesson, m Measures, diverged bool, settings Settings) scene.Verdict {
	g := l.Goal
	v, ok := m.Values[g.Measure]
	if !diverged && ok && g.Met(v) {
		return scene.Verdict{Success: true}
	}
	cause, explain := findCause(m, diverged)
	vd := scene.Verdict{Cause: cause, Explain: explain}
	r := RemedyFor(l, cause, settings)
	vd.Control, vd.Value, vd.Try = r.Control, r.Value, r.Why
	return vd
}

// RemedyFor is the one change to try for cause, with Why always set: the
// lesson goal's override for the cause (unless its control already has
// its value, when its Fallbacks are tried in order), else the runtime's
// default built from the lesson's controls, else advice to change one
// control.
func RemedyFor(l *Lesson, cause string, settings Settings) Remedy {
	r, has := Remedy{}, false
	var fallbacks []Remedy
	if l.Goal != nil {
		r, has = l.Goal.Remedies[cause]
		fallbacks = l.Goal.Fallbacks[cause]
	}
	// An override that would set a control to the value it already has
	// changes nothing: the next one (Fallbacks), or else the default
	// advice, applies instead.
	noop := func(r Remedy) bool { return r.Control != "" && settings[r.Control] == r.Value }
	if has && noop(r) {
		has = false
		for _, f := range fallbacks {
			if !noop(f) {
				r, has = f, true
				break
			}
		}
	}
	if !has {
		r = defaultRemedy(l, cause, settings)
	}
	if r.Why == "" && r.Control != "" {
		c, _ := l.Control(r.Control)
		verb := "set"
		switch {
		case less(r.Value, settings[r.Control]):
			verb = "lower"
		case less(settings[r.Control], r.Value):
			verb = "raise"
		}
		r.Why = fmt.Sprintf("%s the %s from %s to %s", verb, c.Label, settings[r.Control], r.Value)
	}
	if r.Why == "" {
		r.Why = "change one control and run again"
	}
	return r
}

// findCause reads the measures in a fixed order of precedence.
func findCause(m Measures, diverged bool) (cause, explain string) {
	loss := m.Loss
	if diverged || anyNonFinite(loss) {
		return CauseDiverged, "a loss or a weight became infinite or not-a-number: each update overshot the minimum by more than it corrected, until the numbers overflowed"
	}
	if m.Cause != "" {
		return m.Cause, m.Explain
	}
	if n := len(loss); n >= 2 && loss[n-1] > 10*loss[0] && loss[0] > 0 {
		return CauseExploding, fmt.Sprintf("the loss grew from %s to %s: the updates overshoot and the error grows", FormatNum(loss[0]), FormatNum(loss[n-1]))
	}
	if g, ok := m.Values[SignalGrowth]; ok && g > 100 {
		return CauseExploding, fmt.Sprintf("on its way back through the network the gradient grows %s-fold: the far-away terms swamp the rest, each update follows them, and the loss cannot settle", FormatNum(g))
	}
	if f, ok := m.Values[SignalDead]; ok && f >= 0.5 {
		return CauseDead, fmt.Sprintf("%s of the ReLU units output zero for every input, so no gradient reaches their weights again", pct(f))
	}
	if f, ok := m.Values[SignalSaturated]; ok && f >= 0.5 {
		return CauseSaturated, fmt.Sprintf("%s of the units sit on a flat end of their activation, where its derivative is almost zero", pct(f))
	}
	if f, ok := m.Values[SignalCollapse]; ok && f > 0 {
		return CauseCollapse, fmt.Sprintf("the generator misses %s of the modes: it found a few that fool the discriminator and stays there", pct(f))
	}
	if val := m.Val; len(val) >= 4 {
		best, at := math.Inf(1), 0
		for i, v := range val {
			if v < best {
				best, at = v, i
			}
		}
		last := val[len(val)-1]
		if last > 1.1*best && at < len(val)-1 && fellSince(loss, at+1, len(val)) {
			return CauseOverfitting, fmt.Sprintf("the validation loss was lowest at epoch %d (%s) and rose to %s while the training loss kept falling: the model memorises the training points", at+1, FormatNum(best), FormatNum(last))
		}
	}
	if n := len(loss); n >= 8 {
		w := loss[n-n/4:]
		lo, hi, mean := minMaxMean(w)
		turns := 0
		for i := 2; i < len(w); i++ {
			if (w[i]-w[i-1])*(w[i-1]-w[i-2]) < 0 {
				turns++
			}
		}
		rel := (hi - lo) / math.Max(mean, 1e-300)
		if len(w) >= 3 && float64(turns) >= 0.4*float64(len(w)-2) && rel > 0.25 {
			return CauseOscillating, fmt.Sprintf("over the last quarter of the run the loss jumps between %s and %s instead of settling: the steps are too large for the bottom of the valley", FormatNum(lo), FormatNum(hi))
		}
		first := loss[n-n/5-1]
		// Still falling: by 3% over the last fifth; or, for a loss with a
		// large floor (a cross-entropy), at least half as fast over the
		// last fifth as over the whole run, which fell by more than 1%; or
		// by 1% with every point of the last fifth below the one before.
		recent, span := first-loss[n-1], loss[0]-loss[n-1]
		steady := recent > 0 && span > 0.01*loss[0] && recent/float64(n/5) >= 0.5*span/float64(n-1)
		monotone := n/5 >= 2
		for i := n - n/5; i < n && monotone; i++ {
			monotone = loss[i] < loss[i-1]
		}
		if first > 0 && (loss[n-1] < first*0.97 || steady || monotone && loss[n-1] < first*0.99) {
			return CauseDescending, fmt.Sprintf("the loss was still falling when the run ended (%s → %s over the last fifth): training stopped before it arrived", FormatNum(first), FormatNum(loss[n-1]))
		}
	}
	if n := len(loss); n >= 1 {
		return CausePlateau, fmt.Sprintf("the loss has stopped falling (at %s) short of the goal", FormatNum(loss[n-1]))
	}
	return CausePlateau, "the run ended short of the goal"
}

// fellSince reports whether the training loss ended lower than it was at
// the end of epoch k of n (the loss history read as n equal parts, one
// per epoch, however many points each has): a validation loss that rises
// while the training loss rises too is not memorisation.
func fellSince(loss []float64, k, n int) bool {
	if len(loss) == 0 || n == 0 {
		return true
	}
	i := max(k*len(loss)/n-1, 0)
	return loss[len(loss)-1] < loss[i]
}

// defaultRemedy is the runtime's one change for a cause, built from the
// lesson's own controls: a learning rate one rung down (or back to its
// default) for causes of too-large steps; up for a run still descending
// (or more epochs — or steps, for a lesson counted in steps — once the
// rate is at its default or above).
func defaultRemedy(l *Lesson, cause string, s Settings) Remedy {
	lr, hasLR := rateControl(l)
	switch cause {
	case CauseDiverged, CauseExploding, CauseDead, CauseSaturated, CauseOscillating:
		if hasLR {
			return Remedy{Control: lr.Name, Value: lowerRate(lr, s[lr.Name])}
		}
	case CausePlateau:
		// Stalled away from the lesson's own rate: back to it first.
		if hasLR && s[lr.Name] != lr.Default {
			return Remedy{Control: lr.Name, Value: lr.Default}
		}
	case CauseDescending:
		if hasLR && less(s[lr.Name], lr.Default) {
			return Remedy{Control: lr.Name, Value: lr.Default}
		}
		for _, name := range []string{"epochs", "steps"} {
			if ep, ok := l.Control(name); ok {
				if next := ep.Next(s[name], 1); next != s[name] {
					return Remedy{Control: name, Value: next}
				}
			}
		}
		if hasLR {
			if next := lr.Next(s[lr.Name], 1); next != s[lr.Name] {
				return Remedy{Control: lr.Name, Value: next}
			}
		}
	}
	return Remedy{}
}

// rateControl is the lesson's learning rate: the control "lr", or else the
// first number control whose name starts with "lr" (a GAN's "lrd").
func rateControl(l *Lesson) (Control, bool) {
	if c, ok := l.Control("lr"); ok {
		return c, true
	}
	for _, c := range l.Controls {
		if c.Kind == Float && strings.HasPrefix(c.Name, "lr") {
			return c, true
		}
	}
	return Control{}, false
}

// lowerRate is one rung below cur, or the lesson's default when cur is
// more than ten times the default (one rung down would still be far too
// large).
func lowerRate(c Control, cur string) string {
	v, err1 := strconv.ParseFloat(cur, 64)
	d, err2 := strconv.ParseFloat(c.Default, 64)
	if err1 == nil && err2 == nil && d > 0 && v/d > 10 {
		return c.Default
	}
	return c.Next(cur, -1)
}

func less(a, b string) bool {
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && x < y
}

func anyNonFinite(xs []float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return true
		}
	}
	return false
}

func minMaxMean(xs []float64) (lo, hi, mean float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
		mean += x
	}
	return lo, hi, mean / float64(len(xs))
}

func pct(f float64) string { return FormatNum(100*f) + "%" }
