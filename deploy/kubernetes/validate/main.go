// Command validate checks deploy/kubernetes offline: every manifest decoded strictly into the
// Kubernetes API's own Go types (an unknown field, a wrong type or a repeated key is an error),
// then the rules that tie the Deployment, the Services and the PodDisruptionBudget to maitre.yaml
// in the ConfigMap (README, "Kubernetes"). No cluster and no schema download.
//
//	validate [-config-out FILE] [DIR]
//
// DIR defaults to the current directory; -config-out writes the ConfigMap's maitre.yaml there, for
// bin/maitre --check. Exit status 0 when valid, 1 with every error found otherwise.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	configOut := flag.String("config-out", "", "write the ConfigMap's maitre.yaml to this file")
	flag.Parse()
	dir := "."
	if flag.NArg() > 0 {
		dir = flag.Arg(0)
	}
	errs, config := validate(dir)
	if *configOut != "" && config != "" {
		if err := os.WriteFile(*configOut, []byte(config), 0o644); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		fmt.Fprintf(os.Stderr, "kubernetes: %s is not valid (%d errors):\n", dir, len(errs))
		for _, e := range errs {
			fmt.Fprintf(os.Stderr, "  %s\n", e)
		}
		os.Exit(1)
	}
	fmt.Printf("kubernetes: %s is valid (strict decoding into k8s.io/api types, and maitre's rules)\n", dir)
}

// validate decodes the manifests of dir and checks them; the errors, and maitre.yaml when found.
func validate(dir string) ([]string, string) {
	m, err := load(dir)
	if err != nil {
		return strings.Split(err.Error(), "\n"), ""
	}
	return check(m)
}
