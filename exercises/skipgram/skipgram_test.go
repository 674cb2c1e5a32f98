package skipgram

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestSkipGram(t *testing.T) {
	checks.SkipGram(t, checks.SkipGramImpl{Loss: Loss, Grads: Grads})
}
