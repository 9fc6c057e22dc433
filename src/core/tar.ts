import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gunzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';

/** One file of an archive: its name inside it and its exact bytes. */
export interface ArchiveFile {
  readonly name: string;
  readonly bytes: Buffer;
}

/**
 * Writes `files` as a gzip-compressed tar at `path`, in the order given, each a regular file
 * (mode 0644) dated `mtime`: the same files and instant give the same archive.
 */
export async function writeTarGz(path: string, files: readonly ArchiveFile[], mtime: number): Promise<void> {
  const archive = pack();
  const done = pipeline(archive, createGzip(), createWriteStream(path));
  for (const f of files) {
    await new Promise<void>((resolve, reject) =>
      archive.entry({ name: f.name, size: f.bytes.length, mode: 0o644, mtime: new Date(mtime), type: 'file' }, f.bytes, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }
  archive.finalize();
  await done;
}

/** The regular files of a gzip-compressed tar, by name (directories and links are left out). */
export async function readTarGz(path: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const reader = extract();
  reader.on('entry', (headers, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      if ((headers.type ?? 'file') === 'file') out.set(headers.name.replace(/^\.\//, ''), Buffer.concat(chunks));
      next();
    });
    stream.resume();
  });
  await pipeline(Readable.from([gunzipSync(await readFile(path))]), reader);
  return out;
}
