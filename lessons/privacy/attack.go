package privacy

import (
	"math"
	"slices"
	"sort"
)

// attack is the loss-threshold membership-inference attack (Yeom et al.,
// "Privacy Risk in Machine Learning", 2018): guess "member" when the
// model's loss on an example is at most a threshold τ. The attacker picks
// τ on reference examples whose membership it is told (the first Half of
// the members and of the non-members) and is scored on the others, the
// targets: TPR is the share of target members it calls members, FPR the
// share of target non-members it calls members.
type attack struct {
	Tau, TPR, FPR float64
	// acc = (TPR + 1 − FPR)/2, the accuracy on the balanced targets (a
	// coin scores 50%); adv = TPR − FPR, the membership advantage.
	Acc, Adv float64
	// auc is the area under the targets' ROC curve: the chance that a
	// random target member has a lower loss than a random target
	// non-member (0.5: no signal).
	AUC float64
	// Yeom's own threshold, the mean training loss, on the same targets.
	MeanTau, MeanAdv float64
}

// runAttack attacks a model from its losses on the members and the
// non-members (each N, reference half first).
func runAttack(member, non []float64) attack {
	refM, refN := member[:Half], non[:Half]
	tM, tN := member[Half:], non[Half:]
	var a attack
	a.Tau = bestThreshold(refM, refN)
	a.TPR, a.FPR = below(tM, a.Tau), below(tN, a.Tau)
	a.Adv = a.TPR - a.FPR
	a.Acc = (a.TPR + 1 - a.FPR) / 2
	a.AUC = auc(tM, tN)
	mean := 0.0
	for _, l := range member {
		mean += l
	}
	a.MeanTau = mean / float64(len(member))
	a.MeanAdv = below(tM, a.MeanTau) - below(tN, a.MeanTau)
	return a
}

// below is the share of xs at most tau.
func below(xs []float64, tau float64) float64 {
	n := 0
	for _, x := range xs {
		if x <= tau {
			n++
		}
	}
	return float64(n) / float64(len(xs))
}

// bestThreshold is the τ that maximises TPR − FPR on the reference
// examples, halfway between two neighbouring losses.
func bestThreshold(m, n []float64) float64 {
	type pt struct {
		l      float64
		member bool
	}
	all := make([]pt, 0, len(m)+len(n))
	for _, l := range m {
		all = append(all, pt{l, true})
	}
	for _, l := range n {
		all = append(all, pt{l, false})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].l < all[j].l })
	best, tau := 0.0, math.Inf(-1)
	tp, fp := 0, 0
	for i, p := range all {
		if p.member {
			tp++
		} else {
			fp++
		}
		if i+1 < len(all) && all[i+1].l == p.l {
			continue
		}
		adv := float64(tp)/float64(len(m)) - float64(fp)/float64(len(n))
		if adv > best {
			best = adv
			tau = p.l
			if i+1 < len(all) {
				tau = (p.l + all[i+1].l) / 2
			}
		}
	}
	return tau
}

// auc is P(member loss < non-member loss) + ½P(tie), by ranks.
func auc(m, n []float64) float64 {
	sn := slices.Clone(n)
	slices.Sort(sn)
	s := 0.0
	for _, l := range m {
		lo := sort.SearchFloat64s(sn, l)
		hi := lo
		for hi < len(sn) && sn[hi] == l {
			hi++
		}
		s += float64(len(sn)-hi) + 0.5*float64(hi-lo)
	}
	return s / float64(len(m)*len(n))
}
