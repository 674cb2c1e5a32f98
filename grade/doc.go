// Package grade grades the learner's exercises: it runs go test -json on
// the exercise packages of the exercises module, reads the test2json
// events, and turns them into a Report.
//
// # Statuses
//
// Each check (a leaf test: one named case of an exercise's check) passes,
// fails, is "todo" (it met a stub that still panics with "TODO: …", which
// the checks report as "not implemented yet: …") or is in error (it never
// finished: the package timed out or crashed). An exercise passes when all its
// checks pass, is todo when nothing is wrong but something is missing,
// fails when a check found a mistake, and is in error when it did not
// build, timed out or crashed; its Message then says where.
//
// # Outputs
//
// The same Report is written for people (WriteScoreboard, with a
// "Points X/Y" line for GitHub Classroom), as stable JSON (the Report
// itself), as Exercism's results.json v3 (ExercismResults) and as JUnit
// XML (JUnit). Record stores each exercise's status in the learner's
// progress file.
//
// # Robustness
//
// Each exercise is its own package, so a compile error, a hang or a crash
// costs only that exercise. go test runs with -count=1 and a timeout per
// package; build failures arrive as build-output and build-fail events
// (and FailedBuild on the package's fail event); a test that started and
// never finished gets no terminal event; lines that are not JSON are kept
// for messages.
package grade
