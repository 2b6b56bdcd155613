#!/bin/sh
# kscope's privileged helper, as pkexec (policy org.kscope.run-bpftrace) or sudo start it:
# the bundled Electron as plain Node running the helper bundle, with a clean environment
# (nothing from the caller, e.g. NODE_OPTIONS, reaches a root process). Fixed paths only.
exec /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin ELECTRON_RUN_AS_NODE=1 \
  /opt/kscope/kscope /opt/kscope/resources/helper/helper.cjs "$@"
