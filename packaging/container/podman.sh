# shellcheck shell=bash
# Sourced by packaging/container/build-local and .ci/container: finds how podman runs containers on
# this machine. Inside another container (a CI machine is often one), podman's defaults may fail:
#   - crun refuses a cgroup v1 host with a cgroup v2 hierarchy mounted beside it ("cgroups in hybrid
#     mode not supported"); runc accepts it;
#   - podman gives containers open-files and processes limits above this machine's hard limits,
#     which a process without CAP_SYS_RESOURCE cannot set ("setrlimit ... operation not permitted");
#     within them it can.
# podman_probe IMAGE tries, in order: podman's defaults, runc, runc with limits that fit, and keeps
# the first with which `true` runs in IMAGE: PODMAN is then the command with its global options and
# RUN_OPTS what `podman run` and `podman build` need. It returns 1 when none works, and leaves what
# podman said last in PODMAN_ERROR.

podman_probe() {
  local image="$1" nofile nproc limits candidate runtime
  nofile="$(ulimit -Hn)"
  [[ $nofile == unlimited ]] && nofile=1048576
  nproc="$(ulimit -Hu)"
  [[ $nproc == unlimited || $nproc -gt 32768 ]] && nproc=32768
  limits="--ulimit nofile=$nofile:$nofile --ulimit nproc=$nproc:$nproc"
  PODMAN_ERROR=''
  for candidate in ":" "runc:" "runc:$limits" ":$limits"; do
    runtime="${candidate%%:*}"
    PODMAN=(podman)
    if [[ -n $runtime ]]; then
      command -v "$runtime" > /dev/null 2>&1 || continue
      PODMAN+=(--runtime "$runtime")
    fi
    read -r -a RUN_OPTS <<< "${candidate#*:}"
    # A container that failed to start stays behind, created, in spite of --rm.
    # shellcheck disable=SC2034 # read by the caller
    if PODMAN_ERROR="$("${PODMAN[@]}" run --rm --name "maitre-probe-$$" ${RUN_OPTS[@]+"${RUN_OPTS[@]}"} \
        --entrypoint true "$image" 2>&1)"; then
      return 0
    fi
    podman rm -f "maitre-probe-$$" > /dev/null 2>&1 || true
  done
  return 1
}
