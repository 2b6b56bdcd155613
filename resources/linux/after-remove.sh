#!/bin/bash
# deb postrm: undo after-install.sh (the policy, the CLI link, the AppArmor profile).
APP='/opt/${sanitizedProductName}'
rm -f /usr/share/polkit-1/actions/org.kscope.run-bpftrace.policy
if type update-alternatives >/dev/null 2>&1; then
    update-alternatives --remove '${executable}' "$APP/resources/bin/kscope" || true
fi
if [ -L '/usr/bin/${executable}' ] && [ ! -e '/usr/bin/${executable}' ]; then
    rm -f '/usr/bin/${executable}'
fi
APPARMOR_PROFILE_DEST='/etc/apparmor.d/${executable}'
if [ -f "$APPARMOR_PROFILE_DEST" ]; then
  if apparmor_status --enabled > /dev/null 2>&1; then
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --remove "$APPARMOR_PROFILE_DEST" || true
    fi
  fi
  rm -f "$APPARMOR_PROFILE_DEST"
fi
exit 0
