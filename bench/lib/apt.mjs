// The benchmarks' tools from Debian's packages (wrk, valgrind): installed
// with apt-get when missing (as root, or with passwordless sudo); anything
// else is a loud failure that says what to run, never a silently skipped
// benchmark. Contract: returns only once `command` runs; else exits 1.
import { spawnSync } from "node:child_process";

/** True when `command --version` starts (whatever it prints). */
export const hasCommand = (command) => spawnSync(command, ["--version"], { stdio: "ignore" }).error === undefined;

export function ensureAptTool(command, pkg, needer) {
  if (hasCommand(command)) return;
  console.log(`${command} is not installed: installing it with apt-get (Debian package ${pkg})`);
  const sudo = process.getuid?.() === 0 ? [] : ["sudo", "-n"];
  for (const args of [
    ["apt-get", "update", "-qq"],
    ["apt-get", "install", "-y", "-qq", pkg],
  ]) {
    const [first, ...rest] = [...sudo, ...args];
    spawnSync(first, rest, { stdio: "inherit" });
  }
  if (!hasCommand(command)) {
    console.error(
      `!! ${needer} needs ${command} and could not install it: run \`apt-get install -y ${pkg}\` and try again`,
    );
    process.exit(1);
  }
}
