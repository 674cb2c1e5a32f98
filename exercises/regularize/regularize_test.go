package regularize

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestRegularize(t *testing.T) {
	checks.Regularize(t, checks.RegularizeImpl{
		L2Grad: L2Grad, DropoutForward: DropoutForward, DropoutBackward: DropoutBackward, DropoutEval: DropoutEval,
	})
}
