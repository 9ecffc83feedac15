package main

import (
	"fmt"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

const (
	containerName = "maitre"
	configKey     = "maitre.yaml"
	// What the JVM needs beside its heap and direct memory: classes, compiled code, thread stacks,
	// the collector's own structures.
	jvmOverhead = 128 << 20
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

func (c *checker) security(d *deployment) {
	pod := d.value.Spec.Template.Spec.SecurityContext
	sc := d.container.SecurityContext
	if sc == nil {
		sc = &corev1.SecurityContext{}
	}
	nonRoot := sc.RunAsNonRoot
	if nonRoot == nil && pod != nil {
		nonRoot = pod.RunAsNonRoot
	}
	if nonRoot == nil || !*nonRoot {
		c.fail("%s: runAsNonRoot is not true", d.where)
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		c.fail("%s: container %s: readOnlyRootFilesystem is not true", d.where, containerName)
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		c.fail("%s: container %s: allowPrivilegeEscalation is not false", d.where, containerName)
	}
	if sc.Privileged != nil && *sc.Privileged {
		c.fail("%s: container %s: privileged (expected: false)", d.where, containerName)
	}
	if sc.Capabilities == nil || !containsCapability(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0 {
		c.fail("%s: container %s: capabilities (expected: drop ALL, add none: maitre's ports are above 1024)", d.where, containerName)
	}
	writableTmp := false
	for _, mount := range d.container.VolumeMounts {
		if mount.MountPath == "/tmp" && !mount.ReadOnly {
			writableTmp = true
		}
	}
	if !writableTmp {
		c.fail("%s: container %s: no writable /tmp (expected: an emptyDir; the JVM and Netty's native library need it)", d.where, containerName)
	}
}

var (
	ramPercentage = regexp.MustCompile(`(?:^|\s)-XX:MaxRAMPercentage=([0-9.]+)(?:\s|$)`)
	directMemory  = regexp.MustCompile(`(?:^|\s)-XX:MaxDirectMemorySize=([0-9]+)([kKmMgG]?)(?:\s|$)`)
	fixedHeap     = regexp.MustCompile(`(?:^|\s)-Xmx`)
)

// memory: the JVM's heap is a share of the limit, and heap + direct memory + the JVM's own needs
// fit under it.
func (c *checker) memory(d *deployment) {
	limits, requests := d.container.Resources.Limits, d.container.Resources.Requests
	limit, ok := limits[corev1.ResourceMemory]
	if !ok {
		c.fail("%s: container %s: no memory limit", d.where, containerName)
		return
	}
	if _, ok := requests[corev1.ResourceMemory]; !ok {
		c.fail("%s: container %s: no memory request", d.where, containerName)
	}
	if _, ok := requests[corev1.ResourceCPU]; !ok {
		c.fail("%s: container %s: no cpu request", d.where, containerName)
	}
	if cpu, ok := limits[corev1.ResourceCPU]; ok && d.config.Workers > 0 &&
		float64(d.config.Workers) > math.Ceil(cpu.AsApproximateFloat64()) {
		c.fail("maitre.yaml workers: %d (expected: at most the container's cpu limit, %s)", d.config.Workers, cpu.String())
	}
	opts := env(d.container, "MAITRE_JAVA_OPTS")
	share := ramPercentage.FindStringSubmatch(opts)
	if share == nil || fixedHeap.MatchString(opts) {
		c.fail("%s: MAITRE_JAVA_OPTS %q (expected: -XX:MaxRAMPercentage=<n> and no -Xmx, so the heap follows the memory limit)", d.where, opts)
		return
	}
	percent, _ := strconv.ParseFloat(share[1], 64)
	heap := float64(limit.Value()) * percent / 100
	direct := heap // the JVM's default: as much as the heap
	if m := directMemory.FindStringSubmatch(opts); m != nil {
		q := resource.MustParse(m[1] + map[string]string{"": "", "k": "Ki", "K": "Ki", "m": "Mi", "M": "Mi", "g": "Gi", "G": "Gi"}[m[2]])
		direct = float64(q.Value())
	}
	if total := heap + direct + jvmOverhead; total > float64(limit.Value()) {
		c.fail("%s: heap %s (MaxRAMPercentage %s of %s) + direct memory %s + %s for the JVM = %s (expected: at most the memory limit %s)",
			d.where, mib(heap), share[1], limit.String(), mib(direct), mib(jvmOverhead), mib(total), limit.String())
	}
}

// services: each Service that selects maitre's pods sends its ports to listeners, never to the admin API.
func (c *checker) services(m *manifests, d *deployment, ports map[int32]corev1.ContainerPort) {
	_, admin, _ := bindAddress("admin.bind", d.config.Admin.Bind)
	found := false
	for _, s := range m.services {
		spec := s.value.Spec
		if len(spec.Selector) == 0 || !labels.SelectorFromSet(spec.Selector).Matches(labels.Set(d.value.Spec.Template.Labels)) {
			continue
		}
		found = true
		for _, p := range spec.Ports {
			target := p.TargetPort
			if target.Type == intstr.Int && target.IntVal == 0 {
				target = intstr.FromInt32(p.Port)
			}
			n, ok := resolve(target, ports)
			switch {
			case !ok:
				c.fail("%s: Service %s port %s: targetPort %s is not a port of container %s", s.file, s.value.Name, p.Name, target.String(), containerName)
			case n == int32(admin):
				c.fail("%s: Service %s port %s: targetPort %s is the admin API (expected: a listener's port)", s.file, s.value.Name, p.Name, target.String())
			}
		}
	}
	if !found {
		c.fail("no Service selects the pod template's labels %v (expected: maitre's Service)", d.value.Spec.Template.Labels)
	}
}

func (c *checker) budgets(m *manifests, d *deployment) {
	found := false
	for _, b := range m.budgets {
		if !selects(b.value.Spec.Selector, d.value.Spec.Template.Labels) {
			c.fail("%s: PodDisruptionBudget %s selector %s does not select maitre's pods %v", b.file, b.value.Name,
				metav1.FormatLabelSelector(b.value.Spec.Selector), d.value.Spec.Template.Labels)
			continue
		}
		found = true
		spec := b.value.Spec
		replicas := int32(1)
		if d.value.Spec.Replicas != nil {
			replicas = *d.value.Spec.Replicas
		}
		switch {
		case (spec.MinAvailable == nil) == (spec.MaxUnavailable == nil):
			c.fail("%s: PodDisruptionBudget %s (expected: one of minAvailable or maxUnavailable)", b.file, b.value.Name)
		case spec.MaxUnavailable != nil && spec.MaxUnavailable.Type == intstr.Int && spec.MaxUnavailable.IntVal < 1:
			c.fail("%s: maxUnavailable %d (expected: at least 1, or no node could ever be drained)", b.file, spec.MaxUnavailable.IntVal)
		case spec.MinAvailable != nil && spec.MinAvailable.Type == intstr.Int && spec.MinAvailable.IntVal >= replicas:
			c.fail("%s: minAvailable %d (expected: fewer than the %d replicas, or no node could ever be drained)", b.file, spec.MinAvailable.IntVal, replicas)
		}
	}
	if !found {
		c.fail("no PodDisruptionBudget selects maitre's pods %v", d.value.Spec.Template.Labels)
	}
}

// discovery: a cluster found by DNS names a headless Service of the manifests, on a port it has,
// whose pods are not maitre's own.
func (c *checker) discovery(m *manifests, d *deployment) {
	namespace := m.namespace
	if namespace == "" {
		namespace = "default"
	}
	for i, cl := range d.config.Clusters {
		if cl.Discovery == nil || cl.Discovery.DNS == nil {
			continue
		}
		dns := cl.Discovery.DNS
		key := fmt.Sprintf("maitre.yaml clusters[%d].discovery.dns", i)
		name, ok := strings.CutSuffix(dns.Name, "."+namespace+".svc.cluster.local")
		if !ok || strings.Contains(name, ".") {
			c.fail("%s.name: %s (expected: <service>.%s.svc.cluster.local)", key, dns.Name, namespace)
			continue
		}
		var service *object[corev1.Service]
		for j := range m.services {
			if m.services[j].value.Name == name {
				service = &m.services[j]
			}
		}
		if service == nil {
			c.fail("%s.name: %s: no Service %s among the manifests", key, dns.Name, name)
			continue
		}
		spec := service.value.Spec
		if spec.ClusterIP != corev1.ClusterIPNone {
			c.fail("%s: Service %s is not headless (expected: clusterIP: None, so its name resolves to every pod and maitre balances)", service.file, name)
		}
		if len(spec.Selector) > 0 && labels.SelectorFromSet(spec.Selector).Matches(labels.Set(d.value.Spec.Template.Labels)) {
			c.fail("%s: Service %s selects maitre's own pods (expected: the backends')", service.file, name)
		}
		served := false
		for _, p := range spec.Ports {
			target := p.Port
			if p.TargetPort.Type == intstr.Int && p.TargetPort.IntVal != 0 {
				target = p.TargetPort.IntVal
			}
			served = served || int(target) == dns.Port
		}
		if !served {
			c.fail("%s.port: %d (expected: a port of Service %s; a headless Service's name gives the pods' addresses, so the pods' port)", key, dns.Port, name)
		}
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
