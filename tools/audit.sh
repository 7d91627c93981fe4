#!/usr/bin/env bash
# make audit: pip-audit on every lock. Fails on a known vulnerability that
# tools/audit-ignore.txt does not explain, and (--strict) on a package it could
# not check: a vulnerability database that does not answer is a failure, never a
# pass. AUDIT_ARGS passes options on, e.g. AUDIT_ARGS="-s osv" where OSV answers.
set -uo pipefail
cd "$(dirname "$0")/.."
pip_audit=.venv/tools/bin/pip-audit
ignore_file=tools/audit-ignore.txt
declare -A locks=(
    [tools]="tools/pip.lock tools/tools.lock"
    [bot]="bot/requirements.lock"
    [hotline]="hotline/requirements.lock"
)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
for env in tools bot hotline; do
    args=()
    for lock in ${locks[$env]}; do args+=(-r "$lock"); done
    # tools/audit-ignore.txt: "<environment> <vulnerability id> <why it does not reach us>"
    while read -r name id _; do
        [[ $name == "$env" ]] && args+=(--ignore-vuln "$id")
    done < <(grep -Ev '^[[:space:]]*(#|$)' "$ignore_file")
    echo "== $env: ${locks[$env]}"
    # shellcheck disable=SC2086 # AUDIT_ARGS is a list of options
    if ! "$pip_audit" --strict --disable-pip --require-hashes --aliases on \
        --progress-spinner off "${args[@]}" ${AUDIT_ARGS:-} 2>&1 | tee "$log"; then
        status=1
        if grep -Eq 'could not be audited|ConnectionError|ServiceError' "$log"; then
            echo "make audit: the vulnerability database did not answer for every package," \
                "so nothing was checked for $env (pip-audit -s pypi reads" \
                "pypi.org/pypi/NAME/VERSION/json). This is a failure, not a pass."
        fi
    fi
done
exit "$status"
