#!/usr/bin/env bash
# A CI job's script as people write it for docker (issue 17 item 5), run
# unchanged by docker-script.bats with a `docker` on PATH that execs volt.
# Nothing here knows about volt.
set -euo pipefail

IMAGE=${IMAGE:-busybox}
NAME=ci-web-$$
OUT=$(mktemp -d)
trap 'docker rm -f "$NAME" >/dev/null 2>&1 || true; rm -rf "$OUT"' EXIT

echo "--- images"
docker images --format '{{.Repository}}:{{.Tag}}' | grep -qx "$IMAGE:latest"

echo "--- start a service"
docker run -d --name "$NAME" -e APP_MODE=test -e GREETING='hello world' -v /data \
	--label ci=1 "$IMAGE" sh -c 'echo started; mkdir -p /srv; echo "built at $(date +%s)" >/srv/build.txt; exec sleep 300'

for i in $(seq 1 50); do
	[ "$(docker inspect -f '{{.State.Status}}' "$NAME")" = running ] && break
	sleep 0.1
done
status=$(docker inspect -f '{{.State.Status}}' "$NAME")
[ "$status" = running ] || { echo "not running: $status" >&2; exit 1; }

echo "--- inspect"
env_json=$(docker inspect -f '{{json .Config.Env}}' "$NAME")
case "$env_json" in
*'"APP_MODE=test"'*'"GREETING=hello world"'* | *'"GREETING=hello world"'*'"APP_MODE=test"'*) ;;
*) echo "unexpected env: $env_json" >&2; exit 1 ;;
esac
mounts=$(docker inspect -f '{{range .Mounts}}{{.Destination}}{{end}}' "$NAME")
[ "$mounts" = /data ] || { echo "unexpected mounts: $mounts" >&2; exit 1; }

echo "--- exec"
docker exec "$NAME" sh -c 'echo "$APP_MODE" >/data/mode'
[ "$(docker exec "$NAME" cat /data/mode)" = test ]
docker exec -e EXTRA=1 "$NAME" sh -c 'test "$EXTRA" = 1'
if docker exec "$NAME" sh -c 'exit 3'; then
	echo "exec should have failed" >&2
	exit 1
else
	rc=$?
	[ "$rc" -eq 3 ] || { echo "exec exit code $rc" >&2; exit 1; }
fi

echo "--- wait for the build file, copy it out"
for i in $(seq 1 50); do
	docker exec "$NAME" test -s /srv/build.txt && break
	sleep 0.1
done
docker cp "$NAME:/srv/build.txt" "$OUT/build.txt"
grep -q '^built at [0-9]*$' "$OUT/build.txt"
docker cp "$NAME:/srv" "$OUT/srv"
[ -f "$OUT/srv/build.txt" ]

echo "--- logs"
docker logs "$NAME" | grep -qx started
docker logs --tail 1 "$NAME" 2>&1 | grep -qx started

echo "--- ps"
[ "$(docker ps --filter "name=$NAME" --format '{{.Names}}')" = "$NAME" ]
docker ps --filter label=ci=1 -q | grep -q .
[ -z "$(docker ps --filter name=ci-no-such-container --format '{{.Names}}')" ]

echo "--- a one-off job"
result=$(docker run --rm -e X=21 "$IMAGE" sh -c 'echo $((X * 2))')
[ "$result" = 42 ]
if docker run --rm "$IMAGE" sh -c 'exit 7'; then
	exit 1
else
	[ $? -eq 7 ]
fi

echo "--- stop and remove"
docker stop -t 1 "$NAME" >/dev/null
[ "$(docker inspect -f '{{.State.Status}}' "$NAME")" = exited ]
docker rm -f "$NAME" >/dev/null
if docker inspect "$NAME" >/dev/null 2>&1; then
	echo "still there" >&2
	exit 1
fi
[ -z "$(docker ps -a --filter "name=$NAME" --format '{{.Names}}')" ]
echo "CI OK"
