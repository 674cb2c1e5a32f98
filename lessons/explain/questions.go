package explain

import (
	"fmt"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// goal: integrated gradients keeps its promise on this run — the
// attributions of the explained digit add up to s_c(x) − s_c(black) to
// within a millionth of that difference. It holds at the defaults
// (Gauss–Legendre with 32 points on the smooth network, errors near 1e-15)
// and is missed with the Riemann rule at any m the control offers (its
// error falls like 1/m: a few per cent at 32) and on the ReLU network,
// whose kinks no rule with a few dozen points integrates exactly.
var goal = &lessons.Goal{
	Measure: "ig_error", Label: "IG completeness error |Σ IG − Δs|/|Δs|",
	Compare: lessons.AtMost, Target: 1e-6,
	Remedies: map[string]lessons.Remedy{
		lessons.CausePlateau: {Why: "integrate with Gauss–Legendre nodes (rule gauss) and at least 16 steps, on the smooth tanh network: " +
			"the Riemann sum's error only halves when m doubles, and a ReLU network's score has kinks along the path that no rule with a few dozen points integrates exactly"},
		lessons.CauseDiverged: {Control: "act", Value: Smooth,
			Why: "training diverged before there was a network to explain; start again with the default network"},
	},
}

// Measures implements lessons.Measurer: the completeness error of
// integrated gradients for the digit explained (once trained) and the
// test accuracy. The training loss is left out on purpose: the goal is
// about the explanation, and a verdict must not blame the training for a
// quadrature error.
func (m *machine) Measures() lessons.Measures {
	v := map[string]float64{}
	if m.rep != nil {
		v["ig_error"] = m.rep.ig.Rel
		v["accuracy"] = m.acc
	}
	return lessons.Measures{Values: v}
}

// regionNames are the nine thirds of the image, row by row.
var regionNames = []string{"top left", "top middle", "top right", "middle left", "centre", "middle right",
	"bottom left", "bottom middle", "bottom right"}

// region is the index in regionNames of the third holding pixel (r, c).
func region(r, c int) int { return (r*3/Side)*3 + c*3/Side }

// Ask implements lessons.Questioner. Three moments of the explanation:
// before integrated gradients is shown (what will its attributions add up
// to?), before occlusion (where will a black patch hurt most?) and before
// the sanity check (will the chosen method's map survive randomising the
// top layer?).
func (m *machine) Ask() *lessons.Ask {
	r := m.rep
	switch m.stage {
	case stGradInput:
		return &lessons.Ask{
			ID: "ig-sum",
			Prompt: fmt.Sprintf("Next, integrated gradients: the attribution of each pixel integrated along the path from the black image to the digit. "+
				"The network scores the digit s%d(x) = %s and the black image s%d(black) = %s. What will the %d attributions add up to? (within 0.01)",
				r.class, trainer.Num(r.scores[r.class]), r.class, trainer.Num(r.base), Pixels),
			Kind: scene.QuestionNumber, Tolerance: 0.01,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				rp := f.(*machine).rep
				return lessons.Resolution{Value: rp.ig.Sum, Explain: fmt.Sprintf(
					"Σ IG = %s; s(x) − s(black) = %s − %s = %s. By the fundamental theorem of calculus the exact integral adds up to the difference of the scores (completeness); the %s rule with m = %d misses it by %s (relative %s).",
					trainer.Num(rp.ig.Sum), trainer.Num(rp.ig.FX), trainer.Num(rp.ig.FBase), trainer.Num(rp.ig.FX-rp.ig.FBase),
					rp.set.rule, rp.set.steps, trainer.Num(rp.ig.Error), trainer.Num(rp.ig.Rel))}
			},
		}
	case stIG:
		return &lessons.Ask{
			ID: "occlusion-where",
			Prompt: fmt.Sprintf("Next, occlusion: a black %d×%d square slides over the digit and we watch s%d fall. In which part of the image will the square hurt the score most?",
				r.set.patch, r.set.patch, r.class),
			Kind: scene.QuestionChoice, Choices: regionNames,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				rp := f.(*machine).rep
				o := rp.occ
				cr, cc := o.BestR+o.PatchSide/2, o.BestC+o.PatchSide/2
				k := region(cr, cc)
				return lessons.Resolution{Choice: k, Explain: fmt.Sprintf(
					"The worst square has its top-left corner at row %d, column %d (centre in the %s): covering it takes s%d from %s to %s, a drop of %s.",
					o.BestR, o.BestC, regionNames[k], rp.class, trainer.Num(o.Score), trainer.Num(o.Score-o.Drops[o.Best]), trainer.Num(o.Drops[o.Best]))}
			},
		}
	case stChannels:
		j := methodIndex(r.set.method)
		return &lessons.Ask{
			ID: "sanity-dense",
			Prompt: fmt.Sprintf("Next, the sanity check. The dense layer's trained weights are replaced by random ones (the convolutions keep theirs). "+
				"Will the %s map still rank the pixels much as before (rank correlation ρ > 0.5 with the trained network's map)?", methodLabels[j]),
			Kind: scene.QuestionChoice, Choices: []string{"yes: ρ > 0.5", "no: ρ ≤ 0.5"},
			Resolve: func(f lessons.Machine) lessons.Resolution {
				e := f.(*machine)
				s := e.net.sanityCheck(e.rep, e.seed+7)
				rho := s.Rho[0][j]
				k := 1
				if rho > 0.5 {
					k = 0
				}
				return lessons.Resolution{Choice: k, Explain: fmt.Sprintf(
					"ρ = %s after randomising the dense layer. A map that depends on what the network learned must change when the learned weights go; the Sobel edge map, which has no network in it, keeps ρ = 1.",
					trainer.Num(rho))}
			},
		}
	}
	return nil
}

// methodLabels name the methods as the learner reads them, in
// methodNames order.
var methodLabels = []string{"saliency |∂s/∂x|", "gradient × input", "integrated gradients", "occlusion", "Grad-CAM"}

func methodIndex(name string) int {
	for i, n := range methodNames {
		if n == name {
			return i
		}
	}
	return 0
}
