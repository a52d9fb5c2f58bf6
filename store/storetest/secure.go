package storetest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/redis/go-redis/v9"
)

// security is what a deployment asks of its clients: Cluster's nodes a
// password and TLS, Sentinel's data nodes a password and its sentinel
// another, as a managed Redis does. The single node asks nothing.
type security struct {
	password         string // requirepass of the data nodes ("" for none)
	sentinelPassword string // requirepass of the sentinels
	caFile           string // the CA that signed the nodes' certificate ("" without TLS)
	certFile         string
	keyFile          string
	tls              *tls.Config // a client's, trusting caFile
}

// secure makes the deployment's security for its topology, writing the
// certificates it needs under dir.
func secure(top, dir string) (security, error) {
	var s security
	switch top {
	case Cluster:
		s.password = randomSecret()
		if err := s.makeCertificates(dir); err != nil {
			return s, err
		}
	case Sentinel:
		s.password, s.sentinelPassword = randomSecret(), randomSecret()
	}
	return s, nil
}

func randomSecret() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "pw-" + hex.EncodeToString(b)
}

// makeCertificates writes a CA and a server certificate for 127.0.0.1
// and localhost signed by it, valid for a day.
func (s *security) makeCertificates(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("certificates: %w", err)
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("certificates: %w", err)
	}
	// The wall clock, not the tests' clock: redis-server and crypto/tls
	// check a certificate's validity against the real time.
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "storetest CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return fmt.Errorf("certificates: CA: %w", err)
	}
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("certificates: %w", err)
	}
	srv := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return fmt.Errorf("certificates: %w", err)
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srv, caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		return fmt.Errorf("certificates: server: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(srvKey)
	if err != nil {
		return fmt.Errorf("certificates: %w", err)
	}
	s.caFile, s.certFile, s.keyFile = filepath.Join(dir, "ca.crt"), filepath.Join(dir, "redis.crt"), filepath.Join(dir, "redis.key")
	for _, f := range []struct {
		path, typ string
		der       []byte
	}{{s.caFile, "CERTIFICATE", caDER}, {s.certFile, "CERTIFICATE", srvDER}, {s.keyFile, "EC PRIVATE KEY", keyDER}} {
		if err := os.WriteFile(f.path, pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: f.der}), 0o600); err != nil {
			return fmt.Errorf("certificates: %w", err)
		}
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	s.tls = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return nil
}

// serverArgs are a data node's flags for the security: its password, and
// with TLS its only port a TLS one, the cluster bus and replication too.
func (s security) serverArgs(port string) []string {
	var out []string
	if s.password != "" {
		out = append(out, "--requirepass", s.password, "--masterauth", s.password)
	}
	if s.tls != nil {
		out = append(out, "--port", "0", "--tls-port", port, "--tls-cert-file", s.certFile, "--tls-key-file", s.keyFile,
			"--tls-ca-cert-file", s.caFile, "--tls-auth-clients", "no", "--tls-cluster", "yes", "--tls-replication", "yes")
	}
	return out
}

// cliArgs are redis-cli's flags to reach a data node.
func (s security) cliArgs() []string {
	var out []string
	if s.tls != nil {
		out = append(out, "--tls", "--cacert", s.caFile)
	}
	if s.password != "" {
		out = append(out, "-a", s.password, "--no-auth-warning")
	}
	return out
}

// nodeOptions are a client's options for the data node at addr.
func (s security) nodeOptions(addr string) *redis.Options {
	return &redis.Options{Addr: addr, Password: s.password, TLSConfig: s.tlsConfig()}
}

func (s security) tlsConfig() *tls.Config {
	if s.tls == nil {
		return nil
	}
	return s.tls.Clone()
}
