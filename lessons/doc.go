// Package lessons is dlearn's lesson runtime: the registry of lessons, their
// controls and settings, and Run, the deterministic state machine a front
// end drives.
//
// A lesson is one package under lessons/ that returns a *Lesson: its id,
// title, summary, topics, exercises, controls, and a constructor for its
// Machine. A Machine advances a real engine training run by one op, one
// training step, one epoch or to the end, and describes its current moment
// as a scene.Scene. Run wraps a Machine with what every lesson needs and no
// lesson should write again: validated settings, a log of actions so the
// learner can step back (replayed from the seed, sped up by checkpoints when
// the machine can Clone itself), and control changes that either continue or
// restart the run.
//
// Front ends (the TUI, the plain transcript, JSON export) and tests read
// only scenes; none of them knows which lesson made one.
package lessons
