package lstm

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestLSTM(t *testing.T) {
	checks.LSTM(t, checks.LSTMImpl{Step: Step, StepBackward: StepBackward})
}
