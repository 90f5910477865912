module example.com/unused

go 1.26.0
