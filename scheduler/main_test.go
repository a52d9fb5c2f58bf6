package scheduler_test

import (
	"os"
	"testing"

	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestMain shares one Cluster or Sentinel among the package's tests when
// OUTREACH_TEST_REDIS asks for one (see storetest.Main).
func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
