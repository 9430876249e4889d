/**
 * Replaces a file so that a crash or a concurrent reader sees the old content or the new, never
 * half: write a temporary file in the same directory (created exclusively, with its final mode from
 * the first byte, synced), then rename it over the target. For files holding secrets.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

export async function writeFileAtomically(file: string, content: string, mode: number): Promise<void> {
  const target = path.resolve(file);
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // `wx`: never follow or reuse an existing file.
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
