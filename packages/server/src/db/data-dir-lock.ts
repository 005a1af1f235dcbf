// PGlite does not lock its folder, and two processes on one folder silently diverge:
// the hub takes a lock file and refuses a second start.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { AppErrorException, appError } from '../core/errors.ts';

export function lockDataDir(dir: string): () => void {
  const lockPath = path.join(dir, 'pishkhan.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockPath, 'utf8'));
      if (isAlive(holder) && holder !== process.pid) {
        throw new AppErrorException(
          appError('PSK_DATA_DIR_LOCKED', {
            message: `The data folder ${dir} is in use by another Pishkhan process (pid ${holder}). Stop it first, or set PISHKHAN_DATA_DIR to another folder.`,
          }),
        );
      }
      rmSync(lockPath, { force: true }); // left behind by a process that died
    }
  }
  throw new Error(`Could not lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
