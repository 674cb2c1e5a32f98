package optimizers

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// names are the six optimizers in the order they move within a step;
// labels are how the lesson prints them.
var (
	names  = []string{"gd", "sgd", "momentum", "adagrad", "rmsprop", "adam"}
	labels = map[string]string{
		"gd": "GD", "sgd": "SGD", "momentum": "Momentum",
		"adagrad": "AdaGrad", "rmsprop": "RMSProp", "adam": "Adam",
	}
)

// runner is one optimizer descending the surface from the common start:
// the engine's optimizer, its own parameter (the position, shape [2]), and
// the history the scene draws.
type runner struct {
	name string
	opt  optim.Optimizer
	p    *autograd.Var

	// xs, ys and fs are the positions visited and f there, start included;
	// every value in them is finite.
	xs, ys, fs []float64
	// gx, gy are the gradients the updates used (noise included), one per
	// update.
	gx, gy []float64

	// Of the last update: the exact gradient, SGD's noise, the state
	// before it, and the effective step size of the first update.
	exact, noise [2]float64
	prev         []optim.NamedState
	firstSize    [2]float64

	// divStep is the step at which the runner diverged (0: it has not);
	// divWhy says how.
	divStep int
	divWhy  string

	// mine is the learner's side of the optimizer, in mine mode.
	mine trainer.MineOpt
}

func newRunner(name string, lr float64, s *surface) *runner {
	opt, err := optim.New(name, lr)
	if err != nil {
		panic(fmt.Sprintf("optimizers: %v", err)) // names and lr are validated
	}
	r := &runner{name: name, opt: opt,
		p: autograd.NewParam(name+".p", tensor.FromValues([]float64{s.start[0], s.start[1]}, 2))}
	r.xs, r.ys = []float64{s.start[0]}, []float64{s.start[1]}
	r.fs = []float64{s.f(s.start[0], s.start[1])}
	return r
}

// updates is the number of updates the runner has applied.
func (r *runner) updates() int { return len(r.gx) }

// pos is the current position.
func (r *runner) pos() (x, y float64) { return r.xs[len(r.xs)-1], r.ys[len(r.ys)-1] }

// update takes the runner's part of training step `step` (1-based): the
// forward pass of f on a fresh tape, the backward pass, SGD's noise, one
// optimizer step. A runner that has diverged stays where it is. A NaN or
// infinite position, or one far outside the plot, marks it diverged at
// this step; non-finite values are never recorded.
//
// check, when set, is called right after the optimizer's step with the
// position before it and the gradient it used (mine mode): it may move
// the parameter to the learner's position, which is then recorded.
func (r *runner) update(s *surface, seed uint64, step int, check func(before, g []float64)) {
	if r.divStep > 0 {
		return
	}
	tp := autograd.NewTape()
	f := s.build(tp, r.p)
	autograd.ZeroGrad(r.p)
	tp.Backward(f)
	g := r.p.Grad.Data
	r.exact = [2]float64{g[0], g[1]}
	if r.name == "sgd" {
		r.noise = noise(seed, step, s.sigma)
		g[0] += r.noise[0]
		g[1] += r.noise[1]
	}
	r.gx, r.gy = append(r.gx, g[0]), append(r.gy, g[1])
	r.prev = r.opt.State(r.p)
	before := slices.Clone(r.p.Value.Data)
	r.opt.Step([]*autograd.Var{r.p})
	if check != nil {
		check(before, []float64{g[0], g[1]})
	}
	if r.updates() == 1 {
		if sz := optim.Lookup(r.opt.State(r.p), optim.StateStepSize); sz != nil {
			r.firstSize = [2]float64{sz.Data[0], sz.Data[1]}
		}
	}
	x, y := r.p.Value.Data[0], r.p.Value.Data[1]
	fx := s.f(x, y)
	switch {
	case !finite(x) || !finite(y) || !finite(fx):
		r.divStep, r.divWhy = step, "its position overflowed to NaN or ±Inf"
		return
	case s.far(x, y):
		r.divStep = step
		r.divWhy = fmt.Sprintf("it left the plot far behind, at (%s, %s)", trainer.Num(x), trainer.Num(y))
	}
	r.xs, r.ys, r.fs = append(r.xs, x), append(r.ys, y), append(r.fs, fx)
}

// noise is SGD's gradient noise at a step: two draws from N(0, σ²) that
// depend only on the seed and the step, so a replayed run draws the same.
func noise(seed uint64, step int, sigma float64) [2]float64 {
	rng := rand.New(rand.NewPCG(seed, uint64(step)))
	return [2]float64{sigma * rng.NormFloat64(), sigma * rng.NormFloat64()}
}

// clone returns an independent copy: a new parameter, the optimizer's state
// moved onto it, and copies of the histories.
func (r *runner) clone() *runner {
	c := *r
	c.p = autograd.NewParam(r.p.Name, r.p.Value.Clone())
	c.opt = r.opt.Clone(map[*autograd.Var]*autograd.Var{r.p: c.p})
	c.xs, c.ys, c.fs = slices.Clone(r.xs), slices.Clone(r.ys), slices.Clone(r.fs)
	c.gx, c.gy = slices.Clone(r.gx), slices.Clone(r.gy)
	return &c
}

// flips counts the sign changes in the last n values of v.
func flips(v []float64, n int) int {
	v = v[max(0, len(v)-n):]
	k := 0
	for i := 1; i < len(v); i++ {
		if v[i]*v[i-1] < 0 {
			k++
		}
	}
	return k
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
