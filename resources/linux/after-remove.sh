#!/bin/sh
rm -f /usr/share/polkit-1/actions/org.kscope.run-bpftrace.policy /usr/bin/kscope
