package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

// maitreConfig is what the rules need of maitre.yaml. The file's own validation is maitre's
// (bin/maitre --check, run by .ci/kubernetes); here unknown keys are let through.
type maitreConfig struct {
	Admin struct {
		Bind      string `json:"bind"`
		Token     string `json:"token"`
		TokenFile string `json:"tokenFile"`
	} `json:"admin"`
	Workers             int    `json:"workers"`
	ShutdownDelay       string `json:"shutdownDelay"`
	ShutdownGracePeriod string `json:"shutdownGracePeriod"`
	Listeners           []struct {
		Name string `json:"name"`
		Bind string `json:"bind"`
	} `json:"listeners"`
	Clusters []struct {
		Name      string `json:"name"`
		Discovery *struct {
			DNS *struct {
				Name string `json:"name"`
				Port int    `json:"port"`
			} `json:"dns"`
		} `json:"discovery"`
	} `json:"clusters"`
}

// maitre's defaults for what the rules read (DESIGN.md, README's configuration reference).
const (
	defaultAdminBind   = "127.0.0.1:9901"
	defaultDelay       = 0 * time.Second
	defaultGracePeriod = 30 * time.Second
)

func parseMaitre(text string) (*maitreConfig, error) {
	var c maitreConfig
	if err := yaml.Unmarshal([]byte(text), &c); err != nil {
		return nil, err
	}
	if c.Admin.Bind == "" {
		c.Admin.Bind = defaultAdminBind
	}
	return &c, nil
}

// duration reads a maitre duration (500ms, 10s, 1m); empty is the default.
func duration(key, text string, def time.Duration) (time.Duration, error) {
	if text == "" {
		return def, nil
	}
	d, err := time.ParseDuration(text)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("maitre.yaml %s: %s (expected: a duration such as 5s)", key, text)
	}
	return d, nil
}

// bindAddress splits host:port ([::]:9901 too).
func bindAddress(key, bind string) (string, int, error) {
	host, port, err := net.SplitHostPort(bind)
	if err != nil {
		return "", 0, fmt.Errorf("maitre.yaml %s: %s (expected: host:port)", key, bind)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "", 0, fmt.Errorf("maitre.yaml %s: %s (expected: a port from 1 to 65535; the kubelet and Services need a fixed one)", key, bind)
	}
	return host, n, nil
}

func wildcard(host string) bool {
	return host == "0.0.0.0" || host == "::" || host == ""
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
