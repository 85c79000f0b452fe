package main

import (
	"flag"
	"fmt"
	"slices"
	"time"
)

func coldstart(args []string) error {
	flagArgs, command, err := splitCommand(args)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("coldstart", flag.ContinueOnError)
	runs := fs.Int("n", 5, "runs")
	path := fs.String("url", "/", "path that must answer 200")
	if err := fs.Parse(flagArgs); err != nil {
		return err
	}
	var times []time.Duration
	for i := range *runs {
		start := time.Now()
		s, err := startServer(command)
		if err != nil {
			return err
		}
		err = s.waitFor(*path, 60*time.Second)
		d := time.Since(start)
		s.stop()
		if err != nil {
			return err
		}
		times = append(times, d)
		fmt.Printf("run %d: %v\n", i+1, d.Round(100*time.Microsecond))
	}
	slices.Sort(times)
	fmt.Printf("median %v (min %v, max %v) over %d runs\n",
		times[len(times)/2].Round(100*time.Microsecond), times[0].Round(100*time.Microsecond),
		times[len(times)-1].Round(100*time.Microsecond), len(times))
	return nil
}
