//! The dependency container's script for pip (see `src/deps/script.rs` for the lines it prints). Pure.
//!
//! 1. Everything at once: the requirements with the optional extras that may be features, else without them.
//!    pip installs all or nothing (`--target` installs into a temporary folder and moves it at the end).
//! 2. When that fails, each requirement is probed alone (`pip download --no-deps`, since pip stops at the
//!    first one it cannot find) and the ones that cannot be had are named, with the probe's output on
//!    stderr (the cause of each, apart); so is each whose wheel pip failed to build (its `Failed building
//!    wheel for X`, matched to the declared requirement by name).
//! 3. Then the rest is installed without them, again with the extras first: when that works the script says
//!    `ATO-DEPS-PARTIAL`. A rest whose install names a further build failure is tried once more without it
//!    (three rounds at most); else the install failed, as when nothing is left to install.
//!
//! pip's output goes to stderr, and to a log the script reads the build failures from; stdout holds only the
//! script's own lines.

use crate::deps::{
    DEPS_DIR, INSTALL_FAILED_EXIT, INSTALLED_LINE, MISSING_PREFIX, PARTIAL_LINE, SCRIPT_DIR,
    UNBUILT_PREFIX, WITHOUT_LEFT_OUT_MARK, sh_quote,
};

/// How many times the rest is tried after the first failure.
const ROUNDS: u32 = 3;
/// On stderr, before the output of a probe that failed: this and its requirement; after it, [`PROBE_END`].
pub(super) const PROBE_PREFIX: &str = "ATO-DEPS-PROBE ";
pub(super) const PROBE_END: &str = "ATO-DEPS-PROBE-END";

/// The script; `constraints` when the inputs hold `constraints.txt`, `network` when an index is reachable.
pub(super) fn install_script(constraints: bool, network: bool) -> String {
    let mut options = vec![
        "--no-input",
        "--disable-pip-version-check",
        "--no-cache-dir",
        // Vendored sdists build with the image's setuptools when there is no index to fetch an isolated
        // build environment from.
    ]
    .into_iter()
    .map(str::to_string)
    .collect::<Vec<_>>();
    if network {
        options.extend(["--retries", "1", "--timeout", "30"].map(str::to_string));
    } else {
        // Without a network only the vendored archives can be had: say so to pip, which then fails at once
        // instead of retrying an index it cannot reach.
        options.push("--no-index".into());
        options.push("--no-build-isolation".into());
    }
    let options = options
        .iter()
        .map(|o| sh_quote(o))
        .collect::<Vec<_>>()
        .join(" ");
    let dir = format!("/work/{SCRIPT_DIR}");
    let constraints = if constraints {
        format!(" -c {dir}/constraints.txt")
    } else {
        String::new()
    };
    let rounds = (1..=ROUNDS)
        .map(|round| round.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        r#"set -u
set -f
cd /work/head
export PIP_ROOT_USER_ACTION=ignore PYTHONDONTWRITEBYTECODE=1
# pip --target builds the whole install in a temporary folder before moving it: on the dependency volume, not
# in the small /tmp, which a project with large test dependencies (pandas, matplotlib…) would fill.
export TMPDIR={DEPS_DIR}/.ato-tmp
mkdir -p "$TMPDIR"
trap 'rm -rf "$TMPDIR"' EXIT
log=/tmp/ato-pip.log
left=/tmp/ato-left-out.txt
rest=/tmp/ato-rest.txt
: >"$left"
# pip installs the requirement files it is given, all or nothing; its output goes to stderr and to $log.
install() {{
    if [ $# -eq 2 ]; then set -- -r "$1" -r "$2"; else set -- -r "$1"; fi
    python3 -m pip install {options} --no-warn-script-location --target {DEPS_DIR}/python -r {dir}/options.txt "$@"{constraints} >"$log" 2>&1
    status=$?
    cat "$log" >&2
    return $status
}}
# The optional extras that may be features of the code go with the requirements when the whole installs…
install_with_extras() {{
    if [ -s {dir}/extras.txt ]; then
        if install "$1" {dir}/extras.txt; then
            return 0
        fi
        echo "ato: the optional extras could not be installed with the rest; installing without them" >&2
    fi
    install "$1"
}}
# Leaves out each declared requirement whose wheel pip failed to build, as $log says; fails when none is new.
leave_out_unbuilt() {{
    found=1
    for built in $(sed -n 's/.*Failed building wheel for \([^ ]*\).*/\1/p' "$log" | tr '[:upper:]_.' '[:lower:]--' | tr -s '-'); do
        while IFS= read -r requirement <&3 && IFS= read -r name <&4; do
            if [ "$name" = "$built" ] && ! grep -qxF -e "$requirement" "$left"; then
                printf '%s\n' "{UNBUILT_PREFIX}$requirement"
                printf '%s\n' "$requirement" >>"$left"
                found=0
            fi
        done 3<{dir}/probes.txt 4<{dir}/names.txt
    done
    return $found
}}
if install_with_extras {dir}/requirements.txt; then
    echo {INSTALLED_LINE}
    exit 0
fi
# Which requirements could not be had, each on its own (pip stops at the first it cannot find)…
while IFS= read -r requirement; do
    [ -n "$requirement" ] || continue
    if ! python3 -m pip download {options} --no-deps --dest /tmp/ato-probe -r {dir}/options.txt "$requirement" >/tmp/ato-probe.log 2>&1; then
        printf '%s\n' "{MISSING_PREFIX}$requirement"
        printf '%s\n' "$requirement" >>"$left"
        {{ printf '%s\n' "{PROBE_PREFIX}$requirement"; cat /tmp/ato-probe.log; echo {PROBE_END}; }} >&2
    fi
done <{dir}/probes.txt
leave_out_unbuilt
# …and the others without them: what installs is this run's only, never cached.
for round in {rounds}; do
    [ -s "$left" ] || break
    grep -vxF -f "$left" {dir}/requirements.txt >"$rest"
    grep -q . "$rest" || break
    echo "{WITHOUT_LEFT_OUT_MARK} ($(grep -c . "$left"), round $round)" >&2
    if install_with_extras "$rest"; then
        echo {PARTIAL_LINE}
        exit 0
    fi
    leave_out_unbuilt || break
done
exit {INSTALL_FAILED_EXIT}
"#
    )
}

#[cfg(test)]
#[path = "pip_script_tests.rs"]
mod tests;
