//go:build unix

package progress

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// tryLock takes an exclusive advisory lock (flock) on the open lock file
// without waiting; busy reports that another process holds it.
func tryLock(f *os.File) (busy bool, err error) {
	err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) || errors.Is(err, unix.EAGAIN) {
		return true, nil
	}
	return false, err
}

// unlock releases the lock; closing the file would release it too.
func unlock(f *os.File) { unix.Flock(int(f.Fd()), unix.LOCK_UN) }

// exclusiveCreate is false: flock locks an ordinary, shared lock file.
const exclusiveCreate = false
