package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The Kubernetes example in deploy/kubernetes, read as the API server
// would see it: only the fields checked here.
type k8sObject struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Resources  []string          `yaml:"resources"`  // Kustomization
	StringData map[string]string `yaml:"stringData"` // Secret
	Spec       struct {
		Replicas     *int `yaml:"replicas"`
		MinAvailable *int `yaml:"minAvailable"` // PodDisruptionBudget
		Selector     struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
			Spec struct {
				TerminationGracePeriodSeconds int            `yaml:"terminationGracePeriodSeconds"`
				Containers                    []k8sContainer `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type k8sContainer struct {
	Args  []string `yaml:"args"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	Env []struct {
		Name      string `yaml:"name"`
		Value     string `yaml:"value"`
		ValueFrom struct {
			SecretKeyRef struct {
				Name string `yaml:"name"`
				Key  string `yaml:"key"`
			} `yaml:"secretKeyRef"`
		} `yaml:"valueFrom"`
	} `yaml:"env"`
	ReadinessProbe k8sProbe `yaml:"readinessProbe"`
	LivenessProbe  k8sProbe `yaml:"livenessProbe"`
}

type k8sProbe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"`
	} `yaml:"httpGet"`
}

// TestKubernetesExample checks deploy/kubernetes: three replicas, ready on
// /readyz and alive on /healthz at the bot's HTTP port, a disruption
// budget that keeps all but one, the tokens from the Secret, and an
// environment that `outreachbot run` accepts.
func TestKubernetesExample(t *testing.T) {
	dir := filepath.Join("..", "..", "deploy", "kubernetes")
	objs := map[string]k8sObject{} // by kind
	var kust k8sObject
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in %s (%v)", dir, err)
	}
	for _, f := range files {
		if filepath.Base(f) == "redis-values.yaml" { // Helm values, not a manifest
			continue
		}
		for _, o := range readManifests(t, f) {
			if o.Kind == "Kustomization" {
				kust = o
				continue
			}
			if _, dup := objs[o.Kind]; dup {
				t.Fatalf("two %s objects", o.Kind)
			}
			objs[o.Kind] = o
		}
	}
	for _, f := range files {
		if b := filepath.Base(f); b != "kustomization.yaml" && b != "redis-values.yaml" && !slices.Contains(kust.Resources, b) {
			t.Errorf("kustomization.yaml does not list %s", b)
		}
	}

	dep, pdb, sec := objs["Deployment"], objs["PodDisruptionBudget"], objs["Secret"]
	if dep.Spec.Replicas == nil || *dep.Spec.Replicas != 3 {
		t.Errorf("Deployment replicas = %s; want 3", orNone(dep.Spec.Replicas))
	}
	labels := dep.Spec.Template.Metadata.Labels
	if !subset(dep.Spec.Selector.MatchLabels, labels) || len(dep.Spec.Selector.MatchLabels) == 0 {
		t.Errorf("Deployment selector %v does not select its pods %v", dep.Spec.Selector.MatchLabels, labels)
	}
	if !subset(pdb.Spec.Selector.MatchLabels, labels) || len(pdb.Spec.Selector.MatchLabels) == 0 {
		t.Errorf("PodDisruptionBudget selector %v does not select the bot's pods %v", pdb.Spec.Selector.MatchLabels, labels)
	}
	if pdb.Spec.MinAvailable == nil || dep.Spec.Replicas == nil || *pdb.Spec.MinAvailable != *dep.Spec.Replicas-1 {
		t.Errorf("PodDisruptionBudget minAvailable = %s; want replicas - 1, one pod at a time", orNone(pdb.Spec.MinAvailable))
	}
	// SIGTERM: up to 10 s for posts under way, 10 s for the outbox.
	if g := dep.Spec.Template.Spec.TerminationGracePeriodSeconds; g < 25 {
		t.Errorf("terminationGracePeriodSeconds = %d; want at least 25", g)
	}
	if n := len(dep.Spec.Template.Spec.Containers); n != 1 {
		t.Fatalf("%d containers; want 1", n)
	}
	c := dep.Spec.Template.Spec.Containers[0]
	env := map[string]string{}
	for _, e := range c.Env {
		if ref := e.ValueFrom.SecretKeyRef; ref.Name != "" {
			v, ok := sec.StringData[ref.Key]
			if ref.Name != sec.Metadata.Name || !ok {
				t.Errorf("%s comes from secret %s key %s, which the Secret (%s) lacks", e.Name, ref.Name, ref.Key, sec.Metadata.Name)
			}
			env[e.Name] = v
			continue
		}
		env[e.Name] = e.Value
	}
	for _, name := range []string{"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN"} {
		if c.Env != nil && !secretRef(c, name) {
			t.Errorf("%s is not taken from the Secret", name)
		}
	}
	cfg, err := loadConfig(func(k string) string { return env[k] }, "run")
	if err != nil {
		t.Fatalf("outreachbot run refuses the Deployment's environment: %v", err)
	}
	if len(cfg.RedisAddrs) == 0 || cfg.RedisMasterName == "" {
		t.Errorf("REDIS_ADDRS %v, REDIS_MASTER_NAME %q; want Sentinel", cfg.RedisAddrs, cfg.RedisMasterName)
	}
	port := ""
	for _, p := range c.Ports {
		if p.Name == "http" && strings.HasSuffix(cfg.HTTPAddr, ":"+strconv.Itoa(p.ContainerPort)) {
			port = p.Name
		}
	}
	if port == "" {
		t.Errorf("no container port named http matches HTTP_ADDR %q", cfg.HTTPAddr)
	}
	for _, p := range []struct {
		name, path string
		probe      k8sProbe
	}{{"readiness", "/readyz", c.ReadinessProbe}, {"liveness", "/healthz", c.LivenessProbe}} {
		if p.probe.HTTPGet.Path != p.path || p.probe.HTTPGet.Port != port {
			t.Errorf("%s probe = GET %s on port %q; want GET %s on %q", p.name, p.probe.HTTPGet.Path, p.probe.HTTPGet.Port, p.path, port)
		}
	}
	if !slices.Contains(c.Args, "run") {
		t.Errorf("container args %v; want run", c.Args)
	}
}

func readManifests(t *testing.T, path string) []k8sObject {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []k8sObject
	dec := yaml.NewDecoder(f)
	for {
		var o k8sObject
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, o)
	}
}

func secretRef(c k8sContainer, name string) bool {
	for _, e := range c.Env {
		if e.Name == name {
			return e.ValueFrom.SecretKeyRef.Name != "" && e.Value == ""
		}
	}
	return false
}

func subset(a, b map[string]string) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func orNone(n *int) string {
	if n == nil {
		return "unset"
	}
	return strconv.Itoa(*n)
}
