//go:build !amd64

package tensor

// withPackBT512 runs f: without AVX-512 packBTrans always copies in Go.
func withPackBT512(on bool, f func()) { f() }
