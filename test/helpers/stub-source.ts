import { ProviderError } from '../../src/core/errors.js';
import { registry } from '../../src/core/registry.js';
import type { NormalizedBackup } from '../../src/domain/backup.js';
import type { BackupSource } from '../../src/providers/types.js';

/**
 * A provider port implementation whose listings a test sets directly, for engine tests that are about
 * what happens after a poll (the real adapters have their own tests against the simulator).
 */
export function stubSource(id = 'aliyun/rds') {
  const listings = new Map<string, NormalizedBackup[] | ProviderError>();
  const [cloud, service] = id.split('/') as [BackupSource['cloud'], string];
  const source: BackupSource = {
    id,
    cloud,
    service,
    async *list(_account, _name, target) {
      const l = listings.get(target.instance) ?? [];
      if (l instanceof ProviderError) throw l;
      yield { items: l, total: l.length };
    },
  };
  return {
    sources: registry('backup source', [source]),
    set: (instance: string, l: NormalizedBackup[] | ProviderError) => listings.set(instance, l),
  };
}

export const H = 3_600_000;

export function completed(id: string, endedAt: number, over: Partial<NormalizedBackup> = {}): NormalizedBackup {
  return {
    backupId: id,
    name: null,
    kind: 'full',
    trigger: 'automated',
    status: 'completed',
    rawStatus: 'Success',
    startedAt: endedAt - H,
    endedAt,
    sizeBytes: 1e9,
    raw: {},
    ...over,
  };
}
