package autograd

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestAutograd(t *testing.T) {
	checks.Autograd(t, checks.AutogradImpl{Eval: Eval})
}
