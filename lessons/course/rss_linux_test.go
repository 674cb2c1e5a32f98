package course

import (
	"bytes"
	"os"
	"strconv"
)

// resetPeakRSS sets the process's peak resident set size (VmHWM) to its
// current one (Linux ≥ 4.0); it reports whether it could.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS is the process's peak resident set size (VmHWM) in bytes, or 0
// when it cannot be read.
func peakRSS() float64 {
	st, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range bytes.Lines(st) {
		if f := bytes.Fields(line); len(f) == 3 && string(f[0]) == "VmHWM:" {
			kb, err := strconv.ParseFloat(string(f[1]), 64)
			if err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}
