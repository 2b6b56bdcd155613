#!/bin/bash
# deb postinst (electron-builder fills in the ${...} names): the polkit policy, the helper
# root-owned, the kscope CLI on PATH, and electron-builder's usual steps (chrome-sandbox,
# desktop and MIME databases, the AppArmor profile on Ubuntu 24+).
set -e
APP='/opt/${sanitizedProductName}'

# The privileged helper: root-owned and not writable by anyone else (pkexec runs it as root).
chown -R root:root "$APP/resources/helper"
chmod 0755 "$APP/resources/helper" "$APP/resources/helper/kscope-helper" "$APP/resources/helper/kscope-helper-unsafe"
chmod 0644 "$APP/resources/helper/helper.cjs"
install -D -o root -g root -m 0644 "$APP/resources/resources/linux/org.kscope.run-bpftrace.policy" /usr/share/polkit-1/actions/org.kscope.run-bpftrace.policy

# The CLI on PATH (it starts the app when run with no arguments).
chmod 0755 "$APP/resources/bin/kscope"
if type update-alternatives >/dev/null 2>&1; then
    if [ -L '/usr/bin/${executable}' -a -e '/usr/bin/${executable}' -a "`readlink '/usr/bin/${executable}'`" != '/etc/alternatives/${executable}' ]; then
        rm -f '/usr/bin/${executable}'
    fi
    update-alternatives --install '/usr/bin/${executable}' '${executable}' "$APP/resources/bin/kscope" 100 || ln -sf "$APP/resources/bin/kscope" '/usr/bin/${executable}'
else
    ln -sf "$APP/resources/bin/kscope" '/usr/bin/${executable}'
fi

# Chromium's sandbox: setuid chrome-sandbox only where user namespaces do not work.
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
    chmod 4755 "$APP/chrome-sandbox" || true
else
    chmod 0755 "$APP/chrome-sandbox" || true
fi

if hash update-mime-database 2>/dev/null; then
    update-mime-database /usr/share/mime || true
fi
if hash update-desktop-database 2>/dev/null; then
    update-desktop-database /usr/share/applications || true
fi

# AppArmor profile (Ubuntu 24+ restricts unprivileged user namespaces), when supported.
if apparmor_status --enabled > /dev/null 2>&1; then
  APPARMOR_PROFILE_SOURCE="$APP/resources/apparmor-profile"
  APPARMOR_PROFILE_TARGET='/etc/apparmor.d/${executable}'
  if apparmor_parser --skip-kernel-load --debug "$APPARMOR_PROFILE_SOURCE" > /dev/null 2>&1; then
    cp -f "$APPARMOR_PROFILE_SOURCE" "$APPARMOR_PROFILE_TARGET"
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --replace --write-cache --skip-read-cache "$APPARMOR_PROFILE_TARGET"
    fi
  fi
fi
