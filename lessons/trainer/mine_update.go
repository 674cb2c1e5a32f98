package trainer

import (
	"fmt"
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
)

// Mine mode for optimizer updates: the update an engine optimizer makes
// to each parameter is made again by the learner's optimizer, fed the
// same gradient, and compared; where it agrees, the parameter goes on with
// the learner's new values.
//
// Which exercise checks which optimizer, and the convention relied on:
//
//   - *optim.Adam with β1 = 0.9, β2 = 0.999, ε = 1e-8 and no decoupled
//     decay: adam.New(lr), one learner's optimizer per parameter (the
//     engine keeps t per parameter too), Step(w, g). A classic L2 weight
//     decay λ is fed as the gradient g + λ·w the engine's Adam uses. The
//     learner's optimizer lives in the harness: it is made at the
//     parameter's first update and fed every gradient since. It cannot
//     change its learning rate, nor be copied, so when the learning rate
//     changes, or the run is stepped back or copied (a checkpoint, a
//     fork), a new one is made with New(lr) and fed the same gradients
//     again, in order (its state depends on the gradients only). The
//     gradients are kept for that: one copy of each parameter per update.
//   - *optim.Momentum: momentum.Momentum(w, v, g, lr, μ), or
//     momentum.Nesterov when Nesterov is set, in PyTorch's convention as
//     the engine's; RMSProp: momentum.RMSProp(w, s, g, lr, α, ε). The
//     state v (or s) passed is the one the learner's function returned at
//     the previous update (zeros at the first); the new one is compared
//     with the engine's state, then the new w with the engine's.
//   - Other optimizers (SGD, AdaGrad, AdamW, an Adam with other betas)
//     have no exercise: their updates are not checked.
type MineOpt struct {
	// params by parameter index. The slice is replaced, never written,
	// by each update, so a copy of a MineOpt (a snapshot) keeps its state.
	params []optParam
}

// optParam is the learner's side of one parameter's optimizer.
type optParam struct {
	fed   *gradLink    // Adam: the gradients fed so far, the newest first
	state []float64    // Momentum, RMSProp: the state the learner's function returned last
	adam  *learnerAdam // Adam: the learner's optimizer, if one was made
}

// gradLink is one gradient fed to a learner's Adam; links are never
// changed, so histories share their common past.
type gradLink struct {
	prev *gradLink
	g    []float64
}

// history returns the gradients fed up to l, oldest first.
func (l *gradLink) history() [][]float64 {
	var out [][]float64
	for ; l != nil; l = l.prev {
		out = append(out, l.g)
	}
	slices.Reverse(out)
	return out
}

// learnerAdam is a learner's Adam in the harness, with what it has been
// fed: it is usable by owner, at learning rate lr, after the gradients at.
type learnerAdam struct {
	s     checks.Stepper
	owner any
	lr    float64
	at    *gradLink
}

// optKind returns the exercise and function that check opt's updates and
// the op name of the check, or ok false when none does.
func optKind(opt optim.Optimizer) (exercise, fn, op string, ok bool) {
	switch o := opt.(type) {
	case *optim.Adam:
		if o.Beta1 == 0.9 && o.Beta2 == 0.999 && o.Eps == 1e-8 && !o.Decoupled {
			return "adam", "New", "adam update", true
		}
	case *optim.Momentum:
		if o.Nesterov {
			return "momentum", "Nesterov", "nesterov update", true
		}
		return "momentum", "Momentum", "momentum update", true
	case *optim.RMSProp:
		return "momentum", "RMSProp", "rmsprop update", true
	}
	return "", "", "", false
}

func init() {
	RegisterMineOp("", "adam update", "adam", "New")
	RegisterMineOp("", "momentum update", "momentum", "Momentum")
	RegisterMineOp("", "nesterov update", "momentum", "Nesterov")
	RegisterMineOp("", "rmsprop update", "momentum", "RMSProp")
}

// MineOptChecks reports whether the updates of opt can be checked against
// an exercise of m (one m has).
func MineOptChecks(m *lessons.Mine, opt optim.Optimizer) bool {
	ex, _, _, ok := optKind(opt)
	return ok && m != nil && m.Impls[ex] != nil
}

// Update compares the update opt has just made to params with the
// learner's: before[i] is params[i]'s value before the step, grads[i] the
// gradient the step used (nil: the parameter was not updated). owner is
// the machine the learner's optimizers belong to (a copy of the machine
// has another). It returns one check per parameter updated, up to the
// first that fails; when a parameter's check agrees, its value is the
// learner's. Nil means opt's updates are not checked (see MineOpt).
func (u *MineOpt) Update(m *lessons.Mine, owner any, opt optim.Optimizer, params []*autograd.Var, before, grads [][]float64) []lessons.MineCheck {
	ex, fn, op, ok := optKind(opt)
	if !ok || m == nil || m.Impls[ex] == nil {
		return nil
	}
	next := make([]optParam, len(params))
	copy(next, u.params)
	var out []lessons.MineCheck
	for i, p := range params {
		if grads[i] == nil {
			continue
		}
		mc := NewMineCompare(m, ex, fn, fmt.Sprintf("%s ← %s", p.Name, op), op)
		next[i] = checkUpdate(mc, m.Impls[ex], owner, opt, p, next[i], before[i], grads[i])
		c := mc.Check()
		out = append(out, c)
		if !c.OK {
			break
		}
	}
	u.params = next
	return out
}

// checkUpdate compares one parameter's update and returns its learner's
// state after it.
func checkUpdate(mc *MineCompare, impl any, owner any, opt optim.Optimizer, p *autograd.Var, st optParam, w0, g0 []float64) optParam {
	lr := opt.LearningRate()
	w, g := slices.Clone(w0), slices.Clone(g0)
	n := len(w)
	mc.Total(n)
	var wd float64
	switch o := opt.(type) {
	case *optim.Adam:
		wd = o.WeightDecay
	case *optim.Momentum:
		wd = o.WeightDecay
	case *optim.RMSProp:
		wd = o.WeightDecay
	}
	if wd != 0 {
		for i := range g {
			g[i] += wd * w0[i]
		}
	}
	engineState := func(name string) []float64 {
		if t := optim.Lookup(opt.State(p), name); t != nil {
			return t.Data
		}
		return nil
	}
	compareW := func(got []float64, args []any, all any) bool {
		if len(got) != n {
			mc.Problem(fmt.Sprintf("returned %d weights for %d: return w as long as the w given", len(got), n))
			return false
		}
		for i := range n {
			if !mc.Elem(p.Value, i, fmt.Sprintf("w[%d]", i), p.Value.Data[i], got[i], args, all) {
				return false
			}
		}
		return true
	}
	switch opt.(type) {
	case *optim.Adam:
		link := &gradLink{prev: st.fed, g: g}
		a := st.adam
		if a == nil || a.owner != owner || a.lr != lr || a.at != st.fed {
			a = newLearnerAdam(mc, impl.(*checks.AdamImpl), owner, lr, st.fed, n)
			if a == nil {
				return st
			}
		}
		st.adam = nil // unusable if the step fails
		if !mc.Call(func() { a.s.Step(w, slices.Clone(g)) }) {
			return st
		}
		a.at = link
		st.fed, st.adam = link, a
		compareW(w, []any{lr, slices.Clone(w0), link.history()}, w)
	case *optim.Momentum, *optim.RMSProp:
		mm := impl.(*checks.MomentumImpl)
		mc.Total(2 * n) // the state, then w
		state := st.state
		if state == nil {
			state = make([]float64, n)
		}
		var wn, sn []float64
		var args []any // for the checks' diagnosis
		name := optim.StateVelocity
		called := mc.Call(func() {
			switch o := opt.(type) {
			case *optim.RMSProp:
				args = []any{w, state, slices.Clone(g), lr, o.Alpha, o.Eps}
				wn, sn = mm.RMSProp(slices.Clone(w), slices.Clone(state), g, lr, o.Alpha, o.Eps)
			case *optim.Momentum:
				f := mm.Momentum
				if o.Nesterov {
					f = mm.Nesterov
				}
				args = []any{w, state, slices.Clone(g), lr, o.Mu}
				wn, sn = f(slices.Clone(w), slices.Clone(state), g, lr, o.Mu)
			}
		})
		if !called {
			return st
		}
		sym := "v"
		if isRMS(opt) {
			name, sym = optim.StateV, "s"
		}
		want := engineState(name)
		if len(sn) != n {
			mc.Problem(fmt.Sprintf("returned a %s of %d values for %d weights", sym, len(sn), n))
			return st
		}
		got := append(slices.Clone(sn), wn...) // the new state, then w
		for i := range min(n, len(want)) {
			if !mc.Elem(nil, i, fmt.Sprintf("%s[%d]", sym, i), want[i], sn[i], args, got) {
				return st
			}
		}
		if compareW(wn, args, got) {
			st.state = sn
		}
	}
	return st
}

func isRMS(opt optim.Optimizer) bool {
	_, ok := opt.(*optim.RMSProp)
	return ok
}

// newLearnerAdam makes the learner's Adam at lr and feeds it the
// gradients of fed, oldest first (on weights of zeros: only its state
// matters). It returns nil when a call failed (mc has the problem).
func newLearnerAdam(mc *MineCompare, impl *checks.AdamImpl, owner any, lr float64, fed *gradLink, n int) *learnerAdam {
	a := &learnerAdam{owner: owner, lr: lr}
	if !mc.Call(func() { a.s = impl.New(lr) }) {
		return nil
	}
	if a.s == nil {
		mc.Problem("adam.New returned nil: return a new optimizer")
		return nil
	}
	for _, g := range fed.history() {
		if !mc.Call(func() { a.s.Step(make([]float64, n), slices.Clone(g)) }) {
			return nil
		}
	}
	a.at = fed
	return a
}

// mineUpdate returns the step's update, checked against the learner's
// optimizer when the run is in mine mode and the lesson set Opt (the
// optimizer the update applies to every parameter of Params that has a
// gradient): the parameters before it and the gradients it used (after
// it: a clipping update changes them first) go to MineOpt.Update.
func (l *Loop) mineUpdate(update func()) func() {
	if l.Mine == nil || l.Opt == nil || !MineOptChecks(l.Mine, l.Opt) {
		return update
	}
	return func() {
		before := make([][]float64, len(l.Params))
		for i, p := range l.Params {
			before[i] = slices.Clone(p.Value.Data)
		}
		update()
		grads := make([][]float64, len(l.Params))
		for i, p := range l.Params {
			if p.Grad != nil {
				grads[i] = p.Grad.Data
			}
		}
		for _, c := range l.mineOpt.Update(l.Mine, l, l.Opt, l.Params, before, grads) {
			if !MineAdd(l.mineRep, c) {
				l.MineStopped = true
			}
		}
	}
}
