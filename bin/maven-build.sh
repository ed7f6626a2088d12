# Sourced by ./cairn, jepsen/run.sh and bench/run.sh: runs ./mvnw offline first (fast, no network) and
# online when something is not in ~/.m2 yet (a fresh machine). Usage: cairn_maven_build MAVEN_ARGS...
cairn_maven_build() {
  local top; top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  if ! "$top/mvnw" -o "$@" >&2; then
    echo "cairn: offline build failed; retrying online" >&2
    "$top/mvnw" "$@" >&2
  fi
}
