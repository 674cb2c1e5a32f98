package adam

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestAdam(t *testing.T) {
	checks.Adam(t, checks.AdamImpl{New: func(lr float64) checks.Stepper { return New(lr) }})
}
