package logistic

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestLogistic(t *testing.T) {
	checks.Logistic(t, checks.LogisticImpl{Sigmoid: Sigmoid, BCE: BCE, Grad: Grad})
}
