package attnpool

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestAttnPool(t *testing.T) {
	checks.AttnPool(t, checks.AttnPoolImpl{Pool: Pool, Backward: Backward})
}
