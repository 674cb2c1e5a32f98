// Package tui is dlearn's terminal front end: a Bubble Tea v2 program that
// lists the course's lessons, plays one lesson run step by step, and shows
// a lesson's exercises with their last grades.
//
// # Using it
//
// The command line starts it with Run; tests build the model with New and
// drive it with messages:
//
//	err := tui.Run(course.Registry(), tui.Options{Store: store, Seed: 42})
//
// Run takes the terminal's alternate screen and returns when the learner
// quits. It does not check that there is a terminal: the caller does.
//
// # Screens
//
// The home screen lists the lessons in course order with a one-line
// summary and the learner's progress (training steps seen, exercises
// passed); / filters, enter opens. A lesson opens where the learner left
// it: its journal in the progress store is replayed (lessons.ResumeFrom),
// from the latest checkpoint saved beside it when the lesson persists
// them and one fits the journal (progress.Store.ReadCheckpoint); a
// journal that no longer fits the lesson starts it afresh, and the status
// line says so.
//
// The player shows a header (lesson, phase, step, epoch, op), the
// narrative (Markdown through glamour, in a scrollable viewport), the
// stage with the scene's panels laid out to fit, the settings bar, a
// status line and the key help (? expands it). space steps at the chosen
// granularity (o op, s step, e epoch), ← steps back, r runs and pauses,
// [ and ] move the focused control one rung, tab moves the focus, x shows
// the exercises, esc goes home and q quits. The place in each lesson is
// saved a few seconds after it changes, on leaving it, on quitting, and
// when SIGTERM, SIGHUP (the terminal closing) or SIGINT ends the app; Run
// then returns a *SignalError (exit code 128 + the signal). A problem with
// the progress file shows in the status line and, at the end, on
// Options.Stderr.
//
// # Layout
//
// The layout is computed when the window, the help or the scene's shape
// changes (layout.go, stage.go), and the view only reads it. From 100
// columns the narrative sits left of the stage; below, it sits above it in
// a block of fixed height. Either way the stage's size does not depend on
// the narrative's length: the narrative scrolls (↑/↓, pgup/pgdn) and its
// last line says how many lines are below or above.
//
// The stage places the scene's main picture first (the panel with the
// highest scene.Panel Priority, else the first plot or image), at a size
// that depends only on the stage and on the picture, so it keeps its size
// from op to op while other panels come and go; a plot with an Aspect
// keeps that shape. On a short stage it keeps the whole width, unless a
// graph is shown or the learner steps op by op (the focused node then
// gets the column beside it). In the stacked layout a main picture that
// asks for more rows than the stage has takes them from the narrative,
// down to five lines. The other panels, by Priority, fill the room beside
// and below it, each kept whole where possible (a graph with a focused
// node first, on the widest room); the rest go on further pages, which .
// and , turn. A page is found again by the ID of a panel on it, so the
// page a learner turned to stays when a phase adds or drops panels.
//
// The settings bar is one line: when the controls do not fit, it shows a
// window of them that holds the focused one whole, with ‹n and n› for
// those left out. The home list scrolls with the cursor and says how many
// lessons are above and below.
//
// # Never blocking
//
// A lessons.Run is not safe for concurrent use and advancing it can take a
// while, so every call on it runs in a tea.Cmd (a job) that returns the
// new scene, journal and state as a message. One job runs at a time; keys
// pressed meanwhile are queued (up to a bound, with a note saying how many
// wait) and applied in order as soon as the job is done; they never block
// Update. A
// result for a lesson the learner has left is dropped. A panic in lesson
// code is recovered and shown as an error; a diverging run (NaN or Inf) is
// shown as such and the program keeps running.
//
// # Drawing
//
// Panels are drawn by package widget, which knows nothing about lessons:
// braille plots with axes, legends, decision regions and contour lines,
// matrices with gradients, computation graphs, half-block images, bars and
// tables. Colours come from lipgloss.LightDark once the terminal has
// reported its background; with NO_COLOR (or Options.NoColor) no colour is
// written at all and highlights are symbols, bold and reverse. Below
// MinWidth×MinHeight the app asks for a larger terminal instead.
package tui
