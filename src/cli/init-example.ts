/**
 * The full example written by `init --example`: every cloud, every service and every option the
 * config accepts, each with a comment. Secrets are all `{env: NAME}` so the file passes `validate`
 * once the variables in EXAMPLE_ENV_VARS are set; `test/cli/init.test.ts` proves it.
 */

/** Every environment variable the example reads, in the order a person would set them. */
export const EXAMPLE_ENV_VARS = [
  'UCLOUD_PUBLIC_KEY',
  'UCLOUD_PRIVATE_KEY',
  'OTC_AK',
  'OTC_SK',
  'HUAWEICLOUD_PASSWORD',
  'ALI_AK',
  'ALI_SK',
  'ALI_STS_TOKEN',
  'SMTP_URL',
  'SLACK_WEBHOOK_URL',
  'WEBHOOK_SECRET',
  'HEARTBEAT_URL',
  'API_TOKEN',
] as const;

/** The example config text, starting with the editor's schema line. */
export function exampleConfig(schemaRef: string): string {
  return `# yaml-language-server: $schema=${schemaRef}
# backup-auditor: a full example with every cloud and every option (written by \`backup-auditor init --example\`).
# Delete what you do not need; \`backup-auditor validate\` checks the result and \`backup-auditor doctor\`
# tries the credentials. Secrets are never written here: each names an environment variable
# ({ env: NAME }) or a file ({ file: ./path }, relative to this file). Set before running:
#   ${EXAMPLE_ENV_VARS.join(' ')}

database: ./data/backup-auditor.db      # SQLite file; created and migrated on first use
# redis: redis://127.0.0.1:6379         # scale-out: uncomment to run jobs through BullMQ workers
queue:                                  # job tuning (lock and stall settings only matter with redis)
  prefix: backup-auditor                # key prefix, so deployments can share one Redis
  lockDuration: 30s                     # a dead worker's job is retried after about this
  stalledInterval: 30s                  # how often workers look for jobs of dead workers
  pollConcurrency: 16                   # polls the daemon runs at once (rate limits still apply per account)
timezone: Europe/Berlin                 # schedules, report periods and times typed on the command line
schedules:
  poll: "*/30 * * * *"                  # cron: when every target is polled
  report: "0 8 * * 1"                   # cron: the weekly report
  discover: "0 * * * *"                 # cron: listing the instances of accounts with discover:
  dbBackup: "0 3 * * *"                 # cron: the daemon's backup of its own database (with dbBackup:)
  prune: "30 3 * * *"                   # cron: pruning what retention: no longer keeps (with retention:)
dbBackup: { dir: ./backups, keep: 14 }  # checked copies of the evidence; evidence-backup alarms when they stop
retention: { polls: 400d, pages: 400d, notifications: 400d }  # older detail pruned; the evidence chain still verifies
# evidence: { signingKey: { file: ./secrets/signing.pem } }  # Ed25519 (openssl genpkey -algorithm ed25519): signs report --out
http:                                   # the daemon's /healthz and /metrics; remove to disable
  listen: 127.0.0.1:9464
  apiToken: { env: API_TOKEN }          # optional: turns on POST /api/v1/drills (Authorization: Bearer <token>)
heartbeat:                              # dead-man's switch: pinged each poll cycle, healthchecks.io style
  url: { env: HEARTBEAT_URL }           # <url>/start, then <url> when healthy or <url>/fail when blind
  timeout: 10s

accounts:
  uc-prod:                              # UCloud: UPgSQL and TiDB
    cloud: ucloud
    publicKey: { env: UCLOUD_PUBLIC_KEY }
    privateKey: { env: UCLOUD_PRIVATE_KEY }
    # privateKey: { file: ./secrets/ucloud-private-key }   # or read from a file (relative to this config)
    projectId: org-abc                  # optional; sub-accounts must set it
    endpoint: https://api.ucloud.cn     # optional; the default shown
    rateLimit: { perSecond: 10 }        # optional; requests per second for this account
    discover:                           # optional: list every instance (coverage, backup-policy)
      regions: [cn-zj]                  # ucloud: required (instances are listed per Region)
      services: [upgsql, tidb]          # optional; default: every service of the cloud
      autoTargets: false                # only report uncovered instances; true (default) makes them targets
  otc-prod:                             # Open Telekom Cloud RDS, AK/SK signing
    cloud: otc
    region: eu-de
    projectId: 0483b6b16e954cb88930a360d2c4e663
    auth: { type: aksk, accessKey: { env: OTC_AK }, secretKey: { env: OTC_SK } }
    endpoint: https://rds.eu-de.otc.t-systems.com       # optional
    iamEndpoint: https://iam.eu-de.otc.t-systems.com    # optional
    rateLimit: { perSecond: 5 }
  hw-prod:                              # Huawei Cloud DDS, IAM password login (token auth)
    cloud: huaweicloud
    region: cn-north-4
    projectId: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
    auth: { type: password, domain: acme, user: auditor, password: { env: HUAWEICLOUD_PASSWORD } }
    # auth: { type: aksk, accessKey: { env: HUAWEICLOUD_AK }, secretKey: { env: HUAWEICLOUD_SK } }
    endpoint: https://dds.cn-north-4.myhuaweicloud.com  # optional
    iamEndpoint: https://iam.cn-north-4.myhuaweicloud.com  # optional
  ali-prod:                             # Alibaba Cloud RDS
    cloud: aliyun
    regionId: cn-hangzhou
    accessKeyId: { env: ALI_AK }
    accessKeySecret: { env: ALI_SK }
    securityToken: { env: ALI_STS_TOKEN }  # optional: STS temporary credentials
    signatureVersion: v1                # optional: v1 (RPC HMAC-SHA1, default) or v3 (ACS3-HMAC-SHA256)
    endpoint: https://rds.aliyuncs.com  # optional
    # endpoint: http://10.0.0.5:8080    # plain http is refused unless loopback, or with:
    allowInsecure: false                # true accepts a plain-http endpoint on another host (a trusted proxy)
    rateLimit: { perSecond: 10 }
    discover:                           # every RDS instance becomes a target <account>/rds/<instance>
      labels: { env: prod }             # given to the generated targets, so profiles select them
      exclude:                          # left out of coverage and auto-targets
        - rm-bp0scratch000000           # an instance id, or an id/name glob
        - { match: "test-*", reason: "test databases are rebuilt nightly from prod dumps" }

targets:                                # one per database instance; the id is what findings hang on
  - id: orders-pg
    account: uc-prod
    service: upgsql                     # ucloud: upgsql | tidb
    instance: LLtYwYlt
    region: cn-zj                       # ucloud: required (the API's Region)
    zone: cn-zj-01                      # ucloud upgsql: required (the API's Zone)
    labels: { team: payments, env: prod }
    rules: { recent-success: { maxAge: 12h }, size-anomaly: false }
  - id: ledger-tidb
    account: uc-prod
    service: tidb
    instance: tidb-abc123
    region: cn-zj
    labels: { team: ledger, env: prod }
  - id: billing-rds
    account: otc-prod
    service: rds                        # otc: rds
    instance: 0c7d4f2e8b1a4c3d9e6f5a4b3c2d1e0fin03
    labels: { team: billing, env: prod }
    schedule: "0 * * * *"               # optional: poll this target on its own cron
  - id: catalog-mongo
    account: hw-prod
    service: dds                        # huaweicloud: dds
    instance: 9a8b7c6d5e4f4a3b2c1d0e9f8a7b6c5din02
    labels: { team: catalog, env: staging }
  - id: shop-mysql
    account: ali-prod
    service: rds                        # aliyun: rds
    instance: rm-bp1234567890abcde
    region: cn-shanghai                 # optional for aliyun: overrides the account's regionId
    labels: { team: shop, env: prod }
    rules:
      retention: { minCount: 14, window: 14d, minAge: 7d, kinds: [full] }

rules:                                  # defaults for every target; each also takes severity: critical|warning|info
  recent-success: { maxAge: 24h, kinds: [], severity: critical }
  failed-backup: { lookback: 24h, severity: warning }
  stuck-running: { maxDuration: 6h, severity: warning }
  poll-failing: { after: 3, maxStaleness: 2h, permanentAfter: 1, severity: warning }
  retention: { minCount: 7, window: 7d, severity: warning }
  size-anomaly: { maxDrop: 0.5, history: 7, severity: warning }
  target-missing: { severity: critical }
  coverage: { severity: warning }       # accounts with discover: every primary is a target or excluded
  backup-policy: { minRetentionDays: 7, requireAutomated: true, window: "00:00-06:00", minDaysPerWeek: 7 }
  evidence-backup: { maxAge: 2d }      # the auditor's own database backups (dbBackup:)
profiles:                               # rule parameters chosen by labels (after rules:, before a target's own)
  - match: { env: staging }
    rules: { recent-success: { maxAge: 48h }, retention: false }
  - match: { env: prod }                # off unless configured: restore drills and gaps closed after the fact
    rules:
      restore-drill: { maxAge: 90d, maxDuration: 4h }   # drills recorded by \`drill record\` or POST /api/v1/drills
      backup-gap: { window: 7d, maxGap: 26h, kinds: [] }

channels:
  oncall-mail:
    type: email
    smtp: { env: SMTP_URL }             # smtp://user:pass@host:587 or smtps://user:pass@host:465
    from: backup-auditor@example.com
    to: [dba@example.com]
    cc: [audit@example.com]
    subjectPrefix: "[backup-auditor]"
    requireTls: true                    # smtp:// only: refuse to send without STARTTLS
    tlsRejectUnauthorized: true         # false accepts a relay's self-signed certificate
    sendResolved: true                  # overrides alerting.sendResolved for this channel
  db-slack:
    type: slack
    webhook: { env: SLACK_WEBHOOK_URL }
  audit-hook:
    type: webhook
    url: https://hooks.example.com/backup-auditor
    secret: { env: WEBHOOK_SECRET }     # X-Signature: hex HMAC-SHA256 of the body
    sendResolved: false
routes:                                 # the first matching route wins unless it says continue: true
  - match: { severity: critical }
    channels: [oncall-mail, db-slack]
    continue: true
    repeatInterval: 4h                  # reminders while firing (default alerting.repeatInterval)
  - matchRe: { team: "pay.*|shop" }     # regular expressions that must match the whole value
    channels: [audit-hook]
  - channels: [db-slack]                # no match = default route
alerting:
  groupWait: 30s                        # changes of one cycle go out as one digest per channel
  repeatInterval: 24h
  sendResolved: true
report:
  channels: [oncall-mail]               # the weekly report's recipients
  chromium: /usr/bin/chromium           # prints PDF reports; default: chromium, chromium-browser or google-chrome on PATH
  attachPdf: true                       # email gets report-<week>.pdf too (sent without it, and logged, if Chromium fails)
frameworks: [iso27001, soc2]            # the report's Controls section and \`controls\`: iso27001 soc2 nist80053 hipaa bsi-c5 dora mlps
`;
}
