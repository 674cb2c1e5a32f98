//go:build !windows

package harness

import (
	"os"
	"os/exec"
)

// passFiles gives the harness process its protocol files: the requests'
// read end as descriptor 3 and the responses' write end as descriptor 4.
func passFiles(cmd *exec.Cmd, req, resp *os.File) error {
	cmd.ExtraFiles = []*os.File{req, resp}
	return nil
}

// protocolFiles returns the harness's ends of the protocol (descriptors 3
// and 4), kept out of any program the learner's code starts, or nils when
// the process was not started by the grader.
func protocolFiles() (in, out *os.File) {
	in, out = os.NewFile(3, "requests"), os.NewFile(4, "responses")
	if in == nil || out == nil {
		return nil, nil
	}
	// The grader passes pipes; without them the numbers may belong to the
	// runtime's own descriptors (its poller), which are not pipes.
	for _, f := range []*os.File{in, out} {
		if st, err := f.Stat(); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
			return nil, nil
		}
	}
	closeOnExec(3)
	closeOnExec(4)
	return in, out
}
