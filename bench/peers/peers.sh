# Sourced by the scripts that run peers (bench/echo/run.sh, bench/http/*.sh, bench/http2/run.sh): where the peers
# are, and what they need from the machine. bench/lib/harness.sh builds on it.
# Every check that fails prints one line naming the Debian package and the command that installs it; with
# INSTALL=1 in the environment it installs the package instead (apt-get, as .ci/run does) and checks again.
# The caller sets $tag (its name in messages) before sourcing.

peers_root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

say() { echo "$tag: $*" >&2; }

apt_updated=""
# apt_install PACKAGE...: installs with apt-get when INSTALL=1; false otherwise, or when apt-get failed.
apt_install() {
  [[ ${INSTALL:-} == 1 ]] || return 1
  command -v apt-get >/dev/null || { say "INSTALL=1, but there is no apt-get here"; return 1; }
  say "INSTALL=1: apt-get install -y $*"
  if [[ -z $apt_updated ]]; then apt-get update -qq >&2 || true; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}
hint() { echo "apt-get install -y $* (or run with INSTALL=1 to install it)"; }

# have_cmd COMMAND PACKAGE WHAT: true when COMMAND is on PATH (after installing PACKAGE if INSTALL=1);
# otherwise says what is missing, for what, and how to install it.
have_cmd() {
  command -v "$1" >/dev/null 2>&1 && return 0
  apt_install "$2" && command -v "$1" >/dev/null 2>&1 && return 0
  say "$1 is missing ($3): $(hint "$2")"
  return 1
}

# have_py MODULE PACKAGE WHAT: the same for a module of Debian's /usr/bin/python3, which Debian's python3-*
# packages install into (a pyenv python3 on PATH does not see them).
PY=/usr/bin/python3
have_python() { # WHAT
  [[ -x $PY ]] && return 0
  apt_install python3 && [[ -x $PY ]] && return 0
  say "$PY is missing ($1): $(hint python3)"
  return 1
}
have_py() {
  have_python "$3" || return 1
  "$PY" -c "import $1" 2>/dev/null && return 0
  apt_install "$2" && "$PY" -c "import $1" 2>/dev/null && return 0
  say "$PY cannot import $1 ($3): $(hint "$2")"
  return 1
}

# find_jdk: prints a JDK 25 or newer (JAVA_HOME first, then /usr/lib/jvm/*), as bin/jasyncio looks for one.
find_jdk() {
  local d m
  for d in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    [[ -x $d/bin/java && -x $d/bin/javac ]] || continue
    m=$("$d/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
    [[ -n $m && $m -ge 25 ]] && { echo "$d"; return 0; }
  done
  return 1
}

# netty_jar JDK LOG WHO: prints the Netty peers' jar (bench/peers/netty), building it first when it is missing or
# older than its sources. Maven fetches Netty from Maven Central the first time; when the build fails, says in
# one line that WHO is left out and why (the build's output is in LOG), and returns false.
netty_jar() {
  local dir=$peers_root/netty jar=$peers_root/netty/target/netty-peers.jar
  if [[ ! -f $jar || -n $(find "$dir/pom.xml" "$dir/src" -newer "$jar" -print -quit) ]]; then
    have_cmd mvn maven "to build the Netty peers; $3 left out" || return 1
    say "building the Netty peers (mvn package in bench/peers/netty; Netty comes from Maven Central) ..."
    if ! (cd "$dir" && JAVA_HOME=$1 MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
          mvn -B -q -Dstyle.color=never package) >"$2" 2>&1; then
      say "$3 left out: the Netty peers did not build (is Maven Central reachable?); Maven's output: $2"
      return 1
    fi
  fi
  echo "$jar"
}
