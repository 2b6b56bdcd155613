#!/bin/sh
# kscope's privileged helper for ONE run with --unsafe, as pkexec starts it under the polkit
# action org.kscope.run-bpftrace-unsafe (authentication asked every time, never kept). The
# same clean environment and fixed paths as kscope-helper, plus KSCOPE_HELPER_ACTION=unsafe:
# set here, by a root-owned file, because pkexec passes nothing of the caller's environment.
exec /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin ELECTRON_RUN_AS_NODE=1 KSCOPE_HELPER_ACTION=unsafe \
  /opt/kscope/kscope /opt/kscope/resources/helper/helper.cjs "$@"
