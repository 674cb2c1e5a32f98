package dense

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestDense(t *testing.T) {
	checks.Dense(t, checks.DenseImpl{Forward: Forward, Backward: Backward})
}
