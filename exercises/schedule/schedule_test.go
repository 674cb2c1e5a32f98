package schedule

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestSchedule(t *testing.T) {
	checks.Schedule(t, checks.ScheduleImpl{StepDecay: StepDecay, Cosine: Cosine, WarmupConstant: WarmupConstant, WarmupCosine: WarmupCosine})
}
