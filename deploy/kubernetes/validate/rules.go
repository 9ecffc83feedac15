package main

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

const (
	containerName = "maitre"
	configKey     = "maitre.yaml"
)

// checker collects every broken rule, so one run shows them all.
type checker struct {
	errs []string
}

func (c *checker) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

// deployment is the pieces of the maitre Deployment the rules look at together.
type deployment struct {
	where     string
	value     *appsv1.Deployment
	container *corev1.Container
	config    *maitreConfig
}

// check applies the rules of README "Kubernetes" to the manifests and returns what they break.
// The config found is returned too, for -config-out.
func check(m *manifests) ([]string, string) {
	c := &checker{}
	if len(m.deployments) != 1 {
		c.fail("%d Deployments (expected: one, maitre's)", len(m.deployments))
		return c.errs, ""
	}
	d := &deployment{where: m.deployments[0].file, value: &m.deployments[0].value}
	spec := &d.value.Spec
	for i := range spec.Template.Spec.Containers {
		if spec.Template.Spec.Containers[i].Name == containerName {
			d.container = &spec.Template.Spec.Containers[i]
		}
	}
	if d.container == nil {
		c.fail("%s: no container %q (expected: maitre's container)", d.where, containerName)
		return c.errs, ""
	}
	text := c.configText(m, d)
	if text == "" {
		return c.errs, ""
	}
	config, err := parseMaitre(text)
	if err != nil {
		c.fail("the ConfigMap's %s: %v", configKey, err)
		return c.errs, text
	}
	d.config = config
	c.replicasAndSelector(d)
	c.image(m, d)
	ports := c.ports(d)
	c.probes(d, ports)
	c.termination(d)
	c.adminToken(d)
	c.security(d)
	c.memory(d)
	c.services(m, d, ports)
	c.budgets(m, d)
	c.discovery(m, d)
	return c.errs, text
}

// configText finds maitre.yaml: --config names a file in a mounted ConfigMap of the manifests.
func (c *checker) configText(m *manifests, d *deployment) string {
	args := append(append([]string{}, d.container.Command...), d.container.Args...)
	file := ""
	for i, a := range args {
		if a == "--config" && i+1 < len(args) {
			file = args[i+1]
		} else if strings.HasPrefix(a, "--config=") {
			file = strings.TrimPrefix(a, "--config=")
		}
	}
	if file == "" {
		c.fail("%s: container %s: no --config in its args (expected: --config /etc/maitre/maitre.yaml)", d.where, containerName)
		return ""
	}
	volume, key := mountedKey(d, file)
	if volume == nil || volume.ConfigMap == nil {
		c.fail("%s: --config %s is not in a mounted ConfigMap (expected: a configMap volume mounted at %s)",
			d.where, file, path.Dir(file))
		return ""
	}
	for _, cm := range m.configMaps {
		if cm.value.Name == volume.ConfigMap.Name {
			if text, ok := cm.value.Data[key]; ok {
				return text
			}
			c.fail("%s: ConfigMap %s has no key %s (expected: the file --config names)", cm.file, cm.value.Name, key)
			return ""
		}
	}
	c.fail("%s: volume %s names ConfigMap %s, which is not among the manifests", d.where, volume.Name, volume.ConfigMap.Name)
	return ""
}

// mountedKey finds the volume mounted over file and the key of the ConfigMap or Secret that
// becomes that file (through items, or the file's own name without them).
func mountedKey(d *deployment, file string) (*corev1.Volume, string) {
	for _, mount := range d.container.VolumeMounts {
		if mount.SubPath != "" || !strings.HasPrefix(file, strings.TrimSuffix(mount.MountPath, "/")+"/") {
			continue
		}
		rel := strings.TrimPrefix(file, strings.TrimSuffix(mount.MountPath, "/")+"/")
		for i := range d.value.Spec.Template.Spec.Volumes {
			v := &d.value.Spec.Template.Spec.Volumes[i]
			if v.Name != mount.Name {
				continue
			}
			var items []corev1.KeyToPath
			if v.ConfigMap != nil {
				items = v.ConfigMap.Items
			} else if v.Secret != nil {
				items = v.Secret.Items
			}
			if len(items) == 0 {
				return v, rel
			}
			for _, item := range items {
				if item.Path == rel {
					return v, item.Key
				}
			}
			return nil, ""
		}
	}
	return nil, ""
}

func (c *checker) replicasAndSelector(d *deployment) {
	spec := &d.value.Spec
	if spec.Replicas == nil || *spec.Replicas < 2 {
		c.fail("%s: replicas %s (expected: 2 or more, so that one pod can stop while the others serve)",
			d.where, optional(spec.Replicas))
	}
	if !selects(spec.Selector, spec.Template.Labels) {
		c.fail("%s: spec.selector %s does not select the pod template's labels %v", d.where,
			metav1.FormatLabelSelector(spec.Selector), spec.Template.Labels)
	}
}

var tagged = regexp.MustCompile(`^[^:@]+(:[^:/@]+|@sha256:[0-9a-f]{64})$`)

func (c *checker) image(m *manifests, d *deployment) {
	image := d.container.Image
	if !tagged.MatchString(image) || strings.HasSuffix(image, ":latest") {
		c.fail("%s: image %q (expected: a release tag or digest, not latest)", d.where, image)
	}
	name := strings.SplitN(strings.SplitN(image, "@", 2)[0], ":", 2)[0]
	for _, i := range m.images {
		if i.Name != name {
			c.fail("kustomization.yaml: images name %s (expected: the container's image %s)", i.Name, name)
		}
	}
}

// ports checks that the container declares the admin port and every listener's and nothing else,
// and returns the container ports by number.
func (c *checker) ports(d *deployment) map[int32]corev1.ContainerPort {
	byNumber := map[int32]corev1.ContainerPort{}
	for _, p := range d.container.Ports {
		byNumber[p.ContainerPort] = p
	}
	wanted := map[int32]string{}
	if host, port, err := bindAddress("admin.bind", d.config.Admin.Bind); err != nil {
		c.fail("%v", err)
	} else {
		wanted[int32(port)] = "admin.bind"
		if !wildcard(host) {
			c.fail("maitre.yaml admin.bind: %s (expected: 0.0.0.0:<port>, since the kubelet probes the pod's IP)", d.config.Admin.Bind)
		}
	}
	if len(d.config.Listeners) == 0 {
		c.fail("maitre.yaml listeners: none (expected: at least one)")
	}
	for i, l := range d.config.Listeners {
		key := fmt.Sprintf("listeners[%d].bind", i)
		host, port, err := bindAddress(key, l.Bind)
		if err != nil {
			c.fail("%v", err)
			continue
		}
		wanted[int32(port)] = key
		if !wildcard(host) {
			c.fail("maitre.yaml %s: %s (expected: 0.0.0.0:<port>, reachable on the pod's IP)", key, l.Bind)
		}
	}
	for port, key := range wanted {
		p, ok := byNumber[port]
		if !ok {
			c.fail("%s: container %s declares no port %d (expected: one for maitre.yaml %s)", d.where, containerName, port, key)
		} else if p.Protocol != "" && p.Protocol != corev1.ProtocolTCP {
			c.fail("%s: container port %d: protocol %s (expected: TCP)", d.where, port, p.Protocol)
		}
	}
	for port := range byNumber {
		if _, ok := wanted[port]; !ok {
			c.fail("%s: container port %d is neither the admin API's nor a listener's in maitre.yaml", d.where, port)
		}
	}
	return byNumber
}

// resolve gives the number of a port named or numbered in a probe or a Service.
func resolve(port intstr.IntOrString, ports map[int32]corev1.ContainerPort) (int32, bool) {
	if port.Type == intstr.Int {
		_, ok := ports[port.IntVal]
		return port.IntVal, ok
	}
	for n, p := range ports {
		if p.Name == port.StrVal {
			return n, true
		}
	}
	return 0, false
}

func (c *checker) probes(d *deployment, ports map[int32]corev1.ContainerPort) {
	_, admin, err := bindAddress("admin.bind", d.config.Admin.Bind)
	if err != nil {
		return
	}
	probes := []struct {
		name  string
		probe *corev1.Probe
		paths []string
	}{
		{"readinessProbe", d.container.ReadinessProbe, []string{"/ready"}},
		{"livenessProbe", d.container.LivenessProbe, []string{"/healthz"}},
		{"startupProbe", d.container.StartupProbe, []string{"/healthz", "/ready"}},
	}
	for _, p := range probes {
		if p.probe == nil {
			if p.name != "startupProbe" {
				c.fail("%s: no %s (expected: GET %s on the admin port %d)", d.where, p.name, p.paths[0], admin)
			}
			continue
		}
		get := p.probe.HTTPGet
		if get == nil {
			c.fail("%s: %s is not an httpGet (expected: GET %s on the admin port %d)", d.where, p.name, p.paths[0], admin)
			continue
		}
		if !contains(p.paths, get.Path) {
			c.fail("%s: %s path %q (expected: %s)", d.where, p.name, get.Path, strings.Join(p.paths, " or "))
		}
		if n, ok := resolve(get.Port, ports); !ok || n != int32(admin) {
			c.fail("%s: %s port %s (expected: the admin port %d of maitre.yaml admin.bind)", d.where, p.name, get.Port.String(), admin)
		}
		if get.Scheme != "" && get.Scheme != corev1.URISchemeHTTP {
			c.fail("%s: %s scheme %s (expected: HTTP, the admin API has no TLS)", d.where, p.name, get.Scheme)
		}
	}
}

// termination: shutdownDelay covers the time the endpoints take to drop the pod, and the kubelet
// waits for delay and grace period both before it kills.
func (c *checker) termination(d *deployment) {
	delay, err1 := duration("shutdownDelay", d.config.ShutdownDelay, defaultDelay)
	grace, err2 := duration("shutdownGracePeriod", d.config.ShutdownGracePeriod, defaultGracePeriod)
	if err1 != nil || err2 != nil {
		for _, err := range []error{err1, err2} {
			if err != nil {
				c.fail("%v", err)
			}
		}
		return
	}
	period := int64(30)
	if t := d.value.Spec.Template.Spec.TerminationGracePeriodSeconds; t != nil {
		period = *t
	}
	if time.Duration(period)*time.Second <= delay+grace {
		c.fail("%s: terminationGracePeriodSeconds %d (expected: > shutdownDelay %s + shutdownGracePeriod %s of maitre.yaml)",
			d.where, period, delay, grace)
	}
	if r := d.container.ReadinessProbe; r != nil {
		noticed := time.Duration(orDefault(r.PeriodSeconds, 10)*orDefault(r.FailureThreshold, 3)) * time.Second
		if delay <= noticed {
			c.fail("maitre.yaml shutdownDelay: %s (expected: > %s, the readiness probe's periodSeconds × failureThreshold, so that no client is sent to a closed port)",
				delay, noticed)
		}
	}
	for _, hook := range []*corev1.LifecycleHandler{lifecycle(d.container).PreStop} {
		if hook != nil && hook.Exec != nil {
			c.fail("%s: a preStop exec hook (expected: none; shutdownDelay keeps serving, and /ready says 503 meanwhile)", d.where)
		}
	}
}

func lifecycle(container *corev1.Container) corev1.Lifecycle {
	if container.Lifecycle == nil {
		return corev1.Lifecycle{}
	}
	return *container.Lifecycle
}

// adminToken: off loopback the admin API needs a token; tokenFile must be a mounted Secret's key.
func (c *checker) adminToken(d *deployment) {
	a := d.config.Admin
	host, _, err := bindAddress("admin.bind", a.Bind)
	if err != nil || loopback(host) {
		return
	}
	if a.Token != "" {
		c.fail("maitre.yaml admin.token: set in the ConfigMap (expected: admin.tokenFile, a file of a mounted Secret)")
		return
	}
	if a.TokenFile == "" {
		c.fail("maitre.yaml admin.bind: %s is not a loopback address (expected: admin.tokenFile)", a.Bind)
		return
	}
	if volume, _ := mountedKey(d, a.TokenFile); volume == nil || volume.Secret == nil {
		c.fail("maitre.yaml admin.tokenFile: %s is not in a mounted Secret (expected: a secret volume mounted at %s)",
			a.TokenFile, path.Dir(a.TokenFile))
	}
}

func selects(selector *metav1.LabelSelector, set map[string]string) bool {
	if selector == nil {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(selector)
	return err == nil && !s.Empty() && s.Matches(labels.Set(set))
}

func env(container *corev1.Container, name string) string {
	for _, e := range container.Env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsCapability(list []corev1.Capability, s corev1.Capability) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func orDefault(n int32, def int32) int64 {
	if n == 0 {
		return int64(def)
	}
	return int64(n)
}

func optional(n *int32) string {
	if n == nil {
		return "(unset: 1)"
	}
	return strconv.Itoa(int(*n))
}

func mib(bytes float64) string {
	return fmt.Sprintf("%.0f MiB", bytes/(1<<20))
}
