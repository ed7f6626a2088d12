# Sourced by ./mvnw and ./cairn: prints the home of a JDK >= 21 or fails with a clear message.
# Order: $JAVA_HOME, the `java` on PATH, then every JDK under /usr/lib/jvm (newest first).
cairn_jdk_major() { # $1 = java home; prints the major version or nothing
  [ -x "$1/bin/java" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}
cairn_find_jdk() {
  local candidates=() home major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for home in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${home%/}"); done
  for home in "${candidates[@]}"; do
    major="$(cairn_jdk_major "$home")"
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ -x "$home/bin/javac" ]; then echo "$home"; return 0; fi
  done
  echo "cairn: no JDK >= 21 found (looked at \$JAVA_HOME, java on PATH, /usr/lib/jvm/*)." >&2
  echo "cairn: install one (e.g. apt install openjdk-21-jdk or Temurin 21+) or set JAVA_HOME." >&2
  return 1
}
