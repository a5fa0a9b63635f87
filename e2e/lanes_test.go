//go:build e2e

package e2e

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"
)

// The combinations of TestBrowser and the deployments of TestDeployed run as
// a pipeline of two lanes: while one builds its API and web app (go build,
// next build), another drives its browsers. So the builds hide behind the
// browser runs instead of adding to them. Each lane takes NumCPU/2 at a
// time, at least one: on two cores, one build beside one browser run. More
// browser runs at once would not help there, as one alone keeps both cores
// busy, and would shrink the margin of the browsers' timeouts.
var (
	buildLane   = newLane("build")
	browserLane = newLane("browser")
)

// lane lets a fixed number of tests at a time through one phase of their work.
type lane struct {
	name  string
	slots chan struct{}
}

func newLane(name string) *lane {
	return &lane{name: name, slots: make(chan struct{}, max(1, runtime.NumCPU()/2))}
}

// enter waits for a slot of the lane and holds it until the returned
// function is called or, at the latest, until t and its cleanups end: enter
// before starting what the phase needs (servers, proxies), and their
// cleanups, which run first, stop them before the next test comes in.
func (l *lane) enter(t *testing.T) (leave func()) {
	t.Helper()
	start := time.Now()
	l.slots <- struct{}{}
	if waited := time.Since(start); waited > time.Second {
		t.Logf("waited %s for the %s lane", waited.Round(time.Second), l.name)
	}
	var once sync.Once
	leave = func() { once.Do(func() { <-l.slots }) }
	t.Cleanup(leave)
	return leave
}

// minParallel is the -parallel the lanes need: a combination that holds the
// browser lane runs Playwright and WebKit as two parallel subtests, which
// must not wait for the slots of tests that wait for that lane.
const minParallel = 16

// TestMain lets every combination start at once (go test's -parallel
// defaults to GOMAXPROCS), as the lanes, not -parallel, decide how many work
// at a time.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.parallel"); f != nil {
		given := false
		flag.Visit(func(v *flag.Flag) { given = given || v == f })
		if !given {
			f.Value.Set(fmt.Sprint(minParallel))
		} else if n, _ := f.Value.(flag.Getter).Get().(int); n < minParallel {
			fmt.Fprintf(os.Stderr, "e2e: -parallel %d is too low: the browser suites need %d or more (leave it out)\n", n, minParallel)
			os.Exit(2)
		}
	}
	os.Exit(m.Run())
}
