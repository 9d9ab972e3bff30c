// Finding and ending the processes an end-to-end run starts.
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of processes whose command line contains every given fragment (Linux /proc). */
export function findProcesses(...fragments: string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let commandLine: string;
    try {
      commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue; // The process ended while we looked.
    }
    if (fragments.every((fragment) => commandLine.includes(fragment))) pids.push(Number(entry));
  }
  return pids;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends a signal to a whole process group, ignoring a group that is already gone. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
