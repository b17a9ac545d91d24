# infra-migrate: reads a VM's deployment setup for `init --from-host ssh://…`. Runs as `sh -s`
# (POSIX sh: dash, bash, busybox ash), read-only: it writes nothing and runs nothing but shell
# built-ins, ls, readlink, awk and ss. Secrets stay on the VM: Environment= lines, env files and
# crontab variables come back as names, with a value only when it cannot be a secret (a port, a
# lowercase word such as `postgresql`, a URL cut to scheme://host:port; see plain()), and anything
# else that looks like a secret (passwords in URLs and flags, tokens, high-entropy strings) as
# <redacted:vm>.
#
# The caller puts the lists first: im_dirs, im_files, im_extra, im_bare (files of im_extra sent
# empty: that they exist), im_cap (bytes), im_packages (an ERE of server package names), and for
# the app folders (WorkingDirectory=) im_depth, im_skip and the EREs im_app_manifests, im_app_env, im_app_settings, im_app_pm2; im_pm2 (pm2's dump files, as globs);
# im_php (PHP's ini and pool files, as globs) and im_php_keys (an ERE: the lines of them that are sent);
# im_hta_keys (an ERE: the lines of an app folder's .htaccess that are sent, its PHP limits).
# im_code_homes, im_code_skip, im_code_ext and im_code_budget: the folders of installed code, the
# folders not entered, the code files' extensions, the entries looked at a folder (build-inputs.ts).
# IM_ROOT (unset on a VM) points tests at a tree.
#
# Output, one record a line: "infra-migrate-read 1" first; file=PATH then each line of the file
# behind a "|"; link=PATH<TAB>TARGET; entry=PATH (an app file's name only); applink=PATH<TAB>TARGET
# (a linked folder in an app folder, not followed: where it leads); sqlite=PATH (an app file that
# starts as a SQLite database does); h2=PATH (an H2 database file, by its name); missing=TOOL;
# unreadable=/PATH; toolarge=/PATH BYTES;
# cpus=N; memkb=N; listeners then ss's lines behind a "|"; "end" last. Paths are root-relative.
set -u
LC_ALL=C
export LC_ALL
cd "${IM_ROOT:-/}" || exit 3
nl='
'
# A tab (a literal one: $(printf '\t') would be a process).
tab='	'
echo "infra-migrate-read 1"
for tool in awk ls readlink ss; do
  command -v "$tool" >/dev/null 2>&1 || echo "missing=$tool"
done
have_awk=yes
command -v awk >/dev/null 2>&1 || have_awk=no

# Link targets read ahead by cache_links, as "\nPATH<TAB>TARGET" records.
link_cache=$nl
# The target of the link $1, in $rt: from the cache, else from readlink (then kept).
read_link() {
  case $link_cache in
    *"$nl$1$tab"*) rt=${link_cache#*"$nl$1$tab"}; rt=${rt%%"$nl"*} ;;
    *)
      rt=$(readlink "$1") || return 1
      case $1$rt in *"$tab"* | *"$nl"*) ;; *) link_cache="$link_cache$1$tab$rt$nl" ;; esac
      ;;
  esac
}
# The root-relative file PATH's links lead to, followed inside the root (at most 8 hops), in $rp
# (set rather than printed, as are $mode and the like below: each $(…) costs a process).
resolve() {
  rp=$1
  rn=0
  while [ -h "$rp" ]; do
    rn=$((rn + 1))
    [ "$rn" -le 8 ] || return 1
    read_link "$rp" || return 1
    case $rt in
      /*) while [ "${rt#/}" != "$rt" ]; do rt=${rt#/}; done; rp=$rt ;;
      *) rp=${rp%/*}/$rt ;;
    esac
  done
}

# How a file is sent, in $mode: unit (Environment= as names), cron (variables as names), env (names only),
# dpkg/apk (server packages only), pm2 (a dump: names and plain values), eco/ecoyaml (pm2 ecosystem
# files: settings of the apps kept, every other literal value reduced), phpini (PHP's configuration:
# section headers and the limit lines only), text (secrets masked).
mode_of() {
  # A mail server's config (it may hold a relay password): only that it exists leaves the VM.
  case " $im_bare " in *" $1 "*) mode=bare; return ;; esac
  case "$nl$envs$nl" in *"$nl$1$nl"*) mode="env"; return ;; esac
  case "$nl$htas$nl" in *"$nl$1$nl"*) mode=htaccess; return ;; esac
  case "$nl$ecos$nl" in
    *"$nl$1$nl"*)
      case $1 in *.yml | *.yaml) mode=ecoyaml ;; *) mode=eco ;; esac
      return
      ;;
  esac
  case $1 in
    dump.pm2 | */dump.pm2) mode=pm2 ;;
    etc/passwd) mode=passwd ;;
    */.ssh/authorized_keys) mode=authkeys ;;
    var/lib/dpkg/status) mode=dpkg ;;
    etc/php.ini | etc/php.d/* | etc/php-fpm.d/* | etc/php/* | etc/php[0-9]*/* | etc/opt/remi/php[0-9]*/*) mode=phpini ;;
    lib/apk/db/installed) mode=apk ;;
    etc/crontab | etc/cron.d/* | var/spool/cron/*) mode=cron ;;
    */systemd/*.service | */systemd/*.timer | */systemd/*.socket | */systemd/*.conf) mode=unit ;;
    etc/supervisor/* | etc/supervisord.d/* | etc/supervisord.conf) mode=supervisor ;;
    *) mode=text ;;
  esac
}

# ls -n gives the size without reading the file (a large file is skipped, not read); in bytes
# whatever BLOCK_SIZE or LS_BLOCK_SIZE the VM sets (GNU ls would print 586K or 586).
# (In $size; the line split by sh with its globs off: one process, where a `| read` is three.)
size_of() {
  # shellcheck disable=SC2012 # the size column of ls -n is portable; stat's flags are not
  size=$(LS_BLOCK_SIZE=1 ls -nLd -- "$1" 2>/dev/null)
  set -f
  # shellcheck disable=SC2086 # split into ls's columns on purpose
  set -- $size
  set +f
  size=${5:-0}
  case $size in *[!0-9]*) size=0 ;; esac
}

# Regular files and links one level into each folder (units' .wants/ and .d/ folders included).
candidates() {
  for d in $im_dirs; do
    for p in "$d"/* "$d"/*/*; do
      if [ -f "$p" ] || [ -h "$p" ]; then printf '%s\n' "$p"; fi
    done
  done
  for f in $im_files $im_extra $im_pm2 $im_php; do
    if [ -f "$f" ] || [ -h "$f" ]; then printf '%s\n' "$f"; fi
  done
}

files=
wants_links=
envs=
ecos=
htas=
# nginx's files whose include lines are still to be read, and every path of nginx's seen so far;
# nginx_inc: yes while following what a glob matched (its lines are read next), sent for what the awk read.
nginx_todo=
nginx_seen=
nginx_inc=no
# The targets of the links among the paths in $1 (one a line), read by one readlink for resolve: GNU
# readlink takes many files. When it does not (busybox reads one) or a line is not one link's target
# (a target holding a newline, a link gone), nothing is kept and resolve asks for each link alone.
cache_links() {
  cl_list=$1
  set --
  while IFS= read -r p; do
    case $p in *"$tab"*) continue ;; esac
    if [ -h "$p" ]; then set -- "$@" "$p"; fi
  done <<EOF
$cl_list
EOF
  [ $# -gt 1 ] || return 0
  targets=$(readlink -- "$@" 2>/dev/null) || return 0
  cl_n=0
  while IFS= read -r t; do cl_n=$((cl_n + 1)); done <<EOF
$targets
EOF
  [ "$cl_n" -eq $# ] || return 0
  while IFS= read -r t; do
    link_cache="$link_cache$1$tab$t$nl"
    shift
  done <<EOF
$targets
EOF
}
# Follows the links of each path in $1, one a line (link= records, targets inside the root), and adds
# the file to $files.
follow() {
  command -v readlink >/dev/null 2>&1 && cache_links "$1"
  while IFS= read -r p; do
    case $p in
      '') continue ;;
      unreadable=*) printf '%s\n' "$p"; continue ;;
    esac
    o=$p
    if [ -h "$p" ]; then
      command -v readlink >/dev/null 2>&1 || continue
      resolve "$p" || continue
      t=$rp
      [ -f "$t" ] || continue
      printf 'link=%s%s%s\n' "$p" "$tab" "$t"
      # An enabled instance of a template unit: the unit facts fill in its %i (unit_facts below).
      case $o in *.wants/*@?*.service) wants_links="$wants_links$o$nl" ;; esac
      # An env file reached through a link is still an env file: names and plain values only.
      case "$nl$envs$nl" in *"$nl$p$nl"*) normp "$t"; envs="$envs$nl$np" ;; esac
      p=$t
    fi
    if [ -f "$p" ]; then
      files="$files$p$nl"
      # nginx's own files, and what their includes name (nginx_inc): their includes are read below.
      case $nginx_inc$o in yes* | noetc/nginx/*)
        nginx_todo="$nginx_todo$p$nl"
        nginx_seen="$nginx_seen$o$nl$p$nl"
        ;;
      esac
    fi
  done <<EOF
$1
EOF
}

# What the units and supervisor's files read so far say, from one awk that reads each file once,
# as tagged lines, each tag's in the order of the files:
#   pm2 PATH      pm2's dump where an admin's unit sets PM2_HOME (`pm2 startup` writes Environment=PM2_HOME=…)
#   wd DIR        WorkingDirectory= of the admins' units and drop-ins (etc/systemd/system only)
#   lib DIR       WorkingDirectory= of the units outside etc/systemd/system that run an interpreter, or
#                 a program of that folder, in an app folder: an installer's unit for the app, such as
#                 ghost-cli's lib/systemd/system/ghost_<site>.service or Mattermost's
#                 lib/systemd/system/mattermost.service (keep in step with file-findings.ts runsAppFolder)
#   sup DIR       directory= of supervisor's programs (their app folders, like a unit's WorkingDirectory=)
#   envfile PATH  EnvironmentFile= of every unit (the distribution's too), through norm()
#   exec CMD      ExecStart= of the admins' units
#   user NAME     User= of the admins' units, each once
#   home DIR      HOME= in the admins' units' Environment= lines
#   pkgr APP      an admins' unit runs `/usr/bin/APP run PROCESS`: pkgr's launcher (pkgr.ts), each APP once
# A value is the line after "=", without systemd's [-@+!:] prefixes and trailing blanks.
# shellcheck disable=SC2016 # an awk program: its $ are awk's
unit_facts='
function value(line) { sub(/^[^=]*=[ \t]*[-@+!:]*/, "", line); sub(/[ \t\r]+$/, "", line); return line }
function add(tag, v) { OUT[tag] = OUT[tag] tag " " v "\n" }
{
  f = $0
  # An enabled instance (a .wants/ link named unit@instance.service): its template and instance.
  if (f ~ /\.wants\/[^\/]+@[^\/]+\.service$/) { b = f; sub(/.*\//, "", b); sub(/\.service$/, "", b); INST[++NI] = b; next }
  tmpl = ""; if (f ~ /^etc\/systemd\/system\/[^\/]+@\.service$/) { tmpl = f; sub(/.*\//, "", tmpl); sub(/@\.service$/, "", tmpl) }
  own = f ~ /^etc\/systemd\/system\/[^\/]+(\.service|\.service\.d\/[^\/]+\.conf)$/
  all = f ~ /systemd\/.*(\.service|\.service\.d\/[^\/]+\.conf)$/
  lib = f ~ /systemd\/.*\.service$/ && f !~ /^etc\/systemd\/system\/[^\/]+\.service$/
  sup = f ~ /^etc\/(supervisor\/|supervisord\.d\/|supervisord\.conf$)/
  if (!own && !all && !lib && !sup) next
  wd = ""; exe = ""; prog = ""
  while ((getline line < f) > 0) {
    if (own && line ~ /^[ \t]*Environment[ \t]*=/) {
      n = split(value(line), w, /[ \t]+/)
      for (i = 1; i <= n; i++) {
        x = w[i]; gsub(/["\047]/, "", x)
        if (x ~ /^PM2_HOME=\// && (p = norm(substr(x, 10) "/dump.pm2")) != "") add("pm2", p)
        if (x ~ /^HOME=\/[A-Za-z0-9._\/-]+$/) add("home", substr(x, 6))
      }
    }
    if (own && line ~ /^[ \t]*WorkingDirectory[ \t]*=/) add("wd", value(line))
    if (own && line ~ /^[ \t]*ExecStart[ \t]*=/) {
      # %i in a template (the config file listmonk@.service names by its instance) waits for the
      # enabled instances, filled in at the end (systemd.ts templateInstances does the same).
      if (tmpl != "" && line ~ /%[iI]/) TEXEC[++NT] = tmpl " " value(line)
      else add("exec", value(line))
      v = value(line)
      if (v ~ /^(\/usr\/bin\/)?[A-Za-z0-9][A-Za-z0-9_.-]*[ \t]+run[ \t]+[A-Za-z0-9_-]+$/) {
        sub(/^\/usr\/bin\//, "", v); sub(/[ \t].*$/, "", v); if (!PKGR[v]++) add("pkgr", v)
      }
    }
    if (own && line ~ /^[ \t]*User[ \t]*=/) { split(value(line), w); if (w[1] ~ /^[A-Za-z_][A-Za-z0-9_.-]*$/ && !USER[w[1]]++) add("user", w[1]) }
    if (all && line ~ /^[ \t]*EnvironmentFile[ \t]*=/ && (p = norm(value(line))) != "") add("envfile", p)
    if (lib && line ~ /^[ \t]*WorkingDirectory[ \t]*=/) { sub(/^[^=]*=[ \t]*-?/, "", line); sub(/[ \t\r]+$/, "", line); wd = line }
    else if (lib && line ~ /^[ \t]*ExecStart[ \t]*=/) { sub(/^[^=]*=[ \t]*[-@+!:]*/, "", line); split(line, w, /[ \t]+/); prog = w[1]; exe = prog; sub(/.*\//, "", exe) }
    if (sup && line ~ /^[ \t]*directory[ \t]*[=:]/) {
      sub(/^[^=:]*[=:][ \t]*/, "", line); sub(/[ \t]+;.*$/, "", line); sub(/[ \t\r]+$/, "", line); add("sup", line)
    }
  }
  close(f)
  sub(/\/+$/, "", wd)
  if (lib && wd ~ /^\// && wd !~ /^\/(usr|lib|lib64|etc|run|proc|sys|boot|bin|sbin)?(\/|$)/ && (exe ~ /^(node|nodejs|python[0-9.]*|ruby|php[0-9.]*|java)$/ || index(prog, wd "/") == 1)) add("lib", wd)
}
END {
  for (t = 1; t <= NT; t++) {
    name = TEXEC[t]; sub(/ .*/, "", name); line = substr(TEXEC[t], length(name) + 2)
    for (k = 1; k <= NI; k++) {
      if (index(INST[k], name "@") != 1) continue
      i = substr(INST[k], length(name) + 2); u = i; gsub(/-/, "/", u)
      x = line; gsub(/%i/, i, x); gsub(/%I/, u, x); add("exec", x)
    }
  }
  printf "%s%s%s%s%s%s%s%s%s", OUT["pm2"], OUT["wd"], OUT["lib"], OUT["sup"], OUT["envfile"], OUT["exec"], OUT["user"], OUT["home"], OUT["pkgr"] }'

# awk: norm(PATH) is the path with "." and "dir/.." steps taken out, and no leading or trailing "/":
# "/srv/x/../app/" -> "srv/app" ("" when nothing is left). Programs that print paths call it
# themselves rather than through a `| normalize`, one awk fewer.
norm_fn='
function norm(s,    n, k, i, p) {
  n = split(s, NPART, "/"); k = 0
  for (i = 1; i <= n; i++) {
    if (NPART[i] == "" || NPART[i] == ".") continue
    if (NPART[i] == ".." && k > 0 && NKEEP[k] != "..") { k--; continue }
    NKEEP[++k] = NPART[i]
  }
  p = NKEEP[1]; for (i = 2; i <= k; i++) p = p "/" NKEEP[i]
  return k > 0 ? p : ""
}'
# norm() in sh, for one path (an awk for it would be a process): $1's, in $np.
normp() {
  nr=$1/
  np=
  while [ -n "$nr" ]; do
    ns=${nr%%/*}
    nr=${nr#*/}
    case $ns in
      '' | .) ;;
      ..) case $np in '' | .. | */..) np=${np:+$np/}.. ;; */*) np=${np%/*} ;; *) np= ;; esac ;;
      *) np=${np:+$np/}$ns ;;
    esac
  done
}

# Every file under an app folder, to im_depth levels, vendored folders skipped (names only).
count=0
list_app() {
  for e in "$1"/* "$1"/.[!.]*; do
    if [ -h "$e" ] && { [ -d "$e" ] || [ ! -e "$e" ]; }; then
      # A linked folder is not followed (it may lead anywhere): where it leads is sent instead, for
      # a folder of user files whose links lead into the app's code (storage-split.ts).
      command -v readlink >/dev/null 2>&1 || continue
      read_link "$e" || continue
      case $rt in /*) t=$rt ;; *) t=${e%/*}/$rt ;; esac
      normp "$t"
      if [ -n "$np" ]; then printf 'applink=%s%s%s\n' "$e" "$tab" "$np"; fi
    elif [ -d "$e" ]; then
      skip=no
      for s in $im_skip; do [ "${e##*/}" = "$s" ] && skip=yes; done
      if [ "$skip" = no ] && [ "$2" -lt "$im_depth" ] && [ -r "$e" ] && [ -x "$e" ]; then list_app "$e" $(($2 + 1)); fi
    elif { [ -f "$e" ] || [ -h "$e" ]; } && [ "$count" -lt 20000 ]; then
      count=$((count + 1))
      printf '%s\n' "$e"
    fi
  done
}

for d in $im_dirs; do
  if [ -d "$d" ] && { [ ! -r "$d" ] || [ ! -x "$d" ]; }; then printf 'unreadable=/%s\n' "$d"; fi
done
follow "$(candidates)"
pm2_homes=
app_dirs=
env_files=
exec_starts=
unit_users=
user_homes=
pkgr_apps=
if [ "$have_awk" = yes ]; then
  facts=$(awk "$norm_fn$unit_facts" <<EOF
$files$wants_links
EOF
)
  while IFS= read -r v; do
    tag=${v%% *}
    v=${v#* }
    case $tag in
      pm2) pm2_homes="$pm2_homes$v$nl" ;;
      wd | lib | sup) app_dirs="$app_dirs$v$nl" ;;
      envfile) env_files="$env_files$v$nl" ;;
      exec) exec_starts="$exec_starts$v$nl" ;;
      user) unit_users="${unit_users:+$unit_users$nl}$v" ;;
      home) user_homes="$user_homes$v$nl" ;;
      pkgr) pkgr_apps="$pkgr_apps$v$nl" ;;
    esac
  done <<EOF
$facts
EOF
fi
# pkgr's launcher (pkgr.ts): etc/default/APP and etc/APP/conf.d's files (env files: names and plain
# values), APP_HOME as an app folder, and there the Procfile and vendor/pkgr/processes' binstubs.
pkgr_stubs=
while IFS= read -r a; do
  if [ -z "$a" ] || [ ! -f "etc/default/$a" ] || [ ! -r "etc/default/$a" ]; then continue; fi
  env_files="${env_files}etc/default/$a$nl"
  for q in "etc/$a/conf.d"/*; do if [ -f "$q" ]; then env_files="$env_files$q$nl"; fi; done
  h=
  while IFS= read -r l; do
    case $l in 'export APP_HOME='* | 'APP_HOME='*) h=${l#*APP_HOME=} && h=${h#\"} && h=${h%\"} ;; esac
  done <"etc/default/$a"
  case $h in /*) ;; *) continue ;; esac
  normp "$h"
  [ -n "$np" ] || continue
  app_dirs="$app_dirs/$np$nl"
  for q in "$np/Procfile" "$np/vendor/pkgr/processes"/*; do if [ -f "$q" ]; then pkgr_stubs="$pkgr_stubs$q$nl"; fi; done
done <<EOF
$pkgr_apps
EOF
follow "$pm2_homes"
# Apache: the files httpd reads, from the main file (or the stock folders) through every Include /
# IncludeOptional, globs relative to ServerRoot (keep in step with apache-config.ts).
apache_main=
for f in etc/apache2/apache2.conf etc/httpd/conf/httpd.conf; do
  if [ -z "$apache_main" ] && { [ -f "$f" ] || [ -h "$f" ]; }; then apache_main=$f; fi
done
apache_root=etc/apache2
case $apache_main in etc/httpd/*) apache_root=etc/httpd ;; esac
if [ -z "$apache_main" ] && [ ! -d etc/apache2 ]; then apache_root=etc/httpd; fi
main_file=
if [ -n "$apache_main" ] && resolve "$apache_main"; then main_file=$rp; fi
# awk: the patterns the Include lines of the files on stdin name, root-relative (${VAR} ones are
# skipped); root is the main file's ServerRoot when it sets an absolute one.
# shellcheck disable=SC2016 # an awk program: its $ are awk's
apache_includes='
function arg(v) {
  sub(/^[ \t]*[^ \t]+[ \t]+/, "", v); sub(/[ \t\r]+$/, "", v)
  if (v ~ /^"/) { v = substr(v, 2); sub(/".*$/, "", v) } else if (v ~ /^\047/) { v = substr(v, 2); sub(/\047.*$/, "", v) } else sub(/[ \t].*$/, "", v)
  return v
}
BEGIN {
  while (main != "" && (getline line < main) > 0)
    if (tolower(line) ~ /^[ \t]*serverroot[ \t]/) {
      v = line; sub(/^[ \t]*[^ \t]+[ \t]+/, "", v); sub(/[ \t\r]+$/, "", v)
      if (v ~ /^"/) { v = substr(v, 2); sub(/".*$/, "", v) } else sub(/[ \t].*$/, "", v)
      if (v ~ /^\// && v !~ /\$/) root = norm(v)
      break
    }
  if (main != "") close(main)
}
{
  f = $0
  while ((getline line < f) > 0) {
    while (line ~ /\\\r?$/ && (getline more < f) > 0) { sub(/\\\r?$/, "", line); line = line " " more }
    if (tolower(line) !~ /^[ \t]*include(optional)?[ \t]/) continue
    v = arg(line)
    if (v == "" || v ~ /[$ \t]/) continue
    if ((v = norm(v ~ /^\// ? v : root "/" v)) != "") print v
  }
  close(f)
}'
apache_seen=
while IFS= read -r f; do
  case $f in etc/apache2/* | etc/httpd/*) apache_seen="$apache_seen${apache_seen:+$nl}$f" ;; esac
done <<EOF
$files
EOF
apache_todo=$apache_seen
round=0
while [ -n "$apache_todo" ] && [ "$round" -lt 16 ] && [ "$have_awk" = yes ]; do
  round=$((round + 1))
  patterns=$(awk -v root="$apache_root" -v main="$main_file" "$norm_fn$apache_includes" 2>/dev/null <<EOF
$apache_todo
EOF
)
  # Each pattern as files: a glob's matches, a folder's files (sh globs sort as httpd does under LC_ALL=C).
  found=
  while IFS= read -r pat; do
    [ -n "$pat" ] || continue
    for p in $pat; do
      if [ -d "$p" ]; then
        for q in "$p"/*; do if [ -f "$q" ] || [ -h "$q" ]; then found="$found$q$nl"; fi; done
      elif [ -f "$p" ] || [ -h "$p" ]; then found="$found$p$nl"; fi
    done
  done <<EOF
$patterns
EOF
  follow "$found"
  # What they lead to, each once, not seen before: the files whose includes the next round reads.
  apache_todo=
  while IFS= read -r p; do
    if [ -z "$p" ] || ! resolve "$p"; then continue; fi
    normp "$rp"
    [ -n "$np" ] || continue
    case "$nl$apache_seen$nl$apache_todo$nl" in *"$nl$np$nl"*) continue ;; esac
    apache_todo="${apache_todo:+$apache_todo$nl}$np"
  done <<EOF
$found
EOF
  apache_seen="$apache_seen$nl$apache_todo"
done
# nginx: the files its include lines name (in nginx.conf only those inside http{}: the others load
# modules), relative to /etc/nginx wherever they stand, each file once, 8 includes deep and 200 files
# at most (keep in step with nginx-include.ts, which splices them on the other side). Statements end
# at ";", "{" or "}", comments at the line's end. The awk reads a named file itself, and the files it
# names in turn; a glob it leaves to sh, whose matches (sorted as nginx's glob() sorts them under
# LC_ALL=C) the next awk reads: one awk a level of globs. A file nginx could not read (a folder) is
# no running setup's include.
# shellcheck disable=SC2016 # an awk program: its $ are awk's
nginx_includes='
function include(v, depth,    probe) {
  if (v in SEEN) return
  SEEN[v] = 1
  if (v ~ /[*?[]/) { print "glob " v; return }
  if (COUNT >= 200 || depth >= 8 || v ~ /\/$/ || (getline probe < v) < 0) return
  close(v)
  COUNT++
  print "file " v
  scan(v, depth + 1)
}
function scan(f, depth,    line, n, first, stmt, c, v) {
  n = 0; stmt = ""
  while ((getline line < f) > 0) {
    sub(/#.*/, "", line)
    while (match(line, /[{};]/)) {
      stmt = stmt substr(line, 1, RSTART - 1); c = substr(line, RSTART, 1); line = substr(line, RSTART + 1)
      if (c == "{") { if (n++ == 0) { first = stmt; sub(/^[ \t\r\n]+/, "", first); sub(/[ \t\r\n].*$/, "", first) } }
      else if (c == "}") { if (n > 0) n-- }
      else if ((f != main || (n > 0 && first == "http")) && match(stmt, /^[ \t\r\n]*include[ \t\r\n]+/)) {
        v = substr(stmt, RLENGTH + 1); sub(/[ \t\r\n]+$/, "", v)
        if (v ~ /^".*"$/ || v ~ /^\047.*\047$/) v = substr(v, 2, length(v) - 2)
        if (v != "" && v !~ /[$ \t\r\n]/ && (v = norm(v ~ /^\// ? v : "etc/nginx/" v)) != "" && v !~ /^\.\.(\/|$)/) include(v, depth)
      }
      stmt = ""
    }
    stmt = stmt line "\n"
  }
  close(f)
}
BEGIN { n = split(seen, s, "\n"); for (i = 1; i <= n; i++) if (s[i] != "") SEEN[s[i]] = 1; COUNT = count + 0 }
$0 != "" { scan($0, 0) }
END { print "count " COUNT }'
nginx_main=etc/nginx/nginx.conf
if [ -h "$nginx_main" ] && resolve "$nginx_main"; then nginx_main=$rp; fi
round=0
nginx_count=0
while [ -n "$nginx_todo" ] && [ "$round" -lt 8 ] && [ "$have_awk" = yes ]; do
  round=$((round + 1))
  nginx_found=$(awk -v main="$nginx_main" -v seen="$nginx_seen" -v count="$nginx_count" "$norm_fn$nginx_includes" <<EOF
$nginx_todo
EOF
)
  nginx_todo=
  nginx_new=
  nginx_glob=
  while IFS=' ' read -r kind p; do
    case $kind in
      file) nginx_new="$nginx_new$p$nl"; nginx_seen="$nginx_seen$p$nl" ;;
      glob) nginx_glob="$nginx_glob$p$nl" ;;
      count) nginx_count=$p ;;
    esac
  done <<EOF
$nginx_found
EOF
  # Read by this awk already: sent, not read again.
  nginx_inc=sent
  follow "$nginx_new"
  # Unquoted: sh splits the patterns and expands their globs (one that matches nothing stays as it is).
  nginx_new=
  # shellcheck disable=SC2086
  for p in $nginx_glob; do
    case "$nl$nginx_seen" in *"$nl$p$nl"*) continue ;; esac
    nginx_seen="$nginx_seen$p$nl"
    if [ "$nginx_count" -lt 200 ] && { [ -f "$p" ] || [ -h "$p" ]; }; then
      nginx_count=$((nginx_count + 1))
      nginx_new="$nginx_new$p$nl"
    fi
  done
  # What the globs matched: sent, and read by the next awk.
  nginx_inc=yes
  follow "$nginx_new"
  nginx_inc=no
done
# The app folders, from one awk, each once through norm(): the units' and supervisor's (im_unit_dirs,
# from unit_facts), pm_cwd of the apps in pm2's dumps (im_dumps; a dump over the cap is not read),
# and the folders Apache's sites serve (the files on stdin): DocumentRoot and Alias targets (the
# <Directory> paths of a site with neither, outside the main file), the folder above public/ for a
# Laravel or Symfony root, not module files or a package's /usr/share folder: where a mod_php app
# lives (keep in step with apache-site.ts).
# shellcheck disable=SC2016 # an awk program: its $ are awk's
app_folders='
function out(v) { if ((v = norm(v)) != "" && !SEEN[v]++) print v }
function outs(list,    n, i, L) { n = split(list, L, "\n"); for (i = 1; i <= n; i++) out(L[i]) }
function first(s) {
  if (s ~ /^"/) { s = substr(s, 2); REST = s; sub(/^[^"]*"?[ \t]*/, "", REST); sub(/".*$/, "", s); return s }
  REST = s; sub(/^[^ \t]*[ \t]*/, "", REST); sub(/[ \t].*$/, "", s); return s
}
function keep(v, list) {
  sub(/\/+$/, "", v); sub(/\/public$/, "", v)
  if (v !~ /^\/./ || v ~ /^\/usr\/share\//) return list
  return list v "\n"
}
BEGIN {
  outs(ENVIRON["im_unit_dirs"])
  n = split(ENVIRON["im_dumps"], D, "\n")
  for (i = 1; i <= n; i++) {
    if (D[i] == "") continue
    while ((getline s < D[i]) > 0)
      while (match(s, /"pm_cwd"[ \t]*:[ \t]*"[^"]*"/)) {
        v = substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH)
        sub(/^"pm_cwd"[ \t]*:[ \t]*"/, "", v); sub(/"$/, "", v); out(v)
      }
    close(D[i])
  }
}
$0 == "" || /^etc\/(apache2\/mods-[a-z]+|httpd\/conf\.modules\.d)\// { next }
{
  roots = ""; dirs = ""; aliases = ""; f = $0
  while ((getline line < f) > 0) {
    sub(/\r$/, "", line); low = tolower(line)
    if (low !~ /^[ \t]*(documentroot[ \t]|<directory[ \t]|alias[ \t]|aliasmatch[ \t])/) continue
    v = line; sub(/^[ \t]*[^ \t]+[ \t]+/, "", v); sub(/[ \t]*>.*$/, "", v); sub(/[ \t]+$/, "", v)
    if (low ~ /^[ \t]*alias/) {
      first(v); v = first(REST)
      if (low ~ /^[ \t]*aliasmatch/) { if (v !~ /\$1$/) continue; sub(/\$1$/, "", v) }
      if (v ~ /\$/) continue
      aliases = keep(v, aliases)
    } else if (low ~ /^[ \t]*documentroot/) roots = keep(first(v), roots)
    else dirs = keep(first(v), dirs)
  }
  close(f)
  outs(roots aliases (roots == "" && aliases == "" && f != main ? dirs : ""))
}'
apps=
if [ "$have_awk" = yes ]; then
  dumps=
  while IFS= read -r f; do
    case $f in dump.pm2 | */dump.pm2) ;; *) continue ;; esac
    [ -r "$f" ] || continue
    size_of "$f"
    if [ "$size" -le "$im_cap" ]; then dumps="$dumps$f$nl"; fi
  done <<EOF
$files
EOF
  apps=$(im_unit_dirs=$app_dirs im_dumps=$dumps awk -v main="$apache_main" "$norm_fn$app_folders" <<EOF
$apache_seen
EOF
)
fi
# A release layout's `current` (ghost-cli: current -> versions/<x>; Capistrano: current -> releases/<stamp>)
# leads to the release that runs: its folder is an app folder too, and the link is sent (release-dir.ts).
while IFS= read -r dir; do
  if [ -z "$dir" ] || [ ! -h "$dir/current" ]; then continue; fi
  resolve "$dir/current" || continue
  normp "$rp"
  if [ -z "$np" ] || [ ! -d "$np" ]; then continue; fi
  printf 'link=%s%s%s\n' "$dir/current" "$tab" "$np"
  case "$nl$apps$nl" in *"$nl$np$nl"*) ;; *) apps="${apps:+$apps$nl}$np" ;; esac
done <<EOF
$apps
EOF
envs="$envs$nl$env_files"
listing=$(
  printf '%s\n' "$apps" | while IFS= read -r dir; do
    [ -n "$dir" ] || continue
    if [ -d "$dir" ] && { [ ! -r "$dir" ] || [ ! -x "$dir" ]; }; then
      printf 'unreadable=/%s\n' "$dir"
      continue
    fi
    if [ -d "$dir" ]; then list_app "$dir" 1; fi
  done
)
# What the app folders' listing (stdin) and the units say, from one awk, as tagged lines:
#   pick KIND PATH  from the app folders: manifests, settings and the top .gitignore (text: secrets
#                   masked), env files (env: names and plain values), pm2 ecosystem files (eco),
#                   .htaccess (hta); and "pick unreadable=/DIR" for a folder this user may not read
#   config PATH     config files a unit's command names (gunicorn -c, uwsgi --ini, puma -C):
#                   absolute, or in an app folder
#   launch PATH     ecosystem files a pm2 launcher unit names (`pm2-runtime start ecosystem.config.js`):
#                   absolute, or in an app folder
#   package PATH    the package.json that may ship a unit's program as a bin (a monorepo's
#                   /opt/n8n/packages/cli/bin/n8n is packages/cli/package.json's `n8n`): the three
#                   folders above the program, absolute or in an app folder, as program-package.ts
#                   looks on a disk (keep the two in step); follow sends those that exist
#   home DIR        for git over the VM's own sshd (git-over-ssh.ts): the home of each admin's unit's
#                   User= (etc/passwd) or its HOME=, each once
#   sqlite PATH     SQLite files in the app folders, by their first bytes as storage-in-place.ts tells
#                   them: a name ending .sqlite(3) or .db(3) whose file starts "SQLite forma" (read up
#                   to its first "t", 12 bytes of a SQLite file), 200 at most; and "h2 PATH" an H2
#                   database file, by its name alone (.mv.db, .h2.db), as sqlite.ts tells it
# The units' ExecStart= lines come in im_execs, their HOME= values in im_homes.
# shellcheck disable=SC2016 # an awk program: its $ are awk's
app_files='
BEGIN { n = split(apps, dir, "\n") }
/^unreadable=/ { print "pick " $0; next }
/^applink=/ { next }
{
  b = $0; sub(/.*\//, "", b)
  if (b ~ /^[A-Za-z0-9._@+-]+$/ && tolower(b) ~ /[.](sqlite3?|db3?)$/ && NSQL < 200) SQL[++NSQL] = $0
  best = ""
  for (i = 1; i <= n; i++) if (dir[i] != "" && index($0, dir[i] "/") == 1 && length(dir[i]) > length(best)) best = dir[i]
  if (best == "") next
  rel = substr($0, length(best) + 2)
  if (rel ~ pm2re) print "pick eco " $0
  else if (rel ~ envre) print "pick env " $0
  else if (rel ~ /(^|\/)[.]htaccess$/) print "pick hta " $0
  # The top .gitignore: whether git ignores an env file beside it (then the image lacks the file).
  else if (rel == ".gitignore") print "pick text " $0
  else if (rel ~ manifests || (rel ~ settings && texts++ < 40)) print "pick text " $0
}
function configs(line,    m, w, i, x, flag, j) {
  m = split(line, w, /[ \t]+/)
  # The settings file of a JVM command: its first .xml or .properties argument after the main jar or
  # class (`java -jar tracker-server.jar conf/traccar.xml`; java-settings.ts, keep the two in step).
  if (w[1] ~ /(^|\/)java$/) {
    for (i = 2; i <= m && w[i] ~ /^-/ && w[i] != "-jar"; i++) if (w[i] ~ /^-(cp|classpath|-class-path)$/) i++
    i += (w[i] == "-jar") ? 2 : 1
    for (; i <= m; i++) {
      x = w[i]
      if (x !~ /^[A-Za-z0-9._\/@+-]+$/ || tolower(x) !~ /[.](xml|properties)$/) continue
      if (x ~ /^\//) print "config " substr(x, 2)
      else for (j = 1; j <= n; j++) if (dir[j] != "") print "config " dir[j] "/" x
      break
    }
  }
  for (i = 1; i <= m; i++) {
    x = w[i]; flag = 0
    if (x ~ /^(-c|-C|--config|--config-file|--conf|--ini|--paste)$/ && i < m) { x = w[++i]; flag = 1 }
    else if (x ~ /^(--config|--config-file|--conf|--ini|--paste)=/) { sub(/^[^=]*=/, "", x); flag = 1 }
    gsub(/["\047]/, "", x)
    if (!flag || x ~ /[$*?]/ || x == "") continue
    if (x ~ /^\//) print "config " substr(x, 2)
    else for (j = 1; j <= n; j++) if (dir[j] != "") print "config " dir[j] "/" x
  }
}
function launched(line,    m, w, i, x, b, j, p) {
  if (line !~ /(^|[\/ \t])pm2(-runtime|-docker)?[ \t]/) return
  m = split(line, w, /[ \t]+/)
  for (i = 2; i <= m; i++) {
    x = w[i]; gsub(/["\047]/, "", x); b = x; sub(/.*\//, "", b)
    if (b !~ pm2re || x ~ /[$*?]/) continue
    if (x ~ /^\//) { if ((p = norm(substr(x, 2))) != "") print "launch " p }
    else for (j = 1; j <= n; j++) if (dir[j] != "" && (p = norm(dir[j] "/" x)) != "") print "launch " p
  }
}
function packages(line,    w, x, j, d, k, p) {
  split(line, w, /[ \t]+/); x = w[1]; gsub(/["\047]/, "", x)
  if (x !~ /\// || x ~ /[$*?]/) return
  for (j = 0; j <= n; j++) {
    if (j == 0) { if (x !~ /^\//) continue; d = x }
    else if (x ~ /^\// || dir[j] == "") continue
    else d = "/" dir[j] "/" x
    for (k = 0; k < 3; k++) {
      sub(/\/[^\/]*$/, "", d)
      if (d == "" || (p = norm(d "/package.json")) == "") break
      print "package " p
    }
  }
}
function home(h) { if ((h = norm(h)) != "" && !HOME[h]++) print "home " h }
END {
  m = split(ENVIRON["im_execs"], X, "\n")
  for (e = 1; e <= m; e++) configs(X[e])
  for (e = 1; e <= m; e++) launched(X[e])
  for (e = 1; e <= m; e++) packages(X[e])
  m = split(ENVIRON["im_homes"], X, "\n")
  for (e = 1; e <= m; e++) home(X[e])
  m = split(users, U, "\n"); for (e = 1; e <= m; e++) WANT[U[e]] = 1
  while (users != "" && (getline line < "etc/passwd") > 0)
    if (split(line, P, ":") >= 1 && (P[1] in WANT) && P[6] ~ /^\/[A-Za-z0-9._\/-]+$/) home(P[6])
  RS = "t"
  for (e = 1; e <= NSQL; e++) {
    # H2 by its name (name.mv.db, name.h2.db: the embedded database of JVM apps), not read.
    if (tolower(SQL[e]) ~ /[.](mv|h2)[.]db$/) { print "h2 " SQL[e]; continue }
    if ((getline a < SQL[e]) > 0 && a == "SQLi" && (getline c < SQL[e]) > 0 && c == "e forma") print "sqlite " SQL[e]
    close(SQL[e])
  }
}'
picked_files=
configs=
launched=
packages=
homes=
sqlites=
if [ "$have_awk" = yes ]; then
  facts=$(im_execs=$exec_starts im_homes=$user_homes awk -v apps="$apps" -v manifests="$im_app_manifests" -v envre="$im_app_env" \
    -v settings="$im_app_settings" -v pm2re="$im_app_pm2" -v users="$unit_users" "$norm_fn$app_files" <<EOF
$listing
EOF
)
  while IFS= read -r line; do
    case $line in
      'pick unreadable='*) picked_files="$picked_files${line#pick }$nl" ;;
      'pick '*)
        line=${line#pick }
        case $line in
          'env '*) envs="$envs$nl${line#env }" ;;
          'eco '*) ecos="$ecos$nl${line#eco }" ;;
          'hta '*) htas="$htas$nl${line#hta }" ;;
        esac
        picked_files="$picked_files${line#* }$nl"
        ;;
      'config '*) configs="$configs${line#config }$nl" ;;
      'launch '*) launched="$launched${line#launch }$nl" ;;
      'package '*) packages="$packages${line#package }$nl" ;;
      'home '*) homes="$homes${line#home }$nl" ;;
      'sqlite '*) sqlites="${sqlites}sqlite=${line#sqlite }$nl" ;;
      'h2 '*) sqlites="${sqlites}h2=${line#h2 }$nl" ;;
    esac
  done <<EOF
$facts
EOF
fi
# Settings the app's code reads at a fixed path, named on no command line (pretix's settings.py reads
# /etc/pretix/pretix.cfg): the plain settings files in etc/<user>/ of each admin's unit's User=, sent
# as any config is (secrets masked); code-settings-file.ts decides from the repository which one the
# app reads.
while IFS= read -r u; do
  case $u in '' | .* | *[!A-Za-z0-9._-]*) continue ;; esac
  for f in etc/"$u"/*.cfg etc/"$u"/*.ini etc/"$u"/*.conf etc/"$u"/*.toml etc/"$u"/*.yml etc/"$u"/*.yaml etc/"$u"/*.json; do
    if [ -f "$f" ]; then configs="$configs$f$nl"; fi
  done
done <<EOF
$unit_users
EOF
# The compose files of an app run under docker compose with no unit naming its folder (file-findings.ts
# discoverVmCompose, keep the two in step): compose's own names one or two folders into opt/, srv/,
# var/www/ and each home, sent as any config is (secrets masked), and the env files beside them as names.
for f in opt/*/compose.yaml opt/*/compose.yml opt/*/docker-compose.yaml opt/*/docker-compose.yml \
  opt/*/*/compose.yaml opt/*/*/compose.yml opt/*/*/docker-compose.yaml opt/*/*/docker-compose.yml \
  srv/*/compose.yaml srv/*/compose.yml srv/*/docker-compose.yaml srv/*/docker-compose.yml \
  srv/*/*/compose.yaml srv/*/*/compose.yml srv/*/*/docker-compose.yaml srv/*/*/docker-compose.yml \
  var/www/*/compose.yaml var/www/*/compose.yml var/www/*/docker-compose.yaml var/www/*/docker-compose.yml \
  var/www/*/*/compose.yaml var/www/*/*/compose.yml var/www/*/*/docker-compose.yaml var/www/*/*/docker-compose.yml \
  home/*/*/compose.yaml home/*/*/compose.yml home/*/*/docker-compose.yaml home/*/*/docker-compose.yml \
  home/*/*/*/compose.yaml home/*/*/*/compose.yml home/*/*/*/docker-compose.yaml home/*/*/*/docker-compose.yml; do
  [ -f "$f" ] || continue
  configs="$configs$f$nl"
  for e in "${f%/*}"/.env "${f%/*}"/.env.production "${f%/*}"/.env.prod; do
    if [ -f "$e" ]; then
      configs="$configs$e$nl"
      envs="$envs$nl$e"
    fi
  done
done
ecos="$ecos$nl$launched"
follow "$envs
$picked_files$configs
$pkgr_stubs
$launched
$packages"
# Of the homes: .ssh/authorized_keys, of which only the command="…" options leave the VM (never a
# key), and etc/passwd, only the units' users' lines without their GECOS. A .ssh folder this user may
# not enter is named.
keys=
while IFS= read -r h; do
  [ -n "$h" ] || continue
  if [ -d "$h/.ssh" ] && { [ ! -r "$h/.ssh" ] || [ ! -x "$h/.ssh" ]; }; then
    keys="${keys}unreadable=/$h/.ssh$nl"
  elif [ -f "$h/.ssh/authorized_keys" ]; then keys="$keys$h/.ssh/authorized_keys$nl"; fi
done <<EOF
$homes
EOF
if [ -n "$unit_users" ]; then keys="${keys}etc/passwd$nl"; fi
follow "$keys"
# sqlite=PATH: the other side's stand-in starts as SQLite's does; h2=PATH: an empty one, by its name.
printf '%s' "$sqlites"
# Folders of installed code one or two levels into an app folder (build-inputs.ts: plugins, themes…):
# the names of their code files at any depth, as many entries a folder as the other side counts
# (im_code_budget), folders of im_code_skip not entered, links not followed.
codes=
code_walk() {
  for e in "$1"/* "$1"/.[!.]*; do
    [ -e "$e" ] || [ -h "$e" ] || continue
    [ "$budget" -gt 0 ] || return 0
    budget=$((budget - 1))
    if [ -h "$e" ]; then continue; fi
    if [ -d "$e" ]; then
      skip=no
      for s in $im_code_skip; do [ "${e##*/}" = "$s" ] && skip=yes; done
      if [ "$skip" = no ] && [ -r "$e" ] && [ -x "$e" ]; then code_walk "$e"; fi
    elif [ -f "$e" ]; then
      for x in $im_code_ext; do
        case ${e##*/} in *."$x") codes="$codes$e$nl"; break ;; esac
      done
    fi
  done
}
code_home() {
  for h in $im_code_homes; do [ "${1##*/}" = "$h" ] && return 0; done
  return 1
}
while IFS= read -r dir; do
  if [ -z "$dir" ] || [ ! -d "$dir" ]; then continue; fi
  for e in "$dir"/* "$dir"/*/*; do
    if [ -h "$e" ] || [ ! -d "$e" ] || ! code_home "$e"; then continue; fi
    # Under a second-level folder, only one the other side walks into (not itself a code folder nor skipped).
    case ${e#"$dir"/} in
      */*)
        mid=${e#"$dir"/}
        mid=${mid%%/*}
        if code_home "$mid" || [ -h "$dir/$mid" ]; then continue; fi
        skip=no
        for s in $im_code_skip; do [ "$mid" = "$s" ] && skip=yes; done
        [ "$skip" = no ] || continue
        ;;
    esac
    budget=$im_code_budget
    code_walk "$e"
  done
done <<EOF
$apps
EOF

# awk: each line of a file behind a "|", with the values that must not leave the VM replaced.
# shellcheck disable=SC2016 # an awk program: its $ are awk's
scrub='
function vlen(s, i,    c, j, n) {
  n = length(s); c = substr(s, i, 1)
  if (c == "\"" || c == q) { j = i + 1; while (j <= n && substr(s, j, 1) != c) j++; return (j <= n ? j : n) - i + 1 }
  j = i
  while (j <= n && index(" \t;&|)<>`\"" q, substr(s, j, 1)) == 0) j++
  return j - i
}
function ref(v,    c) {
  c = substr(v, 1, 1)
  if (c == "\"" || c == q) c = substr(v, 2, 1)
  return c == "" || c == "\"" || c == q || index("$%<{(*", c) > 0
}
function mask(s, re, fold, skipdash,    hay, out, a, n, v) {
  out = ""
  hay = fold ? tolower(s) : s
  while (match(hay, re)) {
    a = RSTART + RLENGTH
    n = vlen(s, a)
    v = substr(s, a, n)
    if (ref(v) || (skipdash && substr(v, 1, 1) == "-")) out = out substr(s, 1, a - 1 + n)
    else out = out substr(s, 1, a - 1) M
    s = substr(s, a + n); hay = substr(hay, a + n)
  }
  return out s
}
function url(s,    out, a, rest, at, cut) {
  out = ""
  while (match(s, /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^ \t:@\/"]*:/)) {
    a = RSTART + RLENGTH
    rest = substr(s, a)
    at = index(rest, "@")
    cut = match(rest, /[ \t\/"]/) ? RSTART : length(rest) + 1
    if (at > 1 && at < cut && substr(rest, 1, 1) != "$") { out = out substr(s, 1, a - 1) M; s = substr(rest, at) }
    else { out = out substr(s, 1, a - 1); s = rest }
  }
  return out s
}
function entropy(s,    out, t) {
  out = ""
  while (match(s, /[A-Za-z0-9_+-]+/)) {
    t = substr(s, RSTART, RLENGTH)
    out = out substr(s, 1, RSTART - 1)
    if (RLENGTH >= 32 && t ~ /[A-Z]/ && t ~ /[a-z]/ && t ~ /[0-9]/) out = out M; else out = out t
    s = substr(s, RSTART + RLENGTH)
  }
  return out s
}
function secrets(s,    low) {
  s = url(s)
  s = mask(s, "(authorization|x-api-key|api-key|x-auth-token|private-token)[ \t]*(:|[ \t])[ \t]*\"?((bearer|basic|token|bot)[ \t]+)?", 1, 0)
  s = mask(s, "(fastcgi_param|uwsgi_param|scgi_param|setenv)[ \t]+[a-z0-9_.-]*(passw|pwd|pass|secret|token|key|credential|auth)[a-z0-9_.-]*[ \t]+", 1, 0)
  s = mask(s, "[a-z0-9_.-]*(passw|pwd|pass|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth)[a-z0-9_.-]*[ \t]*=[ \t]*", 1, 0)
  s = mask(s, "[a-z0-9_.-]*(passw|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential)[a-z0-9_.-]*[\"" q "]?[ \t]*:[ \t]*", 1, 0)
  # The SMTP password of nodemailer in a JSON or YAML settings file (mail.options.auth.pass in the config.production.json of Ghost).
  s = mask(s, "(^|[^a-z0-9_.-])[\"" q "]?pass[\"" q "]?[ \t]*:[ \t]*", 1, 0)
  s = mask(s, "(^|[ \t])--?[a-z0-9-]*(password|passwd|pass|secret|token|api-?key)[ \t]+", 1, 1)
  s = mask(s, "(^|[ \t])(-u|--user)[ \t=]+[^ \t:\"$]+:", 0, 0)
  low = tolower(s)
  if (low ~ /mysql|mariadb/) s = mask(s, "[ \t]-p", 0, 0)
  return entropy(s)
}
function names(v,    out, i, n, c, w, qc) {
  out = ""; n = length(v); i = 1
  while (i <= n) {
    c = substr(v, i, 1)
    if (c == " " || c == "\t") { i++; continue }
    w = ""; qc = ""
    while (i <= n) {
      c = substr(v, i, 1)
      if (qc != "") { if (c == qc) qc = ""; else w = w c }
      else if (c == "\"" || c == q) qc = c
      else if (c == " " || c == "\t") break
      else w = w c
      i++
    }
    if (w ~ /^[A-Za-z_][A-Za-z0-9_]*=/)
      out = out (out == "" ? "" : " ") substr(w, 1, index(w, "=")) plain(substr(w, 1, index(w, "=") - 1), substr(w, index(w, "=") + 1))
  }
  return out
}
# A value detection needs and no secret can be: a port or count, an address or host:port, a
# lowercase word list (postgresql, redis, prod,mysql, s3), a single word (Mailgun, SMTP), an absolute
# path (MEDIA_ROOT), a dotted module path (storages.backends.s3boto3.S3Boto3Storage), or a URL: whole
# when it is scheme://host:port alone, else cut to that and marked /<redacted:vm>, so that a cut URL
# is never taken for a whole one (plain-values.ts judges what is plain by these shapes). Never for
# a name that says password, secret, token, key…; a DSN or an auth setting leaves only as a cut URL
# (MAILER_DSN=smtp://user:pass@relay:25 as smtp://relay:25/M: its port says where mail goes, its
# credentials stay). Anything else leaves as M (<redacted:vm>), and an empty value
# as empty: that a setting is empty is no secret, and the design must know it (Secret Manager
# cannot hold an empty value), so a reduced value must not look empty.
function plain(name, v,    scheme, rest, host, at, whole, sv, sf) {
  sub(/^[ \t]+/, "", v); sub(/[ \t\r]+$/, "", v)
  if (v ~ /^".*"$/ || v ~ ("^" q ".*" q "$")) v = substr(v, 2, length(v) - 2)
  if (v == "") return ""
  if (tolower(name) ~ /passw|pwd|pass|secret|token|key|credential|salt|cert/) return M
  if (match(v, /^[a-z][a-z0-9+.:-]*:\/\//)) {
    scheme = substr(v, 1, RLENGTH); rest = substr(v, RLENGTH + 1); whole = rest
    if (match(rest, /[\/?#]/)) rest = substr(rest, 1, RSTART - 1)
    host = rest
    while ((at = index(host, "@")) > 0) host = substr(host, at + 1)
    if (host !~ /^[A-Za-z0-9.-]+(:[0-9]+)?$/) return scheme
    return (whole == host || whole == host "/") ? scheme whole : scheme host "/" M
  }
  if (tolower(name) ~ /auth|dsn/) return M
  # The node names of celery multi (CELERYD_NODES="celery notify"): words and spaces, only under such a
  # name (plain-values.ts NODE_LIST).
  if (name ~ /(^|_)NODES$/ && v ~ /^[a-z][a-z0-9_-]*( +[a-z][a-z0-9_-]*)*$/ && length(v) <= 200) return v
  if (v ~ /^[0-9]+$/ && length(v) <= 5) return v
  if (v ~ /^([0-9.]*|localhost|\[::1?\]):[0-9]+$/ && length(v) <= 32) return v
  if (v ~ /^([0-9.]+|::|::1|\*|\[::1?\])$/ && length(v) <= 15) return v
  if (v ~ /^[a-z][a-z._,-]*$/ && length(v) <= 64) return v
  if (v ~ /^[a-z][a-z0-9]*$/ && length(v) <= 4) return v
  if ((v ~ /^[A-Z][a-z]+$/ && length(v) <= 16) || (v ~ /^[A-Z][A-Z]+$/ && length(v) <= 8)) return v
  # An absolute path, possibly with placeholders a launcher fills in (/run/celery/weblate-%n.pid, %i).
  if (v ~ /^\/([A-Za-z0-9._\/-]|%[A-Za-z])*$/ && length(v) <= 200) return v
  # A path of systemd specifiers (HOME=%S/listmonk-%i: the unit state folder, state-folders.ts).
  if (v ~ /^%[A-Za-z](\/[A-Za-z0-9._%-]+)*\/?$/ && length(v) <= 200) return v
  if (v ~ /^\.\.?\/?[A-Za-z0-9_-][A-Za-z0-9._\/-]*$/ && length(v) <= 200) return v
  if (v ~ /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_.]*$/ && length(v) <= 100) return v
  # The flags of a server (GUNICORN_CMD_ARGS="--bind=127.0.0.1:8000 --workers=3"): flags with no
  # secret in their names, each value (sv) a number of up to 5 digits, an address, a lowercase word
  # or module:name, an absolute path or "-", a flag possibly scoped to some nodes of celery multi
  # (--queues:notify=notify; plain-values.ts SERVER_FLAGS), up to 400 characters (a node per line).
  sv = "([0-9][0-9]?[0-9]?[0-9]?[0-9]?|[0-9.]*:[0-9]+|[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+|[a-z][a-z._-]*(:[a-z][a-z_]*)?|/[A-Za-z0-9._/-]*|-)"
  sf = "--?[a-z][a-z-]*(:[a-z0-9][a-z0-9,-]*)?(=" sv ")?"
  if (v ~ ("^" sf "( +(" sf "|" sv "))*$") && tolower(v) !~ /passw|pwd|pass|secret|token|key|credential|auth|salt|cert|dsn/ && length(v) <= 400) return v
  return M
}
function flush_env() { if (env != "") print "|Environment=" names(env); env = ""; inenv = 0 }
# A supervisor environment= value (A="1",B="two, words",C=3): each name with plain() of its value.
function snames(v,    out, i, n, c, w, qc, name) {
  out = ""; n = length(v); i = 1
  # The inner loop reads past the comma that ends an entry: the next entry starts at i.
  while (i <= n) {
    w = ""; qc = ""
    while (i <= n) {
      c = substr(v, i, 1); i++
      if (qc != "") { if (c == qc) qc = ""; w = w c }
      else if (c == "\"" || c == q) { qc = c; w = w c }
      else if (c == ",") break
      else w = w c
    }
    sub(/^[ \t]+/, "", w)
    if (match(w, /^[A-Za-z_][A-Za-z0-9_]*[ \t]*=/)) {
      name = substr(w, 1, RLENGTH - 1); sub(/[ \t]+$/, "", name)
      out = out (out == "" ? "" : ",") name "=\"" plain(name, substr(w, RLENGTH + 1)) "\""
    }
  }
  return out
}
function flush_senv() { if (senv != "") print "|environment=" snames(senv); senv = ""; insenv = 0 }
BEGIN {
  M = "<redacted:vm>"; q = sprintf("%c", 39); inenv = 0; env = ""; D = 0; KEY = 0; PREV = 0
  PM2_KEEP = "^(name|namespace|pm_exec_path|pm_cwd|exec_interpreter|exec_mode|cron_restart|instance_var|script|cwd|interpreter)$"
  ECO_KEEP = "^(name|namespace|script|cwd|args|interpreter|interpreter_args|node_args|exec_interpreter|exec_mode|instances|cron_restart)$"
}
# A pm2 dump (JSON, pretty or on one line): strings are split out at their quotes (no string spans
# a line in JSON), containers tracked across lines. The own settings of an app (PM2_KEEP) and its args
# keep their text with secrets masked; every other string (the env of the shell that started pm2,
# at any depth) becomes plain() of its value under its key, a number longer than 5 digits null.
# Text that is not JSON is dropped, so a broken file can leak nothing.
function oddslash(s) { return match(s, /\\+$/) && RLENGTH % 2 == 1 }
function jdec(s,    out, i, c) {
  out = ""
  while ((i = index(s, "\\")) > 0) {
    out = out substr(s, 1, i - 1); c = substr(s, i + 1, 1)
    if (c == "u") { out = out "?"; s = substr(s, i + 6); continue }
    out = out (c ~ /[nrtbf]/ ? " " : c); s = substr(s, i + 2)
  }
  return out s
}
function jenc(s,    out) {
  gsub(/[\t\r]/, " ", s); out = ""
  while (match(s, /["\\]/)) { out = out substr(s, 1, RSTART - 1) "\\" substr(s, RSTART, 1); s = substr(s, RSTART + 1) }
  return out s
}
function jout(s,    out, c, t, d) {
  out = ""
  while (s != "") {
    c = substr(s, 1, 1)
    if (c == " " || c == "\t" || c == "\r") { out = out c; s = substr(s, 2); continue }
    if (c == "{" || c == "[") { D++; T[D] = c; K[D] = ""; KEY = (c == "{"); out = out c; s = substr(s, 2); continue }
    if (c == "}" || c == "]") { if (D > 0) D--; KEY = 0; out = out c; s = substr(s, 2); continue }
    if (c == ":") { KEY = 0; out = out c; s = substr(s, 2); continue }
    if (c == ",") { KEY = (T[D] == "{"); PREV = (T[D] == "[" ? PREV : 0); out = out c; s = substr(s, 2); continue }
    if (match(s, /^-?[0-9][0-9.eE+-]*/)) {
      t = substr(s, 1, RLENGTH); d = t; gsub(/[^0-9]/, "", d)
      out = out (length(d) > 5 ? "null" : t); s = substr(s, RLENGTH + 1); continue
    }
    if (match(s, /^(true|false|null)/)) { out = out substr(s, 1, RLENGTH); s = substr(s, RLENGTH + 1); continue }
    return out " null"
  }
  return out
}
function jstr(v,    k, d) {
  if (T[D] == "{" && KEY) {
    K[D] = v
    return (v ~ /^[A-Za-z_$][A-Za-z0-9_.:@\/-]*$/ && length(v) <= 128) ? v : M
  }
  d = jdec(v)
  if (T[D] == "[") {
    if (D == 3 && T[1] == "[" && K[2] ~ /^(args|node_args|interpreter_args)$/) {
      k = PREV; PREV = (d ~ /^--?[A-Za-z0-9-]*([Pp]ass|PASS|[Ss]ecret|SECRET|[Tt]oken|TOKEN|[Kk]ey|KEY)[A-Za-z]*$/)
      return k ? M : jenc(secrets(d))
    }
    return jenc(plain(K[D - 1], d))
  }
  if (D == 2 && T[1] == "[" && K[2] ~ PM2_KEEP) return jenc(secrets(d))
  return jenc(plain(K[D], d))
}
# Printed piece by piece: a dump on one line (pm2 writes one so) is never copied whole per string.
function jline(s,    n, P, i, str) {
  n = split(s, P, "\"")
  printf "|%s", jout(P[1])
  for (i = 2; i <= n; i++) {
    str = P[i]
    while (oddslash(str) && i < n) { i++; str = str "\"" P[i] }
    if (i == n) { printf "\"\" null"; break }
    printf "\"%s\"", jstr(str)
    i++
    printf "%s", jout(P[i])
  }
  printf "\n"
}
# An ecosystem file (JS, JSON or YAML), line by line without running it: each `key: literal` keeps its
# literal for the app settings in ECO_KEEP (secrets masked), the literal of any other key becomes plain()
# of it; the text between is masked as any config is, the mask an identifier so JS stays JS.
function eco(s, yaml,    out, k, v, q2, t, rest, a) {
  out = ""
  while (match(s, /["\047]?[A-Za-z_$][A-Za-z0-9_$-]*["\047]?[ \t]*:[ \t]*("[^"]*"|\047[^\047]*\047|`[^`$]*`|-?[0-9][0-9.]*)/)) {
    a = RSTART; t = substr(s, a, RLENGTH); rest = substr(s, a + RLENGTH); out = out secrets(substr(s, 1, a - 1))
    match(t, /:[ \t]*/); k = substr(t, 1, RSTART - 1); v = substr(t, RSTART + RLENGTH); out = out substr(t, 1, RSTART + RLENGTH - 1)
    sub(/[ \t]+$/, "", k); gsub(/["\047]/, "", k)
    q2 = substr(v, 1, 1)
    if (q2 ~ /[-0-9]/) out = out (k ~ ECO_KEEP || length(v) <= 5 ? v : "0")
    else if (k ~ ECO_KEEP) { t = secrets(substr(v, 2, length(v) - 2)); gsub(/["\047`\\]/, "", t); out = out (t == substr(v, 2, length(v) - 2) ? v : "\"" t "\"") }
    else out = out "\"" plain(k, substr(v, 2, length(v) - 2)) "\""
    s = rest
  }
  if (yaml && match(s, /^[ \t]*-?[ \t]*[A-Za-z_][A-Za-z0-9_-]*[ \t]*:[ \t]+[^ \t"\047{[|>&*!]/)) {
    k = s; sub(/^[ \t]*-?[ \t]*/, "", k); sub(/[ \t]*:.*$/, "", k)
    t = substr(s, 1, RLENGTH - 1); v = substr(s, RLENGTH); sub(/[ \t]+#.*$/, "", v)
    return out t (k ~ ECO_KEEP ? secrets(v) : plain(k, v))
  }
  return out secrets(s)
}
function stanza() { if (pkg ~ re) printf "%s|\n", kept; kept = ""; pkg = "" }
function end_file() { if (mode == "env" && envname != "") { print "|" envname "=" M; envname = "" }; if (mode == "unit" && inenv) flush_env(); if (mode == "supervisor" && insenv) flush_senv(); if (mode == "dpkg" || mode == "apk") stanza() }
# One line of a file ($0), by its mode: what of it leaves the VM.
function scrub_line() {
  if (mode == "bare") return
  if (mode == "supervisor" && insenv && /^[ \t]+[^ \t;#]/) { line = $0; sub(/\r$/, "", line); senv = senv " " line; return }
  if (mode == "supervisor" && insenv) { flush_senv() }
  if (mode == "supervisor" && /^[ \t]*environment[ \t]*[=:]/) {
    line = $0; sub(/\r$/, "", line); sub(/^[^=:]*[=:]/, "", line); sub(/[ \t];.*$/, "", line)
    senv = line; insenv = 1; return
  }
  if (mode == "unit" && inenv) {
    line = $0; sub(/\r$/, "", line)
    more = sub(/\\$/, "", line); env = env " " line
    if (!more) flush_env()
    return
  }
  if (mode == "unit" && /^[ \t]*Environment[ \t]*=/) {
    line = $0; sub(/\r$/, "", line); sub(/^[^=]*=/, "", line)
    more = sub(/\\$/, "", line); env = line; inenv = 1
    if (!more) flush_env()
    return
  }
  if (mode == "unit" && /^[ \t]*SetCredential(Encrypted)?[ \t]*=/) {
    line = $0; sub(/:.*/, ":" M, line); print "|" line; return
  }
  if (mode == "cron" && /^[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*=/) {
    name = $0; sub(/^[ \t]*/, "", name); sub(/[ \t]*=.*/, "", name)
    if (name ~ /^(SHELL|PATH|MAILTO|CRON_TZ|TZ|HOME|LOGNAME|LANG|LC_ALL)$/) print "|" secrets($0)
    else { value = $0; sub(/^[^=]*=/, "", value); print "|" name "=" plain(name, value) }
    return
  }
  if (mode == "env") {
    # The lines of a quoted value over several lines (a PEM key) are the value, never names: up to
    # the line holding its closing quote (an escaped \" does not close), as detect/systemd.ts reads it.
    if (envq != "" && envname != "") {
      # A double-quoted value continued with a backslash at the end of each line: joined as written
      # (backslash and line break dropped, detect/systemd.ts joins it so) and judged whole.
      line = $0; sub(/\r$/, "", line)
      if (line ~ /\\$/) { envval = envval substr(line, 1, length(line) - 1); return }
      envval = envval line; line2 = line; gsub(/\\./, "", line2)
      if (index(line2, envq) > 0) print "|" envname "=" plain(envname, envval)
      else print "|" envname "=" M
      envname = ""; if (index(line2, envq) > 0) envq = ""
      return
    }
    if (envq != "") {
      line = $0; if (envq == "\"") gsub(/\\./, "", line)
      if (index(line, envq) > 0) envq = ""
      return
    }
    if (match($0, /^[ \t]*(export[ \t]+)?[A-Za-z_][A-Za-z0-9_]*[ \t]*=/)) {
      name = substr($0, 1, RLENGTH); sub(/^[ \t]*(export[ \t]+)?/, "", name); sub(/[ \t]*=$/, "", name)
      value = substr($0, RLENGTH + 1); sub(/^[ \t]+/, "", value)
      c = substr(value, 1, 1); line = substr(value, 2); if (c == "\"") gsub(/\\./, "", line)
      raw = value; sub(/\r$/, "", raw)
      if (c == "\"" && index(line, c) == 0 && raw ~ /\\$/) { envq = c; envname = name; envval = substr(raw, 1, length(raw) - 1); return }
      if ((c == "\"" || c == q) && index(line, c) == 0) { envq = c; print "|" name "=" M; return }
      print "|" name "=" plain(name, substr($0, RLENGTH + 1))
    } else if (match($0, "^[ \t]*" q "[A-Za-z_][A-Za-z0-9_]*" q "[ \t]*=>")) {
      # .env.local.php (composer dump-env): quoted NAME => quoted value lines, sent as NAME=value.
      name = substr($0, 1, RLENGTH); sub("^[ \t]*" q, "", name); sub(q "[ \t]*=>$", "", name)
      value = substr($0, RLENGTH + 1); sub(/,[ \t\r]*$/, "", value)
      print "|" name "=" plain(name, value)
    }
    return
  }
  if (mode == "dpkg" || mode == "apk") {
    sub(/\r$/, "")
    if ($0 == "") { stanza(); return }
    if (mode == "dpkg" && /^(Package|Status|Version):/) kept = kept "|" $0 "\n"
    if (mode == "apk" && /^[PV]:/) kept = kept "|" $0 "\n"
    if (/^Package: /) pkg = substr($0, 10)
    if (/^P:/) pkg = substr($0, 3)
    return
  }
  if (mode == "pm2") { sub(/\r$/, ""); jline($0); return }
  # etc/passwd: only the units users lines (name, ids, home, shell), never their GECOS.
  if (mode == "passwd") {
    sub(/\r$/, ""); n = split($0, pw, ":")
    if (n >= 7 && index("\n" users "\n", "\n" pw[1] "\n") > 0) print "|" pw[1] ":x:" pw[3] ":" pw[4] "::" pw[6] ":" pw[7]
    return
  }
  # authorized_keys: only the forced command of each key (git-over-ssh.ts reads which program it runs).
  if (mode == "authkeys") {
    if ($0 !~ /^[ \t]*#/ && match($0, /(^|,)[ \t]*command="[^"]*"/)) { line = substr($0, RSTART, RLENGTH); sub(/^,/, "", line); print "|" secrets(line) }
    return
  }
  # A pool env[NAME] = value line (what PHP-FPM passes the app): the name, with plain() of the value.
  if (mode == "phpini" && /^[ \t]*env[ \t]*\[[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*\][ \t]*=/) {
    name = $0; sub(/^[ \t]*env[ \t]*\[[ \t]*/, "", name); sub(/[ \t]*\].*$/, "", name)
    value = $0; sub(/\r$/, "", value); sub(/^[^=]*=/, "", value)
    print "|env[" name "] = \"" plain(name, value) "\""; return
  }
  if (mode == "phpini") { if (tolower($0) ~ phpre) print "|" $0; return }
  if (mode == "htaccess") { if (tolower($0) ~ htre) print "|" $0; return }
  if (mode == "eco" || mode == "ecoyaml") { sub(/\r$/, ""); M = "redacted_vm"; print "|" eco($0, mode == "ecoyaml"); M = "<redacted:vm>"; return }
  print "|" secrets($0)
}
'

# The driver of $scrub (one awk for every file: a process each cost more than reading them). Its input:
# the files, one a line as "MODE PATH" (or "unreadable PATH"); "/"; ls -nLd's lines for the files'
# sizes; "//"; then the app folders' listing. A file over the cap is named, not read.
# shellcheck disable=SC2016 # an awk program: its $ are awk's
send='
function sizes(    i, j, n, L, best, w) {
  for (i = 1; i <= NLS; i++) {
    # An ls line ends with its file name: the longest of the paths that ends it after a space.
    L = LS[i]; best = ""; n = length(L)
    for (j = 1; j <= NFILES; j++)
      if (KIND[j] !~ /^(unreadable|dpkg|apk)$/ && length(FPATH[j]) > length(best) && n > length(FPATH[j]) && substr(L, n - length(FPATH[j])) == " " FPATH[j]) best = FPATH[j]
    if (best != "") { split(L, w); SIZE[best] = w[5] }
  }
}
function start_file() { envq = ""; envname = ""; inenv = 0; env = ""; insenv = 0; senv = ""; kept = ""; pkg = ""; D = 0; KEY = 0; PREV = 0; split("", T); split("", K) }
function send_all(    j, f, size) {
  sizes()
  for (j = 1; j <= NFILES; j++) {
    f = FPATH[j]; mode = KIND[j]
    if (mode == "unreadable") { print "unreadable=/" f; continue }
    if (mode != "dpkg" && mode != "apk") {
      size = SIZE[f]
      if (size == "" || size ~ /[^0-9]/) size = 0
      if (size + 0 > cap + 0) { print "toolarge=/" f " " size; continue }
    }
    print "file=" f
    start_file()
    while ((getline < f) > 0) scrub_line()
    close(f)
    end_file()
  }
  PART = 2
}
PART == 0 && $0 == "/" { PART = 1; next }
PART == 0 { NFILES++; KIND[NFILES] = substr($0, 1, index($0, " ") - 1); FPATH[NFILES] = substr($0, index($0, " ") + 1); next }
PART == 1 && $0 != "//" { LS[++NLS] = $0; next }
PART == 1 { send_all(); next }
# The app folders file names, after their contents: frameworks keep lockfiles and upload folders there.
/^unreadable=/ { next }
/^applink=/ { print; next }
$0 != "" { print "entry=" $0 }
END { if (PART < 2) send_all() }
'
# Each file once, by its path with "dir/.." steps taken out (the caller does the same to link targets).
todo=
once=$nl
set --
while IFS= read -r f; do
  normp "$f"
  f=$np
  [ -n "$f" ] || continue
  case $once in *"$nl$f$nl"*) continue ;; esac
  once="$once$f$nl"
  if [ ! -r "$f" ]; then
    todo="${todo}unreadable $f$nl"
    continue
  fi
  mode_of "$f"
  todo="$todo$mode $f$nl"
  case $mode in
    dpkg | apk) ;;
    *) if [ $# -eq 0 ]; then set -- "$f"; else set -- "$@" "$f"; fi ;;
  esac
done <<EOF
$files
EOF
if [ "$have_awk" = yes ]; then
  {
    printf '%s/\n' "$todo"
    # shellcheck disable=SC2012 # the size column of ls -n is portable; stat's flags are not
    # Names as they are (GNU ls quotes them when QUOTING_STYLE says so): the awk matches them. Sizes
    # in bytes, as size_of's.
    if [ $# -gt 0 ] && command -v ls >/dev/null 2>&1; then QUOTING_STYLE=literal LS_BLOCK_SIZE=1 ls -nLd -- "$@" 2>/dev/null; fi
    echo //
    printf '%s\n' "$listing"
    printf '%s' "$codes"
  } | awk -v cap="$im_cap" -v users="$unit_users" -v re="$im_packages" -v phpre="$im_php_keys" -v htre="$im_hta_keys" "$scrub$send"
fi

cpus=0
if [ -r proc/cpuinfo ]; then
  while IFS= read -r line; do
    case $line in processor*) cpus=$((cpus + 1)) ;; esac
  done <proc/cpuinfo
fi
echo "cpus=$cpus"
if [ -r proc/meminfo ]; then
  while read -r name value _; do
    if [ "$name" = "MemTotal:" ]; then echo "memkb=$value"; break; fi
  done <proc/meminfo
fi
if command -v ss >/dev/null 2>&1; then
  echo listeners
  # Without -H: old iproute2 lacks it, and the header line is not a LISTEN line.
  ss -ltnp 2>/dev/null | while IFS= read -r line; do printf '|%s\n' "$line"; done
fi
echo end
