package softmax

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestSoftmax(t *testing.T) {
	checks.Softmax(t, checks.SoftmaxImpl{Softmax: Softmax, CrossEntropy: CrossEntropy, Grad: Grad})
}
