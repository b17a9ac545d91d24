# The bash that starts every run of test/helpers/gcloud-extract.ts's sandbox (a script, a workflow
# step, the dry-run decoder) as its own child: a fork and exec from this small bash instead of a
# spawn() from the test worker.
#
#   bash sandbox-runner.sh REQUEST OUT ERR ALIVE
#
# For each line on stdin, one run: REQUEST holds its fields, each ending with a NUL: the directory
# to run in, the file on its stdin, the count of its environment entries (NAME=value), the entries,
# then bash's arguments. The run gets exactly that environment (nothing of this one's), writes its
# stdout to OUT and its stderr to ERR; its exit code is answered on stdout once the run AND
# everything it left running (a process substitution still writing) are done: they all hold
# ALIVE's write end, as they held the output pipes a spawn() from the worker waited on.
set -u
REQUEST=$1 OUT=$2 ERR=$3 ALIVE=$4
mkfifo "$ALIVE" || exit 1
# Hold ALIVE's read end only (opened through a read-write one, so that no open waits): a run's
# writes end with EOF here once the last process holding them has exited.
exec 8<>"$ALIVE" 7<"$ALIVE" 8>&-
while IFS= read -r _; do
  mapfile -d '' -t req <"$REQUEST"
  n=${req[2]}
  (
    exec 9>"$ALIVE" 7<&-
    cd -- "${req[0]}" || exit 126
    # This bash's own exports (it was started with an empty environment).
    unset PWD OLDPWD SHLVL
    for entry in "${req[@]:3:n}"; do export "$entry"; done
    exec bash "${req[@]:3+n}"
  ) <"${req[1]}" >"$OUT" 2>"$ERR"
  code=$?
  while read -r -u 7 _; do :; done
  printf '%s\n' "$code"
done
