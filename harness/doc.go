// Package harness calls a learner's functions in a process of their own,
// so that a grade (or a lesson running the learner's code) is computed
// where that code cannot reach it.
//
// A harness process is built from the learner's package and a generated
// main that calls Serve with the package's exported functions. It only
// answers calls: it reads a Request (a function's name and its
// arguments) on file descriptor 3 and writes a Response (the results,
// the arguments as the call left them, or the panic or runtime.Goexit
// that happened, with the learner's file:line) on file descriptor 4, one
// JSON object per line (see wire.go). What the learner's code prints
// goes to its own stdout and stderr, which never carry protocol.
//
// The grader's side starts the process (Start: own process group, a
// scratch working folder, CPU, memory and process limits, and where the
// platform allows it no network and a process namespace of its own) and
// fills a check's struct of functions with proxies (Session.Bind, with
// reflect.MakeFunc) that make the calls. The checks run in the grader's
// process and compare: whatever the learner's code prints, however it
// exits and whatever files it rewrites, the only way to pass is to
// return right values. A process that ends, crashes or hangs is
// described in one line with the learner's file:line (Failure).
//
// Platforms: Linux gets namespaces where the kernel allows them (as root:
// network and process namespaces and the nobody user; otherwise a user
// namespace), and falls back to limits only, saying so in Isolation;
// other Unix systems get limits and a process group. The protocol files
// are inherited descriptors 3 and 4 on Unix; Windows has no numbered
// descriptors to pass, so there the two pipe handles are inherited by
// value and named in an environment variable (files_windows.go), and the
// only limit is the time limit (no CPU, memory or process limits, and a
// program the learner's code starts is not stopped with it).
//
// The package imports only the standard library and holds no expected
// values; its source is embedded (Source) so that the grader can build a
// harness from a learner's folder alone.
package harness
