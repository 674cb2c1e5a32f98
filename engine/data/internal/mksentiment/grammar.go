package main

// The grammar: word lists and templates. Every sentence is lower case;
// commas are written attached to the word before them, as in ordinary
// text (the loader splits them off as tokens of their own).

// topic is what a review is about: the whole thing (as subject and as a
// bare noun after "a"/"what a") and its parts.
type topic struct {
	subjects []string // "the film", "this movie"
	nouns    []string // "film", "movie" (after "a")
	parts    []string // "the plot", "the acting"
}

var topics = []topic{
	{
		subjects: []string{"the film", "this movie", "the movie"},
		nouns:    []string{"film", "movie"},
		parts:    []string{"the plot", "the acting", "the script", "the ending", "the soundtrack", "the dialogue", "the cast", "the pacing", "the photography", "the lead actor"},
	},
	{
		subjects: []string{"the restaurant", "this place", "the meal", "our dinner"},
		nouns:    []string{"restaurant", "meal", "dinner"},
		parts:    []string{"the food", "the service", "the staff", "the soup", "the dessert", "the wine", "the waiter", "the pasta", "the menu", "the bread"},
	},
	{
		subjects: []string{"the book", "this novel", "the story"},
		nouns:    []string{"book", "novel", "read"},
		parts:    []string{"the writing", "the characters", "the ending", "the first chapter", "the plot", "the translation", "the dialogue", "the heroine"},
	},
	{
		subjects: []string{"the hotel", "our room", "the stay"},
		nouns:    []string{"hotel", "room", "stay"},
		parts:    []string{"the bed", "the view", "the breakfast", "the staff", "the location", "the shower", "the pool", "the reception"},
	},
	{
		subjects: []string{"the phone", "this laptop", "the headphones", "the camera"},
		nouns:    []string{"phone", "laptop", "camera", "gadget"},
		parts:    []string{"the battery", "the screen", "the sound", "the keyboard", "the design", "the software", "the charger", "the case"},
	},
	{
		subjects: []string{"the game", "this album", "the concert", "the show"},
		nouns:    []string{"game", "album", "concert", "show"},
		parts:    []string{"the music", "the graphics", "the controls", "the songs", "the singer", "the second half", "the levels", "the encore"},
	},
}

// Adjectives that describe a thing or a part, by polarity.
var (
	posAdj = []string{"good", "great", "excellent", "superb", "wonderful", "brilliant", "lovely", "fantastic",
		"enjoyable", "impressive", "delightful", "solid", "pleasant", "charming", "perfect", "memorable",
		"outstanding", "terrific", "fun", "clever", "beautiful"}
	negAdj = []string{"bad", "awful", "terrible", "dull", "boring", "poor", "weak", "disappointing",
		"mediocre", "bland", "horrible", "dreadful", "clumsy", "tedious", "forgettable", "annoying",
		"lousy", "sloppy", "ugly", "painful", "messy", "flat"}
)

// Intensifiers before an adjective ("" is none).
var intensifiers = []string{"", "", "", "really", "very", "truly", "quite", "so", "absolutely", "rather", "pretty"}

// Verbs a reviewer uses for the whole thing, by polarity (past tense).
var (
	posVerb = []string{"loved", "enjoyed", "liked", "adored", "appreciated"}
	negVerb = []string{"hated", "disliked", "regretted", "despised", "loathed"}
)

// The reviewer's feelings as participles: a positive one means the thing
// was good ("impressed"), a negative one that it was bad ("bored").
var (
	posFeel = []string{"impressed", "pleased", "satisfied", "delighted", "moved", "entertained", "happy"}
	negFeel = []string{"bored", "disappointed", "annoyed", "bothered", "let down", "unhappy", "irritated"}
)

// Negators before an adjective after "was"/"is".
var negators = []string{"not", "not", "never", "not at all", "hardly", "far from"}

// Openers before a whole clause.
var openers = []string{"", "", "", "", "honestly, ", "overall, ", "to be fair, ", "frankly, ", "in the end, ", "i must say "}

// Tails after a whole sentence.
var tails = []string{"", "", "", "", "", " from start to finish", " this time", " for the price", " if you ask me"}
