#!/usr/bin/env bash
# Installs the Debian packages the integration tests need when they are missing:
#   adb (the real adb server the fake phones attach to), openssh-server (sshd on 127.0.0.1),
#   chromium (headless browser for the HTML report tests).
# Safe to run again: it does nothing when everything is present.
set -euo pipefail

missing=()
command -v adb >/dev/null 2>&1 || missing+=(adb)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "nanosd-bench tests need: ${missing[*]} (apt-get install -y ${missing[*]}); run as root or install them." >&2
    exit 1
  fi
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  echo "Installing test dependencies: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# sshd refuses to start without its privilege separation directory.
if [ ! -d /run/sshd ]; then
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  $SUDO mkdir -p /run/sshd && $SUDO chmod 755 /run/sshd
fi
