package tui

import (
	"fmt"
	"io"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/dlearn/dlearn/internal/progress"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/tui/widget"
)

// MinWidth and MinHeight are the smallest terminal the app draws in;
// below it shows how much to enlarge it.
const (
	MinWidth  = 60
	MinHeight = 20
)

// Options configure the app.
type Options struct {
	// Store remembers each lesson's place and shows exercise grades; nil
	// keeps progress in memory only.
	Store *progress.Store
	// Seed starts lessons that have no saved place.
	Seed uint64
	// Lesson, when set, opens that lesson at once instead of the home
	// screen.
	Lesson string
	// Settings, with Lesson, start that lesson afresh with these control
	// values instead of resuming its saved place.
	Settings lessons.Settings
	// ExercisesDir is the folder holding the exercise packages
	// ("exercises" when empty).
	ExercisesDir string
	// NoColor draws without any colour (NO_COLOR).
	NoColor bool
	// NoQuestions turns the lessons' questions off for this session (the
	// learner's saved preference can turn them off too; the a key turns
	// them on or off and saves the choice).
	NoQuestions bool
	// Stderr, when set, is where Run writes, once the terminal is
	// restored, a progress problem the learner must know about (a place
	// that could not be saved, a progress file set aside).
	Stderr io.Writer
	// OpenMine, when set, builds the learner's code for mine mode (the m
	// key); Mine, with Lesson, opens that lesson in mine mode at once.
	OpenMine OpenMine
	Mine     bool
}

// screen is which view the app shows.
type screen int

const (
	screenHome screen = iota
	screenPlayer
	screenExercises
)

// common is what every screen reads: the window, colours, and the
// learner's progress.
type common struct {
	reg           *lessons.Registry
	opts          Options
	width, height int
	dark          bool
	st            styles
	theme         *widget.Theme
	md            *markdown
	progress      *progress.State
	// questionsOff hides the lessons' questions: they are neither shown
	// nor waited for.
	questionsOff bool
	// notice is shown once on the home screen (a progress file set aside,
	// a lesson that could not be opened).
	notice string
	// problem is the latest trouble with the progress file (a warning
	// from loading it, or the error of the last save, cleared when a save
	// succeeds): the player's status line shows it when a lesson opens or
	// a save fails, and Run repeats it on stderr at the end.
	problem string
	// saveErr is set while the last save failed.
	saveErr bool
	// gradesRead is the stamp of the progress file when the grades were
	// last read from it.
	gradesRead fileStamp
	// tick schedules msg after d; tests replace it to run without delay.
	tick func(d time.Duration, msg tea.Msg) tea.Cmd
}

func (c *common) restyle() {
	c.st = newStyles(c.dark, c.opts.NoColor)
	c.theme = themeFor(c.dark, c.opts.NoColor)
}

// savedMsg reports the end of a progress save.
type savedMsg struct{ err error }

// signalMsg reports a signal that ends the app (SIGTERM, SIGHUP, SIGINT):
// it saves the open lesson's place and quits. Run sends it from its
// signal goroutine with Program.Send.
type signalMsg struct{ sig os.Signal }

// autosaveEvery is how long after a change to the open lesson's place it
// is saved, while the lesson stays open.
const autosaveEvery = 5 * time.Second

// autosaveMsg asks for the open lesson's place to be saved if it changed;
// a message of an older player generation is dropped.
type autosaveMsg struct{ gen int }

// Model is the whole app: the home screen, the lesson player and the
// exercises view of the current lesson. It implements tea.Model.
type Model struct {
	c      *common
	screen screen
	home   homeModel
	player playerModel
	// dirty: the open lesson's place changed since it was last saved;
	// autosaving: an autosaveMsg is on its way.
	dirty, autosaving bool
}

// New returns the app on the home screen (or, with opts.Lesson, about to
// open that lesson: Init starts it). It reads the progress file once; a
// corrupt file's warning is shown on the home screen.
func New(reg *lessons.Registry, opts Options) Model {
	if opts.ExercisesDir == "" {
		opts.ExercisesDir = "exercises"
	}
	c := &common{reg: reg, opts: opts, dark: true, md: newMarkdown()}
	c.tick = func(d time.Duration, msg tea.Msg) tea.Cmd {
		return tea.Tick(d, func(time.Time) tea.Msg { return msg })
	}
	c.restyle()
	c.progress = &progress.State{Version: progress.Version, Lessons: map[string]progress.Lesson{}, Exercises: map[string]progress.Exercise{}}
	if opts.Store != nil {
		opts.Store.RemoveStaleTemps()
		st, warning, err := opts.Store.Load()
		switch {
		case err != nil:
			c.notice = fmt.Sprintf("progress is not saved this time: %v", err)
			c.problem = c.notice
		case st != nil:
			c.progress = st
			c.notice = warning
			c.problem = warning
		}
	}
	c.questionsOff = opts.NoQuestions || c.progress.Prefs.NoQuestions
	return Model{c: c, home: newHome(), player: newPlayer()}
}

// Init asks for the background colour (to pick light or dark colours)
// and opens the lesson named in the options.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor}
	if m.c.opts.Lesson != "" {
		l, err := m.c.reg.Get(m.c.opts.Lesson)
		if err != nil {
			m.c.notice = err.Error()
		} else {
			cmds = append(cmds, func() tea.Msg { return openLessonMsg{lesson: l, settings: m.c.opts.Settings} })
		}
	}
	return tea.Batch(cmds...)
}

// openLessonMsg asks the app to open a lesson in the player.
type openLessonMsg struct {
	lesson   *lessons.Lesson
	settings lessons.Settings
}

// leaveLessonMsg asks the app to go back to the home screen.
type leaveLessonMsg struct{}

// Update handles a message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	defer region(updateRegion(msg)).End()
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		m.player = m.player.resize(m.c)
		return m, nil
	case tea.BackgroundColorMsg:
		m.c.dark = msg.IsDark()
		m.c.restyle()
		m.player = m.player.resize(m.c)
		return m, nil
	case savedMsg:
		switch {
		case msg.err != nil:
			m.c.notice = "could not save progress: " + msg.err.Error()
			m.c.problem, m.c.saveErr = m.c.notice, true
			if m.screen != screenHome {
				m.player.note = "! " + m.c.notice
			}
		case m.c.saveErr:
			m.c.problem, m.c.saveErr = "", false
		}
		return m, nil
	case signalMsg:
		return m, m.quit()
	case autosaveMsg:
		m.autosaving = false
		if msg.gen != m.player.gen || !m.dirty || m.screen == screenHome {
			return m, nil
		}
		m.dirty = false
		return m, m.player.save(m.c)
	case jobDoneMsg:
		if msg.gen != m.player.gen {
			return m, nil
		}
		var cmd tea.Cmd
		var quit bool
		m.player, cmd, quit = m.player.update(m.c, msg)
		if quit {
			return m, m.quit()
		}
		if msg.opened != nil && m.c.problem != "" {
			// Shown where the lesson runs, also when it was opened
			// directly and the home screen never showed.
			m.player.note = joinNotes("! "+m.c.problem, m.player.note)
		}
		if msg.opened == nil && msg.scene.LessonID != "" {
			m.dirty = true
			if !m.autosaving {
				m.autosaving = true
				cmd = tea.Batch(cmd, m.c.tick(autosaveEvery, autosaveMsg{gen: m.player.gen}))
			}
		}
		return m, cmd
	case openLessonMsg:
		m.screen = screenPlayer
		m.dirty = false
		var cmd tea.Cmd
		m.player, cmd = m.player.open(m.c, msg.lesson, msg.settings)
		return m, cmd
	case leaveLessonMsg:
		cmd := m.player.save(m.c)
		m.player = m.player.close()
		m.screen = screenHome
		m.dirty = false
		return m, tea.Batch(cmd, m.loadGrades())
	case gradesMsg:
		if msg.exercises != nil {
			m.c.progress.Exercises = msg.exercises
		}
		if msg.read.fi != nil {
			m.c.gradesRead = msg.read
		}
		return m, nil
	case gradesTickMsg:
		if m.screen != screenExercises {
			return m, nil
		}
		return m, tea.Batch(m.loadGrades(), m.c.tick(gradesEvery, gradesTickMsg{}))
	case tea.KeyPressMsg:
		if msg.String() == "ctrl+c" {
			return m, m.quit()
		}
	}
	var cmd tea.Cmd
	switch m.screen {
	case screenHome:
		var quit bool
		m.home, cmd, quit = m.home.update(m.c, msg)
		if quit {
			return m, m.quit()
		}
	case screenPlayer, screenExercises:
		var quit bool
		m.player, cmd, quit = m.player.update(m.c, msg)
		if quit {
			return m, m.quit()
		}
		if m.player.exercises {
			if m.screen != screenExercises && m.c.opts.Store != nil {
				// Grades come from `dlearn grade` and `dlearn watch` in
				// another terminal: read them now and while this view shows.
				cmd = tea.Batch(cmd, m.loadGrades(), m.c.tick(gradesEvery, gradesTickMsg{}))
			}
			m.screen = screenExercises
		} else {
			m.screen = screenPlayer
		}
	}
	return m, cmd
}

// gradesEvery is how often the exercises view re-reads the grades.
const gradesEvery = 2 * time.Second

// gradesMsg carries the exercise grades read from the progress store,
// and the stamp of the file they were read from.
type gradesMsg struct {
	exercises map[string]progress.Exercise
	read      fileStamp
}

// fileStamp tells whether a file changed (nil: unknown). Every save
// writes a new file and renames it over the old one, so a save changes
// the file's identity as well as, most often, its time and size.
type fileStamp struct{ fi os.FileInfo }

func stampOf(path string) fileStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{fi}
}

// same reports whether s and t are known and the same file unchanged.
func (s fileStamp) same(t fileStamp) bool {
	return s.fi != nil && t.fi != nil && os.SameFile(s.fi, t.fi) &&
		s.fi.Size() == t.fi.Size() && s.fi.ModTime().Equal(t.fi.ModTime())
}

// gradesTickMsg asks for the grades to be read again.
type gradesTickMsg struct{}

// loadGrades reads the exercise grades from the progress store off the UI
// goroutine; without a store there is nothing to read.
func (m Model) loadGrades() tea.Cmd {
	store := m.c.opts.Store
	if store == nil {
		return nil
	}
	last := m.c.gradesRead
	return func() tea.Msg {
		// The file is re-read every few seconds while the exercises
		// show: not when it has not changed since the last read.
		stamp := stampOf(store.Path)
		if stamp.same(last) {
			return gradesMsg{}
		}
		st, _, err := store.Load()
		if err != nil || st == nil {
			return gradesMsg{}
		}
		return gradesMsg{exercises: st.Exercises, read: stamp}
	}
}

// joinNotes joins the non-empty notes with " · ".
func joinNotes(notes ...string) string {
	var out string
	for _, n := range notes {
		switch {
		case n == "":
		case out == "":
			out = n
		default:
			out += " · " + n
		}
	}
	return out
}

// quit saves the open lesson's place, then quits.
func (m Model) quit() tea.Cmd {
	if m.screen != screenHome {
		if save := m.player.save(m.c); save != nil {
			return tea.Sequence(save, tea.Quit)
		}
	}
	return tea.Quit
}

// View draws the current screen in the alternate screen buffer. A bug
// in drawing shows as a line of text rather than ending the program.
func (m Model) View() (v tea.View) {
	defer region(func() string { return "view" }).End()
	defer func() {
		if p := recover(); p != nil {
			v = tea.NewView(fmt.Sprintf("dlearn: could not draw this screen (%v); esc goes back, q quits", p))
			v.AltScreen = true
		}
	}()
	v = tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "dlearn"
	return v
}

// render is the screen's content as a string (what View shows).
func (m Model) render() string {
	c := m.c
	if c.width == 0 || c.height == 0 {
		return ""
	}
	if c.width < MinWidth || c.height < MinHeight {
		msg := fmt.Sprintf("terminal too small: enlarge to at least %d×%d (now %d×%d)", MinWidth, MinHeight, c.width, c.height)
		return lipgloss.Place(c.width, c.height, lipgloss.Center, lipgloss.Center,
			c.st.Warn.Render(lipgloss.NewStyle().Width(min(c.width, 40)).Align(lipgloss.Center).Render(msg)))
	}
	var s string
	switch m.screen {
	case screenPlayer:
		s = m.player.view(c)
	case screenExercises:
		s = m.player.exercisesView(c)
	default:
		s = m.home.view(c)
	}
	return widget.Fit(s, c.width, c.height)
}

// saveNow saves the open lesson's place at once, on the calling
// goroutine: for Run, after the program has ended without its own save.
func (m Model) saveNow() {
	if m.screen == screenHome {
		return
	}
	if cmd := m.player.save(m.c); cmd != nil {
		if msg, ok := cmd().(savedMsg); ok && msg.err != nil {
			m.c.problem = "could not save progress: " + msg.err.Error()
		}
	}
}
