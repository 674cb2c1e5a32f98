package rnn

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestRNN(t *testing.T) { checks.RNN(t, checks.RNNImpl{Step: Step, StepBackward: StepBackward}) }
