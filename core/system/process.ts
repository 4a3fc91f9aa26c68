/** Whether a process with this id runs on this machine (Linux: it has a /proc entry). */
export function processRuns(pid: number): boolean {
  try {
    return Deno.statSync(`/proc/${pid}`).isDirectory;
  } catch {
    return false;
  }
}
