// Command tlsnew makes new TLS connections, one request each, as fast as its connections allow: the
// tls-new workload of proxy-bench/compare/run. Each of -c loops opens a TCP connection, makes a full
// TLS handshake (the client keeps no session cache, so it never offers a session or ticket to
// resume; a resumed handshake would be counted as an error all the same), sends one HTTP/1.1 GET
// with Connection: close, reads the whole answer, and closes. It prints one JSON line: connections
// made in the measured seconds and per second, the latency of each (connect, handshake, request and
// answer) as percentiles, the answers' sizes, every error, and the CPU time the client itself used
// (on a core of its own, near 100% of it means the client, not the server, set the pace).
//
// Why not wrk: it keeps one SSL object per connection slot and resumes the session on every new
// connection. Why not openssl s_time -new: its client costs about as much CPU per handshake as the
// proxies do, so on one core it measures itself.
//
// Usage: tlsnew -addr 127.0.0.1:8443 -c 50 -d 10s -path /small
// Standard library only, so that Debian's Go (1.19) builds it without a module download.
package main

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"sync"
	"syscall"
	"time"
)

type worker struct {
	latencies []time.Duration // of the connections completed in the measured seconds
	total     int             // every connection completed, also after the measured seconds
	resumed   int
	bytes     int64
	errors    int
	errorText map[string]int
	state     *tls.ConnectionState
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8443", "the TLS listener")
	conns := flag.Int("c", 50, "connections open at once")
	duration := flag.Duration("d", 10*time.Second, "how long to measure")
	path := flag.String("path", "/small", "the request target")
	flag.Parse()

	config := &tls.Config{
		// The certificate is self-signed; its signature over the handshake is verified all the same.
		InsecureSkipVerify: true,
		// X25519 first, as the other clients of the harness negotiate it (a newer Go would otherwise
		// offer a post-quantum hybrid share, which OpenSSL 3.0 does not know and a newer library may
		// take); P-256 too, which TLS 1.2 needs to accept an ECDSA P-256 certificate.
		CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP256},
		MinVersion:       tls.VersionTLS12,
		// No ClientSessionCache: every handshake is a full one.
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tlsnew: -addr %s (expected: host:port)\n", *addr)
		os.Exit(2)
	}
	request := []byte("GET " + *path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")

	start := time.Now()
	deadline := start.Add(*duration)
	workers := make([]*worker, *conns)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{errorText: map[string]int{}}
		workers[i] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				w.once(*addr, config, request, deadline)
			}
		}()
	}
	wg.Wait()

	var all []time.Duration
	result := map[string]interface{}{}
	total, resumed, errors := 0, 0, 0
	var bytes int64
	errorText := map[string]int{}
	for _, w := range workers {
		all = append(all, w.latencies...)
		total += w.total
		resumed += w.resumed
		errors += w.errors
		bytes += w.bytes
		for text, n := range w.errorText {
			errorText[text] += n
		}
		if w.state != nil && result["protocol"] == nil {
			result["protocol"] = versionName(w.state.Version)
			result["cipher"] = tls.CipherSuiteName(w.state.CipherSuite)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	seconds := duration.Seconds()
	result["connections"] = len(all)
	result["connections_total"] = total
	result["per_s"] = float64(len(all)) / seconds
	result["seconds"] = seconds
	result["p50_ms"] = percentile(all, 0.50)
	result["p99_ms"] = percentile(all, 0.99)
	result["resumed"] = resumed
	result["errors"] = errors
	var texts []string
	for text, n := range errorText {
		texts = append(texts, fmt.Sprintf("%d × %s", n, text))
	}
	sort.Strings(texts)
	result["error_text"] = texts
	if total > 0 {
		result["bytes_per_answer"] = float64(bytes) / float64(total)
	}
	var usage syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &usage) == nil {
		cpu := time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
		result["client_cpu_s"] = cpu.Seconds()
		result["client_wall_s"] = time.Since(start).Seconds()
	}
	line, _ := json.Marshal(result)
	fmt.Println(string(line))
}

// once makes one connection: handshake, request, whole answer, close.
func (w *worker) once(addr string, config *tls.Config, request []byte, deadline time.Time) {
	began := time.Now()
	raw, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		w.fail("connect", err)
		return
	}
	conn := tls.Client(raw, config)
	defer conn.Close()
	conn.SetDeadline(began.Add(10 * time.Second))
	if err := conn.Handshake(); err != nil {
		w.fail("handshake", err)
		return
	}
	state := conn.ConnectionState()
	if w.state == nil {
		w.state = &state
	}
	if state.DidResume {
		w.resumed++
		w.fail("resumed", fmt.Errorf("a resumed session, not a full handshake"))
		return
	}
	if _, err := conn.Write(request); err != nil {
		w.fail("write", err)
		return
	}
	counted := &countingReader{r: conn}
	response, err := http.ReadResponse(bufio.NewReader(counted), nil)
	if err != nil {
		w.fail("read", err)
		return
	}
	_, err = io.Copy(io.Discard, response.Body)
	response.Body.Close()
	if err != nil {
		w.fail("read body", err)
		return
	}
	if response.StatusCode != http.StatusOK {
		w.fail("status", fmt.Errorf("%s", response.Status))
		return
	}
	done := time.Now()
	w.total++
	w.bytes += counted.n
	if done.Before(deadline) {
		w.latencies = append(w.latencies, done.Sub(began))
	}
}

func (w *worker) fail(step string, err error) {
	w.errors++
	if len(w.errorText) < 20 {
		w.errorText[step+": "+err.Error()]++
	} else {
		w.errorText[step+": (more)"]++
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// versionName is tls.VersionName, which Go 1.19 lacks.
func versionName(version uint16) string {
	switch version {
	case tls.VersionTLS13:
		return "TLS 1.3"
	case tls.VersionTLS12:
		return "TLS 1.2"
	}
	return fmt.Sprintf("0x%04x", version)
}

func percentile(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q * float64(len(sorted)-1))
	return float64(sorted[i]) / float64(time.Millisecond)
}
