/** Clouds the simulator speaks; grows as APIs are added (one handler file per API). */
export type SimCloud = 'aliyun' | 'ucloud' | 'otc' | 'huaweicloud';

/**
 * Credentials the simulator accepts, as the provider would know them. The key pair is named the
 * Alibaba way but serves every cloud: UCloud PublicKey/PrivateKey, Huawei/OTC AK/SK.
 */
export interface SimAccount {
  readonly cloud: SimCloud;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** Huawei/OTC: the project the account's AK/SK and tokens are scoped to; UCloud: an optional ProjectId. */
  readonly projectId?: string;
  /** Huawei/OTC IAM password login (token auth) for this account, if it allows one. */
  readonly password?: { readonly domain: string; readonly user: string; readonly password: string };
  /** The provider's per-account API quota; over it, requests get the provider's throttling error. */
  readonly rateLimit?: SimRateLimit;
}

/**
 * A token bucket: `perSecond` requests a second on average, up to `burst` at once (default
 * `perSecond`, at least 1). Counted per access key over every simulated API of the account.
 */
export interface SimRateLimit {
  readonly perSecond: number;
  readonly burst?: number;
}

/** One backup as the simulated provider stores it; handlers render it in their API's own shape. */
export interface SimBackup {
  /** Numeric text for Alibaba (rendered as a JSON number), any text elsewhere. */
  readonly id: string;
  /** The provider's own word, e.g. `Success` or `Failed` for Alibaba, `COMPLETED` for OTC. */
  readonly status: string;
  /** Backup name where the API has one (UCloud BackupName, OTC/DDS name). */
  readonly name?: string;
  readonly kind: 'full' | 'incremental';
  readonly mode: 'Automated' | 'Manual';
  /** Epoch ms. */
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly sizeBytes: number;
  readonly method?: 'Physical' | 'Logical';
}

/** One simulated database instance of one service. */
export interface SimInstance {
  readonly cloud: SimCloud;
  readonly service: string;
  readonly id: string;
  readonly regionId: string;
  /** UCloud zone (required by ListUPgSQLBackup), where the API has one. */
  readonly zone?: string;
  /** Display name where the API lists one (DDS `instance_name`). */
  readonly name?: string;
  /** Newest first, as provider listings return them. */
  readonly backups: readonly SimBackup[];
}

/** A new backup; `id` is assigned (the next numeric id) when omitted. */
export type SimBackupInput = Omit<SimBackup, 'id'> & { readonly id?: string };
export type SimInstanceInput = Omit<SimInstance, 'backups'> & { readonly backups?: readonly SimBackupInput[] };

/** What `GET /_sim/fleet` returns: everything except account secrets. */
export interface FleetSnapshot {
  readonly accounts: readonly { readonly cloud: SimCloud; readonly accessKeyId: string; readonly rateLimit?: SimRateLimit }[];
  readonly instances: readonly SimInstance[];
}

const FIRST_BACKUP_ID = 300_000_000;

/** Newest first; ties (same start) by descending id, numerically, so the order never depends on insertion. */
const newestFirst = (a: SimBackup, b: SimBackup): number => b.startedAt - a.startedAt || b.id.localeCompare(a.id, 'en', { numeric: true });

/**
 * The simulated providers' state: accounts and instances with their backups. Mutable on purpose,
 * so a test can add a backup or fail one between two polls (or between two pages of one poll).
 */
export class Fleet {
  readonly #accounts = new Map<string, SimAccount>();
  readonly #instances = new Map<string, { info: Omit<SimInstance, 'backups'>; backups: SimBackup[] }>();
  #nextId = FIRST_BACKUP_ID;

  /** Registers credentials; throws if the access key id is taken. */
  addAccount(account: SimAccount): SimAccount {
    if (this.#accounts.has(account.accessKeyId)) throw new Error(`simulator: account ${account.accessKeyId} already exists`);
    const { rateLimit, ...rest } = account;
    this.#accounts.set(account.accessKeyId, rest);
    return rateLimit ? this.setRateLimit(account.accessKeyId, rateLimit) : rest;
  }

  /** The account with this access key id, if registered. */
  account(accessKeyId: string): SimAccount | undefined {
    return this.#accounts.get(accessKeyId);
  }

  /** Every account, in the order added. */
  accounts(): SimAccount[] {
    return [...this.#accounts.values()];
  }

  /** Sets (or, with undefined, lifts) an account's rate limit; throws on an unknown key or a limit that is not positive. */
  setRateLimit(accessKeyId: string, limit: SimRateLimit | undefined): SimAccount {
    const current = this.#accounts.get(accessKeyId);
    if (!current) throw new Error(`simulator: no account ${accessKeyId}`);
    if (limit && !(limit.perSecond > 0 && (limit.burst === undefined || limit.burst >= 1))) {
      throw new Error(`simulator: a rate limit needs perSecond > 0 and burst >= 1, got ${JSON.stringify(limit)}`);
    }
    const { rateLimit: _old, ...rest } = current;
    const updated: SimAccount = limit ? { ...rest, rateLimit: { ...limit } } : rest;
    this.#accounts.set(accessKeyId, updated);
    return updated;
  }

  /** Adds an instance (and its backups); throws if the id is taken. */
  addInstance(input: SimInstanceInput): SimInstance {
    if (this.#instances.has(input.id)) throw new Error(`simulator: instance ${input.id} already exists`);
    const { backups = [], ...info } = input;
    this.#instances.set(input.id, { info: { ...info }, backups: [] });
    for (const backup of backups) this.addBackup(input.id, backup);
    return this.#view(input.id);
  }

  /** The instance with a snapshot of its backups, newest first; undefined when unknown. */
  instance(id: string): SimInstance | undefined {
    return this.#instances.has(id) ? this.#view(id) : undefined;
  }

  /** Every instance, in the order added. */
  instances(): SimInstance[] {
    return [...this.#instances.keys()].map((id) => this.#view(id));
  }

  /** Adds a backup, keeping newest-first order; throws on an unknown instance or a duplicate id. */
  addBackup(instanceId: string, input: SimBackupInput): SimBackup {
    const entry = this.#entry(instanceId);
    const id = input.id ?? String(this.#nextId);
    if (entry.backups.some((b) => b.id === id)) throw new Error(`simulator: backup ${id} already exists on ${instanceId}`);
    if (/^\d+$/.test(id)) this.#nextId = Math.max(this.#nextId, Number(id) + 1);
    const backup: SimBackup = { ...input, id };
    entry.backups.push(backup);
    entry.backups.sort(newestFirst);
    return backup;
  }

  /** Changes fields of a backup (a running backup finishing, a success turning into a failure...). */
  updateBackup(instanceId: string, backupId: string, patch: Partial<Omit<SimBackup, 'id'>>): SimBackup {
    const entry = this.#entry(instanceId);
    const index = entry.backups.findIndex((b) => b.id === backupId);
    const current = entry.backups[index];
    if (!current) throw new Error(`simulator: no backup ${backupId} on ${instanceId}`);
    // Absent and undefined both mean "unchanged" (a parsed JSON patch carries undefined for omitted keys).
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<SimBackup>;
    const updated: SimBackup = { ...current, ...defined, id: backupId };
    entry.backups[index] = updated;
    entry.backups.sort(newestFirst);
    return updated;
  }

  /** Removes a backup (retention expiry); false when it was not there. */
  removeBackup(instanceId: string, backupId: string): boolean {
    const entry = this.#entry(instanceId);
    const before = entry.backups.length;
    entry.backups = entry.backups.filter((b) => b.id !== backupId);
    return entry.backups.length < before;
  }

  /** A JSON-ready copy for `GET /_sim/fleet`, without secrets. */
  snapshot(): FleetSnapshot {
    return {
      accounts: [...this.#accounts.values()].map(({ cloud, accessKeyId, rateLimit }) => ({
        cloud,
        accessKeyId,
        ...(rateLimit && { rateLimit }),
      })),
      instances: this.instances(),
    };
  }

  #entry(instanceId: string): { info: Omit<SimInstance, 'backups'>; backups: SimBackup[] } {
    const entry = this.#instances.get(instanceId);
    if (!entry) throw new Error(`simulator: no instance ${instanceId}`);
    return entry;
  }

  #view(id: string): SimInstance {
    const entry = this.#entry(id);
    return { ...entry.info, backups: [...entry.backups] };
  }
}
