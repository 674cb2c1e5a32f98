module github.com/dlearn/dlearn/exercises

go 1.26.7

require github.com/dlearn/dlearn v0.0.0

replace github.com/dlearn/dlearn => ../
