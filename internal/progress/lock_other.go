//go:build !unix

package progress

import "os"

// Without flock, the lock is the lock file's existence: lockFile creates
// it with O_EXCL and removes it on unlock; a lock file older than
// staleLock (left by a killed process) is taken over.
func tryLock(*os.File) (busy bool, err error) { return false, nil }

func unlock(*os.File) {}

const exclusiveCreate = true
