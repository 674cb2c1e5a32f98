package momentum

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestMomentum(t *testing.T) {
	checks.Momentum(t, checks.MomentumImpl{Momentum: Momentum, Nesterov: Nesterov, RMSProp: RMSProp})
}
