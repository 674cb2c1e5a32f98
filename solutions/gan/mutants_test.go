package gan

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement gan.GeneratorLoss"

func with(f func(*checks.GANImpl)) checks.GANImpl {
	impl := checks.GANImpl{DiscriminatorLoss: DiscriminatorLoss, GeneratorLoss: GeneratorLoss,
		DiscriminatorGrad: DiscriminatorGrad, GeneratorGrad: GeneratorGrad}
	f(&impl)
	return impl
}

// naive is σ(l) written the obvious way, which is 0 for l ≪ 0 and 1 for
// l ≫ 0 in float64.
func naive(l float64) float64 { return 1 / (1 + math.Exp(-l)) }

func scale(g []float64, k float64) []float64 {
	out := make([]float64, len(g))
	for i, x := range g {
		out[i] = k * x
	}
	return out
}

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.GANImpl
	want string
}{
	{"generator loss stub", with(func(m *checks.GANImpl) { m.GeneratorLoss = func([]float64) float64 { panic(todo) } }),
		"not implemented yet: gan.GeneratorLoss"},
	{"swapped labels in the loss", with(func(m *checks.GANImpl) {
		m.DiscriminatorLoss = func(real, fake []float64) float64 { return DiscriminatorLoss(fake, real) }
	}), "the labels are swapped"},
	{"swapped labels in the gradient", with(func(m *checks.GANImpl) {
		m.DiscriminatorGrad = func(real, fake []float64) ([]float64, []float64) {
			dr := make([]float64, len(real))
			for i, l := range real {
				dr[i] = naive(l) / float64(len(real))
			}
			df := make([]float64, len(fake))
			for j, l := range fake {
				df[j] = (naive(l) - 1) / float64(len(fake))
			}
			return dr, df
		}
	}), "the labels are swapped: dReal"},
	{"average of the halves", with(func(m *checks.GANImpl) {
		m.DiscriminatorLoss = func(real, fake []float64) float64 { return DiscriminatorLoss(real, fake) / 2 }
	}), "sum of the two means, not their average"},
	{"saturating generator loss", with(func(m *checks.GANImpl) {
		m.GeneratorLoss = func(fake []float64) float64 {
			s := 0.0
			for _, l := range fake {
				s += math.Log(1 - naive(l))
			}
			return s / float64(len(fake))
		}
	}), "that is the saturating loss"},
	{"saturating generator gradient", with(func(m *checks.GANImpl) {
		m.GeneratorGrad = func(fake []float64) []float64 {
			g := make([]float64, len(fake))
			for j, l := range fake {
				g[j] = -naive(l) / float64(len(fake))
			}
			return g
		}
	}), "gradient of the saturating loss"},
	{"log of the sigmoid overflows", with(func(m *checks.GANImpl) {
		m.DiscriminatorLoss = func(real, fake []float64) float64 {
			r, f := 0.0, 0.0
			for _, l := range real {
				r -= math.Log(naive(l))
			}
			for _, l := range fake {
				f -= math.Log(1 - naive(l))
			}
			return r/float64(len(real)) + f/float64(len(fake))
		}
	}), "compute −log σ(l) as softplus(−l)"},
	{"generator log of the sigmoid overflows", with(func(m *checks.GANImpl) {
		m.GeneratorLoss = func(fake []float64) float64 {
			s := 0.0
			for _, l := range fake {
				s -= math.Log(naive(l))
			}
			return s / float64(len(fake))
		}
	}), "compute −log σ(l) as softplus(−l)"},
	{"gradient through 1/σ", with(func(m *checks.GANImpl) {
		m.GeneratorGrad = func(fake []float64) []float64 {
			g := make([]float64, len(fake))
			for j, l := range fake {
				s := naive(l)
				g[j] = -1 / s * s * (1 - s) / float64(len(fake)) // dℓ/dσ · dσ/dl
			}
			return g
		}
	}), "do not go through 1/σ"},
	{"discriminator loss without 1/n", with(func(m *checks.GANImpl) {
		m.DiscriminatorLoss = func(real, fake []float64) float64 {
			s := 0.0
			for _, l := range real {
				s += softplus(-l)
			}
			for _, l := range fake {
				s += softplus(l)
			}
			return s
		}
	}), "divide each half by its batch size"},
	{"generator loss without 1/n", with(func(m *checks.GANImpl) {
		m.GeneratorLoss = func(fake []float64) float64 { return GeneratorLoss(fake) * float64(len(fake)) }
	}), "divide by the batch size n"},
	{"discriminator gradient without 1/n", with(func(m *checks.GANImpl) {
		m.DiscriminatorGrad = func(real, fake []float64) ([]float64, []float64) {
			dr, df := DiscriminatorGrad(real, fake)
			return scale(dr, float64(len(real))), scale(df, float64(len(fake)))
		}
	}), "divide by the batch size: dReal by n_real"},
	{"generator gradient without 1/n", with(func(m *checks.GANImpl) {
		m.GeneratorGrad = func(fake []float64) []float64 { return scale(GeneratorGrad(fake), float64(len(fake))) }
	}), "divide by the batch size n"},
	{"one mean over all logits", with(func(m *checks.GANImpl) {
		m.DiscriminatorLoss = func(real, fake []float64) float64 {
			s := 0.0
			for _, l := range real {
				s += softplus(-l)
			}
			for _, l := range fake {
				s += softplus(l)
			}
			return s / float64(len(real)+len(fake))
		}
	}), "take each half's mean over its own batch"},
	{"negated discriminator loss", with(func(m *checks.GANImpl) {
		m.DiscriminatorLoss = func(real, fake []float64) float64 { return -DiscriminatorLoss(real, fake) }
	}), "check the sign"},
	{"negated generator loss", with(func(m *checks.GANImpl) {
		m.GeneratorLoss = func(fake []float64) float64 { return -GeneratorLoss(fake) }
	}), "check the sign"},
	{"flipped discriminator gradient", with(func(m *checks.GANImpl) {
		m.DiscriminatorGrad = func(real, fake []float64) ([]float64, []float64) {
			dr, df := DiscriminatorGrad(real, fake)
			return scale(dr, -1), scale(df, -1)
		}
	}), "the sign is flipped"},
	{"flipped generator gradient", with(func(m *checks.GANImpl) {
		m.GeneratorGrad = func(fake []float64) []float64 { return scale(GeneratorGrad(fake), -1) }
	}), "the sign is flipped"},
	{"generator gradient with label 0", with(func(m *checks.GANImpl) {
		m.GeneratorGrad = func(fake []float64) []float64 {
			_, df := DiscriminatorGrad(fake[:1], fake)
			return df
		}
	}), "that is the gradient for label 0"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckGAN(m.impl), m.want)
		})
	}
}
