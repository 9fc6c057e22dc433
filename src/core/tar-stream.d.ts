// tar-stream 2.2.0 ships no types: the part of its API src/core/tar.ts uses.
declare module 'tar-stream' {
  import type { Readable, Writable } from 'node:stream';

  export interface Headers {
    name: string;
    size?: number;
    mode?: number;
    mtime?: Date;
    type?: 'file' | 'directory' | 'symlink' | 'link' | null;
  }
  export interface Pack extends Readable {
    entry(headers: Headers, buffer: Buffer | string, callback?: (err: Error | null) => void): Writable;
    finalize(): void;
  }
  export interface Extract extends Writable {
    on(event: 'entry', listener: (headers: Headers, stream: Readable, next: () => void) => void): this;
    on(event: 'finish', listener: () => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
  }
  export function pack(): Pack;
  export function extract(): Extract;
}
