package optim

import (
	"fmt"
	"math"
	"strings"
)

// Names lists the names New accepts, in the order of the course.
var Names = []string{"gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"}

// Option changes one setting of an optimizer made by New.
type Option func(Optimizer) error

// New returns the optimizer called name with learning rate lr and the
// defaults of its constructor, then applies opts in order:
//
//	"gd", "sgd"  NewSGD(lr)
//	"momentum"   NewMomentum(lr, 0.9)
//	"nesterov"   NewNesterov(lr, 0.9)
//	"adagrad"    NewAdaGrad(lr)
//	"rmsprop"    NewRMSProp(lr)
//	"adam"       NewAdam(lr)
//	"adamw"      NewAdamW(lr)  (decoupled weight decay 0.01)
//
// Names are matched case-insensitively. An unknown name, an invalid lr or
// an option that does not apply gives a one-line error, such as
//
//	optim: unknown optimizer "adamax" (want gd, sgd, momentum, nesterov, adagrad, rmsprop, adam or adamw)
func New(name string, lr float64, opts ...Option) (Optimizer, error) {
	if err := CheckLR(lr); err != nil {
		return nil, err
	}
	var o Optimizer
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "gd", "sgd":
		o = NewSGD(lr)
	case "momentum":
		o = NewMomentum(lr, 0.9)
	case "nesterov":
		o = NewNesterov(lr, 0.9)
	case "adagrad":
		o = NewAdaGrad(lr)
	case "rmsprop":
		o = NewRMSProp(lr)
	case "adam":
		o = NewAdam(lr)
	case "adamw":
		o = NewAdamW(lr)
	default:
		return nil, fmt.Errorf("optim: unknown optimizer %q (want %s or %s)",
			name, strings.Join(Names[:len(Names)-1], ", "), Names[len(Names)-1])
	}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// WithWeightDecay sets the L2 weight decay λ (λ·W is added to every
// gradient). It fails if λ is negative or not finite.
func WithWeightDecay(lambda float64) Option {
	return func(o Optimizer) error {
		if !finite(lambda) || lambda < 0 {
			return fmt.Errorf("optim: weight decay %g must be a finite number ≥ 0", lambda)
		}
		switch o := o.(type) {
		case *SGD:
			o.WeightDecay = lambda
		case *Momentum:
			o.WeightDecay = lambda
		case *AdaGrad:
			o.WeightDecay = lambda
		case *RMSProp:
			o.WeightDecay = lambda
		case *Adam:
			o.WeightDecay = lambda
		default:
			return fmt.Errorf("optim: %s has no weight decay", o.Name())
		}
		return nil
	}
}

// WithMomentum sets μ of "momentum" or "nesterov". It fails for other
// optimizers and if μ is outside [0, 1).
func WithMomentum(mu float64) Option {
	return func(o Optimizer) error {
		m, ok := o.(*Momentum)
		if !ok {
			return fmt.Errorf("optim: %s has no momentum setting", o.Name())
		}
		if err := unit("momentum", mu); err != nil {
			return err
		}
		m.Mu = mu
		return nil
	}
}

// WithBetas sets β1 and β2 of "adam" or "adamw". It fails for other optimizers and if
// either is outside [0, 1).
func WithBetas(beta1, beta2 float64) Option {
	return func(o Optimizer) error {
		a, ok := o.(*Adam)
		if !ok {
			return fmt.Errorf("optim: %s has no betas", o.Name())
		}
		if err := unit("β1", beta1); err != nil {
			return err
		}
		if err := unit("β2", beta2); err != nil {
			return err
		}
		a.Beta1, a.Beta2 = beta1, beta2
		return nil
	}
}

// WithAlpha sets the decay α of "rmsprop". It fails for other optimizers
// and if α is outside [0, 1).
func WithAlpha(alpha float64) Option {
	return func(o Optimizer) error {
		r, ok := o.(*RMSProp)
		if !ok {
			return fmt.Errorf("optim: %s has no alpha", o.Name())
		}
		if err := unit("alpha", alpha); err != nil {
			return err
		}
		r.Alpha = alpha
		return nil
	}
}

// WithEps sets ε of "adagrad", "rmsprop", "adam" or "adamw". It fails for other
// optimizers and if ε is not a finite number > 0.
func WithEps(eps float64) Option {
	return func(o Optimizer) error {
		if !finite(eps) || eps <= 0 {
			return fmt.Errorf("optim: epsilon %g must be a finite number > 0", eps)
		}
		switch o := o.(type) {
		case *AdaGrad:
			o.Eps = eps
		case *RMSProp:
			o.Eps = eps
		case *Adam:
			o.Eps = eps
		default:
			return fmt.Errorf("optim: %s has no epsilon", o.Name())
		}
		return nil
	}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func unit(name string, x float64) error {
	if !(x >= 0 && x < 1) {
		return fmt.Errorf("optim: %s %g must be in [0, 1)", name, x)
	}
	return nil
}
