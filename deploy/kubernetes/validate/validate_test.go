package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The manifests as committed are valid.
func TestTheCommittedManifestsAreValid(t *testing.T) {
	errs, config := validate("..")
	if len(errs) > 0 {
		t.Fatalf("errors in deploy/kubernetes:\n%s", strings.Join(errs, "\n"))
	}
	if !strings.Contains(config, "listeners:") {
		t.Fatalf("maitre.yaml not found in the ConfigMap: %q", config)
	}
}

// Each case breaks one thing in a copy of the manifests, and the validator must say so.
func TestABrokenManifestIsRefused(t *testing.T) {
	cases := []struct {
		name, file, old, new, want string
	}{
		{"an unknown field", "deployment.yaml", "      terminationGracePeriodSeconds: 30",
			"      terminationGracePeriodSeconds: 30\n      terminationGracePeriod: 30", `unknown field "spec.template.spec.terminationGracePeriod"`},
		{"a misspelt probe field", "deployment.yaml", "            periodSeconds: 2", "            periodSecond: 2", `unknown field`},
		{"a wrong type", "deployment.yaml", "  replicas: 3", "  replicas: three", "replicas"},
		{"a field name in the wrong case", "deployment.yaml", "  replicas: 3", "  Replicas: 3", `unknown field "spec.Replicas"`},
		{"a wrong type in a list", "deployment.yaml", "containerPort: 8080", "containerPort: [8080]", "containerPort"},
		{"a key given twice", "service.yaml", "  type: LoadBalancer", "  type: LoadBalancer\n  type: ClusterIP", "already set"},
		{"an unknown kind", "service.yaml", "kind: Service", "kind: Servise", `"v1" "Servise"`},
		{"a field unknown to the Kustomization", "kustomization.yaml", "resources:", "resource: []\nresources:", "unknown field"},
		{"a manifest left out of the kustomization", "kustomization.yaml", "  - poddisruptionbudget.yaml\n", "", "resources lacks poddisruptionbudget.yaml"},
		{"a grace period the kubelet cuts short", "deployment.yaml", "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 25",
			"terminationGracePeriodSeconds 25 (expected: > shutdownDelay 5s + shutdownGracePeriod 20s"},
		{"a longer grace period in maitre.yaml", "configmap.yaml", "shutdownGracePeriod: 20s", "shutdownGracePeriod: 1m",
			"terminationGracePeriodSeconds 30 (expected: > shutdownDelay 5s + shutdownGracePeriod 1m0s"},
		{"no shutdown delay", "configmap.yaml", "shutdownDelay: 5s", "shutdownDelay: 0s", "shutdownDelay: 0s (expected: > 4s"},
		{"a readiness probe on the wrong path", "deployment.yaml", "path: /ready", "path: /healthz", `readinessProbe path "/healthz" (expected: /ready)`},
		{"a probe on the listener's port", "deployment.yaml", "path: /healthz\n              port: admin\n            periodSeconds: 10",
			"path: /healthz\n              port: http\n            periodSeconds: 10", "livenessProbe port http (expected: the admin port 9901"},
		{"the admin API moved", "configmap.yaml", "bind: 0.0.0.0:9901", "bind: 0.0.0.0:9902", "declares no port 9902"},
		{"the admin API on loopback", "configmap.yaml", "bind: 0.0.0.0:9901", "bind: 127.0.0.1:9901", "since the kubelet probes the pod's IP"},
		{"the listener moved", "configmap.yaml", "bind: 0.0.0.0:8080", "bind: 0.0.0.0:8081", "declares no port 8081"},
		{"a token in the ConfigMap", "configmap.yaml", "tokenFile: /etc/maitre-admin/token", "token: s3cret", "admin.token: set in the ConfigMap"},
		{"a token file outside the Secret", "configmap.yaml", "tokenFile: /etc/maitre-admin/token", "tokenFile: /etc/maitre/token", "is not in a mounted Secret"},
		{"a PDB for other pods", "poddisruptionbudget.yaml", "      app.kubernetes.io/name: maitre", "      app.kubernetes.io/name: maitr", "does not select maitre's pods"},
		{"a PDB that blocks every drain", "poddisruptionbudget.yaml", "maxUnavailable: 1", "minAvailable: 3", "minAvailable 3 (expected: fewer than the 3 replicas"},
		{"a Service for other pods", "service.yaml", "  selector:\n    app.kubernetes.io/name: maitre", "  selector:\n    app.kubernetes.io/name: other", "no Service selects"},
		{"a Service to the admin API", "service.yaml", "targetPort: http", "targetPort: admin", "is the admin API"},
		{"a Service to no port", "service.yaml", "targetPort: http", "targetPort: 9000", "targetPort 9000 is not a port"},
		{"a Deployment selector of other labels", "deployment.yaml", "  selector:\n    matchLabels:\n      app.kubernetes.io/name: maitre",
			"  selector:\n    matchLabels:\n      app.kubernetes.io/name: other", "does not select the pod template's labels"},
		{"a single replica", "deployment.yaml", "replicas: 3", "replicas: 1", "replicas 1 (expected: 2 or more"},
		{"a backend Service with a cluster IP", "backend-service.yaml", "  clusterIP: None\n", "", "Service backend is not headless"},
		{"a backend port the Service lacks", "configmap.yaml", "port: 8080 } }", "port: 9090 } }", "discovery.dns.port: 9090"},
		{"a backend in another namespace", "configmap.yaml", "backend.default.svc", "backend.shop.svc", "(expected: <service>.default.svc.cluster.local)"},
		{"root allowed", "deployment.yaml", "runAsNonRoot: true", "runAsNonRoot: false", "runAsNonRoot is not true"},
		{"a writable root file system", "deployment.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "readOnlyRootFilesystem is not true"},
		{"privilege escalation", "deployment.yaml", "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true", "allowPrivilegeEscalation is not false"},
		{"capabilities kept", "deployment.yaml", `drop: ["ALL"]`, `drop: ["NET_RAW"]`, "capabilities (expected: drop ALL"},
		{"no writable /tmp", "deployment.yaml", "mountPath: /tmp", "mountPath: /var/tmp", "no writable /tmp"},
		{"a fixed heap", "deployment.yaml", `"-XX:MaxRAMPercentage=40 `, `"-Xmx512m `, "expected: -XX:MaxRAMPercentage"},
		{"a heap too big for the limit", "deployment.yaml", "MaxRAMPercentage=40", "MaxRAMPercentage=75", "(expected: at most the memory limit 1Gi)"},
		{"direct memory too big for the limit", "deployment.yaml", "MaxDirectMemorySize=320m", "MaxDirectMemorySize=1g", "(expected: at most the memory limit 1Gi)"},
		{"more workers than CPUs", "configmap.yaml", "workers: 2", "workers: 4", "workers: 4 (expected: at most the container's cpu limit, 2)"},
		{"the latest image", "deployment.yaml", "maitre:0.1.0", "maitre:latest", "not latest"},
		{"--config outside the ConfigMap", "deployment.yaml", `"/etc/maitre/maitre.yaml"`, `"/etc/maitre.yaml"`, "is not in a mounted ConfigMap"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyManifests(t)
			file := filepath.Join(dir, c.file)
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), c.old) {
				t.Fatalf("%s does not contain %q: the case no longer breaks anything", c.file, c.old)
			}
			if err := os.WriteFile(file, []byte(strings.Replace(string(data), c.old, c.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			errs, _ := validate(dir)
			all := strings.Join(errs, "\n")
			if !strings.Contains(all, c.want) {
				t.Fatalf("expected an error containing %q, got:\n%s", c.want, all)
			}
		})
	}
}

func copyManifests(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, err := filepath.Glob(filepath.Join("..", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
