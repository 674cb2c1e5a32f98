package attention

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestAttention(t *testing.T) {
	checks.Attention(t, checks.AttentionImpl{Attention: Attention})
}
