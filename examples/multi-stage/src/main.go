package main

import "fmt"

func main() { fmt.Println("hello from a two-stage build") }
