# Sourced by the scripts in bin/: finds a JDK >= 25 and exports JAVA_HOME and PATH for it.
# Looks at, in order: $JAVA_HOME, `java` on PATH, /usr/lib/jvm/*, /usr/java/*, /opt/java/*, /opt/*jdk*,
# ~/.sdkman/candidates/java/*, ~/.jdks/*, /Library/Java/JavaVirtualMachines/*/Contents/Home.
# Prints one clear error naming what it looked at when none qualifies.

JSELECTORS_MIN_JDK=25

# Prints the feature version (17, 25, ...) of the JDK at $1, or nothing when it is not a JDK.
jselectors_jdk_version() {
  local home=$1 line
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  if [ -r "$home/release" ]; then
    line=$(grep -m1 '^JAVA_VERSION=' "$home/release" 2>/dev/null)
    line=${line#JAVA_VERSION=\"}
  else
    line=$("$home/bin/java" -version 2>&1 | head -n1 | sed -E 's/.*version "([^"]*)".*/\1/')
  fi
  line=${line%%[.\"+-]*}
  case "$line" in ''|*[!0-9]*) return 1 ;; esac
  echo "$line"
}

jselectors_find_jdk() {
  local candidates=() c v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    c=$(readlink -f "$(command -v java)" 2>/dev/null) && candidates+=("${c%/bin/java}")
  fi
  for c in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/*jdk* "$HOME"/.sdkman/candidates/java/* \
           "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$c" ] && candidates+=("$c")
  done
  local best="" bestv=0
  for c in "${candidates[@]}"; do
    v=$(jselectors_jdk_version "$c") || continue
    if [ "$v" -ge "$JSELECTORS_MIN_JDK" ] && [ "$v" -gt "$bestv" ]; then best=$c; bestv=$v; fi
    # JAVA_HOME wins when it qualifies, whatever else is installed.
    if [ "$c" = "${JAVA_HOME:-}" ] && [ "$v" -ge "$JSELECTORS_MIN_JDK" ]; then best=$c; break; fi
  done
  if [ -z "$best" ]; then
    {
      echo "jselectors: no JDK $JSELECTORS_MIN_JDK or newer found."
      echo "  looked at: \$JAVA_HOME (${JAVA_HOME:-unset}), java on PATH, /usr/lib/jvm/*, /usr/java/*, /opt/java/*,"
      echo "             ~/.sdkman/candidates/java/*, ~/.jdks/*, /Library/Java/JavaVirtualMachines/*/Contents/Home"
      echo "  install one (e.g. apt-get install temurin-25-jdk, or sdk install java 25-tem) or set JAVA_HOME to it."
    } >&2
    return 1
  fi
  export JAVA_HOME=$best
  export PATH="$JAVA_HOME/bin:$PATH"
}
