# Sourced through BASH_ENV (test/helpers/fake-functions.ts) by every bash a test starts: each fake
# program named in $FAKE_FUNCTIONS (absolute paths, `:` between them) becomes a shell function of
# the same name that runs the program's own file in a subshell of the calling shell. A call then
# costs a fork (~2.5 ms of CPU on the machines here) instead of a fork and two execs, env and bash
# (~12.5 ms): ~1,300 calls a test run, ~12 s of CPU. The subshell starts with the options, traps
# and IFS a new bash has, so the file runs as it does as a program (its `exit` ends only the
# subshell, its variables and functions stay in it); a call that does not go through function
# lookup (`command gcloud`, xargs, sudo, another shell) still finds the program on PATH.
# One difference remains: called where bash ignores errexit (`if gcloud …`, `gcloud … || x`), the
# file's own `set -e` is ignored too, so the fakes fail only through an explicit exit (they do).
__fake_run() (
  { set +aCEefTuvx +o pipefail; } 2>/dev/null
  trap - ERR DEBUG RETURN
  IFS=$' \t\n'
  __fake_file=$1
  shift
  # shellcheck disable=SC1090 # the fake program's own file
  . "$__fake_file" "$@"
)
IFS=: read -r -a __fake_files <<<"${FAKE_FUNCTIONS-}"
for __fake_file in "${__fake_files[@]}"; do
  printf -v __fake_quoted %q "$__fake_file"
  eval "${__fake_file##*/}() { __fake_run $__fake_quoted \"\$@\"; }"
done
unset __fake_file __fake_files __fake_quoted
