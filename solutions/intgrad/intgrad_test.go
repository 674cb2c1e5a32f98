package intgrad

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestIntGrad(t *testing.T) {
	checks.IntGrad(t, checks.IntGradImpl{Forward: Forward, Gradient: Gradient, IntegratedGradients: IntegratedGradients})
}
