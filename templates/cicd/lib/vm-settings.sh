# shellcheck shell=bash
# Reads one setting's value from the text of a VM's settings files: NAME=value env files, a PHP-FPM
# pool's env[NAME], a Supervisor program's environment=, Symfony's .env.local.php, a JSON settings
# file. scripts/setup-secrets.sh sources it (it is not run on its own); infra-migrate writes it as it
# ships, the same for every app, so it is checked once by infra-migrate's tests, not on each run.
#
# vm_lookup reads the sourcing script's globals: VM_ENVS and VM_SOURCES (each file's text and where
# it came from, env files first), ENV_FILES (how many of them are env files), VM_HOST, and its die
# function. Values never go to stdout but when a caller captures them.
# file_value NAME TEXT: prints NAME's value in one file's text and succeeds, or fails when unset.
file_value() {
  local line value quote
  while IFS= read -r line; do
    line=${line#export }
    [[ $line == "$1="* ]] || continue
    value=${line#"$1="}
    # A quoted value over several lines (a PEM key, RSA_PRIVATE_KEY="-----BEGIN …): up to the line
    # that closes the quote, newlines kept, as systemd's EnvironmentFile= and dotenv read it.
    quote=${value:0:1}
    if [[ $quote == \" || $quote == \' ]] && [[ ${#value} -lt 2 || ${value: -1} != "$quote" ]]; then
      while IFS= read -r line; do
        value+=$'\n'$line
        [[ ${line: -1} == "$quote" ]] && break
      done
    fi
    if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then value=${BASH_REMATCH[1]}; fi
    printf '%s' "$value"
    return 0
  done <<<"$2"
  # Not a NAME=value line: the other formats settings live in on a VM.
  fpm_env_value "$1" "$2" || supervisor_env_value "$1" "$2" || php_array_value "$1" "$2" ||
    json_settings_value "$1" "$2"
}
# fpm_env_value NAME TEXT: a PHP-FPM pool's `env[NAME] = value` (php.ini syntax: quotes, `;`
# comments). A value starting with $ is FPM's own environment, not the file's.
# https://www.php.net/manual/en/install.fpm.configuration.php (env[])
fpm_env_value() {
  local line value re='^[[:space:]]*env\[[[:space:]]*"?([A-Za-z_][A-Za-z0-9_]*)"?[[:space:]]*\][[:space:]]*=[[:space:]]*(.*)$'
  while IFS= read -r line; do
    [[ $line =~ $re && ${BASH_REMATCH[1]} == "$1" ]] || continue
    value=${BASH_REMATCH[2]}
    if [[ $value =~ ^\"([^\"]*)\" || $value =~ ^\'([^\']*)\' ]]; then
      value=${BASH_REMATCH[1]}
    else
      value=${value%%;*}
      value=${value%"${value##*[![:space:]]}"}
    fi
    if [[ $value == \$* ]]; then
      echo "$1: the PHP-FPM pool passes it from its own environment, not from the file" >&2
      return 1
    fi
    printf '%s' "$value"
    return 0
  done <<<"$2"
  return 1
}
# json_settings_value NAME TEXT: NAME in a JSON settings file (nconf's config.<env>.json, Ghost's
# config.production.json), its nested keys joined by `__` as nconf reads them from the environment:
# a string as it is, a number, boolean or array as JSON (nconf's parseValues reads that back).
# https://ghost.org/docs/config/#running-ghost-with-config-env-variables
json_settings_value() {
  [[ $2 =~ ^[[:space:]]*\{ ]] || return 1
  jq -er --arg name "$1" '[paths(type != "object" or length == 0) as $p
      | select(all($p[]; type == "string") and ($p | join("__")) == $name) | getpath($p)]
    | first | if . == null then error("unset") elif type == "string" then . else tojson end' <<<"$2" 2>/dev/null
}
# supervisor_env_value NAME TEXT: NAME in a Supervisor `environment=KEY="val",KEY2=val2` (any
# section; continuation lines indented; ` ;` starts a comment). Supervisor splits it like a shell
# lexer: a value with more than letters, digits and _ / . + - ( ) : is quoted, the quotes are
# dropped, `%%` is a literal % and `%(…)s` an expansion (not in the file).
# http://supervisord.org/configuration.html (environment; supervisor/datatypes.py dict_of_key_value_pairs)
supervisor_env_value() {
  local line joined="" in_env=0 rest key value
  local pair='^[[:space:],]*([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=[[:space:]]*("[^"]*"|'\''[^'\'']*'\''|[^,[:space:]]*)(.*)$'
  while IFS= read -r line; do
    if ((in_env)) && [[ $line =~ ^[[:space:]]+[^[:space:]] ]]; then
      joined+=" $line"
      continue
    fi
    in_env=0
    if [[ $line =~ ^environment[[:space:]]*[=:](.*)$ ]]; then
      joined+=$'\n'"${BASH_REMATCH[1]}"
      in_env=1
    fi
  done <<<"$2"
  while IFS= read -r rest; do
    rest=${rest%%[[:space:]];*}
    while [[ $rest =~ $pair ]]; do
      key=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]} rest=${BASH_REMATCH[3]}
      [[ $key == "$1" ]] || continue
      if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then value=${BASH_REMATCH[1]}; fi
      if [[ $value == *'%('* ]]; then
        echo "$1: Supervisor expands a %(…)s in it when it starts the program, so the file does not hold the value" >&2
        return 1
      fi
      printf '%s' "${value//%%/%}"
      return 0
    done
  done <<<"$joined"
  return 1
}
# php_array_value NAME TEXT: `'NAME' => 'value',` in the PHP array Symfony's `composer dump-env`
# writes to .env.local.php (var_export: single quotes, `\'` and `\\` escaped).
# https://symfony.com/doc/current/configuration.html#configuring-environment-variables-in-production
php_array_value() {
  local line value out re="^[[:space:]]*'([A-Za-z_][A-Za-z0-9_]*)'[[:space:]]*=>[[:space:]]*'(([^'\\\\]|\\\\.)*)',?[[:space:]]*$"
  while IFS= read -r line; do
    [[ $line =~ $re && ${BASH_REMATCH[1]} == "$1" ]] || continue
    value=${BASH_REMATCH[2]} out=""
    while [[ -n $value ]]; do
      if [[ $value == "\\"[\\\']* ]]; then out+=${value:1:1} value=${value:2}; else out+=${value:0:1} value=${value:1}; fi
    done
    printf '%s' "$out"
    return 0
  done <<<"$2"
  return 1
}
# vm_lookup NAME: sets VM_VALUE (and VM_FROM, the file it came from) and succeeds, or fails when no
# file sets NAME. Run in this shell, not in $(…), so that it can stop the script: the files of
# several services may each set NAME, and one secret holds one value, so they must agree. A unit's
# Environment= gives way to a file's value: systemd applies EnvironmentFile= over it.
VM_VALUE="" VM_FROM=""
vm_lookup() {
  local i value found=0
  VM_VALUE="" VM_FROM=""
  for i in "${!VM_ENVS[@]}"; do
    value=$(file_value "$1" "${VM_ENVS[$i]}") || continue
    if ((!found)); then
      VM_VALUE=$value VM_FROM=${VM_SOURCES[$i]} found=1
    elif [[ $value != "$VM_VALUE" ]] && ((i < ${#ENV_FILES[@]})); then
      die "$1 has different values in $VM_FROM and ${VM_SOURCES[$i]} on $VM_HOST, and the services share one secret of that name: give it one value on the VM, or run without --from-vm and type it"
    fi
  done
  ((found))
}
