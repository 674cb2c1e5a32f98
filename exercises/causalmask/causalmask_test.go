package causalmask

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestCausalMask(t *testing.T) {
	checks.CausalMask(t, checks.CausalMaskImpl{CausalMask: CausalMask, MaskedSoftmax: MaskedSoftmax, MaskedSoftmaxBackward: MaskedSoftmaxBackward})
}
