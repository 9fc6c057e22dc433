import { BACKUPS_HAPPEN } from './rule-sets.js';
import type { Framework } from './types.js';

// Level 3, 8.1.4 安全计算环境 (secure computing environment), item 8.1.4.9. The clause number was checked against
// public MLPS 2.0 level-3 checklists indexed by the code search ("GB/T 22239-2019 8.1.4.9 数据备份恢复"), the text of
// a) against http://16933.com.cn/index.php?ac=article&at=read&did=2295. Only a) is mapped: b) (remote real-time backup)
// and c) (hot redundancy) ask for what no rule here can see.
export const mlps: Framework = {
  id: 'mlps',
  title: 'GB/T 22239-2019 (MLPS 2.0), level 3',
  controls: [
    {
      id: '8.1.4.9',
      title: '数据备份恢复',
      clause: 'a) 应提供重要数据的本地数据备份与恢复功能 (provide local data backup and recovery of important data).',
      evidence: { backups: BACKUPS_HAPPEN },
    },
  ],
};
