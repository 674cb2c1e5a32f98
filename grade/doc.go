// Package grade grades the learner's exercises with a verdict computed
// where the learner's code cannot reach it.
//
// # How a grade runs
//
// Run copies the learner's non-test Go files of each exercise (after an
// overlay, if any) into a scratch module, with the harness package's
// embedded source and a generated main per exercise, and builds one
// harness program per exercise. It first asks the build for the
// exercise's dependencies (go list -deps): a package that imports
// anything outside the standard library (the kit's solutions, its checks,
// its engine) is not graded, with a one-line reason. The checks come from
// this program (package checks, compiled in), never from the learner's
// test files, which are not read at all. Each check runs here against
// proxies of the learner's functions; the harness process only answers
// calls (see package harness).
//
// # Statuses
//
// Each check passes, fails, is "todo" (it met a stub that still panics
// with "TODO: …"), is in error (the harness ended, crashed or timed out
// during it; once one has, each check left gets AfterTimeout) or was not
// run (its exercise is missing, did not build or was refused). Every check of the manifest is listed, so
// totals never change with how a run ended. An exercise passes when all
// its checks pass, is todo when nothing is wrong but something is
// missing, fails when a check found a mistake, and is in error otherwise;
// its Message then says why. Points are partial: an exercise earns its
// weight times the share of its checks that pass.
//
// # Outputs
//
// The same Report is written for people (WriteScoreboard, with a
// "Points X/Y" line for GitHub Classroom), as stable JSON (the Report
// itself), as Exercism's results.json v3 (ExercismResults) and as JUnit
// XML (JUnit). Record stores each exercise's status, counts and first
// problem in the learner's progress file.
package grade
