package maxpool

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestMaxPool(t *testing.T) {
	checks.MaxPool(t, checks.MaxPoolImpl{Forward: Forward, Backward: Backward})
}
