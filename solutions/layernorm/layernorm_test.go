package layernorm

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestLayerNorm(t *testing.T) {
	checks.LayerNorm(t, checks.LayerNormImpl{Forward: Forward, Backward: Backward})
}
